import WinnowHTML
import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

#if canImport(Glibc)
    import Glibc
#endif

final class CharsetTests: XCTestCase {
    func testOrderOfSources() {
        let meta = Array("<html><head><meta charset=\"koi8-r\"></head>".utf8)
        XCTAssertEqual(Charset.detect(contentType: "text/html; charset=Shift_JIS", bytes: meta).name, "CP932")
        XCTAssertEqual(Charset.detect(contentType: "text/html", bytes: meta).name, "KOI8-R")
        XCTAssertEqual(Charset.detect(contentType: "text/html; charset=iso-8859-1", bytes: [0xef, 0xbb, 0xbf] + meta).source, .bom)
        XCTAssertEqual(
            Charset.detect(contentType: nil, bytes: Array("<meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>".utf8)).name,
            "WINDOWS-1251")
        XCTAssertEqual(Charset.detect(contentType: "text/html; charset=latin1", bytes: []).name, "WINDOWS-1252")
        XCTAssertEqual(Charset.detect(contentType: nil, bytes: Array("plain ascii".utf8)).name, "UTF-8")
        XCTAssertEqual(Charset.detect(contentType: nil, bytes: [0x63, 0x61, 0x66, 0xe9]).name, "WINDOWS-1252")
        XCTAssertEqual(Charset.detect(contentType: "text/html; charset=x-unknown-thing", bytes: Array("é".utf8)).source, .fallback)
    }

    func testUndeclaredLegacyCharsetsAreRecognised() {
        let page = { (body: String) in "<html><body><p>\(body)</p></body></html>" }
        let cases = [
            ("Ceci est un texte français, déjà écrit à la main, avec des accents: été, noël, garçon.", "WINDOWS-1252", "WINDOWS-1252"),
            ("これは日本語の文章です。ひらがなとカタカナと漢字が入っています。", "SHIFT_JIS", "CP932"),
            ("这是一个中文句子，用于测试字符集的检测是否正确。我们在这里写更多的字。", "GB18030", "GB18030"),
            ("Это русский текст, написанный для проверки определения кодировки страницы.", "KOI8-R", "KOI8-R"),
            ("Это русский текст, написанный для проверки определения кодировки страницы.", "WINDOWS-1251", "WINDOWS-1251"),
        ]
        for (text, encoding, expected) in cases {
            let bytes = encoded(page(text), encoding)
            let (name, source) = Charset.detect(contentType: "text/html", bytes: bytes)
            XCTAssertEqual(source, .fallback)
            XCTAssertEqual(name, expected, text)
            XCTAssertTrue(String(decoding: Charset.decode(bytes, encoding: name), as: UTF8.self).contains(text), expected)
        }
    }

    /// `text` in `encoding` (iconv; what the encoding lacks transliterated).
    private func encoded(_ text: String, _ encoding: String) -> [UInt8] {
        let cd = iconv_open(encoding + "//TRANSLIT", "UTF-8")
        defer { iconv_close(cd) }
        var input = Array(text.utf8)
        var out = [UInt8](repeating: 0, count: input.count * 4)
        var inLeft = input.count
        var outLeft = out.count
        input.withUnsafeMutableBytes { i in
            out.withUnsafeMutableBytes { o in
                var ip = i.baseAddress?.assumingMemoryBound(to: CChar.self)
                var op = o.baseAddress?.assumingMemoryBound(to: CChar.self)
                _ = iconv(cd, &ip, &inLeft, &op, &outLeft)
            }
        }
        return Array(out.prefix(out.count - outLeft))
    }

    /// Issue 16: undeclared pages in the encodings a crawl meets decode to their text (uchardet
    /// chooses). The Korean, Japanese and Russian texts are the news pages' truth
    /// (Fixtures/news); the others are written here. `Benchmarks/charset_eval.py` measures 336
    /// real undeclared pages.
    func testUndeclaredPagesInEachEncodingDecodeToTheirText() throws {
        let truth = try benchmarkTruth()
        func news(_ prefix: String) throws -> String {
            let text = try XCTUnwrap(truth.first { $0.key.hasPrefix(prefix) }?.value.text)
            return String(text.prefix(1500))
        }
        let korean = try news("0ec95c7261d122f3")
        let japanese = try news("f105de6e63ca91ea")
        let arabic =
            "القاهرة هي عاصمة مصر وأكبر مدنها، ويعيش فيها ملايين الناس. يمر نهر النيل في وسط المدينة، وعلى ضفتيه حدائق ومقاه يجلس فيها الناس في المساء. وفي كل عام يزور المدينة عدد كبير من السياح لرؤية الأهرامات والمتاحف القديمة."
        let russian = try news("3c6d3381ef52ca26")
        let greek =
            "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας και μία από τις αρχαιότερες πόλεις του κόσμου. Οι κάτοικοί της ζουν ανάμεσα σε αρχαία μνημεία και σύγχρονα κτίρια, και κάθε χρόνο χιλιάδες επισκέπτες έρχονται για να δουν την Ακρόπολη."
        let hebrew =
            "ירושלים היא עיר עתיקה שבה חיים אנשים רבים. בכל שנה מגיעים אליה מבקרים מכל העולם כדי לראות את העיר העתיקה, את השווקים ואת המוזיאונים."
        let czech =
            "Praha je hlavní město České republiky. Řeka Vltava protéká středem města a přes ni vede Karlův most, po kterém každý den přejdou tisíce lidí. Žádné jiné město nemá tolik věží."
        let turkish =
            "İstanbul, Türkiye'nin en kalabalık şehridir. Boğaz'ın iki yakasında kurulan şehirde her gün milyonlarca insan işe gider; çarşılar, camiler ve çay bahçeleri hiç boşalmaz."
        let traditional = "台北是臺灣最大的城市之一，每天都有許多人搭乘捷運上班。夜市裡有各種小吃，遊客常常在那裡待到很晚，街道上的燈光也一直亮著。"
        let cases = [
            (korean, "EUC-KR"), (japanese, "EUC-JP"), (japanese, "SHIFT_JIS"), (arabic, "WINDOWS-1256"), (russian, "KOI8-R"),
            (russian, "ISO-8859-5"), (greek, "ISO-8859-7"), (greek, "WINDOWS-1253"), (hebrew, "WINDOWS-1255"), (czech, "ISO-8859-2"),
            (czech, "WINDOWS-1250"), (turkish, "WINDOWS-1254"), (traditional, "BIG5"),
        ]
        for (text, encoding) in cases {
            let html = "<html><head><title>t</title></head><body><p>" + text.replacingOccurrences(of: "\n", with: "</p><p>") + "</p></body></html>"
            let bytes = encoded(html, encoding)
            XCTAssertGreaterThan(bytes.count, text.unicodeScalars.count / 2, "\(encoding) holds the text")
            let (name, source) = Charset.detect(contentType: nil, bytes: bytes)
            XCTAssertEqual(source, .fallback)
            // The text the page holds: its bytes read in the encoding they were written in.
            let expected = String(decoding: Charset.decode(bytes, encoding: encoding), as: UTF8.self)
            XCTAssertTrue(String(decoding: Charset.decode(bytes, encoding: name), as: UTF8.self) == expected, "\(encoding) read as \(name)")
            XCTAssertTrue(expected.contains(String(text.prefix(20))), "\(encoding) holds the text")
        }
    }

    func testDecoding() {
        XCTAssertEqual(String(decoding: Charset.decode([0x93, 0x61, 0x94, 0x80], encoding: "WINDOWS-1252"), as: UTF8.self), "“a”€")
        XCTAssertEqual(String(decoding: Charset.decode([0xd0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4], encoding: "KOI8-R"), as: UTF8.self), "привет")
        XCTAssertEqual(String(decoding: Charset.decode([0x82, 0xb1, 0x82, 0xf1], encoding: "CP932"), as: UTF8.self), "こん")
        XCTAssertEqual(String(decoding: Charset.decode([0xc4, 0xe3, 0xba, 0xc3], encoding: "GB18030"), as: UTF8.self), "你好")
        // Invalid bytes become U+FFFD, NUL becomes a space, valid text around them stays.
        XCTAssertEqual(String(decoding: Charset.decode([0x61, 0xff, 0x62, 0x00, 0x63], encoding: "UTF-8"), as: UTF8.self), "a\u{FFFD}b c")
        XCTAssertEqual(String(decoding: Charset.decode([0x85, 0x40, 0x61], encoding: "CP932"), as: UTF8.self).unicodeScalars.first, "\u{FFFD}")
        XCTAssertTrue(Charset.isValidUTF8(Array("plain and ünïcödé 😀".utf8)))
        XCTAssertFalse(Charset.isValidUTF8([0xed, 0xa0, 0x80]), "surrogates are not UTF-8")
        XCTAssertFalse(Charset.isValidUTF8([0xc0, 0xaf]), "overlong forms are not UTF-8")
    }
}

/// The text of `<html><body>body</body></html>` once cleaned.
private func cleanedText(_ body: String) throws -> String {
    let page = try Cleaner().clean(Array("<html><body>\(body)</body></html>".utf8), contentType: nil)
    var bytes: [UInt8] = []
    page.tree.appendText(of: HTMLTree.root, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

final class CleanTests: XCTestCase {
    func testRemovesNonContentAndKeepsHeadInformation() throws {
        let html = """
            <html lang="en-GB"><head><title> A  title </title>
            <meta property="og:title" content="OG title"><link rel="canonical" href="https://x.example/a">
            <script type="application/ld+json">{"@type":"NewsArticle","headline":"LD"}</script>
            <script>document.write("<p>script text</p>")</script><style>p { color: red }</style></head>
            <body><nav><a href="/">Home</a></nav><div role="navigation">Menu</div>
            <form><input value="q"><button>Search</button></form>
            <article><p>Kept paragraph.</p><p hidden>Revealed by a script.</p><p style="display: none">Hidden two.</p>
            <div aria-hidden="true">Unread by screen readers.</div><!-- a comment --><noscript>Enable JS</noscript>
            <template><p>Template</p></template><iframe src="x"></iframe><time datetime="2019-11-19T10:00:00Z">Nov 19</time></article>
            </body></html>
            """
        let page = try Cleaner().clean(Array(html.utf8), contentType: "text/html")
        XCTAssertEqual(page.info.title, "A title")
        XCTAssertEqual(page.info.htmlLang, "en-GB")
        XCTAssertEqual(page.info.canonical, "https://x.example/a")
        XCTAssertEqual(page.info.meta("og:title"), "OG title")
        XCTAssertEqual(page.info.jsonLD, [#"{"@type":"NewsArticle","headline":"LD"}"#])
        XCTAssertEqual(page.info.times, ["2019-11-19T10:00:00Z"])
        var text: [UInt8] = []
        page.tree.appendText(of: HTMLTree.root, to: &text)
        let all = String(decoding: text, as: UTF8.self)
        XCTAssertTrue(all.contains("Kept paragraph."))
        XCTAssertTrue(all.contains("Unread by screen readers."), "aria-hidden hides from screen readers, not from the eye")
        XCTAssertTrue(all.contains("Revealed by a script."), "hidden marks what scripts reveal")
        for gone in ["script text", "color", "Home", "Menu", "Search", "Hidden", "comment", "Enable JS", "Template", "A title"] {
            XCTAssertFalse(all.contains(gone), "\(gone) removed from: \(all)")
        }
    }

    func testLargeFormsAreKept() throws {
        let prose = String(repeating: "Words of the article inside an ASP.NET page form. ", count: 40)
        let page = try Cleaner().clean(Array("<body><form id=aspnetForm><p>\(prose)</p></form></body>".utf8), contentType: nil)
        var text: [UInt8] = []
        page.tree.appendText(of: HTMLTree.root, to: &text)
        XCTAssertTrue(String(decoding: text, as: UTF8.self).contains("ASP.NET"))
    }

    /// A small form that only sends hidden fields (old Reddit's comment wrappers) is markup
    /// around text and stays; one with a field a reader fills in goes.
    func testFormsOfHiddenFieldsAreKept() throws {
        let comment =
            "<form action=\"#\"><input type=\"hidden\" name=\"thing_id\" value=\"t1\"><div class=\"md\"><p>A reply in the thread.</p></div></form>"
        XCTAssertTrue(try cleanedText(comment).contains("A reply in the thread."))
        let login = "<form><label>User Name</label><input type=\"text\" name=\"user\"><input type=\"hidden\" name=\"s\"></form>"
        XCTAssertFalse(try cleanedText(login).contains("User Name"))
    }

    /// Issue 15: a `<nav>`, `<button>` or hidden wrapper that holds the page's text (mis-nested
    /// markup that libxml2 recovers into it, a tab panel holding the article) is not removed with
    /// its text.
    func testRemovedElementsHoldingThePagesTextStay() throws {
        let prose = String(repeating: "A sentence of the article that the page is about. ", count: 20)
        XCTAssertTrue(try cleanedText("<nav><ul><li><a href=/>Home</a></li><li><p>\(prose)</p></li></ul></nav>").contains("A sentence"))
        XCTAssertTrue(try cleanedText("<p>Short intro.</p><div style='display:none'><main><p>Body.</p></main></div>").contains("Body."))
        let small = try cleanedText("<nav><a href=/>Home</a> <a href=/about>About</a></nav><p>\(prose)</p>")
        XCTAssertFalse(small.contains("About"), "a menu beside the text still goes")
        // A menu button whose inner <div> is never closed: libxml2 keeps everything after it
        // inside the <button> (its end tag cannot close the <div>).
        let button = try cleanedText("<header><button><div>Menu<div></button></div></header><article><p>\(prose)</p></article>")
        XCTAssertTrue(button.contains("A sentence"))
        XCTAssertFalse(try cleanedText("<button>Subscribe</button><p>\(prose)</p>").contains("Subscribe"), "a button beside the text still goes")
    }

    /// An accordion's headers are buttons that are all of a heading, or buttons holding headings
    /// (the WAI-ARIA pattern): their text is the question or section title the panel under them
    /// answers, and stays. Other buttons still go.
    func testAccordionHeaderButtonsStay() throws {
        let prose = "<p>\(String(repeating: "A sentence of the page around the questions. ", count: 10))</p>"
        let inHeading =
            prose
            + "<h3><button aria-expanded=\"false\" aria-controls=\"a1\"><span>How long does delivery take?</span></button></h3>"
            + "<div id=\"a1\"><p>Three to five working days.</p></div>"
        XCTAssertTrue(try cleanedText(inHeading).contains("How long does delivery take?"))
        let holdingHeading =
            prose + "<button type=\"button\"><div><h3>Can I return an item?</h3></div></button><div><p>Within thirty days.</p></div>"
        XCTAssertTrue(try cleanedText(holdingHeading).contains("Can I return an item?"))
        let controls = prose + "<div><button aria-expanded=\"false\">Show more options</button><p>The rest of the page.</p></div>"
        XCTAssertFalse(try cleanedText(controls).contains("Show more options"), "a toggle outside any heading still goes")
        let copy = prose + "<h1>Crate tokio <button id=\"copy-path\">Copy item path</button></h1>"
        XCTAssertFalse(try cleanedText(copy).contains("Copy item path"), "a control beside a heading's words still goes")
    }

    /// A cookie or consent notice goes by its class or id words, whatever its role; a name of one
    /// word (a section's anchor on a page about cookies) does not mark one.
    func testConsentNoticesGo() throws {
        let prose = "<p>\(String(repeating: "A sentence of the page that the reader came for. ", count: 10))</p>"
        let banners = [
            "<div class=\"cookie-notice pos-bottom\"><p>We use cookies to give you the best experience.</p></div>",
            "<div id=\"CookieBanner\"><p>We use cookies to give you the best experience.</p></div>",
            "<div id=\"onetrust-consent-sdk\" role=\"region\"><p>We use cookies to give you the best experience.</p></div>",
            "<section class=\"gdpr-settings\"><p>We use cookies to give you the best experience.</p></section>",
        ]
        for banner in banners {
            let text = try cleanedText(prose + banner)
            XCTAssertFalse(text.contains("We use cookies"), banner)
            XCTAssertTrue(text.contains("the reader came for"), banner)
        }
        let topic = prose + "<section id=\"cookies\"><h2>Cookies</h2><p>A cookie is a small piece of data a server sends.</p></section>"
        XCTAssertTrue(try cleanedText(topic).contains("A cookie is a small piece of data"))
        let cookbook = prose + "<div class=\"cookies\"><p>Bake the cookies for twelve minutes.</p></div>"
        XCTAssertTrue(try cleanedText(cookbook).contains("Bake the cookies"))
        let words = { (value: String) -> [String] in
            var out: [String] = []
            Cleaner.forEachNameWord(Array(value.utf8)[...]) { out.append(String(decoding: $0, as: UTF8.self)) }
            return out
        }
        XCTAssertEqual(words("CybotCookiebotDialog"), ["Cybot", "Cookiebot", "Dialog"])
        XCTAssertEqual(words("cmplz-cookiebanner  wt_cli"), ["cmplz", "cookiebanner", "wt", "cli"])
    }

    /// A page that sends its content in several `display:none` wrappers for a script to show
    /// (each under half the page's text, together most of it) is read as shown; where the hidden
    /// elements hold less than half, the style still removes them.
    func testContentSentHiddenInPartsIsKept() throws {
        let part = String(repeating: "One result of the listing with its description. ", count: 5)
        let header = "<header><a href=/>Shop</a> <a href=/cart>Cart</a> <p>Free delivery on orders over fifty.</p></header>"
        let parts = (1...3).map { "<div style=\"display:none\" id=part\($0)><p>Part \($0). \(part)</p></div>" }.joined()
        let shown = try cleanedText(header + parts)
        for n in 1...3 { XCTAssertTrue(shown.contains("Part \(n)."), "part \(n) kept: \(shown)") }
        let article = String(repeating: "A sentence of the article that the page is about. ", count: 20)
        let popup = try cleanedText("<p>\(article)</p><div style=\"display: none\"><p>Sign up for our newsletter today.</p></div>")
        XCTAssertFalse(popup.contains("newsletter"), "a hidden pop-up beside the text still goes")
    }

    /// The page's text that an element must hold most of to stay is what a reader sees: a JSON-LD
    /// script's text (kept in the tree for the metadata) is not part of it.
    func testJSONLDTextIsNotThePagesText() throws {
        let prose = String(repeating: "A sentence of the article that the page is about. ", count: 20)
        let ld = "{\"@type\":\"Product\",\"description\":\"\(String(repeating: "Long structured data. ", count: 100))\"}"
        let html = "<html><body><script type=\"application/ld+json\">\(ld)</script><nav><ul><li><p>\(prose)</p></li></ul></nav></body></html>"
        let page = try Cleaner().clean(Array(html.utf8), contentType: nil)
        XCTAssertEqual(page.info.jsonLD.count, 1)
        var bytes: [UInt8] = []
        page.tree.appendText(of: HTMLTree.root, to: &bytes)
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("A sentence"), "the nav holds all the text a reader sees")
    }

    /// React's streamed segments (`<div hidden id="S:n">` at the body's end) are read in the place
    /// of their `<template id="B:n">`, nested ones too; a hidden `S:` without its template, and
    /// other hidden elements, stay where they are.
    func testStreamedSegmentsTakeTheirPlaceholdersPlace() throws {
        let html =
            "<html><body><h1>Title</h1><section><template id=\"B:0\"></template><p>Loading</p></section><footer>Foot</footer>"
            + "<div hidden id=\"S:0\"><p>First part.</p><div><template id=\"B:1\"></template></div></div>"
            + "<div hidden id=\"S:1\"><p>Nested part.</p></div><div hidden id=\"S:9\"><p>Orphan.</p></div>"
            + "<div hidden><p>Hidden.</p></div></body></html>"
        let page = try Cleaner().clean(Array(html.utf8), contentType: nil)
        let texts = Segmenter().segment(page).blocks.map(\.text)
        XCTAssertEqual(texts, ["Title", "First part.", "Nested part.", "Loading", "Foot", "Orphan.", "Hidden."])
        let section = try XCTUnwrap(page.tree.first(.section))
        let moved = try XCTUnwrap(page.tree.children(of: section).first { page.tree[$0].tag == .p })
        XCTAssertEqual(page.tree[moved].depth, page.tree[section].depth + 1, "depths follow the move")
    }

    func testSerializedCleanPageParsesToTheSameBlocks() throws {
        let bytes = try fileBytes(
            TestPaths.benchPages.appendingPathComponent("04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34.html.gz").path)
        let page = try Cleaner().clean(bytes, contentType: nil)
        let again = try Cleaner().clean(HTMLSerializer.serialize(page), contentType: "text/html; charset=utf-8")
        XCTAssertEqual(Segmenter().segment(page).blocks, Segmenter().segment(again).blocks)
        XCTAssertEqual(page.info.title, again.info.title)
        XCTAssertEqual(page.info.jsonLD, again.info.jsonLD)
    }
}
