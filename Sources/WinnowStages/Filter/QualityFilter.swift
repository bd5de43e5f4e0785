import WinnowCore

/// The quality stage: evaluates the configured rules on an extraction. Filter-mode rules drop the
/// document (or, for line rules, remove lines); annotate-mode rules write their score to
/// `metadata.quality_scores` and, when the document would fail them, their name to
/// `metadata.quality_flags`.
public enum QualityFilter {
    public static func apply(_ settings: QualitySettings, to extraction: inout Extraction) -> Drop? {
        guard !settings.rules.isEmpty else { return nil }
        var run = Evaluation(profile: TextProfile(extraction.text, badWords: settings.badWords))
        defer {
            if let text = run.newText { extraction.text = text }
            if !run.scores.isEmpty || settings.rules.contains(where: { $0.mode == .annotate }) {
                extraction.qualityScores = run.scores
                extraction.qualityFlags = run.flags
            }
        }
        for rule in settings.rules {
            // Line rules run together, when the next document rule or the end comes.
            if rule.rule.kind == .lines {
                run.lineRules.append(rule)
                continue
            }
            if let drop = run.finishLines() { return drop }
            if let drop = run.evaluate(rule) { return drop }
        }
        return run.finishLines()
    }

    /// One document's evaluation: its text's profile, the scores and flags so far, the line rules
    /// waiting to run together, and the text they left.
    private struct Evaluation {
        var profile: TextProfile
        var scores: [(String, Double)] = []
        var flags: [String] = []
        var lineRules: [ConfiguredRule] = []
        var newText: String?

        /// A document rule: its score, and in filter mode the drop when it fails.
        mutating func evaluate(_ rule: ConfiguredRule) -> Drop? {
            let score = profile.score(rule.rule.measure)
            let fails = (rule.parameter("min").map { score < $0 } ?? false) || (rule.parameter("max").map { score > $0 } ?? false)
            switch rule.mode {
            case .annotate:
                scores.append((rule.rule.name, score))
                if fails { flags.append(rule.rule.name) }
            case .filter:
                if fails { return Drop(.quality, DropReason(rawValue: rule.rule.name), QualityFilter.explain(rule, score)) }
            }
            return nil
        }

        /// Runs the waiting line rules: scores the annotating ones, removes the lines the filtering
        /// ones fail, and drops the document when no line is left.
        mutating func finishLines() -> Drop? {
            guard !lineRules.isEmpty else { return nil }
            defer { lineRules = [] }
            let (failing, keep, contentLines) = failingLines()
            var worst: (Int, String)?
            for (r, rule) in lineRules.enumerated() {
                let share = contentLines == 0 ? 0 : Double(failing[r]) / Double(contentLines)
                if rule.mode == .annotate {
                    scores.append((rule.rule.name, share))
                    if contentLines > 0 && failing[r] == contentLines { flags.append(rule.rule.name) }
                } else if failing[r] > (worst?.0 ?? 0) {
                    worst = (failing[r], rule.rule.name)
                }
            }
            guard keep.contains(false) else { return nil }
            let kept = keptLines(keep)
            guard !kept.isEmpty else {
                let name = worst?.1 ?? "c4_terminal_punctuation"
                return Drop(.quality, DropReason(rawValue: name), "no line is left after \(name)")
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(profile.bytes.count)
            for (k, line) in kept.enumerated() {
                if k > 0 { bytes.append(0x0a) }
                bytes.append(contentsOf: profile.bytes[line])
            }
            let text = String(decoding: bytes, as: UTF8.self)
            newText = text
            profile = TextProfile(text, badWords: profile.badWords)
            return nil
        }

        /// Per line rule, the content lines it fails; which lines every filtering rule keeps.
        private func failingLines() -> (failing: [Int], keep: [Bool], contentLines: Int) {
            let lines = profile.rawLines
            var failing = [Int](repeating: 0, count: lineRules.count)
            var keep = [Bool](repeating: true, count: lines.count)
            var contentLines = 0
            let needsWords = lineRules.contains { $0.rule.measure == .wordsPerLine || $0.rule.measure == .wordLength }
            for (i, line) in lines.enumerated() {
                let trimmed = profile.trim(line)
                guard !trimmed.isEmpty else { continue }
                contentLines += 1
                let words = needsWords ? profile.wordRanges(in: trimmed) : [] // once per line, for the rules that count words
                for (r, rule) in lineRules.enumerated() where !QualityFilter.passes(rule, line: trimmed, words: words, in: profile) {
                    failing[r] += 1
                    if rule.mode == .filter { keep[i] = false }
                }
            }
            return (failing, keep, contentLines)
        }

        /// The kept lines, without runs of blank lines or blank lines at the ends.
        private func keptLines(_ keep: [Bool]) -> [Range<Int>] {
            var kept: [Range<Int>] = []
            for (i, line) in profile.rawLines.enumerated() where keep[i] {
                let blank = profile.trim(line).isEmpty
                if blank && (kept.last.map { profile.trim($0).isEmpty } ?? true) { continue }
                kept.append(line)
            }
            while let last = kept.last, profile.trim(last).isEmpty { kept.removeLast() }
            return kept
        }
    }

    static func explain(_ rule: ConfiguredRule, _ score: Double) -> String {
        func show(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.3f", x) }
        let value = show(score)
        var bounds: [String] = []
        if let min = rule.parameter("min") { bounds.append("min \(show(min))") }
        if let max = rule.parameter("max") { bounds.append("max \(show(max))") }
        return "\(rule.rule.name) \(value) (\(bounds.joined(separator: ", ")))"
    }

    static let policyPhrases: [[UInt8]] = ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"].map {
        Array($0.utf8)
    }
    static let javascript = Array("javascript".utf8)
    static let terminalEnds: [[UInt8]] = [".", "!", "?", "\"", "'", "”", "’", "…", "。", "！", "？"].map { Array($0.utf8) }

    /// Whether a (trimmed, non-empty) line passes a line rule; `words` are the line's words.
    static func passes(_ rule: ConfiguredRule, line: Range<Int>, words: [Range<Int>], in profile: TextProfile) -> Bool {
        switch rule.rule.measure {
        case .terminalPunctuation:
            return profile.endsInTerminalPunctuation(line)
        case .wordsPerLine:
            return Double(words.count) >= (rule.parameter("min") ?? 3)
        case .wordLength:
            let max = rule.parameter("max") ?? 1000
            return !words.contains { Double(profile.scalarCount($0)) > max }
        case .javascript:
            return !profile.containsFolded(javascript, in: line)
        case .policy:
            return !policyPhrases.contains { profile.containsFolded($0, in: line) }
        default:
            return true
        }
    }
}

/// What the document rules measure, computed once per document on the text's UTF-8 bytes (no
/// `Character` iteration: grapheme breaking and Foundation string search cost more than the rules).
struct TextProfile {
    let bytes: [UInt8]
    /// The text split at line breaks, empty lines included.
    let rawLines: [Range<Int>]
    /// Non-empty lines, trimmed.
    let lines: [Range<Int>]
    /// Whitespace-separated words.
    let words: [Range<Int>]
    /// Each word without leading and trailing punctuation (empty for a word of punctuation only).
    let cores: [Range<Int>]
    /// The n-gram words, computed for the first n-gram rule and kept for the others.
    private var gramCache: (hashes: [UInt64], lengths: [Int])?
    /// Repeated lines and paragraphs, computed for the first rule that needs them (two rules read each).
    private var lineDuplicates: Duplicates?
    private var paragraphDuplicates: Duplicates?

    /// Items that repeat an earlier one: their share of the items, their characters' share of the
    /// items' characters, and those characters.
    struct Duplicates {
        var share: Double
        var charShare: Double
        var chars: Int
    }

    /// The list `c4_badwords` counts (`QualitySettings.badWords`).
    let badWords: BadWords?

    init(_ text: String, badWords: BadWords? = nil) {
        self.badWords = badWords
        bytes = Array(text.utf8)
        let bytes = self.bytes
        var raw: [Range<Int>] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == 0x0a {
            raw.append(start..<i)
            start = i + 1
        }
        raw.append(start..<bytes.count)
        rawLines = raw
        var trimmed: [Range<Int>] = []
        for line in raw {
            let t = TextProfile.trim(bytes, line)
            if !t.isEmpty { trimmed.append(t) }
        }
        lines = trimmed
        let b = bytes
        let w = TextProfile.wordRanges(b, 0..<b.count)
        words = w
        cores = w.map { TextProfile.core(b, $0) }
        gramCache = nil
        lineDuplicates = nil
        paragraphDuplicates = nil
    }

    /// The length of a whitespace byte sequence at `i` (ASCII space, tab, CR, LF, no-break and
    /// ideographic space), 0 when none.
    @inline(__always)
    static func spaceLength(_ b: [UInt8], _ i: Int, _ end: Int) -> Int {
        let c = b[i]
        if c == 0x20 || c == 0x0a || c == 0x09 || c == 0x0d { return 1 }
        if c == 0xc2 && i + 1 < end && b[i + 1] == 0xa0 { return 2 }
        if c == 0xe3 && i + 2 < end && b[i + 1] == 0x80 && b[i + 2] == 0x80 { return 3 }
        return 0
    }

    static func trim(_ b: [UInt8], _ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound
        var hi = r.upperBound
        while lo < hi {
            let n = spaceLength(b, lo, hi)
            if n == 0 { break }
            lo += n
        }
        while hi > lo {
            let c = b[hi - 1]
            if c == 0x20 || c == 0x09 || c == 0x0d { hi -= 1 } else if hi - 2 >= lo && b[hi - 2] == 0xc2 && c == 0xa0 { hi -= 2 } else { break }
        }
        return lo..<hi
    }

    func trim(_ r: Range<Int>) -> Range<Int> { TextProfile.trim(bytes, r) }

    static func wordRanges(_ b: [UInt8], _ r: Range<Int>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var i = r.lowerBound
        var start = -1
        while i < r.upperBound {
            let n = spaceLength(b, i, r.upperBound)
            if n > 0 {
                if start >= 0 {
                    result.append(start..<i)
                    start = -1
                }
                i += n
            } else {
                if start < 0 { start = i }
                i += 1
            }
        }
        if start >= 0 { result.append(start..<r.upperBound) }
        return result
    }

    func wordRanges(in r: Range<Int>) -> [Range<Int>] { TextProfile.wordRanges(bytes, r) }

    /// The scalar at `i` and its length in bytes (the input is valid UTF-8: it comes from a String).
    @inline(__always)
    static func scalar(_ b: [UInt8], _ i: Int) -> (Unicode.Scalar, Int) {
        let c = b[i]
        if c < 0x80 { return (Unicode.Scalar(c), 1) }
        var length = 2
        var value = UInt32(c & 0x1f)
        if c >= 0xf0 {
            length = 4
            value = UInt32(c & 0x07)
        } else if c >= 0xe0 {
            length = 3
            value = UInt32(c & 0x0f)
        }
        for k in 1..<length where i + k < b.count { value = value << 6 | UInt32(b[i + k] & 0x3f) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    @inline(__always)
    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 {
            let c = UInt8(s.value)
            return (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7a)
        }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    /// A word without the punctuation around it.
    static func core(_ b: [UInt8], _ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound
        while lo < r.upperBound {
            let (s, n) = scalar(b, lo)
            if isWordScalar(s) { break }
            lo += n
        }
        var hi = r.upperBound
        while hi > lo {
            var start = hi - 1
            while start > lo && b[start] & 0xc0 == 0x80 { start -= 1 }
            if isWordScalar(scalar(b, start).0) { break }
            hi = start
        }
        return lo..<hi
    }

    func scalarCount(_ r: Range<Int>) -> Int {
        var n = 0
        for i in r where bytes[i] & 0xc0 != 0x80 { n += 1 }
        return n
    }

    func hasPrefix(_ r: Range<Int>, _ p: [UInt8]) -> Bool {
        r.count >= p.count && bytes[r.lowerBound..<(r.lowerBound + p.count)].elementsEqual(p)
    }

    func hasSuffix(_ r: Range<Int>, _ p: [UInt8]) -> Bool {
        r.count >= p.count && bytes[(r.upperBound - p.count)..<r.upperBound].elementsEqual(p)
    }

    /// Whether `needle` (lowercase ASCII) occurs in `r`, ASCII case folded.
    func containsFolded(_ needle: [UInt8], in r: Range<Int>) -> Bool {
        guard let first = needle.first, r.count >= needle.count else { return false }
        var i = r.lowerBound
        let last = r.upperBound - needle.count
        while i <= last {
            if bytes[i] | 0x20 == first {
                var k = 1
                while k < needle.count && (bytes[i + k] >= 0x41 && bytes[i + k] <= 0x5a ? bytes[i + k] | 0x20 : bytes[i + k]) == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    func count(_ needle: [UInt8]) -> Int {
        guard !needle.isEmpty, bytes.count >= needle.count else { return 0 }
        var n = 0
        var i = 0
        while i <= bytes.count - needle.count {
            if bytes[i] == needle[0] && bytes[i..<(i + needle.count)].elementsEqual(needle) {
                n += 1
                i += needle.count
            } else {
                i += 1
            }
        }
        return n
    }

    static let threeDots = Array("...".utf8), ellipsis = Array("…".utf8)
    static let stopWords: Set<[UInt8]> = Set(["the", "be", "to", "of", "and", "that", "have", "with"].map { Array($0.utf8) })
    static let bullets: [[UInt8]] = ["•", "-", "*", "‣", "⁃", "◦", "▪", "●", "–", "—", "·"].map { Array($0.utf8) }

    /// Paragraphs: blocks between blank lines when the text has them (markdown), lines otherwise
    /// (the text format writes one paragraph a line).
    var paragraphs: [Range<Int>] {
        guard rawLines.contains(where: { trim($0).isEmpty }) else { return lines }
        var result: [Range<Int>] = []
        var current: Range<Int>?
        for line in rawLines {
            let t = trim(line)
            if t.isEmpty {
                if let c = current { result.append(c) }
                current = nil
            } else {
                current = current.map { $0.lowerBound..<t.upperBound } ?? t
            }
        }
        if let c = current { result.append(c) }
        return result
    }

    mutating func score(_ measure: QualityRule.Measure) -> Double {
        switch measure {
        case .wordCount:
            return Double(words.count)
        case .meanWordLength:
            let real = cores.filter { !$0.isEmpty }
            guard !real.isEmpty else { return 0 }
            return Double(real.reduce(0) { $0 + scalarCount($1) }) / Double(real.count)
        case .symbolRatio:
            guard !words.isEmpty else { return 0 }
            let hashes = bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "#") ? 1 : 0) }
            let ellipses = count(TextProfile.threeDots) + count(TextProfile.ellipsis)
            return Double(max(hashes, ellipses)) / Double(words.count)
        case .bulletLines:
            guard !lines.isEmpty else { return 0 }
            return Double(lines.filter { line in TextProfile.bullets.contains { hasPrefix(line, $0) } }.count) / Double(lines.count)
        case .ellipsisLines:
            guard !lines.isEmpty else { return 0 }
            return Double(lines.filter { hasSuffix($0, TextProfile.threeDots) || hasSuffix($0, TextProfile.ellipsis) }.count) / Double(lines.count)
        case .alphaWords:
            guard !words.isEmpty else { return 0 }
            return Double(words.filter(hasLetter).count) / Double(words.count)
        case .stopWords:
            var found = Set<[UInt8]>()
            for core in cores where core.count >= 2 && core.count <= 4 {
                let folded = bytes[core].map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 }
                if TextProfile.stopWords.contains(folded) { found.insert(folded) }
            }
            return Double(found.count)
        case .duplicateLines, .duplicateLineChars:
            let d = repeatedLines()
            return measure == .duplicateLines ? d.share : d.charShare
        case .duplicateParagraphs, .duplicateParagraphChars:
            let d = paragraphDuplicates ?? duplicates(paragraphs)
            paragraphDuplicates = d
            return measure == .duplicateParagraphs ? d.share : d.charShare
        case .topNGram(let n), .duplicateNGram(let n):
            let gram = gramCache ?? gramWords
            gramCache = gram
            if case .topNGram = measure { return topNGramShare(n, words: gram) }
            return duplicateNGramShare(n, words: gram)
        case .loremIpsum:
            return containsFolded(Array("lorem ipsum".utf8), in: 0..<bytes.count) ? 1 : 0
        case .curlyBraces:
            return bytes.contains(UInt8(ascii: "{")) || bytes.contains(UInt8(ascii: "}")) ? 1 : 0
        case .sentences:
            return Double(lines.reduce(0) { $0 + SentenceSplitter.sentenceEnds(String(decoding: bytes[$1], as: UTF8.self)).count })
        case .terminalPunctuation, .wordsPerLine, .wordLength, .javascript, .policy:
            return 0 // line tests: QualityFilter.passes
        case .punctuatedLines, .shortLines, .duplicateLineCharsOfText, .lineBreaksPerWord:
            return finewebScore(measure)
        case .badWords:
            return Double(badWords?.matches(in: String(decoding: bytes, as: UTF8.self)) ?? 0)
        }
    }

    /// FineWeb's measures (datatrove's `FineWebQualityFilter`, on Winnow's lines and words).
    mutating func finewebScore(_ measure: QualityRule.Measure) -> Double {
        // The text's line breaks: one between each two of its raw lines.
        let lineBreaks = rawLines.count - 1
        switch measure {
        case .punctuatedLines:
            guard !lines.isEmpty else { return 0 }
            return Double(lines.filter { endsInTerminalPunctuation($0) }.count) / Double(lines.count)
        case .shortLines(let length):
            guard !lines.isEmpty else { return 0 }
            return Double(lines.filter { scalarCount($0) <= length }.count) / Double(lines.count)
        case .duplicateLineCharsOfText:
            let total = scalarCount(0..<bytes.count) - lineBreaks
            return total <= 0 ? 0 : Double(repeatedLines().chars) / Double(total)
        case .lineBreaksPerWord:
            guard !words.isEmpty else { return 0 }
            return Double(lineBreaks) / Double(words.count)
        default:
            return 0
        }
    }

    /// The repeated lines, counted for the first rule that needs them (Gopher's two and FineWeb's).
    private mutating func repeatedLines() -> Duplicates {
        let d = lineDuplicates ?? duplicates(lines)
        lineDuplicates = d
        return d
    }

    /// Whether a (trimmed) line ends in terminal punctuation (C4's line rule, FineWeb's share).
    func endsInTerminalPunctuation(_ line: Range<Int>) -> Bool {
        QualityFilter.terminalEnds.contains { hasSuffix(line, $0) }
    }

    func hasLetter(_ r: Range<Int>) -> Bool {
        var i = r.lowerBound
        while i < r.upperBound {
            let c = bytes[i]
            if c < 0x80 {
                if c | 0x20 >= 0x61 && c | 0x20 <= 0x7a { return true }
                i += 1
            } else {
                let (s, n) = TextProfile.scalar(bytes, i)
                if s.properties.isAlphabetic { return true }
                i += n
            }
        }
        return false
    }

    private func hash(_ r: Range<Int>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in r { h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01b3 }
        return Hash128.fmix(h)
    }

    /// The share of items repeating an earlier one, and the share of characters in them.
    func duplicates(_ items: [Range<Int>]) -> Duplicates {
        guard !items.isEmpty else { return Duplicates(share: 0, charShare: 0, chars: 0) }
        var seen = Set<UInt64>()
        var count = 0
        var chars = 0
        var total = 0
        for item in items {
            let n = scalarCount(item)
            total += n
            if !seen.insert(hash(item)).inserted {
                count += 1
                chars += n
            }
        }
        return Duplicates(share: Double(count) / Double(items.count), charShare: total == 0 ? 0 : Double(chars) / Double(total), chars: chars)
    }

    /// Words for n-grams: the non-empty word cores, with a hash and a length in characters each.
    var gramWords: (hashes: [UInt64], lengths: [Int]) {
        var hashes: [UInt64] = []
        var lengths: [Int] = []
        hashes.reserveCapacity(cores.count)
        lengths.reserveCapacity(cores.count)
        for core in cores where !core.isEmpty {
            hashes.append(hash(core))
            lengths.append(scalarCount(core))
        }
        return (hashes, lengths)
    }

    private static func gramHash(_ hashes: [UInt64], _ i: Int, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15
        for k in i..<(i + n) { h = Hash128.fmix(h ^ hashes[k]) &+ UInt64(k - i) }
        return h
    }

    /// The characters of the most frequent n-gram times its count, over the characters of all
    /// words (Gopher's "top n-gram" share).
    func topNGramShare(_ n: Int, words gram: (hashes: [UInt64], lengths: [Int])? = nil) -> Double {
        let (hashes, lengths) = gram ?? gramWords
        guard hashes.count >= n else { return 0 }
        let total = lengths.reduce(0, +)
        guard total > 0 else { return 0 }
        var table = GramTable(capacity: hashes.count)
        var best = (count: 0, first: 0)
        for i in 0...(hashes.count - n) {
            let (count, first) = table.add(TextProfile.gramHash(hashes, i, n), at: i)
            if count > best.count || (count == best.count && first < best.first) { best = (count, first) }
        }
        guard best.count > 1 else { return 0 }
        let chars = lengths[best.first..<(best.first + n)].reduce(0, +)
        return Double(chars * best.count) / Double(total)
    }

    /// The characters of words inside n-grams that repeat an earlier one (each counted once),
    /// over the characters of all words (Gopher's "duplicate n-gram" share).
    func duplicateNGramShare(_ n: Int, words gram: (hashes: [UInt64], lengths: [Int])? = nil) -> Double {
        let (hashes, lengths) = gram ?? gramWords
        guard hashes.count >= n else { return 0 }
        let total = lengths.reduce(0, +)
        guard total > 0 else { return 0 }
        var seen = GramTable(capacity: hashes.count)
        var repeated = 0
        var i = 0
        while i <= hashes.count - n {
            if seen.add(TextProfile.gramHash(hashes, i, n), at: i).count > 1 {
                repeated += lengths[i..<(i + n)].reduce(0, +)
                i += n
            } else {
                i += 1
            }
        }
        return Double(repeated) / Double(total)
    }
}

/// Counts of 64-bit n-gram hashes with the position of their first occurrence: open addressing
/// in two flat arrays (a Dictionary costs a hasher call and a tuple per entry, which dominated
/// the repetition rules).
struct GramTable {
    private var keys: [UInt64]
    private var counts: [Int32]
    private var firsts: [Int32]
    private let mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        counts = [Int32](repeating: 0, count: size)
        firsts = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    /// Counts `key` once more; returns its count and first position.
    @inline(__always)
    mutating func add(_ key: UInt64, at position: Int) -> (count: Int, first: Int) {
        var slot = Int(truncatingIfNeeded: key ^ (key >> 29)) & mask
        while counts[slot] != 0 && keys[slot] != key { slot = (slot + 1) & mask }
        if counts[slot] == 0 {
            keys[slot] = key
            firsts[slot] = Int32(position)
        }
        counts[slot] += 1
        return (Int(counts[slot]), Int(firsts[slot]))
    }
}

/// The quality stage: the configured Gopher and C4 rules on every extraction.
public struct QualityStage: ExtractionFilter {
    public let settings: QualitySettings

    /// Reads the bad-words list, when the rules need one and it is not read yet.
    public init(settings: QualitySettings) throws {
        var settings = settings
        if settings.badWords == nil, let path = settings.badWordsPath, settings.rules.contains(where: { $0.rule.measure == .badWords }) {
            settings.badWords = try BadWords.load(path)
        }
        self.settings = settings
    }
    public var name: StageName { .quality }
    public func filter(_ extraction: inout Extraction) -> Drop? { QualityFilter.apply(settings, to: &extraction) }
}
