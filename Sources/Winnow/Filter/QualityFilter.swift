/// The quality stage: evaluates the configured rules on an extraction. Filter-mode rules drop the
/// document (or, for line rules, remove lines); annotate-mode rules write their score to
/// `metadata.quality_scores` and, when the document would fail them, their name to
/// `metadata.quality_flags`.
public enum QualityFilter {
    public static func apply(_ settings: QualitySettings, to extraction: inout Extraction) -> Drop? {
        guard !settings.rules.isEmpty else { return nil }
        var profile = TextProfile(extraction.text)
        var scores: [(String, Double)] = []
        var flags: [String] = []
        var lineRules: [ConfiguredRule] = []
        defer {
            if !scores.isEmpty || settings.rules.contains(where: { $0.mode == .annotate }) {
                extraction.qualityScores = scores
                extraction.qualityFlags = flags
            }
        }
        func finishLines() -> Drop? {
            guard !lineRules.isEmpty else { return nil }
            defer { lineRules = [] }
            let lines = profile.rawLines
            var failing = [Int](repeating: 0, count: lineRules.count)
            var keep = [Bool](repeating: true, count: lines.count)
            var contentLines = 0
            for (i, line) in lines.enumerated() {
                let trimmed = String(line).trimmingSpaces()
                guard !trimmed.isEmpty else { continue }
                contentLines += 1
                for (r, rule) in lineRules.enumerated() where !passes(rule, line: trimmed) {
                    failing[r] += 1
                    if rule.mode == .filter { keep[i] = false }
                }
            }
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
            var kept: [Substring] = []
            for (i, line) in lines.enumerated() where keep[i] {
                if line.isEmpty && (kept.last?.isEmpty ?? true) { continue }
                kept.append(line)
            }
            while kept.last?.isEmpty == true { kept.removeLast() }
            let text = kept.joined(separator: "\n")
            if !text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) {
                let name = worst?.1 ?? "c4_terminal_punctuation"
                return Drop(.quality, DropReason(rawValue: name), "no line is left after \(name)")
            }
            extraction.text = text
            profile = TextProfile(text)
            return nil
        }
        for rule in settings.rules {
            if rule.rule.kind == .lines {
                lineRules.append(rule)
                continue
            }
            if let drop = finishLines() { return drop }
            let score = profile.score(rule.rule.name)
            let fails = (rule.parameter("min").map { score < $0 } ?? false) || (rule.parameter("max").map { score > $0 } ?? false)
            switch rule.mode {
            case .annotate:
                scores.append((rule.rule.name, score))
                if fails { flags.append(rule.rule.name) }
            case .filter:
                if fails { return Drop(.quality, DropReason(rawValue: rule.rule.name), explain(rule, score)) }
            }
        }
        return finishLines()
    }

    static func explain(_ rule: ConfiguredRule, _ score: Double) -> String {
        func show(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.3f", x) }
        let value = show(score)
        var bounds: [String] = []
        if let min = rule.parameter("min") { bounds.append("min \(show(min))") }
        if let max = rule.parameter("max") { bounds.append("max \(show(max))") }
        return "\(rule.rule.name) \(value) (\(bounds.joined(separator: ", ")))"
    }

    static let policyPhrases = ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"]
    static let terminalEnds: [String] = [".", "!", "?", "\"", "'", "”", "’", "…", "。", "！", "？"]

    static func passes(_ rule: ConfiguredRule, line: String) -> Bool {
        switch rule.rule.name {
        case "c4_terminal_punctuation":
            return terminalEnds.contains { line.hasSuffix($0) }
        case "c4_min_words_per_line":
            return Double(TextProfile.words(line).count) >= (rule.parameter("min") ?? 3)
        case "c4_max_word_length":
            let max = rule.parameter("max") ?? 1000
            return !TextProfile.words(line).contains { Double($0.unicodeScalars.count) > max }
        case "c4_javascript":
            return !line.lowercased().contains("javascript")
        case "c4_policy":
            let lower = line.lowercased()
            return !policyPhrases.contains { lower.contains($0) }
        default:
            return true
        }
    }
}

/// What the document rules measure, computed once per document.
struct TextProfile {
    let text: String
    /// The text split at line breaks, empty lines included.
    let rawLines: [Substring]
    /// Non-empty lines, trimmed.
    let lines: [Substring]
    /// Whitespace-separated words.
    let words: [Substring]
    /// The words lowercased without leading and trailing punctuation (empty for punctuation).
    let normalized: [String]

    init(_ text: String) {
        self.text = text
        rawLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines = rawLines.map { Substring(String($0).trimmingSpaces()) }.filter { !$0.isEmpty }
        words = TextProfile.words(text)
        normalized = words.map(TextProfile.normalize)
    }

    static func words<S: StringProtocol>(_ text: S) -> [Substring] where S.SubSequence == Substring {
        text.split(whereSeparator: { $0.isWhitespace })
    }

    static func normalize(_ word: Substring) -> String {
        let scalars = word.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }),
              let last = scalars.lastIndex(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }) else { return "" }
        return String(scalars[first...last]).lowercased()
    }

    static let stopWords: Set<String> = ["the", "be", "to", "of", "and", "that", "have", "with"]
    static let bullets: [String] = ["•", "-", "*", "‣", "⁃", "◦", "▪", "●", "–", "—", "·"]

    /// Paragraphs: blocks between blank lines when the text has them (markdown), lines otherwise
    /// (the text format writes one paragraph a line).
    var paragraphs: [Substring] {
        guard rawLines.contains(where: { $0.allSatisfy(\.isWhitespace) }) else { return lines }
        var result: [Substring] = []
        var start: Substring.Index?
        var end = text.startIndex
        for line in rawLines {
            if line.allSatisfy(\.isWhitespace) {
                if let s = start { result.append(text[s..<end]) }
                start = nil
            } else {
                if start == nil { start = line.startIndex }
                end = line.endIndex
            }
        }
        if let s = start { result.append(text[s..<end]) }
        return result
    }

    func score(_ rule: String) -> Double {
        switch rule {
        case "gopher_word_count":
            return Double(words.count)
        case "gopher_mean_word_length":
            let real = normalized.filter { !$0.isEmpty }
            guard !real.isEmpty else { return 0 }
            return Double(real.reduce(0) { $0 + $1.count }) / Double(real.count)
        case "gopher_symbol_ratio":
            guard !words.isEmpty else { return 0 }
            let hashes = text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "#") ? 1 : 0) }
            let ellipses = text.components(separatedBy: "...").count - 1 + text.components(separatedBy: "…").count - 1
            return Double(max(hashes, ellipses)) / Double(words.count)
        case "gopher_bullet_lines":
            guard !lines.isEmpty else { return 0 }
            return Double(lines.filter { line in TextProfile.bullets.contains { line.hasPrefix($0) } }.count) / Double(lines.count)
        case "gopher_ellipsis_lines":
            guard !lines.isEmpty else { return 0 }
            return Double(lines.filter { $0.hasSuffix("...") || $0.hasSuffix("…") }.count) / Double(lines.count)
        case "gopher_alpha_words":
            guard !words.isEmpty else { return 0 }
            return Double(words.filter { $0.unicodeScalars.contains { $0.properties.isAlphabetic } }.count) / Double(words.count)
        case "gopher_stop_words":
            return Double(Set(normalized).intersection(TextProfile.stopWords).count)
        case "gopher_dup_lines":
            return TextProfile.duplicates(lines).share
        case "gopher_dup_line_chars":
            return TextProfile.duplicates(lines).charShare
        case "gopher_dup_paragraphs":
            return TextProfile.duplicates(paragraphs).share
        case "gopher_dup_paragraph_chars":
            return TextProfile.duplicates(paragraphs).charShare
        case "c4_lorem_ipsum":
            return text.lowercased().contains("lorem ipsum") ? 1 : 0
        case "c4_curly_braces":
            return text.contains("{") || text.contains("}") ? 1 : 0
        case "c4_min_sentences":
            return Double(lines.reduce(0) { $0 + SentenceSplitter.sentenceEnds(String($1)).count })
        default:
            if rule.hasPrefix("gopher_top_"), let n = Int(rule.dropFirst(11).dropLast(4)) { return topNGramShare(n) }
            if rule.hasPrefix("gopher_dup_"), let n = Int(rule.dropFirst(11).dropLast(4)) { return duplicateNGramShare(n) }
            return 0
        }
    }

    /// The share of items repeating an earlier one, and the share of characters in them.
    static func duplicates(_ items: [Substring]) -> (share: Double, charShare: Double) {
        guard !items.isEmpty else { return (0, 0) }
        var seen = Set<Substring>()
        var count = 0, chars = 0, total = 0
        for item in items {
            let n = item.count
            total += n
            if !seen.insert(item).inserted {
                count += 1
                chars += n
            }
        }
        return (Double(count) / Double(items.count), total == 0 ? 0 : Double(chars) / Double(total))
    }

    /// Words for n-grams: the normalized non-empty words, with a hash each.
    private var gramWords: (hashes: [UInt64], lengths: [Int]) {
        var hashes: [UInt64] = [], lengths: [Int] = []
        for w in normalized where !w.isEmpty {
            var h: UInt64 = 0xcbf29ce484222325
            for b in w.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
            hashes.append(h)
            lengths.append(w.count)
        }
        return (hashes, lengths)
    }

    private static func gramHash(_ hashes: [UInt64], _ i: Int, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9e3779b97f4a7c15
        for k in i..<(i + n) { h = Hash128.fmix(h ^ hashes[k]) &+ UInt64(k - i) }
        return h
    }

    /// The characters of the most frequent n-gram times its count, over the characters of all
    /// words (Gopher's "top n-gram" share).
    func topNGramShare(_ n: Int) -> Double {
        let (hashes, lengths) = gramWords
        guard hashes.count >= n else { return 0 }
        let total = lengths.reduce(0, +)
        guard total > 0 else { return 0 }
        var counts: [UInt64: (count: Int, first: Int)] = [:]
        for i in 0...(hashes.count - n) {
            let h = TextProfile.gramHash(hashes, i, n)
            counts[h, default: (0, i)].count += 1
        }
        guard let top = counts.values.max(by: { ($0.count, -$0.first) < ($1.count, -$1.first) }), top.count > 1 else { return 0 }
        let chars = lengths[top.first..<(top.first + n)].reduce(0, +)
        return Double(chars * top.count) / Double(total)
    }

    /// The characters of words inside n-grams that repeat an earlier one (each counted once),
    /// over the characters of all words (Gopher's "duplicate n-gram" share).
    func duplicateNGramShare(_ n: Int) -> Double {
        let (hashes, lengths) = gramWords
        guard hashes.count >= n else { return 0 }
        let total = lengths.reduce(0, +)
        guard total > 0 else { return 0 }
        var seen = Set<UInt64>()
        var repeated = 0
        var i = 0
        while i <= hashes.count - n {
            let h = TextProfile.gramHash(hashes, i, n)
            if seen.contains(h) {
                repeated += lengths[i..<(i + n)].reduce(0, +)
                i += n
            } else {
                seen.insert(h)
                i += 1
            }
        }
        return Double(repeated) / Double(total)
    }
}
