import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

/// Each quality rule on a passing and a failing text, alone, with its published threshold.
final class QualityTests: XCTestCase {
    /// Ordinary prose: passes every rule.
    static let good = """
        The river runs through the old town and past the mill. People have walked along it with their dogs for many years.
        In the spring the water is high and fast, and the bridges are closed to cars. The council says that work on the banks will start next month.
        Local shops have asked for help with the cost of the floods. A meeting with the mayor is planned for the first week of May.
        """

    static func words(_ n: Int, _ word: String) -> String { Array(repeating: word, count: n).joined(separator: " ") }

    /// A failing text for every rule (each rule alone drops it).
    static let failing: [String: String] = [
        "gopher_word_count": "Too short a text, with the words of it.",
        "gopher_mean_word_length": "The " + words(60, "a b") + " of the end.",
        "gopher_symbol_ratio": good + "\n" + words(20, "#news"),
        "gopher_bullet_lines": (1...10).map { "- item \($0) of the list, with the price." }.joined(separator: "\n") + "\n"
            + words(40, "and the more"),
        "gopher_ellipsis_lines":
            "The first of the lines is here and that is all...\nAnd the second one goes on with the story...\nThe third one too, and then...\n"
            + good,
        "gopher_alpha_words": "The numbers of the day are with us: " + (1...80).map(String.init).joined(separator: " "),
        "gopher_stop_words": words(30, "cats dogs"),
        "gopher_dup_lines": Array(repeating: "Buy the best shoes in town with free delivery today.", count: 4).joined(separator: "\n") + "\n" + good,
        "gopher_dup_line_chars": Array(repeating: "Buy the best shoes in town with free delivery today and every other day of the week.", count: 3)
            .joined(separator: "\n") + "\n" + good,
        "gopher_dup_paragraphs": Array(repeating: "Buy the best shoes in town with free delivery today.", count: 4).joined(separator: "\n\n") + "\n\n"
            + good,
        "gopher_dup_paragraph_chars": Array(
            repeating: "Buy the best shoes in town with free delivery today and every other day of the week.", count: 3
        ).joined(separator: "\n\n") + "\n\n" + good,
        "gopher_top_2gram": words(30, "of the cat and the dog"),
        "gopher_top_3gram": words(30, "of the cat and the dog"),
        "gopher_top_4gram": words(30, "of the cat and the dog"),
        "gopher_dup_5gram": good + " " + words(6, "the cat sat on the mat with the hat"),
        "gopher_dup_6gram": good + " " + words(6, "the cat sat on the mat with the hat"),
        "gopher_dup_7gram": good + " " + words(6, "the cat sat on the mat with the hat"),
        "gopher_dup_8gram": good + " " + words(6, "the cat sat on the mat with the hat"),
        "gopher_dup_9gram": good + " " + words(6, "the cat sat on the mat with the hat"),
        "gopher_dup_10gram": good + " " + words(6, "the cat sat on the mat with the hat"),
        "c4_lorem_ipsum": good + "\nLorem ipsum dolor sit amet, consectetur adipiscing elit.",
        "c4_curly_braces": good + "\nfunction show() { return 1; }",
        "c4_terminal_punctuation": "Home\nNews and sport\nContact us",
        "c4_min_words_per_line": "Home.\nNews today.\nContact us.",
        "c4_max_word_length": String(repeating: "x", count: 1001) + " is a very long word.",
        "c4_javascript": "Please enable JavaScript to view this page.\nThis site needs javascript to work.",
        "c4_policy": "Read our privacy policy before you go on.\nThis site uses cookies to give you the best experience.",
        "c4_min_sentences": "One sentence is all that this text has to say about the river and the town",
        "fineweb_line_punct_ratio": (1...10).map { "News and sport from the town and the river, part \($0)" }.joined(separator: "\n"),
        "fineweb_short_line_ratio": (1...10).map { "Item \($0) of the list." }.joined(separator: "\n"),
        "fineweb_char_dup_ratio": good
            + "\nBuy the best shoes in town with free delivery today.\nBuy the best shoes in town with free delivery today.",
        "fineweb_list_ratio": (1...20).map { "Apples \($0)." }.joined(separator: "\n"),
        "c4_badwords": good + "\nWell, darn it.",
    ]

    /// The bad-words list the tests give `c4_badwords`.
    static let badWords = BadWords(entries: ["darn", "heck off"])

    func evaluate(_ name: String, _ text: String, mode: FilterMode = .filter) -> (Drop?, Extraction) {
        let rule = QualityRule.named(name)!
        var extraction = Extraction(text: text)
        var settings = QualitySettings(rules: [ConfiguredRule(rule, mode: mode)])
        settings.badWords = Self.badWords
        let drop = QualityFilter.apply(settings, to: &extraction)
        return (drop, extraction)
    }

    func testEveryRuleHasAFailingExample() {
        XCTAssertEqual(Set(Self.failing.keys), Set(QualityRule.all.map(\.name)))
    }

    func testEveryRulePassesOrdinaryProse() {
        for rule in QualityRule.all {
            let (drop, extraction) = evaluate(rule.name, Self.good)
            XCTAssertNil(drop, "\(rule.name) dropped ordinary prose: \(drop?.detail ?? "")")
            XCTAssertEqual(extraction.text, Self.good, "\(rule.name) changed ordinary prose")
        }
    }

    func testEveryRuleDropsItsFailingExample() {
        for rule in QualityRule.all {
            let (drop, _) = evaluate(rule.name, Self.failing[rule.name]!)
            XCTAssertEqual(drop?.reason.rawValue, rule.name, "\(rule.name) kept its failing example")
            XCTAssertEqual(drop?.stage, .quality)
        }
    }

    func testAnnotateModeWritesScoresAndFlagsInsteadOfDropping() {
        for rule in QualityRule.all {
            let (drop, extraction) = evaluate(rule.name, Self.failing[rule.name]!, mode: .annotate)
            XCTAssertNil(drop, rule.name)
            XCTAssertEqual(extraction.qualityScores?.map(\.0), [rule.name])
            XCTAssertEqual(extraction.qualityFlags, [rule.name], "\(rule.name) not flagged")
        }
        let (_, passing) = evaluate("gopher_word_count", Self.good, mode: .annotate)
        XCTAssertEqual(passing.qualityScores?.first?.1, Double(TextProfile(Self.good).words.count))
        XCTAssertEqual(passing.qualityFlags, [])
    }

    /// FineWeb's rules measure as datatrove's `FineWebQualityFilter` does: shares of the non-empty
    /// lines, repeated lines' characters over the text's (line breaks aside), line breaks per word.
    func testFineWebMeasures() {
        var profile = TextProfile("One line ends here.\nshort\n\nOne line ends here.\nand this one does not end with a stop")
        XCTAssertEqual(profile.score(.punctuatedLines), 2.0 / 4.0)
        XCTAssertEqual(profile.score(.shortLines(30)), 3.0 / 4.0)
        XCTAssertEqual(profile.score(.duplicateLineCharsOfText), 19.0 / 80.0, accuracy: 1e-12)
        XCTAssertEqual(profile.score(.lineBreaksPerWord), 4.0 / 18.0, accuracy: 1e-12)
    }

    func testWordsOutsideASCII() {
        // Curly quotes and no-break spaces around words, letters of other scripts.
        var profile = TextProfile("“The\u{00A0}cat” and… «the dog» — Привет мир 123")
        XCTAssertEqual(profile.words.count, 9)
        XCTAssertEqual(profile.score(.stopWords), 2) // the, and
        XCTAssertEqual(profile.score(.alphaWords), 7.0 / 9) // "—" and "123" have no letter
        XCTAssertEqual(profile.score(.meanWordLength), 27.0 / 8) // "—" has no core; Привет is 6
    }

    func testLineRulesRemoveOnlyFailingLines() {
        let text = Self.good + "\nShare this\nPlease enable JavaScript to comment below."
        var extraction = Extraction(text: text)
        let settings = QualitySettings.groups([.c4])
        XCTAssertNil(QualityFilter.apply(settings, to: &extraction))
        XCTAssertEqual(extraction.text, Self.good)
    }

    func testThresholdsAreConfigurable() {
        let rule = QualityRule.named("gopher_word_count")!
        var extraction = Extraction(text: Self.failing["gopher_word_count"]!)
        XCTAssertNil(QualityFilter.apply(QualitySettings(rules: [ConfiguredRule(rule, parameters: ["min": 5])]), to: &extraction))
        XCTAssertEqual(
            QualityFilter.apply(QualitySettings(rules: [ConfiguredRule(rule, parameters: ["min": 5, "max": 8])]), to: &extraction)?.reason.rawValue,
            "gopher_word_count")
    }

    func testRulesRunInCatalogueOrderAndTheFirstFailureNamesTheDrop() {
        // Fails both the word count (Gopher quality) and the curly braces (C4): Gopher comes first.
        var extraction = Extraction(text: "{ too short }")
        let settings = QualitySettings(rules: [
            ConfiguredRule(QualityRule.named("c4_curly_braces")!), ConfiguredRule(QualityRule.named("gopher_word_count")!),
        ])
        XCTAssertEqual(QualityFilter.apply(settings, to: &extraction)?.reason.rawValue, "gopher_word_count")
    }
}
