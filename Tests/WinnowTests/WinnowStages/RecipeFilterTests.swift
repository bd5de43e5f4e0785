import WinnowCompression
import XCTest

@testable import WinnowCore
@testable import WinnowStages

/// The steps a web-corpus recipe adds around extraction: the URL filter, PII redaction and C4's
/// bad-words list. The lists are made here; the text samples are short passages copied into this
/// file from the WCXB and news benchmark pages' truth (page ids beside them), so the tests need no
/// benchmark data.
final class RecipeFilterTests: XCTestCase {
    // MARK: URL lists

    func lists(_ lines: [String], name: String = "list.txt", threshold: Int = 2) throws -> URLLists {
        let dir = try TemporaryDirectory()
        let path = try dir.write(name, Array(lines.joined(separator: "\n").utf8))
        return try URLLists.load([path], softWordThreshold: threshold)
    }

    func testADomainBlocksItselfAndItsSubdomainsOnly() throws {
        let l = try lists(["# adult sites", "blocked.example", "", "Sub.Other.test"])
        XCTAssertEqual(l.match("https://blocked.example/")?.kind, .domain)
        XCTAssertEqual(l.match("http://www.blocked.example/a/b?c=1")?.entry, "blocked.example")
        XCTAssertEqual(l.match("http://deep.er.blocked.example:8080/")?.entry, "blocked.example")
        XCTAssertEqual(l.match("http://user@BLOCKED.EXAMPLE./x")?.entry, "blocked.example")
        XCTAssertNil(l.match("http://notblocked.example/"), "a name ending in the domain is not under it")
        XCTAssertNil(l.match("http://blocked.example.org/"))
        XCTAssertNotNil(l.match("http://a.sub.other.test/"))
        XCTAssertNil(l.match("http://other.test/"), "a listed subdomain does not block its parent")
    }

    func testLargeListsFindEveryEntryAndNothingElse() throws {
        let l = try lists((0..<20_000).map { "site\($0).test" }, name: "domains")
        XCTAssertEqual(l.entries, 20_000)
        for i in stride(from: 0, to: 20_000, by: 7) { XCTAssertNotNil(l.match("http://www.site\(i).test/"), "site\(i)") }
        for i in stride(from: 20_000, to: 30_000, by: 7) { XCTAssertNil(l.match("http://site\(i).test/")) }
    }

    func testAURLBlocksThePagesUnderItAtPathBoundaries() throws {
        let l = try lists(["http://www.site.test/forum/private/"], name: "urls")
        XCTAssertEqual(l.match("https://site.test/forum/private")?.kind, .url)
        XCTAssertEqual(l.match("https://site.test/forum/private/thread?id=3")?.entry, "site.test/forum/private")
        XCTAssertNil(l.match("https://site.test/forum/privateer"))
        XCTAssertNil(l.match("https://site.test/forum/"))
    }

    func testWordsSubwordsAndSoftWordsAsFineWebDefinesThem() throws {
        let l = try lists(["word:casino", "subword:xxx", "softword:free", "softword:cams"])
        XCTAssertEqual(l.match("https://news.test/best-Casino-bonus")?.kind, .word)
        XCTAssertNil(l.match("https://news.test/casinos-history"), "a banned word is a whole word of the URL")
        XCTAssertEqual(l.match("https://news.test/a/bigxxxsite")?.kind, .subword)
        XCTAssertEqual(l.match("https://x-x-x.test/")?.kind, .subword, "sub-words are matched in the URL's letters and digits")
        XCTAssertNil(l.match("https://news.test/free-software"), "one soft word is not enough")
        let soft = l.match("https://news.test/free/cams")
        XCTAssertEqual(soft?.kind, .softWord)
        XCTAssertEqual(soft?.entry, "free, cams")
        XCTAssertNil(try lists(["softword:free", "softword:cams"], threshold: 3).match("https://news.test/free/cams"))
    }

    func testUT1LayoutAndGzipListsAndMissingOnes() throws {
        let dir = try TemporaryDirectory()
        try dir.write("blacklists/adult/domains", Array("adult.test\n".utf8))
        try dir.write("blacklists/adult/urls", Array("site.test/adult\n".utf8))
        try dir.write("blacklists/adult/usage", Array("black\n".utf8))
        try dir.write("blacklists/gambling/domains.gz", try GzipCompressor.gzip(Array("bets.test\n".utf8)))
        let l = try URLLists.load([dir.path("blacklists")])
        XCTAssertEqual(l.match("http://www.adult.test/")?.list, "blacklists/adult/domains")
        XCTAssertEqual(l.match("http://site.test/adult/1")?.list, "blacklists/adult/urls")
        XCTAssertEqual(l.match("http://bets.test/")?.list, "blacklists/gambling/domains.gz")
        XCTAssertNil(l.match("http://black/"), "other files of the layout are not lists")
        XCTAssertThrowsError(try URLLists.load([dir.path("nothing")]))
        try dir.write("empty/readme", Array("x".utf8))
        XCTAssertThrowsError(try URLLists.load([dir.path("empty")]))
    }

    func testTheStageDropsBeforeTheParseAndTheAllowlistWins() throws {
        let dir = try TemporaryDirectory()
        var settings = URLFilterSettings()
        settings.blocklists = [try dir.write("block.txt", Array("blocked.test\n".utf8))]
        settings.allowlists = [try dir.write("allow.txt", Array("good.blocked.test\n".utf8))]
        let stage = try URLFilterStage(settings: settings)
        var origin = DocumentOrigin(id: "1", source: .warc, input: "x.warc")
        origin.url = "http://bad.blocked.test/page"
        guard case .dropped(let drop) = stage.process(.raw([]), origin: origin) else { return XCTFail("kept a blocked page") }
        XCTAssertEqual(drop.reason, .urlBlocklist)
        XCTAssertEqual(drop.stage, .urlFilter)
        XCTAssertTrue(drop.detail.contains("blocked.test (domain)"), drop.detail)
        origin.url = "http://good.blocked.test/page"
        guard case .kept = stage.process(.raw([]), origin: origin) else { return XCTFail("dropped an allowlisted page") }
        origin.url = nil
        guard case .kept = stage.process(.raw([]), origin: origin) else { return XCTFail("dropped a page without a URL") }
        XCTAssertTrue(stage.takes(.read) && stage.takes(.extract) && !stage.takes(.clean))

        settings.mode = .annotate
        let annotating = try URLFilterStage(settings: settings)
        origin.url = "http://blocked.test/"
        guard case .kept(.extracted(let e)) = annotating.process(.extracted(Extraction(text: "t")), origin: origin) else {
            return XCTFail("annotate mode dropped")
        }
        XCTAssertEqual(e.urlBlocklist, drop.detail.replacingOccurrences(of: "bad.blocked.test", with: "blocked.test"))
    }

    // MARK: PII

    func redact(_ text: String, _ configure: (inout PIISettings) -> Void = { _ in }) -> (String, [(String, Int)]) {
        var settings = PIISettings()
        configure(&settings)
        var extraction = Extraction(text: text)
        XCTAssertNil(PIIStage(settings: settings).filter(&extraction))
        return (extraction.text, extraction.pii ?? [])
    }

    func testEmailAddressesFromBenchmarkPagesAreReplaced() {
        // WCXB dev 0177, 0424, 0029.
        let (text, counts) = redact(
            "handle sensitive data? Email us at security@berkeley.edu.\nInstructor: Sitan Chen (sitan@seas.harvard.edu) Office hours"
                + "\nEmail us at npmc@newsproduct.org")
        XCTAssertFalse(text.contains("berkeley.edu") || text.contains("harvard.edu") || text.contains("newsproduct"), text)
        XCTAssertTrue(text.contains("Email us at email@example.com.\n") || text.contains("Email us at firstname.lastname@example.org.\n"), text)
        XCTAssertTrue(text.contains("Sitan Chen (") && text.contains(") Office hours"), text)
        XCTAssertEqual(counts.first?.0, "emails")
        XCTAssertEqual(counts.first?.1, 3)
        // The same address always gets the same replacement; a second pass changes nothing.
        let (twice, _) = redact(text)
        XCTAssertEqual(twice, text)
    }

    func testWhatIsNotPersonalDataIsLeft() {
        // WCXB dev 0443, 0663, 0668, 0670, 2866, 0502, 0536, 0493, 2874: addresses reserved for
        // examples, private and documentation ranges, versions, sections, credentials in proxy URLs.
        let samples = [
            "{\"name\":\"John Doe\",\"email\":\"john@example.com\"}",
            "Signed-off-by: Random J Developer <random@developer.example.org>",
            "HTTP/1.1 200 OK\nServer: openresty/1.9.7.1\nContent-Type: application/json",
            "$ export HTTPS_PROXY=\"http://user:pass@10.10.1.10:1080\"",
            "$ go get example.com/theirmodule@v1.3.4",
            "See\nSection\u{a0}7.8.2.1\nfor examples.",
            "a TCP connection to 10.1.2.3 or 10.4.5.6, on port 9376; ingress ip: 192.0.2.127; clients on 198.51.100.32:80",
            "Server:         192.168.65.7\nGetting pings of over 400ms to 10.0.2.2.\n169.254.12.0/24 dev eth0",
            "Ollama | 127.0.0.1:xxxx | Tailscale only\nJellyfin | 0.0.0.0:xxxx | LAN via UFW",
            "loopback (127.0.0.0/8 for IPv4, ::1/128 for IPv6), or link-local (fe80::/64)",
            "Download version 4.2.10.1 today; firmware 2.0.1.5 fixes it; the meeting is at 10:30:00 on 12.05.2020.",
            "ISBN 978-3-16-148410-0, call 1784 5348469",
        ]
        for sample in samples {
            let (text, counts) = redact(sample)
            XCTAssertEqual(text, sample)
            XCTAssertEqual(counts.map(\.1), [0, 0], sample)
        }
    }

    func testPublicAddressesAreReplacedAndCounted() {
        // WCXB dev 0454: "leading public DNS services 8.8.8.8 (operated by Google) and 1.1.1.1 (operated by CloudFlare)".
        let (text, counts) = redact(
            "leading public DNS services 8.8.8.8 (operated by Google) and 1.1.1.1 (operated by CloudFlare), http://93.184.216.34/ "
                + "and 2606:4700:4700::1111.")
        XCTAssertFalse(text.contains("8.8.8.8") || text.contains("1.1.1.1") || text.contains("93.184") || text.contains("2606:"), text)
        XCTAssertTrue(text.contains("http://") && text.hasSuffix("."), text)
        XCTAssertEqual(counts.map(\.0), ["emails", "ips"])
        XCTAssertEqual(counts.map(\.1), [0, 4])
    }

    func testPhoneNumbersWhenAskedAndAnnotateModeOnlyCounts() {
        // WCXB dev 0064, 4272, 0711, 2935.
        let sample =
            "at druginfo@fda.hhs.gov or 855-543-3784.\nPhone\n\n303-952-7683\nUnited Arab Emirates\n+971505017371\n|\non +49 (0)9546-9223-20 or"
        let (plain, _) = redact(sample)
        XCTAssertTrue(plain.contains("855-543-3784") && plain.contains("+971505017371"), "phones are off by default")
        let (text, counts) = redact(sample) { $0.phones = true }
        XCTAssertFalse(text.contains("855-543") || text.contains("952-7683") || text.contains("971505") || text.contains("9546"), text)
        XCTAssertEqual(counts.map(\.0), ["emails", "ips", "phones"])
        XCTAssertEqual(counts.map(\.1), [1, 0, 4])
        let (annotated, annotatedCounts) = redact(sample) {
            $0.phones = true
            $0.mode = .annotate
        }
        XCTAssertEqual(annotated, sample)
        XCTAssertEqual(annotatedCounts.map(\.1), [1, 0, 4])
    }

    func testDocumentsDenseWithPersonalDataAreDropped() {
        var settings = PIISettings()
        settings.maxPerThousandWords = 50
        var list = Extraction(text: (1...20).map { "Write to person\($0)@mail.test today." }.joined(separator: "\n"))
        XCTAssertEqual(PIIStage(settings: settings).filter(&list)?.reason, .piiDensity)
        var prose = Extraction(text: QualityTests.good + " Write to editor@mail.test about it.")
        XCTAssertNil(PIIStage(settings: settings).filter(&prose))
        XCTAssertEqual(prose.pii?.first?.1, 1)
    }

    // MARK: bad words

    func testBadWordsMatchWholeWordsAndPhrasesAsC4Does() {
        let list = BadWords(entries: ["# a list", "darn", "heck off", "a$$"])
        XCTAssertEqual(list.count, 3)
        XCTAssertEqual(list.matches(in: "Well, DARN it."), 1)
        XCTAssertEqual(list.matches(in: "darned socks"), 0, "a longer word is another word")
        XCTAssertEqual(list.matches(in: "please heck off now, heck off"), 2)
        XCTAssertEqual(list.matches(in: "heck, off"), 0, "a phrase's words are separated by one space")
        XCTAssertEqual(list.matches(in: "what a$$ says"), 1)
        XCTAssertEqual(list.matches(in: "what ba$$ says"), 0)
        XCTAssertEqual(list.matches(in: QualityTests.good), 0)
    }
}
