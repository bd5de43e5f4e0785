import WinnowCompression
import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

/// The pieces of `winnow fetch` that need no network: digests, robots.txt, the URL list, WARC
/// records read back. The fetching itself is tested against a local server by scripts/check_fetch.py.
final class FetchTests: XCTestCase {
    func testSHA1AndBase32MatchKnownValues() {
        var s = SHA1()
        s.update(Array("abc".utf8))
        XCTAssertEqual(s.finish().map { String(format: "%02x", $0) }.joined(), "a9993e364706816aba3e25717850c26c9cd0d89d")
        var long = SHA1()
        long.update([UInt8](repeating: 0x61, count: 1_000_000))
        XCTAssertEqual(long.finish().map { String(format: "%02x", $0) }.joined(), "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        XCTAssertEqual(SHA1.base32(Array("foobar".utf8)), "MZXW6YTBOI======")
        XCTAssertEqual(SHA1.warcDigest([UInt8]()), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ")
    }

    func testRobotsGroupsAndLongestMatch() {
        let text = """
            # comment
            User-agent: *
            Disallow: /private/
            Allow: /private/open.html
            Crawl-delay: 2

            User-agent: winnow
            User-agent: other
            Disallow: /nowinnow
            Disallow: /*.pdf$
            Crawl-delay: 0.5
            """
        let mine = RobotsRules.parse(text, agent: "winnow")
        XCTAssertFalse(mine.allows("/nowinnow/page"))
        XCTAssertTrue(mine.allows("/private/x"), "a named group replaces the * group")
        XCTAssertFalse(mine.allows("/files/report.pdf"))
        XCTAssertTrue(mine.allows("/files/report.pdf?x=1"))
        XCTAssertEqual(mine.crawlDelay, 0.5)
        let anyone = RobotsRules.parse(text, agent: "somebot")
        XCTAssertFalse(anyone.allows("/private/x"))
        XCTAssertTrue(anyone.allows("/private/open.html"), "the longer Allow wins")
        XCTAssertTrue(anyone.allows("/"))
        XCTAssertEqual(anyone.crawlDelay, 2)
        XCTAssertFalse(RobotsRules.denyAll.allows("/"))
        XCTAssertTrue(RobotsRules.parse("", agent: "winnow").allows("/anything"))
    }

    func testURLListReportsInvalidLinesWithTheirNumbers() {
        let (urls, invalid) = Fetcher.parseList(
            "# list\n\nhttp://a.example/x\nnot a url\nhttps://b.example/y?q=1\nftp://c.example/z\nhttp://a.example/x\n")
        XCTAssertEqual(urls.map(\.url.absoluteString), ["http://a.example/x", "https://b.example/y?q=1"], "duplicates once")
        XCTAssertEqual(urls.map(\.line), [3, 5])
        XCTAssertEqual(invalid.map(\.line), [4, 6])
    }

    func testWrittenRecordsReadBackWithDigestsAndSeeds() throws {
        let dir = try TemporaryDirectory()
        let writer = try WARCFileWriter(directory: dir.path("warc"), prefix: "test", maxBytes: 1 << 20, software: "test")
        let head = Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n".utf8)
        let body = Array("<p>hello</p>\n".utf8)
        try writer.write(
            uri: "http://a.example/", request: Array("GET / HTTP/1.1\r\nHost: a.example\r\n\r\n".utf8), response: head + body,
            payloadOffset: head.count, truncated: true, seed: "http://a.example/", ipAddress: nil)
        XCTAssertTrue(
            try FileManager.default.contentsOfDirectory(atPath: dir.path("warc")).allSatisfy { $0.hasPrefix(".") }, "not visible before close")
        try writer.close()
        XCTAssertEqual(writer.files.count, 1)
        let reader = WARCReader(source: try GzipByteSource(path: dir.path("warc") + "/" + writer.files[0]), maxBlock: 1 << 20) { _ in true }
        var types: [String] = []
        while let event = reader.next() {
            guard case .record(let record) = event else { return XCTFail("damaged record") }
            types.append(record.type)
            if record.type == "response" {
                XCTAssertEqual(record.header("WARC-Payload-Digest"), SHA1.warcDigest(body))
                XCTAssertEqual(record.header("WARC-Truncated"), "length")
                XCTAssertEqual(record.block, head + body)
            }
        }
        XCTAssertEqual(types, ["warcinfo", "request", "response"])
        XCTAssertEqual(Fetcher.fetchedSeeds(in: dir.path("warc")), ["http://a.example/"])
    }
}
