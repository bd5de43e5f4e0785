import XCTest

@testable import WinnowHTML

final class HTMLParserTests: XCTestCase {
    func testBuildsElementsTextAndAttributes() throws {
        let tree = try XCTUnwrap(
            HTMLParser.parse(
                "<html><head><title>T &amp; U</title></head><body><div class='a b' id=x><p>Hello <b>world</b><p>Second</div></body></html>"))
        let title = try XCTUnwrap(tree.first(.title))
        var out: [UInt8] = []
        tree.appendText(of: title, to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "T & U")
        let div = try XCTUnwrap(tree.first(.div))
        XCTAssertEqual(tree.attributeString(.class, of: div), "a b")
        XCTAssertEqual(tree.attributeString(.id, of: div), "x")
        let paragraphs = tree.children(of: div).filter { tree[$0].tag == .p }
        XCTAssertEqual(paragraphs.count, 2, "the second <p> closes the first")
        out = []
        tree.appendText(of: div, to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "Hello worldSecond")
    }

    /// A page that closes its document after the header and goes on (`</body></html>`, then the
    /// article): the rest goes into the page's body, as browsers put it, not into a second
    /// document that the cleaner and the extraction never read.
    func testMarkupAfterTheDocumentsEndGoesIntoItsBody() throws {
        let tree = try XCTUnwrap(
            HTMLParser.parse(
                "<html><head><title>T</title></head><body><header>Menu</header></body></html><div><p>The article.</p></div><p>More.</p>"))
        var htmls = 0
        tree.walk { _, node in
            if node.tag == .html { htmls += 1 }
            return true
        }
        XCTAssertEqual(htmls, 1, "one document")
        let body = try XCTUnwrap(tree.first(.body))
        var out: [UInt8] = []
        tree.appendText(of: body, to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "MenuThe article.More.")
    }

    func testKeepsOnlyJSONLDScripts() throws {
        let tree = try XCTUnwrap(
            HTMLParser.parse(
                #"<head><script>var x = "<p>no</p>";</script><script type="application/ld+json">{"a":1}</script><style>p{}</style></head><body><p>yes</p></body>"#
            ))
        var out: [UInt8] = []
        tree.appendText(of: HTMLTree.root, to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), #"{"a":1}yes"#)
    }

    func testUnknownTagsAreNamed() throws {
        let tree = try XCTUnwrap(HTMLParser.parse("<body><my-widget>t</my-widget></body>"))
        var names: [String] = []
        tree.walk { _, node in
            names.append(tree.name(of: node.tag))
            return true
        }
        XCTAssertTrue(names.contains("my-widget"))
    }

    func testDepthLimitFlattensInsteadOfGrowing() throws {
        let deep = String(repeating: "<div>", count: 5000) + "deep text" + String(repeating: "</div>", count: 5000)
        let tree = try XCTUnwrap(HTMLParser.parse(deep, limits: ParseLimits(maxDepth: 100)))
        XCTAssertLessThanOrEqual(tree.nodes.map(\.depth).max() ?? 0, 101)
        var out: [UInt8] = []
        tree.appendText(of: HTMLTree.root, to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "deep text")
        XCTAssertGreaterThan(tree.flattenedElements, 0)
    }

    func testBinaryGarbageDoesNotCrash() {
        var bytes: [UInt8] = []
        var x: UInt32 = 12345
        for _ in 0..<100_000 {
            x = x &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(truncatingIfNeeded: x >> 16))
        }
        XCTAssertNotNil(HTMLParser.parse(utf8: bytes))
    }
}
