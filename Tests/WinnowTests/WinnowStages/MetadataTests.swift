import Foundation
import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

/// Metadata accuracy against hand-labelled pages (Fixtures/metadata-labels.jsonl).
final class MetadataTests: XCTestCase {
    struct Label {
        var id: String
        var title: String
        var authors: [String]
        var date: String
    }

    private func labels() throws -> [Label] {
        let path = TestPaths.root.appendingPathComponent("Tests/WinnowTests/Fixtures/metadata-labels.jsonl")
        return try String(contentsOf: path, encoding: .utf8).split(separator: "\n").map { line in
            let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return Label(
                id: try XCTUnwrap(o["id"] as? String), title: try XCTUnwrap(o["title"] as? String),
                authors: try XCTUnwrap(o["authors"] as? [String]), date: try XCTUnwrap(o["date"] as? String))
        }
    }

    /// Case, quotes, dashes and spacing aside.
    static func comparable(_ s: String) -> String {
        var t = s.lowercased()
        for (a, b) in [("’", "'"), ("‘", "'"), ("“", "\""), ("”", "\""), ("–", "-"), ("—", "-"), ("\u{00A0}", " ")] {
            t = t.replacingOccurrences(of: a, with: b)
        }
        return t.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func titleMatches(_ got: String?, _ want: String) -> Bool {
        guard let got else { return false }
        return comparable(got) == comparable(want)
    }

    /// Every labelled author named in the output, and as many authors as labelled.
    static func authorsMatch(_ got: String?, _ want: [String]) -> Bool {
        guard let got else { return want.isEmpty }
        let parts = got.components(separatedBy: "; ")
        let text = comparable(got)
        return parts.count == want.count && want.allSatisfy { text.contains(comparable($0)) }
    }

    /// The same calendar day; a value with a time of day may differ by one day (time zones).
    static func dateMatches(_ got: String?, _ want: String) -> Bool {
        guard let got, got.count >= 10 else { return false }
        let day = String(got.prefix(10))
        if day == want { return true }
        guard got.count > 10 else { return false }
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        guard let a = f.date(from: day), let b = f.date(from: want) else { return false }
        return abs(a.timeIntervalSince(b)) <= 86_400
    }

    /// An `<h1>` whose lines are broken by `<br>` is one headline, its lines joined by a space
    /// (the page's only title candidate here).
    func testHeadlineBrokenByBrIsOneTitle() throws {
        let html =
            "<html><head></head><body><h1>Pet Insurance<br>for Dogs &amp; Cats</h1>"
            + (1...8).map { "<p>Paragraph \($0) about insuring pets, long enough to be prose, with a comma, and a full stop.</p>" }.joined()
            + "</body></html>"
        let page = Segmenter().segment(try Cleaner().clean(Array(html.utf8), contentType: nil))
        XCTAssertEqual(try Extractor().extract(page, url: "https://example.org/pet-insurance").title, "Pet Insurance for Dogs & Cats")
    }

    private func extract(_ body: String, head: String = "", url: String = "https://example.org/blog/post", title: String = "A Post | Example")
        throws -> Extraction
    {
        let html =
            "<html><head><title>\(title)</title>\(head)</head><body>\(body)"
            + (1...8).map { "<p>Paragraph \($0) of the post, long enough to be prose, with a comma, and a full stop.</p>" }.joined()
            + "</body></html>"
        let page = Segmenter().segment(try Cleaner().clean(Array(html.utf8), contentType: nil))
        return try Extractor().extract(page, url: url)
    }

    /// A byline's label alone in its element names the author in the next one ("Written by" /
    /// "Jane Doe"), where the label itself was taken for the name.
    func testBylineLabelTakesTheNextBlocksName() throws {
        let head = "<meta property=\"og:type\" content=\"article\">"
        let got = try extract("<h1>A Post</h1><div class=\"author-box\"><p>Written by</p><p>Jane Doe</p></div>", head: head)
        XCTAssertEqual(got.author, "Jane Doe")
    }

    /// A writer's label with a colon ("Written by: Jane Doe"), alone before the name ("Article
    /// by" / "Jane Doe"), or run into the name by inline markup ("By<a>Jane Doe</a>").
    func testBylineLabelsWithAColonOrRunIntoTheName() throws {
        let head = "<meta property=\"og:type\" content=\"article\">"
        let body = (1...4).map { "<p>Paragraph \($0) of the story, long enough to be prose, with a comma, and a full stop.</p>" }.joined()
        XCTAssertEqual(try extract("<h1>A Post</h1><p>Written by: Jane Doe</p>" + body, head: head).author, "Jane Doe")
        XCTAssertEqual(try extract("<h1>A Post</h1><p><span>By</span><a href=\"/a\">Jane Doe</a></p>" + body, head: head).author, "Jane Doe")
        XCTAssertEqual(try extract("<h1>A Post</h1>" + body + "<p>Article by</p><p>Jane Doe</p>", head: head).author, "Jane Doe")
        XCTAssertEqual(Byline.runTogetherName("Written byJane Doe"), "Jane Doe")
        XCTAssertNil(Byline.runTogetherName("ByteDance shares rose"))
        XCTAssertNil(Byline.runTogetherName("BYOB Night"))
    }

    /// Dates a page shows in digits (day.month.year, or ISO inside a line) and a little away from
    /// the byline, on pages known to be articles; never on other pages.
    func testVisibleNumericDatesOnArticles() throws {
        XCTAssertEqual(DateParser.iso8601("12.03.2025"), "2025-03-12")
        XCTAssertEqual(DateParser.iso8601("by Jon Foster - 2025-09-13"), "2025-09-13")
        XCTAssertNil(DateParser.iso8601("version 1.2.2025.4"))
        XCTAssertNil(DateParser.iso8601("03/04/2025"), "month or day first depends on the writer")
        XCTAssertNil(DateParser.iso8601("31.02.2025x"))
        let article = "<meta property=\"og:type\" content=\"article\">"
        // Above the headline: outside the byline's blocks, which are read on every page.
        let body = "<p>Last updated: 12.03.2025</p><p>Free delivery</p><p>Sale</p><h1>A Post</h1><p>Jane Doe</p>"
        XCTAssertEqual(try extract(body, head: article).datePublished, "2025-03-12")
        XCTAssertNil(try extract(body, url: "https://example.org/shop/item").datePublished, "not an article: the date may be an item's")
        // Right beside the headline, a date is the page's whatever its kind.
        let beside = "<p>Free delivery</p><p>12.03.2025</p><h1>A Post</h1><p>Jane Doe</p>"
        XCTAssertEqual(try extract(beside, url: "https://example.org/shop/item").datePublished, "2025-03-12")
    }

    func testOrdinalDaysAndTheURLsDay() throws {
        XCTAssertEqual(try extract("<h1>A Post</h1>", head: "<meta name=\"published\" content=\"July 17, 2025\">").datePublished, "2025-07-17")
        XCTAssertEqual(DateParser.iso8601("January 22nd, 2019"), "2019-01-22")
        XCTAssertEqual(DateParser.iso8601("1st March 2024"), "2024-03-01")
        XCTAssertNil(DateParser.iso8601("March 42nd, 2024"))
        XCTAssertEqual(DateParser.daysBetween("2024-02-28T23:00Z", "2024-03-01"), 2, "2024 is a leap year")
        XCTAssertEqual(DateParser.daysBetween("2019-12-31", "2020-01-01"), 1)
        // A UTC timestamp past midnight, the URL's day the evening before: the URL's day.
        let late = "<meta property=\"article:published_time\" content=\"2019-11-20T01:50:59Z\">"
        XCTAssertEqual(try extract("<h1>A Post</h1>", head: late, url: "https://example.org/2019/11/19/a-post").datePublished, "2019-11-19")
        // Further apart, the metadata's date stands.
        XCTAssertEqual(
            try extract("<h1>A Post</h1>", head: late, url: "https://example.org/2019/11/17/a-post").datePublished, "2019-11-20T01:50:59Z")
    }

    /// schema.org microdata: the first `itemprop="author"` item's name (a forum's first post), when
    /// no JSON-LD, meta or byline names one; kept through the clean stage's intermediate records.
    func testMicrodataAuthor() throws {
        let post =
            "<h1>A Post</h1><article><div itemprop=\"author\" itemscope><span class=\"username\" itemprop=\"name\">sam_k</span>"
            + "<span>Member since 2019</span></div><p>First post.</p></article>"
            + "<article><div itemprop=\"author\" itemscope><span itemprop=\"name\">other</span></div></article>"
        XCTAssertEqual(try extract(post, url: "https://example.org/threads/a-post.1/").author, "sam_k")
        let html = Array(("<html><body>" + post + "</body></html>").utf8)
        let cleaned = try Cleaner().clean(html, contentType: nil)
        XCTAssertEqual(cleaned.info.microdataAuthor, "sam_k")
        let long = "<div itemprop=\"author\">" + String(repeating: "a very long author box ", count: 5) + "</div>"
        XCTAssertNil(try Cleaner().clean(Array(long.utf8), contentType: nil).info.microdataAuthor, "longer than a name")
    }

    /// Where the markup names the author apart from JSON-LD, meta and the byline: a scholarly
    /// citation, a Twitter card's "Written by" pair, a link marked rel=author, and (on articles
    /// and discussions only) an element whose class or id names the author; texts that are not
    /// names (a form's "Name *", a date, "admin") and other people's names (a commenter's) are not taken.
    func testAuthorFromMarkup() throws {
        let article = "<meta property=\"og:type\" content=\"article\">"
        let twitter = "<meta name=\"twitter:label1\" content=\"Written by\"><meta name=\"twitter:data1\" content=\"Ann Lee\">"
        XCTAssertEqual(try extract("<h1>A Post</h1>", head: twitter).author, "Ann Lee")
        XCTAssertEqual(try extract("<h1>A Post</h1>", head: "<meta name=\"citation_author\" content=\"Lee, Ann\">").author, "Lee, Ann")
        let rel = "<h1>A Post</h1><div class=\"meta\"><a href=\"/who/ann\" rel=\"author\">Ann Lee</a></div>"
        XCTAssertEqual(try extract(rel).author, "Ann Lee")
        let boxed =
            "<h1>A Post</h1><div class=\"post-author-box\"><img class=\"author-avatar\" src=\"a.png\">"
            + "<h4 class=\"post-author-box__name\">Ann Lee</h4><p class=\"author-bio\">Ann writes about gardens, and more.</p></div>"
        XCTAssertEqual(try extract(boxed, head: article).author, "Ann Lee")
        XCTAssertNil(try extract(boxed, url: "https://example.org/shop/item").author, "not an article: as often a reviewer's name")
        let forum = "<h1>A Thread</h1><div class=\"post\"><a class=\"username\" href=\"/u/1\">sam_k42</a><p>First post.</p></div>"
        XCTAssertEqual(try extract(forum, url: "https://example.org/threads/a-thread.1/").author, "sam_k42")
        let notNames =
            "<h1>A Post</h1><span class=\"byline\">Updated March 13, 2024</span><a rel=\"author\" href=\"/u/1\">admin</a>"
        XCTAssertNil(try extract(notNames, head: article).author)
        let comment =
            "<html><body><p>Text.</p><div class=\"comment-author vcard\">Bob Ray</div>"
            + "<form><p class=\"field-author\"><label>Name *</label><input name=\"author\"></p></form></body></html>"
        XCTAssertNil(try Cleaner().clean(Array(comment.utf8), contentType: nil).info.classAuthor, "a commenter's name, a form's field")
        // Kept through the clean stage's intermediate records.
        let html = Array(("<html><body>" + rel + boxed + "</body></html>").utf8)
        let cleaned = try Cleaner().clean(html, contentType: nil)
        XCTAssertEqual(cleaned.info.relAuthor, "Ann Lee")
        XCTAssertEqual(cleaned.info.classAuthor, "Ann Lee")
        let item = WorkItem(sequence: 0, origin: DocumentOrigin(id: "d", source: .html, input: "i"), content: .cleaned(cleaned))
        let line = try XCTUnwrap(RecordCodec.encode(item, added: "2026-01-01T00:00:00Z"))
        guard case .success((_, .cleanedHTML(_, let info))) = RecordCodec.decode(line: line[...], input: "i") else {
            return XCTFail("a clean record reads back as a cleaned page")
        }
        XCTAssertEqual(info, cleaned.info)
    }

    /// A link whose text is the name an author page's address spells (`/author/jane-doe/`,
    /// `/authors/jose-nunez`), on any kind of page, when nothing else names the author; a link to
    /// such a page with other words ("All posts") and a name no author address spells are not taken.
    func testAuthorFromTheLinkToTheirAuthorPage() throws {
        let post = "<h1>Eleven Ways to Plan</h1><div class=\"meta-2\"><a href=\"/authors/jane-doe\">Jane Doe</a> · May 3</div><p>Text.</p>"
        XCTAssertEqual(try extract(post, url: "https://example.org/eleven-ways").author, "Jane Doe")
        let accented = "<h1>A Post</h1><p><a href=\"https://example.org/author/jose-nunez/\">José Núñez</a></p>"
        XCTAssertEqual(try extract(accented).author, "José Núñez")
        let other = "<h1>A Post</h1><p><a href=\"/author/jane-doe/\">All posts</a> <a href=\"/team\">Sam Roe</a></p>"
        XCTAssertNil(try extract(other).author)
        // Kept through the clean stage's intermediate records.
        let cleaned = try Cleaner().clean(Array(("<html><body>" + post + "</body></html>").utf8), contentType: nil)
        XCTAssertEqual(cleaned.info.linkAuthor, "Jane Doe")
        let item = WorkItem(sequence: 0, origin: DocumentOrigin(id: "d", source: .html, input: "i"), content: .cleaned(cleaned))
        let line = try XCTUnwrap(RecordCodec.encode(item, added: "2026-01-01T00:00:00Z"))
        guard case .success((_, .cleanedHTML(_, let info))) = RecordCodec.decode(line: line[...], input: "i") else {
            return XCTFail("a clean record reads back as a cleaned page")
        }
        XCTAssertEqual(info.linkAuthor, "Jane Doe")
        let addresses: [(String, String?)] = [
            ("/authors/Ann_Lee/", "ann-lee"), ("https://x.org/blog/author/bo-ray?p=2", "bo-ray"), ("/author/", nil), ("/authority/x", nil),
        ]
        for (href, slug) in addresses {
            XCTAssertEqual(AuthorMarkup.authorSlug(Array(href.utf8)[...]), slug.map { Array($0.utf8) }, href)
        }
    }

    /// On a page that is not an article or a post, an `<h1>` just above the text is as often a
    /// tagline as the page's name: the name its `<title>` and meta title agree on is the title.
    /// An article's headline is the `<h1>` over its text.
    func testTaglineHeadingOnServicePages() throws {
        let name = "Data Analytics Services and Solutions"
        let head = "<meta property=\"og:title\" content=\"\(name) | Acme\">"
        let hero = "<div class=\"hero\"><h1>Intelligent insight for every team</h1><p>Talk to us</p></div><main><section>"
        let url = "https://acme.example/services/analytics"
        XCTAssertEqual(try extract(hero, head: head, url: url, title: "\(name) | Acme").title, name)
        let story = "<meta property=\"og:type\" content=\"article\"><meta property=\"og:title\" content=\"How Acme reads its data\">"
        let headline = "<main><h1>How Acme reads its data: a year of analytics</h1><section>"
        XCTAssertEqual(
            try extract(headline, head: story, url: "https://acme.example/blog/2024/how-acme-reads-its-data", title: "How Acme reads its data | Acme")
                .title,
            "How Acme reads its data: a year of analytics", "an article's headline as displayed")
    }

    /// A forum thread's JSON-LD (`DiscussionForumPosting`) names its author and date.
    func testForumPostingJSONLD() throws {
        let ld =
            #"<script type="application/ld+json">{"@type":"DiscussionForumPosting","headline":"A Post","#
            + #""author":{"@type":"Person","name":"sam_k"},"datePublished":"2025-11-28T19:07:05Z"}</script>"#
        let got = try extract("<h1>A Post</h1>", head: ld, url: "https://example.org/community/a-post")
        XCTAssertEqual(got.author, "sam_k")
        XCTAssertEqual(got.datePublished, "2025-11-28T19:07:05Z")
    }

    /// A JSON-LD author given as a reference (`{"@id": ...}`) to a `Person` node of the page's
    /// `@graph` (what Yoast SEO writes) is that node's name.
    func testJSONLDAuthorByReference() throws {
        let ld =
            #"<script type="application/ld+json">{"@graph":[{"@type":"Article","headline":"A Post","#
            + #""author":{"@id":"https://example.org/#/person/1"}},"#
            + #"{"@type":"Person","@id":"https://example.org/#/person/1","name":"Ann Lee"}]}</script>"#
        XCTAssertEqual(try extract("<h1>A Post</h1>", head: ld).author, "Ann Lee")
        let dangling = ##"<script type="application/ld+json">{"@type":"Article","author":{"@id":"#/nobody"}}</script>"##
        XCTAssertNil(try extract("<h1>A Post</h1>", head: dangling).author)
    }

    /// A byline's label or date read as a name ("Written" of "Written by", "March" of "March 17,
    /// 2025"), a template's unfilled field: not an author.
    func testLabelsAndMonthsAreNotNames() throws {
        for text in ["Written", "Researched", "March", "Jul", "Reviewed by", "page.head.author", "{{ author }}"] {
            XCTAssertFalse(MetadataExtractor.isName(text), text)
        }
        for text in ["Ann Lee", "sam_k42", "J. R. Smith", "May Lee"] { XCTAssertTrue(MetadataExtractor.isName(text), text) }
        let article = "<meta property=\"og:type\" content=\"article\">"
        let dated = "<h1>A Post</h1><div class=\"post-author-info\">March 17, 2025</div><p>By Ann Lee</p>"
        XCTAssertEqual(try extract(dated, head: article).author, "Ann Lee")
    }

    /// An author box anywhere on the page ("Written by Jane Doe" under the article) names the
    /// author when nothing else does; a plain "By ..." that far from the headline does not.
    func testWrittenByAnywhere() throws {
        let prose = (1...14).map { "<p>More of the post, long enough to be prose, with a comma, and a stop \($0).</p>" }.joined()
        XCTAssertEqual(try extract("<h1>A Post</h1>" + prose + "<div><p>Written by Jane Doe</p></div>").author, "Jane Doe")
        XCTAssertNil(try extract("<h1>A Post</h1>" + prose + "<div><p>By Category</p></div>").author)
        // The label alone, the name in the next block.
        XCTAssertEqual(try extract("<h1>A Post</h1>" + prose + "<h3>Author</h3><p>Lisa D. Ellis</p>").author, "Lisa D. Ellis")
        XCTAssertNil(try extract("<h1>A Post</h1>" + prose + "<h3>Author</h3><p>Read more of the author's posts here.</p>").author)
        XCTAssertEqual(try extract("<h1>A Post</h1>" + prose + "<p>Written by</p><p>Eliz - Product marketer</p>").author, "Eliz")
        XCTAssertNil(try extract("<h1>A Post</h1>" + prose + "<p>Author</p><p>CP</p>").author, "an avatar's initials")
    }

    /// A forum thread's first poster as forum software labels it ("Thread starter", "Post by ...
    /// »", "Discussion starter" after the name), lower-case names included; a poster further
    /// down (a reply's) is not taken.
    func testThreadStarter() throws {
        let url = "https://example.org/threads/a-thread.1/"
        XCTAssertEqual(try extract("<h1>A Thread</h1><ul><li>Thread starter sam_k42</li></ul>", url: url).author, "sam_k42")
        XCTAssertEqual(try extract("<h1>A Thread</h1><p>Post by jdoe » Sat Feb 24, 2024 12:41 pm</p>", url: url).author, "jdoe")
        // Above the headline, out of the byline's reach: the date is the starter line's.
        let menu = (1...6).map { "<p>Board \($0)</p>" }.joined()
        let post = try extract("<p>Post by jdoe » Sat Feb 24, 2024 12:41 pm</p>" + menu + "<h1>A Thread</h1>", url: url)
        XCTAssertEqual(post.author, "jdoe")
        XCTAssertEqual(post.datePublished, "2024-02-24", "the date on the starter's line")
        XCTAssertEqual(try extract("<h1>A Thread</h1><p>Perseus Legend Discussion starter</p>", url: url).author, "Perseus Legend")
        let far = "<h1>A Thread</h1>" + (1...25).map { "<p>Reply \($0) to the thread, long enough to be prose, with a comma.</p>" }.joined()
        XCTAssertNil(try extract(far + "<p>Post by jdoe » Sat Feb 24, 2024</p>", url: url).author, "past the thread's start")
    }

    /// A date the page labels as its publication's, anywhere on the page (here after the text,
    /// far from the headline): in the label's block or in the block after a label alone. An
    /// "Updated" label is not a publication date.
    func testLabelledPublicationDate() throws {
        let prose = (1...30).map { "<p>More of the page, long enough to be prose, with a comma, and a stop \($0).</p>" }.joined()
        XCTAssertEqual(try extract("<h1>A Page</h1>" + prose + "<div>Published On: 15 August 2025</div>").datePublished, "2025-08-15")
        XCTAssertEqual(try extract("<h1>A Page</h1>" + prose + "<h4>Published</h4><div>July 8, 2025</div>").datePublished, "2025-07-08")
        XCTAssertNil(try extract("<h1>A Page</h1>" + prose + "<p>Last updated: November 13, 2025</p>").datePublished)
    }

    /// A thread's first post's date: the first of the dated post headers that repeat (same tag
    /// and class), a poster's "Joined" date beside it left out.
    func testFirstPostDate() throws {
        let post = { (date: String, joined: String) in
            "<dl><dd class=\"joined\">Joined: \(joined)</dd></dl><p class=\"author\">\(date)</p>"
                + "<div class=\"content\">A post of the thread, long enough to be prose, with a comma, and a stop.</div>"
        }
        // Far enough from the headline that no date near it is taken first.
        let top = "<h1>Board</h1>" + (1...30).map { "<p>A board's line, long enough to be prose, with a comma, and a stop \($0).</p>" }.joined()
        let url = "https://example.org/viewtopic.php?t=1"
        let html =
            top + post("Sun Dec 17, 2023 11:23 am", "Sun Dec 10, 2023 11:18 am") + post("Wed Dec 27, 2023 10:00 am", "Wed Feb 04, 2015 6:38 pm")
        XCTAssertEqual(try extract(html, url: url).datePublished, "2023-12-17")
        let one = top + post("Sun Dec 17, 2023 11:23 am", "Sun Dec 10, 2023 11:18 am")
        XCTAssertNil(try extract(one, url: url).datePublished, "one dated block: no repeated post header")
    }

    /// A thread's first poster when nothing else names one: after "by" on the first post's header
    /// line, or the name alone in a block beside that header (after it first).
    func testFirstPostAuthor() throws {
        let top = "<h1>Board</h1>" + (1...30).map { "<p>A board's line, long enough to be prose, with a comma, and a stop \($0).</p>" }.joined()
        let url = "https://example.org/viewtopic.php?t=1"
        let body = "<div class=\"content\">A post of the thread, long enough to be prose, with a comma, and a stop.</div>"
        let byLine = { (name: String, date: String) in "<p class=\"author\">by \(name) » \(date)</p>" + body }
        let phpBB = top + byLine("Outer Armatonisdaristan", "Tue Aug 27, 2019 1:47 am") + byLine("jdoe", "Wed Aug 28, 2019 9:00 am")
        XCTAssertEqual(try extract(phpBB, url: url).author, "Outer Armatonisdaristan")
        let nameAfter = { (name: String, date: String) in "<h2>#1 \(date)</h2><div class=\"poster\">\(name)</div>" + body }
        let fluxBB = top + nameAfter("chunix64", "2025-11-01 15:14:37") + nameAfter("other_user", "2025-11-02 10:00:00")
        XCTAssertEqual(try extract(fluxBB, url: url).author, "chunix64")
        XCTAssertNil(try extract(top + byLine("jdoe", "Tue Aug 27, 2019 1:47 am"), url: url).author, "no repeated post header")
    }

    /// A date shown by the headline two days or more before the one the metadata declares is the
    /// original publication's; not when it is labelled as an update, is a day off (a time zone),
    /// or shares its block with another date.
    func testOriginalDateShownByHeadline() throws {
        let head = #"<meta property="article:published_time" content="2025-06-24T10:00:00+00:00">"#
        let page = { (shown: String) in "<h1>A Post About Something</h1><p class=\"date\">\(shown)</p>" }
        XCTAssertEqual(try extract(page("August 25, 2024"), head: head).datePublished, "2024-08-25")
        XCTAssertEqual(try extract(page("Last updated: August 25, 2024"), head: head).datePublished, "2025-06-24T10:00:00+00:00")
        XCTAssertEqual(try extract(page("June 23, 2025"), head: head).datePublished, "2025-06-24T10:00:00+00:00")
        XCTAssertEqual(try extract(page("August 25, 2024 · June 24, 2025"), head: head).datePublished, "2025-06-24T10:00:00+00:00")
        XCTAssertEqual(try extract(page("July 1, 2025"), head: head).datePublished, "2025-06-24T10:00:00+00:00", "later: the declared date")
    }

    /// A date alone in a small heading beside the headline (a "pre-headline") is the page's date;
    /// a section heading that is a date far below it is not.
    func testDateInASmallHeadingBesideTheHeadline() throws {
        XCTAssertEqual(try extract("<h5>January 23, 2025</h5><h1>Solar Installation in Four Steps</h1>").datePublished, "2025-01-23")
        let far = "<h1>Solar Installation in Four Steps</h1>" + String(repeating: "<p>More.</p>", count: 30) + "<h3>March 2, 2025</h3>"
        XCTAssertNil(try extract(far).datePublished)
    }

    /// A byline in the line just above the headline, when it starts as one or holds a date; a
    /// menu's "Filter By Topic" there is not one, nor a weekday in a dated byline.
    func testBylineAboveTheHeadline() throws {
        XCTAssertEqual(try extract("<p>Published August 7, 2023 by Nicole Burke</p><h1>Planting Beds the Easy Way</h1>").author, "Nicole Burke")
        XCTAssertEqual(try extract("<p class=\"meta\">By: Jane Doe</p><h1>Planting Beds the Easy Way</h1>").author, "Jane Doe")
        XCTAssertNil(try extract("<p>Filter By Topic</p><h1>Planting Beds the Easy Way</h1>").author)
        XCTAssertNil(try extract("<h1>Planting Beds the Easy Way</h1><div class=\"byline\">Sat, 20 Dec, 2025 - 06:36</div>").author)
    }

    func testMetadataAccuracyOnLabelledPages() throws {
        let truth = try benchmarkTruth()
        let all = try labels()
        XCTAssertGreaterThanOrEqual(all.count, 40)
        var right = [0, 0, 0]
        var misses: [String] = []
        for label in all {
            let url = truth[label.id]?.url
            let bytes = try fileBytes(TestPaths.benchPages.appendingPathComponent("\(label.id).html.gz").path)
            let page = Segmenter().segment(try Cleaner().clean(bytes, contentType: nil))
            let e = try Extractor().extract(page, url: url)
            let short = String(label.id.prefix(12))
            if Self.titleMatches(e.title, label.title) {
                right[0] += 1
            } else {
                misses.append("\(short) title: \(e.title ?? "nil") | want \(label.title)")
            }
            if Self.authorsMatch(e.author, label.authors) {
                right[1] += 1
            } else {
                misses.append("\(short) author: \(e.author ?? "nil") | want \(label.authors)")
            }
            if Self.dateMatches(e.datePublished, label.date) {
                right[2] += 1
            } else {
                misses.append("\(short) date: \(e.datePublished ?? "nil") | want \(label.date)")
            }
        }
        let n = Double(all.count)
        let accuracy = right.map { Double($0) / n }
        print(
            String(
                format: "metadata accuracy on %d labelled pages: title %.3f, author %.3f, date %.3f", all.count, accuracy[0], accuracy[1], accuracy[2]
            ))
        for miss in misses { print("  miss \(miss)") }
        XCTAssertGreaterThanOrEqual(accuracy[0], 0.9, "title")
        XCTAssertGreaterThanOrEqual(accuracy[1], 0.9, "author")
        XCTAssertGreaterThanOrEqual(accuracy[2], 0.9, "date")
    }
}
