import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowStages

/// The recipe steps in a run: the URL filter before the parse, PII redaction after dedup, in the
/// single pass and in the distributed phases.
final class RecipeTests: XCTestCase {
    static let prose =
        "This is a paragraph of real prose, long enough to count as the main text of a page, with commas, clauses and a full stop."

    /// A WARC of pages: which are blocked by the lists below, and which are kept.
    static let pages: [(url: String, blocked: Bool)] = [
        ("https://news.test/2024/river-floods", false),
        ("https://adult.test/", true), // a blocked domain
        ("https://videos.adult.test/watch?v=1", true), // its subdomain
        ("https://blog.adult.test/safety-advice", false), // allowlisted
        ("https://adultery-history.test/essay", false), // a name that only starts like the domain
        ("https://shop.test/casino-night", true), // a banned word
        ("https://shop.test/casinos-of-the-world", false), // not the whole word
        ("https://forum.test/private/thread-7", true), // under a blocked URL
        ("https://forum.test/public/thread-8", false),
        ("https://bigxxxsite.test/", true), // a banned sub-word
    ]

    func makeInputs(_ dir: TemporaryDirectory) throws -> (warc: String, lists: URLFilterSettings) {
        var warc: [UInt8] = []
        for (n, page) in Self.pages.enumerated() {
            let html =
                "<html><head><title>Page \(n)</title></head><body><article><p>Page \(n). \(Self.prose)</p>"
                + "<p>Write to desk\(n)@news.test or reach our server at 93.184.216.\(n + 10); the office LAN is 192.168.1.\(n + 1).</p>"
                + "</article></body></html>"
            warc += warcRecord(uri: page.url, html: Array(html.utf8), id: String(format: "00000000-0000-0000-0000-%012d", n))
        }
        var settings = URLFilterSettings()
        // UT1's layout (a folder a category), and a file whose lines say their kind.
        try dir.write("lists/blacklists/adult/domains", Array("adult.test\nbigsite.test\n".utf8))
        try dir.write("lists/blacklists/adult/urls", Array("forum.test/private\n".utf8))
        settings.blocklists = [dir.path("lists/blacklists"), try dir.write("lists/extra.txt", Array("word:casino\nsubword:xxx\n".utf8))]
        settings.allowlists = [try dir.write("lists/allow.txt", Array("blog.adult.test\n".utf8))]
        return (try dir.write("in/crawl.warc", warc), settings)
    }

    func testBlockedPagesAreDroppedBeforeTheParseAndAddressesRedactedAfterDedup() throws {
        let dir = try TemporaryDirectory()
        let (warc, lists) = try makeInputs(dir)
        let summary = try runPipeline(inputs: [warc], output: dir.path("out")) { config in
            config.urlFilter = lists
            config.pii = PIISettings()
        }
        let blocked = Self.pages.filter(\.blocked).count
        XCTAssertEqual(summary.stats[.urlFilter].documentsIn, Self.pages.count)
        XCTAssertEqual(summary.stats[.urlFilter].dropped, [.urlBlocklist: blocked])
        XCTAssertEqual(summary.stats[.clean].documentsIn, Self.pages.count - blocked, "blocked pages are never parsed")
        XCTAssertEqual(summary.stats[.pii].documentsIn, Self.pages.count - blocked)
        let records = try readShards(dir.path("out"))
        XCTAssertEqual(records.compactMap { ($0["metadata"] as? [String: Any])?["url"] as? String }, Self.pages.filter { !$0.blocked }.map(\.url))
        for record in records {
            let text = try XCTUnwrap(record["text"] as? String)
            let metadata = try XCTUnwrap(record["metadata"] as? [String: Any])
            XCTAssertFalse(text.contains("@news.test") || text.contains("93.184.216."), text)
            XCTAssertTrue(text.contains("the office LAN is 192.168.1."), "a private address is not personal data")
            XCTAssertEqual(metadata["pii"] as? [String: Int], ["emails": 1, "ips": 1])
        }
        // --keep-dropped and inspect name the list and the entry.
        let dropped = dir.path("dropped")
        _ = try runPipeline(inputs: [warc], output: dir.path("out2")) { config in
            config.urlFilter = lists
            config.keepDroppedDirectory = dropped
        }
        let details = try readShards(dropped, prefix: "dropped").compactMap { ($0["metadata"] as? [String: Any])?["drop_detail"] as? String }
        XCTAssertEqual(
            details.sorted(),
            [
                "blacklists/adult/domains: adult.test (domain)", "blacklists/adult/domains: adult.test (domain)",
                "blacklists/adult/urls: forum.test/private (url)", "lists/extra.txt: casino (word)", "lists/extra.txt: xxx (subword)",
            ].map { $0.replacingOccurrences(of: "lists/extra.txt", with: dir.path("lists/extra.txt")) }.sorted())
    }

    func testAnnotateModeKeepsEveryPageAndSaysWhichListMatched() throws {
        let dir = try TemporaryDirectory()
        var (warc, lists) = try makeInputs(dir)
        lists.mode = .annotate
        let summary = try runPipeline(inputs: [warc], output: dir.path("out")) { $0.urlFilter = lists }
        XCTAssertEqual(summary.stats[.urlFilter].documentsOut, Self.pages.count)
        let flagged = try readShards(dir.path("out")).map { ($0["metadata"] as? [String: Any])?["url_blocklist"] != nil }
        XCTAssertEqual(flagged, Self.pages.map(\.blocked))
    }

    func testTheDistributedPhasesRunTheSameStages() throws {
        let dir = try TemporaryDirectory()
        let (warc, lists) = try makeInputs(dir)
        _ = try runPipeline(inputs: [warc], output: dir.path("single")) { config in
            config.urlFilter = lists
            config.pii = PIISettings()
        }
        var config = PipelineConfig(inputs: [warc], output: dir.path("phased"), added: "2024-01-01T00:00:00Z")
        config.urlFilter = lists
        config.pii = PIISettings()
        let phases = DedupPhases(settings: DedupSettings(), work: dir.path("work"), config: config)
        let one = DedupPhases.Shard(index: 0, count: 1)
        try phases.signatures(inputs: [InputRoot(warc)], shard: one, buckets: 1)
        try phases.buckets(shard: one)
        try phases.clusters()
        try phases.filter(inputs: [InputRoot(warc)], output: dir.path("phased"), shard: one, added: "2024-01-01T00:00:00Z")
        let merged = try phases.merge(output: dir.path("phased"), added: "2024-01-01T00:00:00Z")
        let texts = { (path: String) in try readShards(path).compactMap { $0["text"] as? String } }
        XCTAssertEqual(try texts(dir.path("phased")), try texts(dir.path("single")))
        XCTAssertEqual(merged.stats[.urlFilter].dropped[.urlBlocklist], Self.pages.filter(\.blocked).count)
        XCTAssertEqual(merged.stats[.pii].documentsIn, Self.pages.filter { !$0.blocked }.count)
    }
}
