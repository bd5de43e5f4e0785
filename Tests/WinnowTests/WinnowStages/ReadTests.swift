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
