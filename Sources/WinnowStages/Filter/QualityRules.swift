import WinnowCore

/// The quality rules: the Gopher quality and repetition rules (Rae et al. 2021, "Scaling Language
/// Models", appendix A) and the C4 rules (Raffel et al. 2020, section 2.2), with their published
/// thresholds as defaults. Each rule has a name (its drop reason and its key in
/// `metadata.quality_scores`), a one-line summary, and its thresholds.
public struct QualityRule: Sendable, Equatable {
    public enum Group: String, Sendable, CaseIterable {
        case gopherQuality = "gopher_quality"
        case gopherRepetition = "gopher_repetition"
        case c4
        case fineweb
        case c4Badwords = "c4_badwords"
    }

    /// What a rule measures: the evaluator switches on this, not on the rule's name.
    public enum Measure: Sendable, Equatable {
        case wordCount, meanWordLength, symbolRatio, bulletLines, ellipsisLines, alphaWords, stopWords
        case duplicateLines, duplicateLineChars, duplicateParagraphs, duplicateParagraphChars
        case topNGram(Int)
        case duplicateNGram(Int)
        case loremIpsum, curlyBraces, sentences
        /// Tests of each line.
        case terminalPunctuation, wordsPerLine, wordLength, javascript, policy
        /// FineWeb's: lines ending in terminal punctuation, short lines, characters in repeated
        /// lines over the text's, line breaks per word.
        case punctuatedLines
        case shortLines(Int)
        case duplicateLineCharsOfText, lineBreaksPerWord
        /// Occurrences of the bad-words list's entries (`QualitySettings.badWords`).
        case badWords

        var isLineTest: Bool {
            switch self {
            case .terminalPunctuation, .wordsPerLine, .wordLength, .javascript, .policy: return true
            default: return false
            }
        }
    }

    /// How a rule acts on a document.
    public enum Kind: Sendable, Equatable {
        /// A score of the whole document, kept when `min ≤ score ≤ max`.
        case document
        /// A test of each line (paragraph): in filter mode failing lines are removed (the C4
        /// way), and the document is dropped only when no line is left. The score is the share of
        /// lines that fail.
        case lines
    }

    public let name: String
    public let group: Group
    public let measure: Measure
    /// Document or line rule, by what it measures.
    public var kind: Kind { measure.isLineTest ? .lines : .document }
    public let summary: String
    /// Default thresholds by name: `min`, `max`, or a rule's own parameter.
    public let defaults: [String: Double]

    /// Every rule, in the order they are evaluated.
    public static let all: [QualityRule] = gopherQuality + gopherRepetition + c4 + fineweb + c4Badwords

    public static func named(_ name: String) -> QualityRule? { all.first { $0.name == name } }

    /// Scores by rule name, sorted in the catalogue's order (unknown names last, by name).
    static func inCatalogueOrder(_ scores: [(String, Double)]) -> [(String, Double)] {
        let order = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1.name, $0) })
        return scores.sorted { a, b in
            let (ia, ib) = (order[a.0] ?? Int.max, order[b.0] ?? Int.max)
            return ia != ib ? ia < ib : a.0 < b.0
        }
    }

    static let gopherQuality: [QualityRule] = [
        QualityRule(
            name: "gopher_word_count", group: .gopherQuality, measure: .wordCount,
            summary: "number of words between min and max", defaults: ["min": 50, "max": 100_000]),
        QualityRule(
            name: "gopher_mean_word_length", group: .gopherQuality, measure: .meanWordLength,
            summary: "mean length of the words (letters or digits in them) between min and max characters",
            defaults: ["min": 3, "max": 10]),
        QualityRule(
            name: "gopher_symbol_ratio", group: .gopherQuality, measure: .symbolRatio,
            summary: "hash signs and ellipses per word at most max", defaults: ["max": 0.1]),
        QualityRule(
            name: "gopher_bullet_lines", group: .gopherQuality, measure: .bulletLines,
            summary: "share of lines starting with a bullet at most max", defaults: ["max": 0.9]),
        QualityRule(
            name: "gopher_ellipsis_lines", group: .gopherQuality, measure: .ellipsisLines,
            summary: "share of lines ending with an ellipsis at most max", defaults: ["max": 0.3]),
        QualityRule(
            name: "gopher_alpha_words", group: .gopherQuality, measure: .alphaWords,
            summary: "share of words with an alphabetic character at least min", defaults: ["min": 0.8]),
        QualityRule(
            name: "gopher_stop_words", group: .gopherQuality, measure: .stopWords,
            summary: "at least min of the English stop words the, be, to, of, and, that, have, with",
            defaults: ["min": 2]),
    ]

    static let gopherRepetition: [QualityRule] =
        [
            QualityRule(
                name: "gopher_dup_lines", group: .gopherRepetition, measure: .duplicateLines,
                summary: "share of lines that repeat an earlier line at most max", defaults: ["max": 0.3]),
            QualityRule(
                name: "gopher_dup_line_chars", group: .gopherRepetition, measure: .duplicateLineChars,
                summary: "share of characters in repeated lines at most max", defaults: ["max": 0.2]),
            QualityRule(
                name: "gopher_dup_paragraphs", group: .gopherRepetition, measure: .duplicateParagraphs,
                summary: "share of paragraphs that repeat an earlier one at most max", defaults: ["max": 0.3]),
            QualityRule(
                name: "gopher_dup_paragraph_chars", group: .gopherRepetition, measure: .duplicateParagraphChars,
                summary: "share of characters in repeated paragraphs at most max", defaults: ["max": 0.2]),
        ]
        + [(2, 0.20), (3, 0.18), (4, 0.16)].map { n, max in
            QualityRule(
                name: "gopher_top_\(n)gram", group: .gopherRepetition, measure: .topNGram(n),
                summary: "share of word characters in the most frequent \(n)-gram at most max", defaults: ["max": max])
        }
        + [(5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10)].map { n, max in
            QualityRule(
                name: "gopher_dup_\(n)gram", group: .gopherRepetition, measure: .duplicateNGram(n),
                summary: "share of word characters in repeated \(n)-grams at most max", defaults: ["max": max])
        }

    /// The order is the evaluation order: the whole-page tests first (as C4 ran them on the page),
    /// then the line removals, then the sentence count of what is left.
    static let c4: [QualityRule] = [
        QualityRule(
            name: "c4_lorem_ipsum", group: .c4, measure: .loremIpsum,
            summary: "drop documents containing \"lorem ipsum\"", defaults: ["max": 0]),
        QualityRule(
            name: "c4_curly_braces", group: .c4, measure: .curlyBraces,
            summary: "drop documents containing a curly brace (code)", defaults: ["max": 0]),
        QualityRule(
            name: "c4_terminal_punctuation", group: .c4, measure: .terminalPunctuation,
            summary: "remove lines that do not end in . ! ? or a closing quote", defaults: [:]),
        QualityRule(
            name: "c4_min_words_per_line", group: .c4, measure: .wordsPerLine,
            summary: "remove lines with fewer than min words", defaults: ["min": 3]),
        QualityRule(
            name: "c4_max_word_length", group: .c4, measure: .wordLength,
            summary: "remove lines with a word longer than max characters", defaults: ["max": 1000]),
        QualityRule(
            name: "c4_javascript", group: .c4, measure: .javascript,
            summary: "remove lines that mention javascript", defaults: [:]),
        QualityRule(
            name: "c4_policy", group: .c4, measure: .policy,
            summary: "remove lines about terms of use, privacy or cookie policies", defaults: [:]),
        QualityRule(
            name: "c4_min_sentences", group: .c4, measure: .sentences,
            summary: "at least min sentences (after the line removals)", defaults: ["min": 5]),
    ]

    /// FineWeb's own rules, after Gopher and C4 (Penedo et al. 2024, section 3.3; datatrove's
    /// `FineWebQualityFilter` defaults). Lines are the non-empty lines; characters are Unicode scalars.
    static let fineweb: [QualityRule] = [
        QualityRule(
            name: "fineweb_line_punct_ratio", group: .fineweb, measure: .punctuatedLines,
            summary: "share of lines ending in terminal punctuation at least min", defaults: ["min": 0.12]),
        QualityRule(
            name: "fineweb_short_line_ratio", group: .fineweb, measure: .shortLines(30),
            summary: "share of lines of 30 characters or fewer at most max", defaults: ["max": 0.67]),
        QualityRule(
            name: "fineweb_char_dup_ratio", group: .fineweb, measure: .duplicateLineCharsOfText,
            summary: "characters in lines that repeat an earlier line, over the text's characters (line breaks aside), at most max",
            defaults: ["max": 0.01]),
        QualityRule(
            name: "fineweb_list_ratio", group: .fineweb, measure: .lineBreaksPerWord,
            summary: "line breaks per word at most max", defaults: ["max": 0.3]),
    ]

    /// C4's bad-words filter: a page with any word of the list is dropped. The list is the user's
    /// file (`badwords` in the quality stage's settings); the rule needs it.
    static let c4Badwords: [QualityRule] = [
        QualityRule(
            name: "c4_badwords", group: .c4Badwords, measure: .badWords,
            summary: "occurrences of the bad-words list's words and phrases at most max", defaults: ["max": 0])
    ]
}

/// A rule as a pipeline uses it: its mode and thresholds.
public struct ConfiguredRule: Sendable, Equatable {
    public var rule: QualityRule
    public var mode: FilterMode
    public var parameters: [String: Double]

    public init(_ rule: QualityRule, mode: FilterMode = .filter, parameters: [String: Double] = [:]) {
        self.rule = rule
        self.mode = mode
        self.parameters = rule.defaults.merging(parameters) { $1 }
    }

    public func parameter(_ name: String) -> Double? { parameters[name] }
}

/// Settings of the quality stage: the rules that run, in the catalogue's order.
public struct QualitySettings: Sendable, Equatable {
    public var rules: [ConfiguredRule] = []
    /// The file of the list `c4_badwords` reads (read when the stage is made).
    public var badWordsPath: String?
    /// The list `c4_badwords` reads.
    public var badWords: BadWords?
    /// Whether a rule that reads a list has none.
    public var lacksBadWords: Bool { badWords == nil && badWordsPath == nil && rules.contains { $0.rule.measure == .badWords } }

    public init(rules: [ConfiguredRule] = []) {
        let order = Dictionary(uniqueKeysWithValues: QualityRule.all.enumerated().map { ($1.name, $0) })
        self.rules = rules.sorted { order[$0.rule.name]! < order[$1.rule.name]! }
    }

    /// Every rule of the given groups with its defaults.
    public static func groups(_ groups: [QualityRule.Group], mode: FilterMode = .filter) -> QualitySettings {
        QualitySettings(rules: QualityRule.all.filter { groups.contains($0.group) }.map { ConfiguredRule($0, mode: mode) })
    }
}
