import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

final class SegmentTests: XCTestCase {
    private func segment(_ html: String) throws -> SegmentedPage {
        Segmenter().segment(try Cleaner().clean(Array(html.utf8), contentType: "text/html; charset=utf-8"))
    }

    func testBlocksKindsAndFeatures() throws {
        let page = try segment(
            """
            <body><div class="Story Body" id="main"><h2>Sub  heading</h2>
            <p>First   paragraph with <a href="#">a link</a> inside.<br>After a break.</p>
            <ul><li>One item</li><li><a href="/x">Only link</a></li></ul>
            <blockquote><p>Quoted words.</p></blockquote><table><tr><td>Cell A</td><td>Cell B</td></tr></table>
            <pre>line 1
              line 2</pre><figure><img src=x><figcaption>A caption</figcaption></figure></div></body>
            """)
        let texts = page.blocks.map(\.text)
        XCTAssertEqual(
            texts,
            [
                "Sub heading", "First paragraph with a link inside.", "After a break.", "One item", "Only link",
                "Quoted words.", "Cell A", "Cell B", "line 1\n  line 2", "A caption",
            ])
        let kinds = page.blocks.map(\.kind)
        XCTAssertEqual(kinds, [.heading, .paragraph, .paragraph, .listItem, .listItem, .quote, .tableCell, .tableCell, .pre, .caption])
        XCTAssertEqual(page.blocks[0].level, 2)
        XCTAssertEqual(page.blocks[1].linkChars, 5, "\"a link\" has five visible characters")
        XCTAssertEqual(page.blocks[4].linkDensity, 1)
        XCTAssertTrue(page.blocks[5].inQuote)
        XCTAssertTrue(page.blocks[3].inList)
        XCTAssertTrue(page.blocks[6].inTable)
        XCTAssertTrue(page.blocks[9].inFigure)
        let owner = page.elements[Int(page.blocks[1].element)]
        XCTAssertEqual(owner.tag, "p")
        let container = page.elements[Int(owner.parent)]
        XCTAssertEqual(container.tag, "div")
        XCTAssertEqual(container.classID, "story body main")
    }

    /// A block-level element inside a heading (`<h1><center>`, `<h2><div>`) is the heading's
    /// text, at the heading's level; the heading ends where its element does.
    func testBlocksInsideAHeadingAreTheHeading() throws {
        let page = try segment(
            "<body><h1><center>Survival Guide</center></h1><p>by Jon Foster</p><h2><div>Part one</div><div>Setup</div></h2><p>Text.</p></body>")
        XCTAssertEqual(page.blocks.map(\.text), ["Survival Guide", "by Jon Foster", "Part one", "Setup", "Text."])
        XCTAssertEqual(page.blocks.map(\.kind), [.heading, .paragraph, .heading, .heading, .paragraph])
        XCTAssertEqual(page.blocks.map(\.level), [1, 0, 2, 2, 0])
    }

    /// Words in inline elements side by side with no space between them (a page spacing them with
    /// CSS) stay apart where a word clearly starts: a capital after a small letter or a digit, a
    /// digit after a digit. A word a word processor split over elements stays whole, and so does
    /// a heading animated letter by letter.
    func testWordsInElementsSideBySideStayApart() throws {
        let page = try segment(
            "<body><p><span>LinkedIn</span><span>Patrick Smith</span></p><p><span>2026</span><span>1h 54m</span><span>Drama</span></p>"
                + "<p><span>opportunities for child</span><span>ren</span>, <b>Bold</b>text</p>"
                + "<h1><span>H</span><span>e</span><span>L</span><span>l</span><span>o</span></h1></body>")
        XCTAssertEqual(page.blocks.map(\.text), ["LinkedIn Patrick Smith", "2026 1h 54m Drama", "opportunities for children, Boldtext", "HeLlo"])
    }

    func testNormalisation() {
        XCTAssertEqual(TextNormalizer.normalize(Array("  a\u{00A0}\u{00A0}b \t\n c\u{200B}d\u{00AD}e  ".utf8)), "a b cde")
        // NFC: e + combining acute becomes é.
        XCTAssertEqual(TextNormalizer.normalize(Array("Cafe\u{0301}".utf8)).unicodeScalars.count, 4)
        XCTAssertEqual(TextNormalizer.normalize(Array("\n  a  b  \r\n\n   c\n\n".utf8), keepNewlines: true), "  a  b\n\n   c")
    }

    func testSentences() {
        let text = "Mr. Smith went to Washington. He said: \"It works!\" Then he left… The U.S. team won 3.5 points. 今日は晴れ。明日も？"
        let block = Block(
            kind: .paragraph, level: 0, text: text, linkChars: 0, chars: 0, element: 0,
            sentenceEnds: SentenceSplitter.sentenceEnds(text), inQuote: false, inList: false, inTable: false, inFigure: false)
        XCTAssertEqual(
            block.sentences.map(String.init),
            [
                "Mr. Smith went to Washington.", "He said: \"It works!\"", "Then he left…", "The U.S. team won 3.5 points.", "今日は晴れ。", "明日も？",
            ])
    }
}
