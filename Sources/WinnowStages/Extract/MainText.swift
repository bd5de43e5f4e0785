import WinnowCore

/// Finds the main text of a segmented page.
///
/// 1. Each prose-like block (paragraph, quote, list item, pre; few links) scores its nearest
///    container element fully, the container's parent by half and the grandparent by a third.
/// 2. Each container's score is scaled by its class/id (article-like up, boilerplate-like down)
///    and by its link density; the best container is the core of the main text.
/// 3. Siblings of the core that score well join it (articles split in several `<div>`s).
/// 4. Within that region, blocks are kept unless they are boilerplate: inside a boilerplate
///    element below the region (share bars, bylines, captions, related links, comments), the
///    headline (`h1`), link lists, or short furniture ("Advertisement", "By ...").
struct MainTextFinder {
    let page: SegmentedPage
    /// When set, records why each block left out was left out (`winnow inspect --html`).
    var trace: BlockTrace?
    /// Keep image captions and credits inside the main text (Markdown output's option).
    var includeCaptions = false

    /// Per element: whether its own class/id (not its ancestors') marks it boilerplate or content.
    private(set) var negative: [Bool] = []
    private(set) var positive: [Bool] = []
    /// Per element: its parent's index (-1 at the top), read once: the walks up the tree below
    /// read only this, not whole elements.
    let parents: [Int32]
    /// Per element: the number of its class/id string among the page's distinct ones (the first
    /// seen is 0), -1 without one; `classCount` of them.
    private(set) var classOf: [Int32] = []
    private(set) var classCount = 0
    /// Per element: the number of its tag among the page's distinct tags (the first seen is 0),
    /// whose names `tagNames` has in that order.
    private(set) var tagOf: [Int32] = []
    private(set) var tagNames: [String] = []
    /// Per element: whether its tag holds the paragraphs of a text (`ExtractRules.containerTags`).
    private var isContainer: [Bool] = []
    /// Per element: whether its class/id names an embedded social post (`ExtractRules.embedClasses`).
    private var embedded: [Bool] = []
    /// Per block: short furniture by its words (`isFurnitureText`), worked out once for the
    /// rules and the model's features.
    private(set) var furniture: [Bool] = []

    /// On forum and Q&A pages the replies are the content: comment patterns do not mark boilerplate.
    var commentsAreContent = false

    init(page: SegmentedPage, commentsAreContent: Bool = false) {
        self.page = page
        self.commentsAreContent = commentsAreContent
        let parents = page.elements.map(\.parent)
        self.parents = parents
        // Prose below each element, to tell layout wrappers that hold the article from boilerplate.
        var proseAll = [Double](repeating: 0, count: page.elements.count)
        var total = 0.0
        for i in page.blocks.indices where Self.isProse(page.blocks[i]) {
            let amount = Double(page.blocks[i].chars) * (1 - page.blocks[i].linkDensity)
            total += amount
            var e = page.blocks[i].element
            while e >= 0 {
                proseAll[Int(e)] += amount
                e = parents[Int(e)]
            }
        }
        // The class/id patterns matched once per distinct class/id string of the page (cards and
        // list items repeat theirs), for both verdicts; the tag tables read once per distinct tag.
        var classSlots = Slots()
        var tagSlots = Slots()
        var classGroups: [UInt32] = []
        var classOf = [Int32](repeating: -1, count: page.elements.count)
        var tagOf = [Int32](repeating: 0, count: page.elements.count)
        for (i, e) in page.elements.enumerated() {
            let (t, newTag) = tagSlots.slot(e.tag)
            if newTag { tagNames.append(e.tag) }
            tagOf[i] = Int32(t)
            guard !e.classID.isEmpty else { continue }
            let (c, new) = classSlots.slot(e.classID)
            if new { classGroups.append(ExtractRules.classMatcher.groups(in: e.classID)) }
            classOf[i] = Int32(c)
        }
        self.classOf = classOf
        self.tagOf = tagOf
        classCount = classGroups.count
        let boilerplateTag = tagNames.map { ExtractRules.boilerplateTags.contains($0) }
        let containerTag = tagNames.map { ExtractRules.containerTags.contains($0) }
        isContainer = tagOf.map { containerTag[Int($0)] }
        let groups = classOf.map { $0 < 0 ? 0 : classGroups[Int($0)] }
        negative = page.elements.indices.map { i in
            Self.negativeKind(
                page.elements[i], boilerplateTag: boilerplateTag[Int(tagOf[i])], groups: groups[i],
                holdsMostProse: total > 0 && proseAll[i] >= max(ExtractRules.weakNegativeProseChars, total * ExtractRules.weakNegativeProseShare),
                commentsAreContent: commentsAreContent)
        }
        positive = page.elements.indices.map { i in Self.isPositive(page.elements[i], groups: groups[i], negative: negative[i]) }
        embedded = groups.map { $0 & ExtractRules.embedGroup != 0 }
        furniture = page.blocks.map(Self.isFurnitureText)
    }

    /// Whether an element is boilerplate by its tag or class/id (`groups`: its class/id matches).
    /// `boilerplateTag`: whether its tag is one of `ExtractRules.boilerplateTags`.
    static func negativeKind(
        _ e: ElementInfo, boilerplateTag: Bool, groups found: UInt32, holdsMostProse: Bool, commentsAreContent: Bool = false
    ) -> Bool {
        if e.tag == "body" || e.tag == "html" || e.tag == "main" { return false }
        if boilerplateTag && !holdsMostProse { return true }
        if e.classID.isEmpty { return false }
        if found & ExtractRules.strongNegativeGroup != 0 && !commentsAreContent { return found & ExtractRules.overrideGroup == 0 }
        if holdsMostProse || found & ExtractRules.overrideGroup != 0 { return false }
        return found & ExtractRules.negativeGroup != 0
    }

    static func isPositive(_ e: ElementInfo, groups: UInt32, negative: Bool) -> Bool {
        if negative { return false }
        if e.tag == "article" || e.tag == "main" { return true }
        return groups & (ExtractRules.overrideGroup | ExtractRules.positiveGroup) != 0
    }

    /// Indices of the blocks that make up the main text, in order.
    func mainBlocks() -> [Int] {
        guard !page.blocks.isEmpty else { return [] }
        let scores = containerScores()
        guard let (best, bestScore) = bestContainer(scores) else { return fallback() }
        trace?.core = describe(best)
        let core = grown(best, scores)
        let region = region(around: core, bestScore: bestScore, scores)
        trace?.mode = "article: the best-scoring container \(describe(core)) and well-scoring siblings"
        let kept = keptBlocks(in: region)
        return kept.isEmpty ? fallback() : kept
    }

    /// Per element: the prose score of the blocks it contains (a block scores its container, the
    /// parent and the grandparent), its text and link text, its prose (not counted past a
    /// boilerplate element), and the longest prose block directly in it or its non-container descendants.
    struct Scores {
        var score: [Double]
        var chars: [Int]
        var linkChars: [Int]
        var prose: [Double]
        var longestProse: [Int]

        func linkDensity(_ i: Int, empty: Double = 0) -> Double { chars[i] == 0 ? empty : Double(linkChars[i]) / Double(chars[i]) }
    }

    private func containerScores() -> Scores {
        let elements = page.elements
        let n = elements.count
        var s = Scores(
            score: [Double](repeating: 0, count: n), chars: [Int](repeating: 0, count: n), linkChars: [Int](repeating: 0, count: n),
            prose: [Double](repeating: 0, count: n), longestProse: [Int](repeating: 0, count: n))
        for block in page.blocks where block.element >= 0 {
            // Text totals up the whole path, for link density of containers.
            var e = block.element
            while e >= 0 {
                s.chars[Int(e)] += block.chars
                s.linkChars[Int(e)] += block.linkChars
                e = parents[Int(e)]
            }
            guard isProse(block) else { continue }
            var p = block.element
            let amount = Double(block.chars) * (1 - block.linkDensity)
            while p >= 0 {
                s.prose[Int(p)] += amount
                if negative[Int(p)] { break }
                p = parents[Int(p)]
            }
            let value = blockValue(block)
            var container = block.element
            s.longestProse[Int(container)] = max(s.longestProse[Int(container)], block.chars)
            while container >= 0 && !isContainer[Int(container)] {
                container = parents[Int(container)]
            }
            var weight = 1.0
            var level = 0
            while container >= 0 && level < 3 {
                s.score[Int(container)] += value * weight
                level += 1
                weight = level == 1 ? 0.5 : 1.0 / 3.0
                container = parents[Int(container)]
            }
        }
        return s
    }

    /// The best-scoring container, weighted by its class/id and link density, and its score.
    private func bestContainer(_ scores: Scores) -> (Int32, Double)? {
        var best: Int32 = -1
        var bestScore = 0.0
        for i in page.elements.indices where scores.score[i] > 0 {
            var s = scores.score[i]
            if positive[i] { s *= 1.25 }
            if negative[i] { s *= 0.3 }
            s *= 1 - scores.linkDensity(i)
            if s > bestScore {
                bestScore = s
                best = Int32(i)
            }
        }
        return best >= 0 ? (best, bestScore) : nil
    }

    /// Articles split over several containers (chunks between ads, sections between figures):
    /// climbs from `best` to the ancestor that holds clearly more of the page's prose.
    private func grown(_ best: Int32, _ scores: Scores) -> Int32 {
        let elements = page.elements
        var children = [[Int32]](repeating: [], count: elements.count)
        for (i, e) in elements.enumerated() where e.parent >= 0 { children[Int(e.parent)].append(Int32(i)) }
        // A chunk continues the article when it repeats the core's container (same tag and
        // class), as articles split between ads or figures do; teaser lists and sidebars do not.
        var hasTwin = [Bool](repeating: false, count: elements.count)
        let signature = (elements[Int(best)].tag, elements[Int(best)].classID)
        for (i, e) in elements.enumerated() where Int32(i) != best && e.tag == signature.0 && e.classID == signature.1 {
            var a = Int32(i)
            while a >= 0 && !hasTwin[Int(a)] {
                hasTwin[Int(a)] = true
                a = parents[Int(a)]
            }
        }
        let unnamedCore = signature.1.isEmpty
        var core = best
        var path = best
        var ancestor = parents[Int(best)]
        while ancestor >= 0 && !negative[Int(ancestor)] {
            // Only substantial chunks of prose count, not scattered snippets around the page.
            let chunk = max(ExtractRules.expansionMinChars, scores.prose[Int(core)] * ExtractRules.expansionChunkShare)
            var gain = 0.0
            for child in children[Int(ancestor)] where child != path && !negative[Int(child)] && scores.prose[Int(child)] >= chunk {
                let density = scores.linkDensity(Int(child), empty: 1)
                if hasTwin[Int(child)] || (unnamedCore && density < ExtractRules.chunkMaxLinkDensity) {
                    gain += scores.prose[Int(child)]
                }
            }
            if gain >= scores.prose[Int(core)] * (ExtractRules.expansionRatio - 1) { core = ancestor }
            path = ancestor
            ancestor = parents[Int(ancestor)]
        }
        return core
    }

    /// The core and its well-scoring siblings (or siblings holding a long prose block).
    private func region(around core: Int32, bestScore: Double, _ scores: Scores) -> Set<Int32> {
        let elements = page.elements
        var region = Set<Int32>([core])
        let parent = parents[Int(core)]
        guard parent >= 0 else { return region }
        let threshold = max(10, bestScore * 0.2)
        for i in elements.indices where parents[i] == parent && Int32(i) != core && !negative[i] {
            let density = scores.linkDensity(i)
            if scores.score[i] * (1 - density) >= threshold || (density < 0.2 && scores.longestProse[i] >= ExtractRules.siblingProseChars) {
                region.insert(Int32(i))
            }
        }
        return region
    }

    /// The blocks of the region but boilerplate, and but the sections under a boilerplate heading.
    private func keptBlocks(in region: Set<Int32>) -> [Int] {
        // The region as a flag per element: every block looks up its ancestors in it.
        var inRegion = [Bool](repeating: false, count: page.elements.count)
        for e in region { inRegion[Int(e)] = true }
        var kept: [Int] = []
        // A boilerplate heading ("Related stories", "More from ...") ends the text it heads:
        // the blocks after it in its container are dropped, up to a heading of the same rank.
        var skipScope: Int32 = -1
        var skipLevel = 0
        for (index, block) in page.blocks.enumerated() {
            guard let root = regionRoot(of: block, in: inRegion) else {
                trace?.reasons[index] = "outside the main region"
                continue
            }
            if skipScope >= 0 {
                let rankEnds = block.kind == .heading && block.level <= skipLevel
                if rankEnds || !isInside(block.element, skipScope) { skipScope = -1 }
            }
            if skipScope < 0 && isBoilerplateHeading(block) {
                skipScope = max(0, parents[Int(block.element)])
                skipLevel = block.kind == .heading ? block.level : 6
                trace?.reasons[index] = "boilerplate heading: drops the section it heads"
                continue
            }
            if skipScope >= 0 {
                trace?.reasons[index] = "in a section under a boilerplate heading"
                continue
            }
            // The reason's text is made only when traced (the right side of `trace?.` is not
            // evaluated without a trace).
            if let why = dropReason(block, at: index, below: root) { trace?.reasons[index] = describe(why) } else { kept.append(index) }
        }
        return kept
    }

    /// The region element the block sits in (itself or an ancestor), or nil when outside.
    private func regionRoot(of block: Block, in region: [Bool]) -> Int32? {
        var e = block.element
        while e >= 0 {
            if region[Int(e)] { return e }
            e = parents[Int(e)]
        }
        return nil
    }

    private func isInside(_ element: Int32, _ ancestor: Int32) -> Bool {
        var e = element
        while e >= 0 {
            if e == ancestor { return true }
            e = parents[Int(e)]
        }
        return false
    }

    /// Headings (or short heading-like lines) that introduce page furniture, not a section of the text.
    private func isBoilerplateHeading(_ block: Block) -> Bool {
        guard block.chars < 60 else { return false }
        if block.kind != .heading {
            // A line styled as a heading (a div or span, not a paragraph) with no sentence in it.
            guard block.kind == .paragraph, block.chars < 40, page.elements[Int(block.element)].tag != "p",
                !block.text.utf8.contains(UInt8(ascii: ":")), let last = block.text.unicodeScalars.last,
                !".!?;,\"”’)".unicodeScalars.contains(last)
            else { return false }
        }
        let lower = FastCase.lowercased(block.text)
        // A text that starts with an entry Character by Character (as `hasPrefix` compares)
        // starts with its bytes when both are NFC, as page text and the table are: `hasPrefix`
        // runs only on those (it normalises as it goes, and ran for every entry on every heading).
        return ExtractRules.boilerplateHeadingTable.startsAny(lower) { lower.hasPrefix(ExtractRules.boilerplateHeadings[$0]) }
    }

    private func isProse(_ block: Block) -> Bool { Self.isProse(block) }

    static func isProse(_ block: Block) -> Bool {
        switch block.kind {
        case .paragraph, .quote, .pre, .listItem, .tableCell:
            return block.chars >= ExtractRules.minScoringChars && block.linkDensity < ExtractRules.maxLinkDensity
        case .heading, .caption:
            return false
        }
    }

    /// What a prose block adds to its containers: its length, with a bonus for sentence punctuation.
    /// (Commas and full stops count up to ten, so the count stops at the tenth: prose blocks are
    /// long, and this runs for every prose block of every page.)
    private func blockValue(_ block: Block) -> Double {
        var text = block.text
        let commas = text.withUTF8 { bytes in
            var n = 0
            for b in bytes where b == UInt8(ascii: ",") || b == UInt8(ascii: ".") {
                n += 1
                if n == 10 { break }
            }
            return n
        }
        return (1 + Double(commas) * 0.5 + min(Double(block.chars) / 100, 3)) * (1 - block.linkDensity)
    }

    /// Why a block is left out of the main text (described only when traced).
    enum LeftOut {
        case insideBoilerplate(Int32)
        case headline
        case caption
        case furniture
        case linkDensity(Double)
        case linkHeading
        case outsideMainContent
        case navigationLink
    }

    /// A reason as `winnow inspect --html` shows it.
    func describe(_ reason: LeftOut) -> String {
        switch reason {
        case .insideBoilerplate(let e): return "inside boilerplate element \(describe(e))"
        case .headline: return "the headline (h1; it is metadata.title)"
        case .caption: return "image caption or credit (--captions keeps them)"
        case .furniture: return "furniture: a short boilerplate phrase"
        case .linkDensity(let d): return String(format: "link density %.2f over %.2f", d, ExtractRules.maxLinkDensity)
        case .linkHeading: return "a heading that is a link"
        case .outsideMainContent: return "outside the main content element"
        case .navigationLink: return "a short link in a list (navigation)"
        }
    }

    private func isFigure(_ e: Int32) -> Bool { page.elements[Int(e)].tag == "figure" || page.elements[Int(e)].tag == "figcaption" }

    /// Why a block of the main region is left out, nil when it is kept.
    private func dropReason(_ block: Block, at index: Int, below root: Int32) -> LeftOut? {
        // Boilerplate elements between the block and the region root; none count above an
        // embedded social post.
        var e = block.element
        while e >= 0 && e != root {
            if embedded[Int(e)] { break }
            if negative[Int(e)] && !(includeCaptions && isFigure(e)) { return .insideBoilerplate(e) }
            e = parents[Int(e)]
        }
        if block.kind == .heading && block.level == 1 { return .headline }
        if block.kind == .caption || block.inFigure {
            if !includeCaptions { return .caption }
            return furniture[index] ? .furniture : nil
        }
        if block.linkDensity > ExtractRules.maxLinkDensity && !(block.kind == .heading) { return .linkDensity(block.linkDensity) }
        if block.kind == .heading && block.linkDensity > 0.9 { return .linkHeading }
        if furniture[index] { return .furniture }
        return nil
    }

    /// An element as `tag.class-or-id` for explanations.
    func describe(_ e: Int32) -> String {
        guard e >= 0 && Int(e) < page.elements.count else { return "(none)" }
        let element = page.elements[Int(e)]
        return element.classID.isEmpty ? "<\(element.tag)>" : "<\(element.tag) \"\(element.classID.prefix(60))\">"
    }

    /// Short blocks that are page furniture by their words.
    static func isFurnitureText(_ block: Block) -> Bool {
        guard block.chars < ExtractRules.shortBlockChars else { return false }
        let checksPrefixes = block.chars < 60 || block.sentenceEnds.count <= 1
        guard checksPrefixes || block.chars < 80 else { return false }
        // ASCII text is not lowercased: the phrase pre-check, the prefixes and the matcher fold
        // ASCII case themselves (the tables are lowercase), so only the phrase test needs a copy.
        let ascii = FastCase.isASCII(block.text)
        let lower = ascii ? block.text : FastCase.lowercased(block.text)
        // Whole-block phrases, punctuation aside ("Advertisement", "Share this:").
        if block.chars < 60 && mayBeBoilerplatePhrase(lower) {
            if ascii {
                if isASCIIBoilerplatePhrase(lower) { return true }
            } else if ExtractRules.boilerplatePhrases.contains(CharacterSetLite.withoutPunctuation(lower).trimmingSpaces()) {
                return true
            }
        }
        if checksPrefixes {
            // Byte prefixes: the text and the table are both NFC.
            if ExtractRules.boilerplatePrefixTable.startsAny(lower) { return true }
        }
        if block.chars < 80 && ExtractRules.furnitureMatcher.groups(in: lower) != 0 { return true }
        return false
    }

    /// `boilerplatePhrases.contains(withoutPunctuation(text.lowercased()).trimmingSpaces())` for
    /// ASCII `text`, on its bytes: A-Z folded, the bytes `withoutPunctuation` drops left out, and
    /// the spaces and carriage returns at either end (the only whitespace it keeps) trimmed. (The
    /// String way was a third of the furniture test's cost on the WCXB pages.)
    static func isASCIIBoilerplatePhrase(_ text: String) -> Bool {
        var kept: [UInt8] = []
        kept.reserveCapacity(text.utf8.count)
        for var b in text.utf8 where !CharacterSetLite.dropsASCII(b) {
            if b >= 0x41 && b <= 0x5a { b |= 0x20 }
            kept.append(b)
        }
        var start = 0
        var end = kept.count
        while start < end && (kept[start] == 0x20 || kept[start] == 0x0d) { start += 1 }
        while end > start && (kept[end - 1] == 0x20 || kept[end - 1] == 0x0d) { end -= 1 }
        let length = end - start
        guard length < ExtractRules.asciiBoilerplatePhrasesByLength.count else { return false }
        return ExtractRules.asciiBoilerplatePhrasesByLength[length].contains { kept[start..<end].elementsEqual($0) }
    }

    /// False when `withoutPunctuation(lower).trimmingSpaces()` cannot be a boilerplate phrase, told
    /// cheaply from the bytes (ASCII letters folded to lowercase): more ASCII letters and digits
    /// than the longest phrase has bytes (the test keeps them all), or first two kept bytes that
    /// start no phrase (unknown, and so true, when a non-ASCII byte comes before them).
    private static func mayBeBoilerplatePhrase(_ lower: String) -> Bool {
        lower.utf8.withContiguousStorageIfAvailable { bytes in
            var alphanumerics = 0
            var start: UInt16 = 0
            var kept = 0
            var startKnown = true
            for var b in bytes {
                if b >= 0x80 {
                    if kept < 2 { startKnown = false }
                    continue
                }
                if (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39) { alphanumerics += 1 }
                if b >= 0x41 && b <= 0x5a { b |= 0x20 }
                if kept < 2 && !CharacterSetLite.dropsASCII(b) && !(kept == 0 && (b == 0x20 || b == 0x0d)) {
                    start = start << 8 | UInt16(b)
                    kept += 1
                }
            }
            guard alphanumerics <= ExtractRules.longestBoilerplatePhrase else { return false }
            guard startKnown else { return true }
            return kept == 2 && ExtractRules.boilerplatePhraseStarts.contains(start)
        } ?? true
    }

    /// The whole main content of a page that is not one article (product, listing, forum, service,
    /// documentation pages): the smallest element holding most of the page's non-link text, with
    /// every block in it but boilerplate elements, navigation-like link lists and furniture.
    func fullContentBlocks() -> [Int] {
        guard !page.blocks.isEmpty else { return [] }
        let negative = fullContentNegative()
        let root = fullContentRoot(negative)
        guard root.total > 0 else { return [] }
        var kept: [Int] = []
        trace?.mode = "full content: everything in \(describe(root.element)), the deepest element with most of the page's text"
        for (index, block) in page.blocks.enumerated() {
            if let why = fullContentReason(block, at: index, root: root.element, negative) {
                trace?.reasons[index] = describe(why)
            } else {
                kept.append(index)
            }
        }
        return kept
    }

    /// The boilerplate marks of the elements, but for an element with half the page's text.
    private func fullContentNegative() -> [Bool] {
        let elements = page.elements
        var textAll = [Double](repeating: 0, count: elements.count)
        var totalAll = 0.0
        for block in page.blocks {
            let amount = Double(block.chars - block.linkChars)
            totalAll += amount
            var e = block.element
            while e >= 0 {
                textAll[Int(e)] += amount
                e = parents[Int(e)]
            }
        }
        return elements.indices.map { self.negative[$0] && textAll[$0] < totalAll * 0.5 }
    }

    /// The deepest element with most of the text outside boilerplate, and that text's total.
    private func fullContentRoot(_ negative: [Bool]) -> (element: Int32, total: Double) {
        let elements = page.elements
        var text = [Double](repeating: 0, count: elements.count)
        var total = 0.0
        var path: [Int32] = []
        for block in page.blocks {
            let amount = Double(block.chars - block.linkChars)
            var e = block.element
            var blocked = false
            path.removeAll(keepingCapacity: true)
            while e >= 0 {
                if negative[Int(e)] { blocked = true }
                path.append(e)
                e = parents[Int(e)]
            }
            if blocked { continue }
            total += amount
            for p in path { text[Int(p)] += amount }
        }
        var root: Int32 = -1
        var rootDepth: Int32 = -1
        for i in elements.indices where text[i] >= total * ExtractRules.fullContentShare && !negative[i] {
            if elements[i].depth > rootDepth {
                root = Int32(i)
                rootDepth = elements[i].depth
            }
        }
        return (root, total)
    }

    /// Why a block of a full-content page is left out, or nil when it is kept.
    private func fullContentReason(_ block: Block, at index: Int, root: Int32, _ negative: [Bool]) -> LeftOut? {
        var e = block.element
        var inside = root < 0
        var boilerplate: Int32 = -1
        while e >= 0 {
            if e == root {
                inside = true
                break
            }
            if negative[Int(e)] && !(includeCaptions && isFigure(e)) { boilerplate = e }
            e = parents[Int(e)]
        }
        if !inside { return .outsideMainContent }
        if boilerplate >= 0 { return .insideBoilerplate(boilerplate) }
        if (block.kind == .caption || block.inFigure) && !includeCaptions { return .caption }
        if block.kind == .heading && block.level == 1 { return .headline }
        if block.linkDensity > 0.9 && block.kind == .listItem && block.chars < 40 { return .navigationLink }
        if furniture[index] { return .furniture }
        return nil
    }

    /// When no container stands out: every prose block with few links.
    private func fallback() -> [Int] {
        var kept: [Int] = []
        trace?.mode = "fallback: no container stands out; every prose block of 40 characters or more with few links"
        trace?.reasons = [:]
        for (i, block) in page.blocks.enumerated() {
            if isProse(block) && block.chars >= 40 && !furniture[i] {
                kept.append(i)
            } else {
                trace?.reasons[i] =
                    isProse(block) && block.chars >= 40 ? "furniture: a short boilerplate phrase" : "not prose, or under 40 characters"
            }
        }
        return kept
    }

    /// The value a prose block gives its containers (0 for other blocks).
    func value(of block: Block) -> Double { isProse(block) ? blockValue(block) : 0 }
}

/// Punctuation tests on Unicode scalars without Foundation's CharacterSet.
enum CharacterSetLite {
    /// `text` without its punctuation, symbols and whitespace but for plain spaces.
    static func withoutPunctuation(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var ascii = true
        for b in text.utf8 {
            if b >= 0x80 {
                ascii = false
                break
            }
            if !asciiDropped[Int(b)] { bytes.append(b) }
        }
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        // ASCII scalars by the table, the others by their Unicode category.
        return String(text.unicodeScalars.filter { $0.isASCII ? !asciiDropped[Int($0.value)] : !isPunctuationOrSpace($0) })
    }

    /// Whether `withoutPunctuation` drops the ASCII byte `b`.
    static func dropsASCII(_ b: UInt8) -> Bool { asciiDropped[Int(b)] }

    /// For each ASCII byte: whether `withoutPunctuation` drops it.
    private static let asciiDropped: [Bool] = (0..<128).map { v in
        let s = Unicode.Scalar(UInt8(v))
        return isPunctuationOrSpace(s) && s != " "
    }

    static func isPunctuationOrSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation, .spaceSeparator, .mathSymbol, .otherSymbol:
            return true
        default:
            return s == "\t" || s == "\n"
        }
    }
}

/// Why each block was left out of the main text, recorded when asked for (`winnow inspect --html`).
final class BlockTrace {
    var mode = ""
    var core = ""
    var reasons: [Int: String] = [:]
}
