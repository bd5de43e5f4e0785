import Foundation
import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

/// Extraction output on real pages, checked in under Golden/. An extraction change shows as a
/// reviewable diff: `make golden` rewrites the files and prints `git diff` of them.
final class GoldenTests: XCTestCase {
    /// News pages of Fixtures/news (the extraction benchmark's development split) chosen for their variety (split articles, embedded
    /// tweets, comments, lists, tables, non-Latin scripts), by id prefix, and the form to check.
    static let cases: [(prefix: String, format: TextFormat)] = [
        ("04a6711caa7c", .text), ("2f42ef1d3ea0", .text), ("bdb56ac83513", .text), ("aade2ec8d1e7", .text),
        ("c582d3b772578", .text), ("f105de6e63ca", .text), ("3c6d3381ef52", .text), ("4a44ab3e4c41", .text),
        ("65bf3048b500", .markdown), ("c582d3b772578", .markdown),
    ]

    static var goldenDirectory: URL { TestPaths.root.appendingPathComponent("Tests/WinnowTests/Golden") }

    func testExtractionMatchesGoldenFiles() throws {
        let update = ProcessInfo.processInfo.environment["WINNOW_UPDATE_GOLDEN"] != nil
        let names = try FileManager.default.contentsOfDirectory(atPath: TestPaths.benchPages.path)
        let truth = try benchmarkTruth()
        var failures: [String] = []
        for (prefix, format) in Self.cases {
            let name = try XCTUnwrap(names.first { $0.hasPrefix(prefix) }, prefix)
            let id = String(name.dropLast(".html.gz".count))
            var settings = ExtractSettings()
            settings.format = format
            let page = Segmenter().segment(
                try Cleaner().clean(try fileBytes(TestPaths.benchPages.appendingPathComponent(name).path), contentType: nil))
            let e = try Extractor(settings: settings).extract(page, url: truth[id]?.url)
            let rendered = """
                title: \(e.title ?? "null")
                author: \(e.author ?? "null")
                date_published: \(e.datePublished ?? "null")
                language: \(e.languageDeclared ?? "null")
                canonical_url: \(e.canonicalURL ?? "null")
                site_name: \(e.siteName ?? "null")
                ---
                \(e.text)

                """
            let file = Self.goldenDirectory.appendingPathComponent("\(prefix).\(format == .markdown ? "md" : "txt")")
            if update {
                try FileManager.default.createDirectory(at: Self.goldenDirectory, withIntermediateDirectories: true)
                try rendered.write(to: file, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOf: file, encoding: .utf8)
            if expected != rendered { failures.append(file.lastPathComponent) }
        }
        XCTAssertEqual(failures, [], "extraction output changed; run `make golden` and review the diff")
    }
}
