import XCTest

@testable import WinnowHTML

/// libxml2 is the oracle: a page parsed with its script and style bodies cut must give the very
/// tree the whole page gives.
final class InputTrimmerTests: XCTestCase {
    private func assertSameTree(_ html: String, file: StaticString = #filePath, line: UInt = #line) {
        let bytes = Array(html.utf8)
        for selection in [AttributeSelection.all, .read] {
            let cut = HTMLParser.parse(utf8: bytes, trim: true, attributes: selection)
            let whole = HTMLParser.parse(utf8: bytes, trim: false, attributes: selection)
            XCTAssertEqual(cut, whole, "trees differ (\(selection)) for: \(html.prefix(300))", file: file, line: line)
        }
    }

    private func stripped(_ html: String) -> String? {
        Array(html.utf8).withUnsafeBufferPointer { InputTrimmer.strip($0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    func testCutsScriptAndStyleBodies() {
        let html =
            #"<html><head><style>p { color: red }</style><script src="a.js"></script><script>var a = "<p>x</p>";</script></head><body><p>Text</p></body></html>"#
        XCTAssertEqual(
            stripped(html), #"<html><head><style></style><script src="a.js"></script><script></script></head><body><p>Text</p></body></html>"#)
        assertSameTree(html)
    }

    func testDropsAttributesTheTreeDoesNotKeep() {
        let html =
            #"<div data-a="1" CLASS="x"data-b='2' onclick=go() id=y hidden data-c><a href=/p target=_blank>t</a><svg><path d="M0 0L10 10"/></svg></div>"#
        XCTAssertEqual(stripped(html), #"<div  CLASS="x"  id=y hidden ><a href=/p >t</a><svg><path /></svg></div>"#)
        assertSameTree(html)
    }

    func testReadSelectionCutsLinkTargetsButTheCanonicalOne() {
        let html = #"<link rel=canonical href="/c"><a href="/x" title=t class=k>a</a><img src=i.png alt="A">"#
        let cut = Array(html.utf8).withUnsafeBufferPointer { InputTrimmer.strip($0, keeping: .read) }.map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(cut, #"<link rel=canonical href="/c"><a   class=k>a</a><img  >"#)
        assertSameTree(html)
    }

    /// An `<a>`'s `href` that is an author page's address stays in the `read` tree (the clean
    /// stage reads the author's name from it); one that may decode to such an address reaches
    /// libxml2 whole; a second `href` keeps its tag whole (libxml2 keeps the first of two).
    func testReadSelectionKeepsAuthorAddresses() {
        let html =
            #"<a href="/authors/ann-lee/">Ann Lee</a><A HREF=/author/bo>B</A><a href="/blog/x?a=1&amp;b=2">x</a>"#
            + #"<a href="&#47;author/cy">C</a><a href="/x" href="/author/dee">D</a><a href="/authority">E</a>"#
        let cut = Array(html.utf8).withUnsafeBufferPointer { InputTrimmer.strip($0, keeping: .read) }.map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(
            cut,
            #"<a href="/authors/ann-lee/">Ann Lee</a><A HREF=/author/bo>B</A><a >x</a>"#
                + #"<a href="&#47;author/cy">C</a><a href="/x" href="/author/dee">D</a><a href="/authority">E</a>"#)
        assertSameTree(html)
        let tree = HTMLParser.parse(utf8: Array(html.utf8), attributes: .read)!
        let kept = (0..<Int32(tree.nodes.count)).compactMap { tree.attributeString(.href, of: $0) }
        XCTAssertEqual(kept, ["/authors/ann-lee/", "/author/bo", "/author/cy", "/authority"], "the first of two hrefs is libxml2's")
    }

    func testKeepsJSONLD() {
        let html = #"<script type="application/LD+JSON">{"@type":"NewsArticle"}</script><script>x()</script><p>t</p>"#
        XCTAssertEqual(stripped(html), #"<script type="application/LD+JSON">{"@type":"NewsArticle"}</script><script></script><p>t</p>"#)
        assertSameTree(html)
    }

    /// WCXB dev page 0381 writes `type="application/ld&#x2B;json"`: the tree decodes the reference
    /// and keeps the body, so the cut must keep it too.
    func testKeepsJSONLDWhoseTypeHasACharacterReference() {
        let cases = [
            #"<script type="application/ld&#x2B;json">{"@type":"Article"}</script><p>t</p>"#,
            #"<script type="application/ld&#43;json">{"@type":"Article"}</script><p>t</p>"#,
            #"<script type="application/&#108;d+json">{"@type":"Article"}</script><p>t</p>"#,
        ]
        for html in cases {
            XCTAssertNil(stripped(html), html)
            assertSameTree(html)
        }
    }

    func testCutsCommentBodies() {
        XCTAssertEqual(stripped("<p>a<!-- note <b>x</b> -->b</p><!-- c --!>"), "<p>a<!---->b</p><!-- c --!>")
    }

    func testNothingToCut() {
        XCTAssertNil(stripped("<p>plain</p>"))
        XCTAssertNil(stripped("<script></script><p>x</p>"))
    }

    func testFollowsLibxml2OnAwkwardMarkup() {
        let cases = [
            // End-tag search is caseless and ignores other end tags inside the body.
            "<SCRIPT>a = '</div>'; b = '<b>';</ScRiPt ><p>after</p>",
            // A '>' inside a quoted attribute does not end the tag.
            #"<script data-x="a>b">var q = 1;</script><p>after</p>"#,
            #"<div title='<script>'>visible</div><script>hidden()</script><p>t</p>"#,
            // Unquoted values, bogus attributes and self-closing tags.
            "<script src=a/b.js>x()</script><p>t</p>",
            "<script @click=\"a > b\">c()</script><p>t</p>",
            "<script/>not script text<p>t</p>",
            "<script / >text</script><p>t</p>",
            "<style/><p>after a self-closed style</p>",
            // Comments: tags inside are not tags; '--!>' ends one too.
            "<!-- <script> --><p>visible</p><script>x</script>",
            "<!-- a --!><p>visible</p><script>y</script>",
            "<!--><script>z</script>--><p>t</p><script>w</script>",
            "<!---><p>t</p>--><script>u</script>",
            "<!-- unterminated <script>x</script>",
            "<!--[if lt IE 9]><p>old</p><![endif]--><p>t</p><!-- a -- b --><!---><!----><p>u</p>-->",
            // Doctypes and processing instructions.
            #"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><script>x</script><p>t</p>"#,
            "<!doctype html SYSTEM 'a>b'><script>x</script><p>t</p>",
            #"<?xml version="1.0" encoding="utf-8"?><html><script>x</script><p>t</p></html>"#,
            "<? bogus ><script>x</script><p>t</p>",
            "<!foo><script>x</script><p>t</p>",
            // Bodies that libxml2 reads in its own way.
            "<script></div>var a = '<style>';</script><p>visible</p></style>",
            "<script><p>inside</p></script><p>t</p>",
            "<script><!-- hide(); --></script><p>t</p>",
            "<script><noscript>x</noscript></script><p>t</p>",
            "<style><body><p>t</p></style>",
            "<style><FRAMESET><p>t</p></style>",
            "<script type=text/template><div class=x>{{a}}</div></script><p>t</p>",
            "<script><</script><p>t</p>",
            "<script>var a = 1;</scripts>b = 2;</script><p>t</p>",
            "<script>no end tag <p>t</p>",
            "<style>a{}</style  foo=bar><p>t</p>",
            "<scriptx>text</scriptx><script>y</script>",
            "< script>text</script><p>t</p>",
            "</ script><script>x</script><p>t</p>",
            "<p>a < b and c <d</p><script>x</script>",
            // Attributes: valueless, spaced '=', duplicates, bogus ones, names past 100 bytes.
            "<p data-x = 'a' class = b data-y class=c title>t</p>",
            "<p class=a data-z=\"q\"r id=1>t</p>",
            "<p @x=\"1 2\" data-a=3 =4 id='i'>t</p>",
            "<p x" + String(repeating: "y", count: 120) + "=1 data-q=2 id=3>t</p>",
            "<p " + String(repeating: "z", count: 99) + " class=k data-w=5>t</p>",
            "<img data-src=a.png src=b.png alt='A > B'/><p>t</p>",
            "<meta http-equiv=Content-Type content='text/html; charset=latin1' data-x=1><p>é</p>",
            "<textarea><script>x</script></textarea><p>t</p>",
            "<title>A <script>x</script> B</title><p>t</p>",
            "<noscript><p>no js</p></noscript><script>x</script>",
            String(repeating: "a", count: 120).withTag,
            "<script " + String(repeating: "b", count: 100) + "1=\"x>y\">z</script><p>t</p>",
            "<html><body><script>x</script></body></html><script>late()</script><p>after body</p>",
        ]
        for html in cases { assertSameTree(html) }
    }

    /// Random pages put together from awkward pieces, each compared with libxml2's own reading.
    func testRandomPagesGiveTheSameTree() {
        let pieces = [
            "<script>", "</script>", "<style>", "</style>", "<SCRIPT type=\"text/javascript\">", "</Script >",
            "<script type='application/ld+json'>", "<script src=x.js>", "<script/>", "<style media=\"a>b\">",
            "<p>", "</p>", "<div class='a\"b'>", "</div>", "<br/>", "<a href=x>", "</a>", "<b>", "</b>",
            "<!--", "-->", "--!>", "<!DOCTYPE html>", "<?php echo 1 ?>", "<!x>", "<", ">", "</", "/>", "'", "\"",
            "=", " ", "\n", "&amp;", "&lt;script&gt;", "text", "é", "var s = '</p>';", "if (a<b) {}",
            "<p data-a=1 class=\"c\">", "<div data-x='y' id=z hidden>", "<svg><path d=\"M0 0\"/>", " data-q=", " class=",
            "<textarea>", "</textarea>", "<noscript>", "<body>", "<frameset>", "<title>", "</title>", "<table>", "<td>", "<li>", "<body>", "<html>",
        ]
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var cut = 0
        for _ in 0..<3000 {
            var html = ""
            for _ in 0..<(5 + next() % 40) { html += pieces[next() % pieces.count] }
            if stripped(html) != nil { cut += 1 }
            assertSameTree(html)
        }
        XCTAssertGreaterThan(cut, 200, "the random pages should exercise the cut, not only the give-ups")
    }
}

extension String {
    /// A start tag whose name is longer than libxml2's 100-byte name buffer, then a script.
    fileprivate var withTag: String { "<" + self + " x=\"<script>\">t</" + self + "><script>y</script>" }
}
