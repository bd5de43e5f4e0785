import Foundation
import WinnowCompression
import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowHTML
@testable import WinnowReport
@testable import WinnowStages

/// The cut before parsing (script and style bodies, attributes the tree does not keep) (WinnowHTML's `InputTrimmer`) on real pages: every page
/// of both extraction benchmarks and the Wget WARC samples, decoded as the clean stage decodes
/// them, must parse to the same tree with and without the cut, and most pages must be cut.
final class InputTrimmerPageTests: XCTestCase {
    /// The 91 news pages and the Wget WARCs kept in Fixtures/.
    func testFixturePagesParseToTheSameTree() throws {
        var pages = try gzipPages(in: TestPaths.benchPages)
        for warc in ["wget-dev-a.warc.gz", "wget-small.warc"] {
            for (origin, content) in readDocuments(TestPaths.warcSamples.appendingPathComponent(warc).path) {
                if case .raw(let body) = content { pages.append((origin.url ?? warc, body)) }
            }
        }
        try check(pages)
    }

    /// The 1,358 WCXB development pages of ../shared (skipped without it).
    func testWCXBPagesParseToTheSameTree() throws {
        try check(try gzipPages(in: try TestPaths.sharedOrSkip("bench/extraction-wcxb/pages")))
    }

    private func gzipPages(in dir: URL) throws -> [(String, [UInt8])] {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".html.gz") }.sorted()
        XCTAssertGreaterThan(names.count, 50, dir.path)
        return try names.map { name in
            (name, try Inflate.decompress(try [UInt8](Data(contentsOf: dir.appendingPathComponent(name))), limit: 64 << 20))
        }
    }

    private func check(_ pages: [(String, [UInt8])]) throws {
        var cut = 0
        var differing: [String] = []
        for (name, raw) in pages {
            let (encoding, _, valid) = Charset.detectAndValidate(contentType: nil, bytes: raw)
            let utf8 = Charset.decode(raw, encoding: encoding, knownValid: valid)
            if utf8.withUnsafeBufferPointer({ InputTrimmer.strip($0) }) != nil { cut += 1 }
            for selection in [AttributeSelection.all, .read]
            where HTMLParser.parse(utf8: utf8, trim: true, attributes: selection) != HTMLParser.parse(utf8: utf8, trim: false, attributes: selection)
            {
                differing.append("\(name) (\(selection))")
            }
        }
        XCTAssertEqual(differing, [], "pages whose tree changes with the cut")
        // 85 of the benchmark pages have no script or style body at all (most WCXB pages were saved without).
        XCTAssertGreaterThan(Double(cut), 0.75 * Double(pages.count), "\(cut) of \(pages.count) pages cut")
    }
}
