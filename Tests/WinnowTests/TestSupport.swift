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

/// Paths and helpers shared by the tests.
enum TestPaths {
    /// The repository root (two levels above this file's folder).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `../shared` beside the repository (CI has it; a user's clone may not): only the checks
    /// that need the large benchmark sets read it, through `sharedOrSkip`.
    static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
    static let sampleCorpus = root.appendingPathComponent("SampleCorpus")
    static let fixtures = root.appendingPathComponent("Tests/WinnowTests/Fixtures")
    /// The 91 news pages of the extraction benchmark's development split, and their truth (Fixtures/README.md).
    static let benchPages = fixtures.appendingPathComponent("news/pages")
    static let truth = fixtures.appendingPathComponent("news/truth.jsonl")
    /// Real GNU Wget WARC files of those pages (Fixtures/README.md).
    static let warcSamples = fixtures.appendingPathComponent("warc")

    /// `../shared/<relative>`, or a skip that says what is missing.
    static func sharedOrSkip(_ relative: String) throws -> URL {
        let url = shared.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("needs \(url.path), the benchmark data beside the repository (CI has it; a clone alone does not)")
        }
        return url
    }
}

/// A temporary directory removed at the end of the test.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: p.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: p)
        return p.path
    }
}

/// Reads every document from one input file with the read stage.
func readDocuments(_ path: String, settings: ReadSettings = ReadSettings()) -> [(DocumentOrigin, WorkItem.Content)] {
    var scanner = InputScanner()
    var out: [(DocumentOrigin, WorkItem.Content)] = []
    for file in scanner.scan([path]) {
        ArchiveReader(settings: settings).read(file) { out.append(($0, $1)) }
    }
    return out
}

/// A WARC response record of an HTML page.
func warcRecord(uri: String, html: [UInt8], id: String) -> [UInt8] {
    let http = Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n".utf8) + html
    let head =
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: \(uri)\r\nWARC-Date: 2024-01-02T03:04:05Z\r\nWARC-Record-ID: <urn:uuid:\(id)>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: \(http.count)\r\n\r\n"
    return Array(head.utf8) + http + Array("\r\n\r\n".utf8)
}

/// Runs the pipeline and returns its summary.
func runPipeline(
    inputs: [String], output: String, jobs: Int = 2, lastStage: StageName = .write,
    configure: (inout PipelineConfig) -> Void = { _ in }
) throws -> RunSummary {
    var config = PipelineConfig(inputs: inputs, output: output, added: "2024-01-01T00:00:00Z")
    config.jobs = jobs
    config.lastStage = lastStage
    configure(&config)
    Log.setLevel(.error)
    return try Pipeline(config: config).run()
}

/// The JSON records of every shard in `directory` with `prefix`, in shard order.
func readShards(_ directory: String, prefix: String = "shard") throws -> [[String: Any]] {
    // The final documents live in OUTPUT/documents (dolma's layout).
    let folder = directory + "/" + RunState.documentsFolder
    let directory = prefix == "shard" && FileManager.default.fileExists(atPath: folder) ? folder : directory
    let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        .filter { $0.hasPrefix(prefix + "-") && $0.hasSuffix(".jsonl.gz") }.sorted()
    var records: [[String: Any]] = []
    for name in names {
        let bytes = try FileByteSource.readAll(path: directory + "/" + name, limit: 1 << 30)
        let text = try Inflate.decompress(bytes, limit: 1 << 30)
        for line in text.split(separator: 0x0a) {
            let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            records.append(try XCTUnwrap(object))
        }
    }
    return records
}

/// Raw bytes of every shard in `directory`, by file name.
func shardBytes(_ directory: String) throws -> [String: Data] {
    var out: [String: Data] = [:]
    for folder in ["", RunState.documentsFolder + "/"] {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + folder)) ?? [] where name.hasSuffix(".jsonl.gz") {
            out[folder + name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + folder + name))
        }
    }
    return out
}

/// Decompressed bytes of a (possibly gzip) file.
func fileBytes(_ path: String) throws -> [UInt8] {
    let raw = try FileByteSource.readAll(path: path, limit: 1 << 30)
    return path.hasSuffix(".gz") ? try Inflate.decompress(raw, limit: 1 << 30) : raw
}

/// The truth texts of the extraction benchmark, by page id.
func benchmarkTruth() throws -> [String: (url: String, text: String)] {
    var out: [String: (String, String)] = [:]
    let data = try String(contentsOf: TestPaths.truth, encoding: .utf8)
    for line in data.split(separator: "\n") {
        guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let id = o["id"] as? String, let text = o["text"] as? String
        else { continue }
        out[id] = (o["url"] as? String ?? "", text)
    }
    return out
}
