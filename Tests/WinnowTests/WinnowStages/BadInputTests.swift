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

#if canImport(Glibc)
    import Glibc
#endif

/// Damaged and hostile inputs: each is counted with a reason, and the run goes on.
final class BadInputTests: XCTestCase {
    private func html(_ body: String) -> [UInt8] {
        Array("<html><head><title>T</title></head><body><article><p>\(body)</p></article></body></html>".utf8)
    }

    private let prose = "This is a paragraph of real prose, long enough to count as the main text of a page, with commas, clauses and a full stop."

    func testEachDamageIsCountedAndTheRunGoesOn() throws {
        let dir = try TemporaryDirectory()
        let good1 = warcRecord(uri: "http://a.example/1", html: html("One. " + prose), id: "00000000-0000-0000-0000-000000000001")
        let good2 = warcRecord(uri: "http://a.example/2", html: html("Two. " + prose), id: "00000000-0000-0000-0000-000000000002")
        let good3 = warcRecord(uri: "http://a.example/3", html: html("Three. " + prose), id: "00000000-0000-0000-0000-000000000003")
        // A .warc.gz whose last member is cut in half.
        let m1 = try GzipCompressor.gzip(good1)
        let m2 = try GzipCompressor.gzip(good2)
        try dir.write("in/truncated.warc.gz", m1 + m2.prefix(m2.count / 2))
        // A .warc.gz with a damaged middle member.
        var bad = try GzipCompressor.gzip(good2)
        for i in 30..<80 { bad[i] ^= 0xa5 }
        try dir.write("in/corrupt.warc.gz", try GzipCompressor.gzip(good1) + bad + GzipCompressor.gzip(good3))
        // A WARC whose record claims more bytes than the file holds, after a good record.
        var lying = warcRecord(uri: "http://a.example/4", html: html("Four. " + prose), id: "00000000-0000-0000-0000-000000000004")
        let text = String(decoding: lying, as: UTF8.self).replacingOccurrences(of: "Content-Length: ", with: "Content-Length: 9")
        lying = Array(text.utf8)
        try dir.write("in/bad-length.warc", good3 + lying)
        // Garbage between records, and a record without Content-Length.
        try dir.write("in/garbage.warc", Array("this is not a warc\r\n".utf8) + good1 + Array("WARC/1.0\r\nWARC-Type: response\r\n\r\n".utf8) + good2)
        try dir.write("in/empty.html", [])
        var x: UInt32 = 7
        try dir.write(
            "in/binary.html",
            (0..<50_000).map { _ in
                x = x &* 1_664_525 &+ 1_013_904_223
                return UInt8(truncatingIfNeeded: x >> 24)
            })
        try dir.write(
            "in/invalid-utf8.html", html("Café naïve résumé – “quotes” ünïcödé déjà vu. " + prose).map { $0 } + [0xff, 0xfe, 0x80] + html(prose))
        try dir.write(
            "in/cp1252.html",
            Array("<html><body><article><p>".utf8) + [0x93] + Array("Quoted".utf8) + [0x94] + Array(" na".utf8) + [0xef] + Array("ve caf".utf8) + [
                0xe9
            ] + Array(". \(prose)</p></article></body></html>".utf8))
        try dir.write("in/deep.html", Array((String(repeating: "<div>", count: 20_000) + "<p>Deep. \(prose)</p>").utf8))
        try FileManager.default.createSymbolicLink(atPath: dir.path("in/dangling.html"), withDestinationPath: dir.path("nowhere.html"))
        // One 3 MB line of text, and entity declarations that would expand exponentially in XML.
        try dir.write(
            "in/one-line.html",
            Array(("<html><body><article><p>Long. " + String(repeating: "word ", count: 600_000) + "</p></article></body></html>").utf8))
        let bomb =
            "<!DOCTYPE html [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
        try dir.write("in/entities.html", Array((bomb + "<html><body><article><p>Entities. &d;&d;&d; \(prose)</p></article></body></html>").utf8))
        try dir.write("in/unreadable-dir/page.html", html("Hidden. " + prose))
        chmod(dir.path("in/unreadable-dir"), 0)
        defer { chmod(dir.path("in/unreadable-dir"), 0o755) }

        // The test pages share their prose; only exact duplicates are removed here.
        let summary = try runPipeline(inputs: [dir.path("in")], output: dir.path("out")) { $0.dedup.near = false }
        let dropped = summary.stats.stages.values.reduce(into: [DropReason: Int]()) { acc, s in
            for (k, v) in s.dropped { acc[k, default: 0] += v }
        }
        XCTAssertEqual(dropped[.truncatedGzip], 1, "\(dropped)")
        XCTAssertEqual(dropped[.corruptGzip], 1, "\(dropped)")
        XCTAssertGreaterThanOrEqual(dropped[.malformedWARC] ?? 0, 2, "\(dropped)")
        XCTAssertEqual(dropped[.binaryContent], 1, "\(dropped)")
        // The dangling link, and (when not running as root, which reads anything) the unreadable folder.
        XCTAssertEqual(dropped[.readError], getuid() == 0 ? 1 : 2, "\(dropped)")
        XCTAssertEqual(dropped[.noMainText], 1, "the empty file: \(dropped)")
        XCTAssertTrue(summary.hadInputErrors)

        let records = try readShards(dir.path("out"))
        let texts = records.compactMap { $0["text"] as? String }
        XCTAssertEqual(dropped[.tooDeep], 1, "\(dropped)")
        for word in ["One.", "Two.", "Three.", "Long.", "Entities."] {
            XCTAssertTrue(texts.contains { $0.hasPrefix(word) }, "\(word) survives: \(texts)")
        }
        let cp1252 = try XCTUnwrap(records.first { (($0["metadata"] as? [String: Any])?["input"] as? String) == "cp1252.html" })
        XCTAssertTrue((cp1252["text"] as? String ?? "").hasPrefix("“Quoted” naïve café."), "undeclared windows-1252 decoded")
        let utf8 = try XCTUnwrap(records.first { (($0["metadata"] as? [String: Any])?["input"] as? String) == "invalid-utf8.html" })
        XCTAssertTrue((utf8["text"] as? String ?? "").contains("Café"), "valid UTF-8 around bad bytes survives")
        // Every document counted: read in = written + dropped everywhere.
        let droppedTotal = dropped.values.reduce(0, +)
        XCTAssertEqual(
            summary.stats[.read].documentsIn + (summary.unreadablePaths.isEmpty ? 0 : summary.unreadablePaths.count),
            summary.documentsWritten + droppedTotal)
    }

    func testParseTimeLimit() throws {
        var settings = CleanSettings()
        settings.maxParseSeconds = 0.000_001
        let page = Array(("<html><body>" + String(repeating: "<p>Some <b>text</b> here.</p>", count: 50_000) + "</body></html>").utf8)
        XCTAssertThrowsError(try Cleaner(settings: settings).clean(page, contentType: nil)) { error in
            XCTAssertEqual((error as? Drop)?.reason, .parseTimeout)
        }
        XCTAssertNoThrow(try Cleaner().clean(page, contentType: nil))
    }

    func testTooLargeDocumentsAreDropped() throws {
        let dir = try TemporaryDirectory()
        try dir.write("big.html", html(String(repeating: prose + " ", count: 20_000)))
        var settings = ReadSettings()
        settings.maxDocumentBytes = 100_000
        let docs = readDocuments(dir.path("big.html"), settings: settings)
        guard case .dropped(let drop) = docs.first?.1 else { return XCTFail() }
        XCTAssertEqual(drop.reason, .tooLarge)
    }
}
