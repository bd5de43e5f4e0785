import Foundation
import WinnowCore

/// Settings of the extract stage.
public struct ExtractSettings: Sendable {
    /// Documents whose main text has fewer visible characters are dropped as `no_main_text`.
    public var minTextChars: Int = 1
    /// The form of `text`.
    public var format: TextFormat = .text
    /// Keep image captions and credits (off by default: they are not the article's prose).
    public var includeCaptions = false
    /// How the blocks of the main text are chosen.
    public var method: ExtractMethod = .model
    public init() {}
}

/// How the extract stage chooses the blocks of the main text.
public enum ExtractMethod: String, Sendable, CaseIterable {
    /// The learned block model (`BlockModel`), which reads the rules' choices among its features.
    case model
    /// The hand-written rules alone (`MainTextFinder`): the best-scoring container on article
    /// pages, the element with most of the text on others.
    case rules
}

/// The form of the extracted text.
public enum TextFormat: String, Sendable, CaseIterable {
    /// Paragraphs separated by `\n`.
    case text
    /// Headings, lists, block quotes, tables and code as Markdown; blocks separated by a blank line.
    case markdown
}

/// The extract stage: the main text of a page (paragraphs separated by `\n`) and its metadata.
public struct Extractor: Sendable {
    public let settings: ExtractSettings

    public init(settings: ExtractSettings = ExtractSettings()) { self.settings = settings }

    public func extract(_ page: SegmentedPage, url: String?) throws(Drop) -> Extraction {
        let ld = MetadataExtractor.jsonLD(page.info.jsonLD)
        let (indices, kind, described, written) = mainText(page, ld: ld, url: url)
        guard written else { throw Drop(.extract, .noMainText, "no main text found") }
        var text: String
        switch settings.format {
        case .text:
            text = indices.map { page.blocks[$0].text }.joined(separator: "\n")
        case .markdown:
            text = MarkdownRenderer(page: page).render(indices)
        }
        if let described { text = text.isEmpty ? described : text + "\n" + described }
        var extraction = Extraction(text: text)
        MetadataExtractor.fill(&extraction, page: page, ld: ld, url: url, mainStart: indices.first, kind: kind)
        return extraction
    }

    /// A page with less main text than this, in characters, takes its JSON-LD product
    /// description as text, when that has at least `descriptionChars`. On the development pages
    /// two shop pages show next to nothing (one of them three words of its reviews) and their
    /// truth is the description (0.0 -> 0.96 and 0.0 -> 0.51); with more text shown, adding the
    /// description lost more than it won (16 pages, 13 of them worse: -0.67 summed): those pages
    /// show their own.
    package static let describedBelow = 200
    static let descriptionChars = 150

    /// The JSON-LD product description a page with little main text takes as its text, when it
    /// is long enough.
    static func structuredDescription(_ ld: MetadataExtractor.LD) -> String? {
        ld.productDescription.flatMap { $0.count >= descriptionChars ? $0 : nil }
    }

    /// What `extract` adds to a page's main text when that has fewer than `describedBelow`
    /// characters: for the training script, which chooses the blocks itself.
    package func structuredDescription(_ page: SegmentedPage) -> String? {
        Self.structuredDescription(MetadataExtractor.jsonLD(page.info.jsonLD))
    }

    /// The main text's blocks, the page's kind, the JSON-LD product description added to a page
    /// showing little text (a shop page whose description only its structured data carries: the
    /// page's scripts write it in), and whether that is enough text to write the page.
    private func mainText(_ page: SegmentedPage, ld: MetadataExtractor.LD, url: String?)
        -> (indices: [Int], kind: PageKind, described: String?, written: Bool)
    {
        let (indices, kind, _) = mainBlocks(page, url: url, types: ld.types, trace: nil)
        let visible = indices.reduce(0) { $0 + page.blocks[$1].chars }
        let described = visible < Self.describedBelow ? Self.structuredDescription(ld) : nil
        return (indices, kind, described, visible + (described?.count ?? 0) >= max(1, settings.minTextChars))
    }

    /// The title and date candidates `extract` chooses among, with their features and scores,
    /// and whether it writes the page: for the models' training script (`winnow features`). A
    /// page with too little text has its candidates too.
    package func metadataCandidates(_ page: SegmentedPage, url: String?) -> (titles: [ScoredCandidate], dates: [ScoredCandidate], written: Bool) {
        let ld = MetadataExtractor.jsonLD(page.info.jsonLD)
        let main = mainText(page, ld: ld, url: url)
        var extraction = Extraction(text: "")
        var scored: (titles: [ScoredCandidate], dates: [ScoredCandidate]) = ([], [])
        MetadataExtractor.fill(&extraction, page: page, ld: ld, url: url, mainStart: main.indices.first, kind: main.kind) { scored = ($0, $1) }
        return (scored.titles, scored.dates, main.written)
    }

    private func mainBlocks(_ page: SegmentedPage, url: String?, types: Set<String>, trace: BlockTrace?) -> ([Int], PageKind, MainTextFinder) {
        let (selected, kind, finder) = selectedBlocks(page, url: url, types: types, trace: trace)
        let unquoted = Self.withoutRepeatedQuotes(selected, page: page, trace: trace)
        return (Self.withoutRepeatedRuns(unquoted, page: page, trace: trace), kind, finder)
    }

    /// A run of at least this many chosen blocks, of at least `repeatedRunChars` characters, that
    /// repeats block for block a run chosen before it is a copy (`withoutRepeatedRuns`). Chosen on
    /// the cross-validated figures (`scripts/train_extract.py`, RUN_BLOCKS and RUN_CHARS).
    static let repeatedRunBlocks = 20
    static let repeatedRunChars = 3000
    /// The latest earlier occurrences of a block's text tried as the start of the run it copies.
    static let repeatedRunStarts = 16

    /// The chosen blocks less each run of `repeatedRunBlocks` or more that repeats, block for
    /// block, a run chosen before it and ending before it: the page's text sent again for another
    /// screen size (a layout that renders each breakpoint's copy and lets CSS show one) or for
    /// browsers without scripts (a `<noscript>` copy). The text has it once. Shorter repeats stay:
    /// recipes, price lists and API references repeat lines their readers see twice.
    /// (`scripts/train_extract.py` repeats this step for the cross-validation.)
    static func withoutRepeatedRuns(_ indices: [Int], page: SegmentedPage, trace: BlockTrace?) -> [Int] {
        // A copy of a run needs the run before it.
        guard indices.count >= 2 * repeatedRunBlocks else { return indices }
        // A copy is the same text, block for block: blocks are keyed by their length and their
        // first and last bytes and compared byte for byte where those agree. (On the WCXB pages,
        // three alternating runs against the build before: keys of their words, as for quotes,
        // cost the extract stage about 29% more time; a Dictionary of the texts themselves, whose
        // String hashing normalises, about 19% (two runs); an FNV-1a hash of every byte about 8%.)
        let keys = indices.map { Self.signature(page.blocks[$0].text) }
        func same(_ a: Int, _ b: Int) -> Bool {
            keys[a] == keys[b] && Self.sameBytes(page.blocks[indices[a]].text, page.blocks[indices[b]].text)
        }
        // The latest block of each signature (an open-addressing table on the signature), and for
        // each block the one before it of its signature (-1 for none): the earlier occurrences,
        // latest first.
        let mask = (1 << (Int.bitWidth - (2 * keys.count - 1).leadingZeroBitCount)) - 1
        var latest = [Int](repeating: -1, count: mask + 1)
        var previous = [Int](repeating: -1, count: keys.count)
        func slot(_ t: Int) -> Int {
            let k = keys[t]
            var h = Int(truncatingIfNeeded: (UInt64(k.count) &* 0x9e37_79b9_7f4a_7c15 ^ k.head ^ k.tail &* 0xc2b2_ae3d_27d4_eb4f) >> 17) & mask
            while latest[h] >= 0 && keys[latest[h]] != k { h = (h + 1) & mask }
            return h
        }
        func record(_ t: Int, at h: Int) {
            previous[t] = latest[h]
            latest[h] = t
        }
        var drop = [Bool](repeating: false, count: keys.count)
        var j = 0
        while j < keys.count {
            var best = 0
            let h = slot(j)
            var s = latest[h]
            var tried = 0
            while s >= 0 && tried < repeatedRunStarts {
                var n = 0
                while j + n < keys.count && s + n < j && same(s + n, j + n) { n += 1 }
                best = max(best, n)
                s = previous[s]
                tried += 1
            }
            let run = j..<(j + best)
            if best >= repeatedRunBlocks && run.reduce(0, { $0 + page.blocks[indices[$1]].text.unicodeScalars.count }) >= repeatedRunChars {
                for t in run {
                    drop[t] = true
                    record(t, at: t == j ? h : slot(t))
                    trace?.reasons[indices[t]] = "part of a copy of \(best) blocks kept before"
                }
                j += best
            } else {
                record(j, at: h)
                j += 1
            }
        }
        guard drop.contains(true) else { return indices }
        return zip(indices, drop).compactMap { $1 ? nil : $0 }
    }

    /// A block's length in UTF-8 bytes and its first and last eight bytes.
    struct Signature: Hashable {
        var count: Int
        var head: UInt64
        var tail: UInt64
    }

    /// Whether two texts have the same UTF-8 bytes (one `memcmp`; a generic walk of the two
    /// UTF-8 views cost 2.5% of the extract stage's instructions).
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
    }

    /// (Over the text's contiguous bytes: the generic prefix and suffix of its UTF-8 view cost
    /// 1.2% of the extract stage's instructions.)
    static func signature(_ text: String) -> Signature {
        var text = text
        return text.withUTF8 { bytes in
            var head: UInt64 = 0
            var tail: UInt64 = 0
            for byte in bytes.prefix(8) { head = head << 8 | UInt64(byte) }
            for byte in bytes.suffix(8) { tail = tail << 8 | UInt64(byte) }
            return Signature(count: bytes.count, head: head, tail: tail)
        }
    }

    /// The chosen blocks less each quoted block (in a `<blockquote>`) whose words repeat a block
    /// already chosen: a reply quoting an earlier post says it again; the text has it once.
    static func withoutRepeatedQuotes(_ indices: [Int], page: SegmentedPage, trace: BlockTrace?) -> [Int] {
        // Only a quote after the first kept block can repeat one; blocks after the last quote
        // cannot be dropped and need no key.
        guard let lastQuote = indices.lastIndex(where: { page.blocks[$0].inQuote }), lastQuote > 0 else { return indices }
        var seen = Set<[UInt8]>()
        var kept: [Int] = []
        kept.reserveCapacity(indices.count)
        for (position, index) in indices.enumerated() {
            guard position <= lastQuote else {
                kept.append(index)
                continue
            }
            let key = wordKey(page.blocks[index].text)
            if page.blocks[index].inQuote && !key.isEmpty && seen.contains(key) {
                trace?.reasons[index] = "a quote of a block already kept"
                continue
            }
            seen.insert(key)
            kept.append(index)
        }
        return kept
    }

    /// A block's words one space apart, as UTF-8: runs of letters, numbers and `_`, as Python's
    /// `\w+` finds them (`scripts/train_extract.py` repeats this step for the cross-validation).
    static func wordKey(_ text: String) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(text.utf8.count)
        var inWord = false
        for scalar in text.unicodeScalars {
            let isWord = scalar.isASCII ? asciiWordByte[Int(scalar.value)] : isWordScalar(scalar)
            if isWord {
                if !inWord && !key.isEmpty { key.append(0x20) }
                if scalar.isASCII { key.append(UInt8(scalar.value)) } else { UTF8.encode(scalar) { key.append($0) } }
            }
            inWord = isWord
        }
        return key
    }

    private static let asciiWordByte: [Bool] = (0..<128).map { b in
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F
    }

    /// A letter (general categories L*) or a number (any numeric type), as Python's `str.isalnum`.
    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return scalar.properties.numericType != nil
        }
    }

    private func selectedBlocks(_ page: SegmentedPage, url: String?, types: Set<String>, trace: BlockTrace?) -> ([Int], PageKind, MainTextFinder) {
        let kind = PageKind.classify(page, url: url, jsonLDTypes: types)
        var finder = MainTextFinder(page: page, commentsAreContent: kind == .discussion)
        finder.includeCaptions = settings.includeCaptions
        // The model learned from whole pages; a fragment of a few blocks is outside what it saw.
        let method = page.blocks.count < ExtractRules.modelMinBlocks ? .rules : settings.method
        switch method {
        case .rules:
            finder.trace = trace
            return (Self.rulesBlocks(finder, kind: kind, trace: trace), kind, finder)
        case .model:
            // The features read the rules as trained: without the captions option.
            var plain = finder
            plain.includeCaptions = false
            let vectors = Self.features(page, types: types, kind: kind, finder: plain)
            let probabilities = BlockModel.withoutFooters(BlockModel.shipped.probabilities(vectors), vectors)
            let threshold = BlockModel.threshold(kind)
            let cost = BlockModel.switchCost(kind)
            let keep = BlockModel.keep(probabilities, threshold: threshold, cost: cost)
            var kept: [Int] = []
            trace?.mode =
                "model: the likeliest run of blocks whose probability of being main text is at least \(threshold), "
                + "each change between kept and left out costing \(cost)"
            for (index, p) in probabilities.enumerated() {
                if keep[index] || (settings.includeCaptions && isCaptionOfKept(index, page: page, kept: kept, keep: keep)) {
                    kept.append(index)
                } else if vectors.values[index * BlockFeatures.FeatureMatrix.columns + BlockModel.footerColumn] > 0 {
                    trace?.reasons[index] = "model: inside a <footer>"
                } else {
                    trace?.reasons[index] = String(format: "model: probability %.2f", p)
                }
            }
            return (kept, kind, finder)
        }
    }

    /// The rules' choice: the best-scoring container on article pages, the element with most of
    /// the text on others (the container's choice when that finds nothing).
    private static func rulesBlocks(_ finder: MainTextFinder, kind: PageKind, trace: BlockTrace?) -> [Int] {
        switch kind {
        case .article:
            return finder.mainBlocks()
        case .discussion, .other:
            let indices = finder.fullContentBlocks()
            if !indices.isEmpty { return indices }
            trace?.reasons = [:]
            return finder.mainBlocks()
        }
    }

    /// With `includeCaptions`: a caption or figure block next to a kept block (before it, or
    /// after it when the next text block is kept).
    private func isCaptionOfKept(_ index: Int, page: SegmentedPage, kept: [Int], keep: [Bool]) -> Bool {
        let block = page.blocks[index]
        guard block.kind == .caption || block.inFigure else { return false }
        if kept.last == index - 1 { return true }
        var next = index + 1
        while next < page.blocks.count && (page.blocks[next].kind == .caption || page.blocks[next].inFigure) { next += 1 }
        return next < keep.count && keep[next]
    }

    /// The learned model's features of each block (`BlockFeatures`), with the rules' decisions among them.
    package func featureVectors(_ page: SegmentedPage, url: String?) -> BlockFeatures.FeatureMatrix {
        let ld = MetadataExtractor.jsonLD(page.info.jsonLD)
        let kind = PageKind.classify(page, url: url, jsonLDTypes: ld.types)
        let finder = MainTextFinder(page: page, commentsAreContent: kind == .discussion)
        return Self.features(page, types: ld.types, kind: kind, finder: finder)
    }

    private static func features(_ page: SegmentedPage, types: Set<String>, kind: PageKind, finder: MainTextFinder) -> BlockFeatures.FeatureMatrix {
        let rules = BlockFeatures.Rules(
            kind: kind, articleKept: Set(finder.mainBlocks()), fullKept: Set(finder.fullContentBlocks()),
            negative: finder.negative, positive: finder.positive, furniture: finder.furniture, classOf: finder.classOf,
            classCount: finder.classCount, tagOf: finder.tagOf, tagNames: finder.tagNames, parents: finder.parents)
        return BlockFeatures(page: page, ldTypes: types, rules: rules).vectors()
    }

    /// Each block of a page, kept or left out and why: what `winnow inspect --html` shows.
    public func explain(_ page: SegmentedPage, url: String?) -> BlockExplanation {
        let ld = MetadataExtractor.jsonLD(page.info.jsonLD)
        let trace = BlockTrace()
        let (indices, kind, finder) = mainBlocks(page, url: url, types: ld.types, trace: trace)
        let kept = Set(indices)
        let blocks = page.blocks.enumerated().map { i, block in
            BlockExplanation.Entry(
                kind: block.kind.rawValue, element: finder.describe(block.element), text: block.text,
                value: finder.value(of: block), linkDensity: block.linkDensity, kept: kept.contains(i),
                reason: kept.contains(i) ? "kept" : (trace.reasons[i] ?? "not selected"))
        }
        return BlockExplanation(pageKind: "\(kind)", mode: trace.mode, blocks: blocks)
    }
}

/// The extraction's decisions on one page.
public struct BlockExplanation: Sendable {
    public struct Entry: Sendable {
        public var kind: String
        public var element: String
        public var text: String
        /// The score the block gives its containers (prose blocks; 0 for others).
        public var value: Double
        public var linkDensity: Double
        public var kept: Bool
        public var reason: String
    }
    public var pageKind: String
    public var mode: String
    public var blocks: [Entry]
}

extension Extractor: Stage {
    public var name: StageName { .extract }
    public var input: StageName { .segment }

    public func process(_ content: WorkItem.Content, origin: DocumentOrigin) -> Disposition {
        guard case .segmented(let page) = content else { return .kept(content) }
        do { return .kept(.extracted(try extract(page, url: origin.url))) } catch { return .dropped(error) }
    }
}
