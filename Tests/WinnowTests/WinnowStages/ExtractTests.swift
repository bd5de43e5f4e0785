import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

final class ExtractTests: XCTestCase {
    private func extract(_ bytes: [UInt8], url: String? = nil) throws -> Extraction {
        let page = Segmenter().segment(try Cleaner().clean(bytes, contentType: nil))
        return try Extractor().extract(page, url: url)
    }

    /// Word tokens, as the benchmark's scorer cuts them.
    private func words(_ text: String) -> [Substring] {
        text.split { !($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// A reply quoting an earlier post: the quoted paragraph is written once (where it was first
    /// posted); a quote of words not kept before, and a paragraph repeated outside any quote, stay.
    func testAQuoteOfAKeptBlockIsLeftOut() throws {
        let html = """
            <html><body><main>
            <div class="post"><p>Has anyone tried the new firmware on the older routers?</p><p>Mine keeps rebooting.</p></div>
            <div class="post"><blockquote><p>Has anyone tried the new firmware on the older routers?</p></blockquote>
            <p>Yes, roll back to the previous release.</p></div>
            <div class="post"><blockquote><p>The manual says to reset it first.</p></blockquote><p>Mine keeps rebooting.</p></div>
            </main></body></html>
            """
        let page = Segmenter().segment(try Cleaner().clean(Array(html.utf8), contentType: nil))
        let all = Array(page.blocks.indices)
        let kept = Extractor.withoutRepeatedQuotes(all, page: page, trace: nil).map { page.blocks[$0].text }
        XCTAssertEqual(
            kept,
            [
                "Has anyone tried the new firmware on the older routers?", "Mine keeps rebooting.", "Yes, roll back to the previous release.",
                "The manual says to reset it first.", "Mine keeps rebooting.",
            ])
        XCTAssertEqual(Extractor.wordKey("It's  3.5 GHz — «Ünïcode_x»!"), Array("It s 3 5 GHz Ünïcode_x".utf8))
        // Through the extract stage (the model's choice, then this step).
        let text = try extract(Array(html.utf8), url: "https://forum.example.org/t/firmware/12").text
        XCTAssertEqual(text.components(separatedBy: "older routers?").count, 2, text)
        XCTAssertTrue(text.contains("roll back"), text)
    }

    func testACopyOfALongRunOfKeptBlocksIsLeftOut() throws {
        // Paragraphs of about 160 characters, each its own.
        func paragraphs(_ range: Range<Int>) -> String {
            range.map {
                "<p>Paragraph \($0) of the guide explains one more step of the renovation, what it costs in a typical house and how long a crew needs for it.</p>"
            }.joined()
        }
        // The article, then the same article again (another screen size's copy), then a short
        // repeated section (a price list seen twice by its readers too).
        let html =
            "<html><body><main><div class=\"wide\">" + paragraphs(0..<24) + "</div><div class=\"narrow\">" + paragraphs(0..<24)
            + "</div><div>" + paragraphs(100..<105) + "</div><div>" + paragraphs(100..<105) + "</div></main></body></html>"
        let page = Segmenter().segment(try Cleaner().clean(Array(html.utf8), contentType: nil))
        let all = Array(page.blocks.indices)
        XCTAssertEqual(all.count, 58)
        let kept = Extractor.withoutRepeatedRuns(all, page: page, trace: nil)
        XCTAssertEqual(kept, Array(0..<24) + Array(48..<58), "the copy of 24 blocks goes, the repeat of 5 stays")
        // A run too short to be a copy of the page stays whole.
        let short = Array(0..<10) + Array(24..<34)
        XCTAssertEqual(Extractor.withoutRepeatedRuns(short, page: page, trace: nil), short)
        // Through the extract stage: each paragraph of the article once.
        let text = try extract(Array(html.utf8), url: "https://example.org/guide/renovation").text
        XCTAssertEqual(text.components(separatedBy: "Paragraph 7 of").count, 2, text)
        XCTAssertEqual(text.components(separatedBy: "Paragraph 102 of").count, 3, text)
    }

    func testRealPagesKeepTheArticleAndDropTheHeadline() throws {
        let truth = try benchmarkTruth()
        var checked = 0
        for id in [
            "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34", "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f",
            "06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85",
        ] {
            let (url, expected) = try XCTUnwrap(truth[id])
            let result = try extract(try fileBytes(TestPaths.benchPages.appendingPathComponent("\(id).html.gz").path), url: url)
            let got = words(result.text)
            let want = words(expected)
            // The first ten words of the article open the text, and its word 4-grams are nearly all there.
            XCTAssertEqual(got.prefix(10), want.prefix(10), id)
            XCTAssertGreaterThan(shingleF1(got, want), 0.9, id)
            XCTAssertNotNil(result.title, id)
            if let title = result.title {
                XCTAssertFalse(result.text.hasPrefix(title), "the headline is not part of the text: \(id)")
            }
            XCTAssertFalse(result.text.contains("\n\n"))
            checked += 1
        }
        XCTAssertEqual(checked, 3)
    }

    /// F1 of word 4-gram multisets, the benchmark's metric for one page.
    private func shingleF1(_ got: [Substring], _ want: [Substring]) -> Double {
        func grams(_ w: [Substring]) -> [String: Int] {
            var out: [String: Int] = [:]
            if w.count < 4 {
                out[w.joined(separator: " "), default: 0] += 1
                return out
            }
            for i in 0...(w.count - 4) { out[w[i..<(i + 4)].joined(separator: " "), default: 0] += 1 }
            return out
        }
        let g = grams(got)
        let t = grams(want)
        let tp = g.reduce(0) { $0 + min($1.value, t[$1.key] ?? 0) }
        let p = Double(tp) / Double(max(1, g.values.reduce(0, +)))
        let r = Double(tp) / Double(max(1, t.values.reduce(0, +)))
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    func testMetadataFromJSONLDMetaAndURL() throws {
        let html = """
            <html lang="de-AT"><head><title>Headline here | The Site</title>
            <meta property="og:site_name" content="The Site"><meta name="description" content="What it is about.">
            <link rel="canonical" href="/news/story">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"The Site"},
            {"@type":"NewsArticle","headline":"LD headline","datePublished":"2019-11-19T05:00:00-05:00",
             "author":[{"@type":"Person","name":"Ann Writer"},{"@type":"Person","name":"Bo Reporter"}]}]}</script></head>
            <body><article><h1>LD headline</h1><p>Body text that is long enough to be the main text of this page, with a comma, and more.</p></article></body></html>
            """
        let e = try extract(Array(html.utf8), url: "https://site.example/2019/11/19/story")
        XCTAssertEqual(e.title, "LD headline")
        XCTAssertEqual(e.author, "Ann Writer; Bo Reporter")
        XCTAssertEqual(e.datePublished, "2019-11-19T05:00:00-05:00")
        XCTAssertEqual(e.languageDeclared, "de")
        XCTAssertEqual(e.canonicalURL, "https://site.example/news/story")
        XCTAssertEqual(e.siteName, "The Site")
        XCTAssertEqual(e.description, "What it is about.")
        XCTAssertEqual(e.text, "Body text that is long enough to be the main text of this page, with a comma, and more.")
    }

    /// JSON-LD whose template left a raw line break inside a string (JSON forbids it; browsers
    /// and search engines read it) still gives the page's date and author; other JSON stays
    /// strict.
    func testJSONLDWithARawLineBreakInAStringIsRead() throws {
        let html = """
            <html><head><script type="application/ld+json">{"@type":"DiscussionForumPosting","headline":"A thread",
            "description":"First line.\n\nSecond line after a raw break.",
            "datePublished":"2024-02-21 13:00:00","author":{"@type":"Person","name":"Poster Name"}}</script></head>
            <body><article><p>Body text that is long enough to be the main text of this page, with a comma, and more.</p></article></body></html>
            """
        XCTAssertTrue(html.contains("First line.\n\nSecond")) // a raw line break, not an escape
        let e = try extract(Array(html.utf8))
        XCTAssertEqual(e.datePublished, "2024-02-21T13:00:00")
        XCTAssertEqual(e.author, "Poster Name")
        let raw = Array("{\"a\":\"x\ny\"}".utf8)
        raw.withUnsafeBufferPointer { bytes in
            XCTAssertNil(try? JSONReader.parse(bytes))
            XCTAssertEqual((try? JSONReader.parse(bytes, strict: false))?["a"]?.string, "x\ny")
        }
    }

    func testMissingMetadataStaysNil() throws {
        let e = try extract(Array("<body><div><p>Just some text of a page without any metadata at all, and no title.</p></div></body>".utf8))
        XCTAssertNil(e.author)
        XCTAssertNil(e.datePublished)
        XCTAssertNil(e.languageDeclared)
        XCTAssertNil(e.canonicalURL)
        XCTAssertNil(e.siteName)
    }

    func testDates() {
        XCTAssertEqual(DateParser.iso8601("2019-11-19"), "2019-11-19")
        XCTAssertEqual(DateParser.iso8601("2019-11-19T10:20:30.123Z"), "2019-11-19T10:20:30Z")
        XCTAssertEqual(DateParser.iso8601("2019-11-19 10:20+0100"), "2019-11-19T10:20+01:00")
        XCTAssertEqual(DateParser.iso8601("November 19, 2019"), "2019-11-19")
        XCTAssertEqual(DateParser.iso8601("Tue, 19 Nov 2019 10:00:00 GMT"), "2019-11-19")
        XCTAssertNil(DateParser.iso8601("yesterday"))
        XCTAssertEqual(DateParser.iso8601("Dec 17, 2025Julian K. Arni"), "2025-12-17", "a year run into the next word")
        XCTAssertEqual(DateParser.iso8601("30th March 2025, 16:26"), "2025-03-30")
        // One date's year is not another's, and a capital after a lowercase letter starts a word.
        XCTAssertEqual(DateParser.iso8601("Mental HealthDECEMBER 22, 2022Updated: JANUARY 02, 2026"), "2022-12-22")
        XCTAssertEqual(DateParser.iso8601("Updated on Jan 2 from the story of 2019, 10:00"), "2019-01-02")
        // A month is its name, its three letters or "Sept": not a word they start.
        XCTAssertNil(DateParser.iso8601("Marketing 19 ways for 2025"))
        XCTAssertEqual(DateParser.iso8601("Sept. 5, 2024"), "2024-09-05")
        // Months in the other languages of the furniture tables, their connectors and the French "1er".
        XCTAssertEqual(DateParser.iso8601("Veröffentlicht am 3. März 2025, 14:20 Uhr"), "2025-03-03")
        XCTAssertEqual(DateParser.iso8601("Publié le 1er mars 2025"), "2025-03-01")
        XCTAssertEqual(DateParser.iso8601("Publicado el 3 de marzo de 2025"), "2025-03-03")
        XCTAssertEqual(DateParser.iso8601("12 dicembre 2024"), "2024-12-12")
        XCTAssertEqual(DateParser.iso8601("5 mei 2023"), "2023-05-05")
        XCTAssertEqual(DateParser.iso8601("7 de outubro de 2022"), "2022-10-07")
        XCTAssertEqual(DateParser.iso8601("17. Okt. 2021"), "2021-10-17")
        XCTAssertNil(DateParser.iso8601("3 days ago, 2024"), "\"ago\" is not agosto")
        // Slashes: read when the order is plain (a part over 12 is the day), else left alone.
        XCTAssertEqual(DateParser.iso8601("Updated: 10/31/2024"), "2024-10-31")
        XCTAssertEqual(DateParser.iso8601("31/10/2024"), "2024-10-31")
        XCTAssertNil(DateParser.iso8601("03/04/2025"))
        XCTAssertNil(DateParser.iso8601("Version 1/13/2024.5"))
        XCTAssertEqual(DateParser.fromURL("https://x.com/2019/11/19/a-story"), "2019-11-19")
        XCTAssertNil(DateParser.fromURL("https://x.com/a/b/c"))
        XCTAssertEqual(DateParser.fromURL("https://x.com/world/2019/nov/19/a-story"), "2019-11-19")
        XCTAssertEqual(DateParser.fromURL("https://x.com/blog/2023/october/03/wine-styles/"), "2023-10-03")
        XCTAssertNil(DateParser.fromURL("https://x.com/2019/may-be-the-year/12"))
    }

    /// An FAQ lists its questions and answers as schema.org `Question`s and `Answer`s, as a Q&A
    /// thread does: the page's own type (`FAQPage`, `QAPage`) tells a thread, not its questions.
    func testAnFAQIsNotAThread() throws {
        let page = Segmenter().segment(try Cleaner().clean(Array("<html><body><p>How do I pay?</p></body></html>".utf8), contentType: nil))
        let url = "https://example.com/help"
        XCTAssertEqual(PageKind.classify(page, url: url, jsonLDTypes: ["faqpage", "question", "answer"]), .other)
        XCTAssertEqual(PageKind.classify(page, url: url, jsonLDTypes: ["question", "answer"]), .other)
        XCTAssertEqual(PageKind.classify(page, url: url, jsonLDTypes: ["qapage", "question", "answer"]), .discussion)
        XCTAssertEqual(PageKind.classify(page, url: url, jsonLDTypes: ["discussionforumposting"]), .discussion)
    }

    func testPageWithoutTextIsDropped() throws {
        XCTAssertThrowsError(try extract(Array("<html><body><nav><a href=/>Home</a></nav></body></html>".utf8))) { error in
            XCTAssertEqual((error as? Drop)?.reason, .noMainText)
        }
    }

    /// A shop page whose scripts write the product's description in: its JSON-LD description
    /// (markup taken out) is the text. A page that shows text of its own keeps just that, and a
    /// short description is no page's text.
    func testAProductPageShowingNoTextTakesItsStructuredDescription() throws {
        let description =
            "<p>A lightweight shirt for training.</p><ul><li>Slim fit</li><li>Sweat-wicking</li></ul>"
            + String(repeating: " Made to move with you through every session.", count: 3)
        let page = { (ld: String, body: String) in
            Array("<html><head><script type=\"application/ld+json\">\(ld)</script></head><body>\(body)</body></html>".utf8)
        }
        let product = "{\"@type\":\"Product\",\"name\":\"Arrival Shirt\",\"description\":\"\(description)\"}"
        let shell = try extract(page(product, "<nav><a href=/>Home</a></nav><div id=root></div>"))
        XCTAssertTrue(shell.text.hasPrefix("A lightweight shirt for training. Slim fit Sweat-wicking Made to move"), shell.text)
        XCTAssertFalse(shell.text.contains("<"))
        let prose = String(repeating: "The shirt is cut from a recycled fabric that dries in minutes. ", count: 6)
        let shown = try extract(page(product, "<main><h1>Arrival Shirt</h1><p>\(prose)</p></main>"))
        XCTAssertFalse(shown.text.contains("lightweight"), "a page showing its own text keeps just that")
        XCTAssertThrowsError(try extract(page("{\"@type\":\"Product\",\"description\":\"A shirt.\"}", "<div id=root></div>")))
    }
}

/// Inputs the fuzzers found crashing (Fuzz/), kept as regression fixtures.
final class FuzzRegressionTests: XCTestCase {
    func testFuzzFindingsNoLongerCrash() throws {
        let directory = TestPaths.root.appendingPathComponent("Tests/WinnowTests/Fixtures/fuzz")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let bytes = try fileBytes(directory.appendingPathComponent(name).path)
            guard let page = try? Cleaner().clean(bytes, contentType: "text/html") else { continue }
            let segmented = Segmenter().segment(page)
            XCTAssertTrue(segmented.blocks.allSatisfy { $0.element >= 0 && Int($0.element) < segmented.elements.count }, name)
            var settings = ExtractSettings()
            _ = try? Extractor(settings: settings).extract(segmented, url: nil)
            settings.format = .markdown
            settings.includeCaptions = true
            _ = try? Extractor(settings: settings).extract(segmented, url: "http://example.com/")
        }
    }
}

extension ExtractTests {
    /// The furniture test's ASCII phrase check on bytes answers as the String way it replaced:
    /// every phrase of the table in other cases, with punctuation, symbols, spaces, tabs, line
    /// breaks and carriage returns around and inside it, and near misses.
    func testASCIIBoilerplatePhraseMatchesTheStringWay() {
        func stringWay(_ text: String) -> Bool {
            ExtractRules.boilerplatePhrases.contains(CharacterSetLite.withoutPunctuation(text.lowercased()).trimmingSpaces())
        }
        var texts = ["", " ", "\r", "a", "Read more about the treaty", "Share this: a story", "$5", "ad ad", "\r\nPrint\r\n", "\u{1}Print"]
        for phrase in ExtractRules.boilerplatePhrases.sorted() where phrase.utf8.allSatisfy({ $0 < 0x80 }) {
            texts += [phrase, phrase.uppercased(), " \(phrase) ", "\t\(phrase)\n", "\r\(phrase)\r", "\(phrase):", "» \(phrase) »", "(\(phrase))"]
            texts += [phrase.replacingOccurrences(of: " ", with: "  "), phrase.replacingOccurrences(of: " ", with: "-"), "\(phrase)s", "x\(phrase)"]
            texts += [phrase.replacingOccurrences(of: " ", with: "\r"), "$\(phrase)", "\(phrase)^", "\(phrase.capitalized)!!"]
        }
        var matched = 0
        for text in texts where text.utf8.allSatisfy({ $0 < 0x80 }) {
            XCTAssertEqual(MainTextFinder.isASCIIBoilerplatePhrase(text), stringWay(text), "\(text.debugDescription)")
            if stringWay(text) { matched += 1 }
        }
        XCTAssertGreaterThan(matched, ExtractRules.boilerplatePhrases.count, "the variants reach the table")
    }

    /// The prefix tables grouped by first byte find exactly the entries a walk over every entry
    /// finds (ASCII capitals folded), with their indices, on the tables' entries and variants.
    func testFoldedPrefixesFindWhatEveryEntryFinds() {
        for table in [ExtractRules.boilerplatePrefixes, ExtractRules.boilerplateHeadings] {
            let folded = FoldedPrefixes(table)
            let entries = table.map { Array($0.utf8) }
            var texts = ["", "a", "B", "\u{e9}t\u{e9}", "Ünd"]
            for entry in table {
                texts += [entry, entry.uppercased(), entry.capitalized, entry + " and more", String(entry.dropLast()), "x" + entry]
            }
            var found = 0
            for text in texts {
                let bytes = Array(text.utf8)
                let expected = entries.indices.filter { bytes.startsFoldingASCII(with: entries[$0]) }
                var seen: [Int] = []
                let any = bytes.withUnsafeBufferPointer { buffer in
                    folded.startsAny(buffer) {
                        seen.append($0)
                        return false
                    }
                }
                XCTAssertFalse(any)
                XCTAssertEqual(seen.sorted(), expected, text)
                XCTAssertEqual(bytes.withUnsafeBufferPointer { folded.startsAny($0) }, !expected.isEmpty, text)
                found += expected.isEmpty ? 0 : 1
            }
            XCTAssertGreaterThan(found, table.count, "the variants reach the table")
        }
    }
}
