import Foundation
import WinnowCompression
import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

final class ReadTests: XCTestCase {
    /// Counts `WARC-Type: response` header lines in a WARC, independently of the reader.
    private func responseRecords(_ path: String) throws -> Int {
        let bytes = try fileBytes(path)
        let needle = Array("\nWARC-Type: response\r\n".utf8)
        var count = 0
        var i = 0
        while i + needle.count <= bytes.count {
            if bytes[i] == 0x0a && bytes[i..<(i + needle.count)].elementsEqual(needle) {
                count += 1
                i += needle.count
            } else {
                i += 1
            }
        }
        return count
    }

    func testWgetWARCsEveryResponseRead() throws {
        for name in ["wget-dev-a.warc.gz", "wget-small.warc"] {
            let path = TestPaths.warcSamples.appendingPathComponent(name).path
            let expected = try responseRecords(path)
            XCTAssertGreaterThan(expected, 0)
            let docs = readDocuments(path)
            let raws = docs.filter { if case .raw = $0.1 { return true } else { return false } }
            let responses = raws.filter { $0.0.warcRecordID != nil && ($0.0.url ?? "").hasPrefix("http") }
            XCTAssertEqual(responses.count, expected, name)
            for (origin, content) in raws {
                XCTAssertFalse(origin.url?.contains("<") ?? false, "angle brackets are stripped from \(origin.url ?? "")")
                XCTAssertNotNil(origin.created)
                XCTAssertEqual(origin.source, "warc")
                guard case .raw(let body) = content else { continue }
                XCTAssertTrue(HTMLSniffer.sniff(body), "\(origin.url ?? "") body starts like HTML")
            }
            // Wget's log and arguments are resource records of type text/plain: counted, not read.
            let notHTML = docs.filter { if case .dropped(let d) = $0.1 { return d.reason == .notHTML } else { return false } }
            XCTAssertEqual(raws.count + notHTML.count, docs.count, "\(name): nothing else dropped")
        }
    }

    func testBuiltWARCDecodesChunkedAndGzipPayloads() throws {
        let path = TestPaths.sampleCorpus.appendingPathComponent("warc/news-sample.warc.gz").path
        let expected = try responseRecords(path)
        let docs = readDocuments(path)
        XCTAssertEqual(docs.count, expected)
        for (origin, content) in docs {
            guard case .raw(let body) = content else { return XCTFail("\(origin.url ?? ""): \(content)") }
            XCTAssertTrue(origin.url?.hasPrefix("http") ?? false)
            XCTAssertTrue(HTMLSniffer.sniff(body), "decoded body of \(origin.url ?? "") is HTML")
        }
    }

    func testWARCRecordIdsBecomeStableDocumentIds() throws {
        let path = TestPaths.warcSamples.appendingPathComponent("wget-small.warc").path
        let first = readDocuments(path).map(\.0.id)
        let second = readDocuments(path).map(\.0.id)
        XCTAssertEqual(first, second)
        XCTAssertEqual(Set(first).count, first.count)
    }

    // MARK: damaged archives

    private func page(_ n: Int) -> [UInt8] {
        warcRecord(
            uri: "http://a.example/\(n)",
            html: Array("<html><body><article><p>Page \(n) with a paragraph of prose long enough to keep.</p></article></body></html>".utf8),
            id: String(format: "00000000-0000-0000-0000-%012d", n))
    }

    /// A record whose `Content-Length` says `delta` bytes more (or fewer) than its block has.
    private func lying(_ n: Int, by delta: Int) -> [UInt8] {
        let record = String(decoding: page(n), as: UTF8.self)
        let length = Int(record.components(separatedBy: "Content-Length: ")[1].prefix { $0.isNumber })!
        return Array(record.replacingOccurrences(of: "Content-Length: \(length)\r", with: "Content-Length: \(length + delta)\r").utf8)
    }

    private func read(_ bytes: [UInt8], named name: String) throws -> (urls: [String], drops: [(DropReason, String)]) {
        let dir = try TemporaryDirectory()
        let docs = readDocuments(try dir.write(name, bytes))
        var urls: [String] = []
        var drops: [(DropReason, String)] = []
        for (origin, content) in docs {
            switch content {
            case .raw: urls.append(origin.url ?? "")
            case .dropped(let drop): drops.append((drop.reason, drop.detail))
            default: break
            }
        }
        return (urls, drops)
    }

    /// Each record its own gzip member: garbage, or a length past the member's end, costs that
    /// member only; reports give the member's file offset.
    func testAGzipMemberPerRecordLosesOnlyTheDamagedMember() throws {
        var garbage: [UInt8] = []
        var x: UInt32 = 3
        for _ in 0..<3000 {
            x = x &* 1_664_525 &+ 1_013_904_223
            garbage.append(UInt8(truncatingIfNeeded: x >> 24) | 0x80) // no line breaks
        }
        let members = try [page(1), garbage, page(2), lying(3, by: 500), page(4)].map { try GzipCompressor.gzip($0) }
        let starts = members.indices.map { i in members[..<i].reduce(0) { $0 + $1.count } }
        let (urls, drops) = try read(members.flatMap { $0 }, named: "mixed.warc.gz")
        XCTAssertEqual(urls, ["http://a.example/1", "http://a.example/2", "http://a.example/4"])
        XCTAssertEqual(drops.map(\.0), [.malformedWARC, .malformedWARC])
        XCTAssertTrue(drops[0].1.hasSuffix("at file offset \(starts[1])"), drops[0].1)
        XCTAssertTrue(drops[1].1.contains("gzip member ends inside a record") && drops[1].1.hasSuffix("at file offset \(starts[3])"), drops[1].1)
    }

    /// In a plain WARC a length that runs into the next record gives that record back; one that
    /// stops short is read to the record's end, the page kept and the damage counted.
    func testAPlainWARCReadsOnPastWrongLengths() throws {
        let (urls, drops) = try read(page(1) + lying(2, by: 300) + page(3) + page(4), named: "long.warc")
        XCTAssertEqual(urls, ["http://a.example/1", "http://a.example/3", "http://a.example/4"])
        XCTAssertEqual(drops.map(\.0), [.malformedWARC])
        XCTAssertTrue(drops[0].1.contains("runs into the next"), drops[0].1)
        let (shortURLs, shortDrops) = try read(page(1) + lying(2, by: -7) + page(3), named: "short.warc")
        XCTAssertEqual(shortURLs, ["http://a.example/1", "http://a.example/2", "http://a.example/3"])
        XCTAssertEqual(shortDrops.map(\.0), [.truncatedRecord])
        XCTAssertTrue(shortDrops[0].1.contains("ends 7 bytes before the record does; what arrived is a whole HTML page, kept"), shortDrops[0].1)
        // A file that ends inside a record: a whole page is kept, half a page is not.
        let cut = page(2)
        let (endURLs, endDrops) = try read(page(1) + lying(2, by: 5), named: "end.warc")
        XCTAssertEqual(endURLs, ["http://a.example/1", "http://a.example/2"])
        XCTAssertEqual(endDrops.map(\.0), [.truncatedRecord])
        let (halfURLs, halfDrops) = try read(page(1) + cut.prefix(cut.count - 40), named: "half.warc")
        XCTAssertEqual(halfURLs, ["http://a.example/1"])
        XCTAssertTrue(halfDrops.count == 1 && halfDrops[0].1.contains("its document is lost"), "\(halfDrops)")
    }

    /// warcio's own test files (Fixtures/warcio, Apache-2.0): ARC v1 plain and gzip, a damaged ARC,
    /// and a WARC whose response's Content-Length is two bytes short (warcio reads it with a warning).
    func testWarcioFilesARCAndAShortLength() throws {
        let dir = TestPaths.fixtures.appendingPathComponent("warcio")
        for name in ["example.arc", "example.arc.gz"] {
            let docs = readDocuments(dir.appendingPathComponent(name).path)
            XCTAssertEqual(docs.count, 1, name)
            XCTAssertEqual(docs.first?.0.url, "http://example.com/")
            XCTAssertEqual(docs.first?.0.created, "2014-02-16T05:02:21Z")
            guard case .raw(let body) = docs.first?.1 else { return XCTFail("\(name): no page") }
            XCTAssertTrue(String(decoding: body, as: UTF8.self).contains("<title>Example Domain</title>"))
        }
        let bad = readDocuments(dir.appendingPathComponent("bad.arc").path)
        XCTAssertTrue(bad.allSatisfy { if case .dropped(let d) = $0.1 { return d.reason.isError } else { return false } }, "\(bad.map(\.1))")
        let trunc = readDocuments(dir.appendingPathComponent("example-trunc.warc").path)
        let pages = trunc.filter { if case .raw = $0.1 { return true } else { return false } }
        XCTAssertEqual(pages.map(\.0.url), ["http://example.com/"])
        XCTAssertEqual(pages.first?.0.warcRecordID?.hasPrefix("<urn:uuid:"), true, "WARC-Record-ID as written")
        XCTAssertEqual(trunc.count, 2)
    }

    func testHTTPParsingAndDechunking() throws {
        let chunked = Array(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<html\r\n3;ext=1\r\n><p\r\n0\r\n\r\n".utf8)
        let response = try XCTUnwrap(HTTPResponse.parse(chunked))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("content-type"), "text/html")
        XCTAssertEqual(String(decoding: HTTPDecoding.dechunk(response.body), as: UTF8.self), "<html><p")
        XCTAssertNil(HTTPResponse.parse(Array("GET / HTTP/1.1\r\n\r\n".utf8)))
    }

    func testContentEncodings() throws {
        let html = Array("<html><body><p>Hello</p></body></html>".utf8)
        let gz = try GzipCompressor.gzip(html)
        XCTAssertEqual(try HTTPDecoding.decodeContent(gz, encoding: "gzip", limit: 1000), html)
        XCTAssertEqual(try HTTPDecoding.decodeContent(html, encoding: "gzip", limit: 1000), html, "plain bytes mislabelled gzip are kept")
        XCTAssertThrowsError(try HTTPDecoding.decodeContent([1, 2, 3], encoding: "br", limit: 1000))
    }

    func testSniffing() {
        XCTAssertTrue(HTMLSniffer.isHTML(contentType: "text/html; charset=utf-8", body: []))
        XCTAssertTrue(HTMLSniffer.isHTML(contentType: nil, body: Array("\n  <!DOCTYPE html><html>".utf8)))
        XCTAssertFalse(HTMLSniffer.isHTML(contentType: "image/png", body: Array("<html>".utf8)))
        XCTAssertFalse(HTMLSniffer.isHTML(contentType: "application/octet-stream", body: [0x89, 0x50, 0x4e, 0x47]))
    }

    func testScannerOrderAndFormats() throws {
        let dir = try TemporaryDirectory()
        try dir.write("b/2.html", Array("<p>x".utf8))
        try dir.write("a.warc.gz", [])
        try dir.write("b/1.htm.gz", [])
        try dir.write("notes.txt", [])
        try dir.write(".hidden/x.html", [])
        try dir.write("c.jsonl", [])
        var scanner = InputScanner()
        let files = scanner.scan([dir.url.path])
        XCTAssertEqual(files.map(\.relativePath), ["a.warc.gz", "b/1.htm.gz", "b/2.html", "c.jsonl"])
        XCTAssertEqual(files[0].format, .warc(gzip: true))
        XCTAssertEqual(scanner.skipped.count, 1)
    }

    /// Issue 16: a link back up the tree (`nested/loop -> ..`) had every file read about 40 times.
    func testSymlinksReachNothingTwice() throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.html", Array("<p>a".utf8))
        try dir.write("nested/b.html", Array("<p>b".utf8))
        try FileManager.default.createSymbolicLink(atPath: dir.path("nested/loop"), withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: dir.path("nested/alias.html"), withDestinationPath: "b.html")
        try FileManager.default.createSymbolicLink(atPath: dir.path("z-link"), withDestinationPath: "nested")
        var scanner = InputScanner()
        let files = scanner.scan([dir.url.path, dir.path("a.html")])
        XCTAssertEqual(files.map(\.relativePath), ["a.html", "nested/alias.html"])
        XCTAssertEqual(Set(scanner.repeated.map { URL(fileURLWithPath: $0).lastPathComponent }), ["b.html", "loop", "z-link", "a.html"])
    }

    /// Issue 18: input lists (Common Crawl's `warc.paths.gz`), their relative lines named as listed
    /// under a local or remote prefix, and URLs named by their path. (Downloads themselves are
    /// checked against a local server with injected faults by scripts/check_remote.py.)
    func testInputListsNameEntriesAsListed() throws {
        let dir = try TemporaryDirectory()
        try dir.write("mirror/crawl-data/a/x.warc.gz", [])
        try dir.write("mirror/crawl-data/b/y.html", Array("<p>y".utf8))
        try dir.write("mirror/segments/s1/z.html", Array("<p>z".utf8))
        let listing = "# a listing\n\ncrawl-data/a/x.warc.gz\n  crawl-data/b/y.html  \nsegments\nhttps://example.org/other/w.warc.gz?x=1\n"
        try dir.write("paths.gz", try GzipCompressor.gzip(Array(listing.utf8)))
        let roots = try InputList.read(dir.path("paths.gz"), prefix: dir.path("mirror"), remote: RemoteSettings())
        XCTAssertEqual(roots.map(\.name), ["crawl-data/a/x.warc.gz", "crawl-data/b/y.html", "segments", nil])
        XCTAssertEqual(roots[0].path, dir.path("mirror") + "/crawl-data/a/x.warc.gz")
        XCTAssertEqual(
            InputList.root("https://data.commoncrawl.org/", "crawl-data/c.warc.gz").path, "https://data.commoncrawl.org/crawl-data/c.warc.gz")
        XCTAssertEqual(InputList.root(nil, "rel/c.warc.gz"), InputRoot("rel/c.warc.gz"))
        var scanner = InputScanner()
        let files = scanner.scan(roots + [InputRoot("https://example.org/other/w.warc.gz?x=1")])
        XCTAssertEqual(
            files.map(\.relativePath), ["crawl-data/a/x.warc.gz", "crawl-data/b/y.html", "segments/s1/z.html", "other/w.warc.gz"],
            "a directory's files under its listed name; a URL once, named by its path without the query")
        XCTAssertEqual(files[3].format, .warc(gzip: true))
        XCTAssertEqual(scanner.repeated, ["https://example.org/other/w.warc.gz?x=1"])
        XCTAssertEqual(RemotePath.relativePath("http://host:8080"), "")
        XCTAssertTrue(RemotePath.isRemote("HTTPS://x/y") && !RemotePath.isRemote("s3://bucket/x") && !RemotePath.isRemote("/http://"))
    }

    /// A URL's identity in the run state: ETag, Last-Modified and size; any of them changed is a
    /// changed file, and a server that sends none of them leaves size -1 and time 0.
    func testRemoteIdentityComparesEveryValidator() {
        let v = RemoteValidators(etag: "\"abc\"", lastModified: "Tue, 05 Mar 2024 10:00:00 GMT", size: 1000)
        let a = RunState.FinishedInput(remote: v)
        XCTAssertEqual(a.modified, 1_709_632_800 * 1_000_000_000)
        XCTAssertTrue(a.sameFile(RunState.FinishedInput(remote: v)))
        for changed in [
            RemoteValidators(etag: "\"abd\"", lastModified: v.lastModified, size: 1000),
            RemoteValidators(etag: v.etag, lastModified: "Tue, 05 Mar 2024 10:00:01 GMT", size: 1000),
            RemoteValidators(etag: v.etag, lastModified: v.lastModified, size: 1001),
        ] {
            XCTAssertFalse(a.sameFile(RunState.FinishedInput(remote: changed)), "\(changed)")
        }
        let bare = RunState.FinishedInput(remote: RemoteValidators())
        XCTAssertEqual([bare.size, bare.modified], [-1, 0])
        XCTAssertTrue(RemoteTransfer.sameVersion(v, RemoteValidators(etag: v.etag)))
        XCTAssertFalse(RemoteTransfer.sameVersion(RemoteValidators(size: 10), RemoteValidators(size: 11)))
    }

    func testNDJSONDocumentsKeepIdAndMetadata() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write(
            "docs.jsonl",
            Array(
                """
                {"id": "a1", "text": "First text.", "source": "mine", "metadata": {"url": "http://x/", "lang_score": 0.9}}
                {"id": 7, "text": "Second."}
                not json
                {"text": "no id"}

                """.utf8))
        let docs = readDocuments(path)
        XCTAssertEqual(docs.count, 4)
        XCTAssertEqual(docs[0].0.id, "a1")
        XCTAssertEqual(docs[0].0.source, "mine")
        XCTAssertEqual(docs[0].0.url, "http://x/")
        XCTAssertEqual(docs[0].0.extraMetadata.map(\.key), ["lang_score"])
        XCTAssertEqual(docs[1].0.id, "7")
        guard case .dropped(let d2) = docs[2].1, case .dropped(let d3) = docs[3].1 else { return XCTFail() }
        XCTAssertEqual(d2.reason, .malformedJSON)
        XCTAssertTrue(d2.detail.contains("line 3"))
        XCTAssertEqual(d3.reason, .malformedJSON)
    }
}

/// A large `.warc.gz` cut into byte ranges (tasks of a sharded run): every record is read by
/// exactly one part, in order, whatever the cut points.
final class SplitReadTests: XCTestCase {
    func testPartsReadEveryRecordOnce() throws {
        let path = TestPaths.sampleCorpus.appendingPathComponent("warc/news-sample.warc.gz").path
        var scanner = InputScanner()
        let file = try XCTUnwrap(scanner.scan([path]).first)
        let reader = ArchiveReader()
        var whole: [String] = []
        reader.read(file) { origin, _ in whole.append(origin.id) }
        XCTAssertGreaterThan(whole.count, 10)
        for bytes in [9_973, 50_000, file.size / 3, file.size - 1] {
            let parts = InputFile.split([file], bytes: bytes)
            XCTAssertEqual(parts.count, (file.size + bytes - 1) / bytes)
            var ids: [String] = []
            for part in parts { reader.read(part) { origin, _ in ids.append(origin.id) } }
            XCTAssertEqual(ids, whole, "parts of \(bytes) bytes")
        }
        XCTAssertEqual(InputFile.split([file], bytes: file.size), [file], "a file no larger than the part size stays whole")
    }
}
