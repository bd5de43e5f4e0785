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

/// Cron-grade behaviour of the real binary: incremental runs, the lock, kill -9 and restart.
final class OperationTests: XCTestCase {
    private var binary: String { TestPaths.root.appendingPathComponent(".build/debug/winnow").path }

    private func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["SOURCE_DATE_EPOCH": "1700000000"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func run(_ arguments: [String]) throws -> Int32 {
        let process = try start(arguments)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// (id, text) of every committed shard, sorted.
    private func documents(_ directory: String) throws -> [String] {
        try readShards(directory).map { "\($0["id"] as? String ?? "")\t\($0["text"] as? String ?? "")" }.sorted()
    }

    private func copyInputs(_ dir: TemporaryDirectory, _ files: [URL]) throws -> String {
        let input = dir.path("in")
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        for file in files {
            try FileManager.default.copyItem(atPath: file.path, toPath: input + "/" + file.lastPathComponent)
        }
        return input
    }

    func testIncrementalRunsProcessOnlyNewInputs() throws {
        let dir = try TemporaryDirectory()
        let pages = try FileManager.default.contentsOfDirectory(atPath: TestPaths.benchPages.path).sorted().prefix(12)
        let input = try copyInputs(dir, pages.prefix(8).map { TestPaths.benchPages.appendingPathComponent($0) })
        let out = dir.path("out")
        XCTAssertEqual(try run(["run", "-q", "-i", input, "-o", out]), 0)
        let first = try documents(out)
        XCTAssertEqual(first.count, 8)
        XCTAssertEqual(try run(["run", "-q", "-i", input, "-o", out]), 0)
        XCTAssertEqual(try documents(out), first, "an unchanged input directory adds nothing")
        for name in pages.suffix(4) {
            try FileManager.default.copyItem(atPath: TestPaths.benchPages.appendingPathComponent(name).path, toPath: input + "/" + name)
        }
        XCTAssertEqual(try run(["run", "-q", "-i", input, "-o", out]), 0)
        let third = try documents(out)
        XCTAssertEqual(third.count, 12)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any]
        XCTAssertEqual(summary?["input_files"] as? Int, 4, "only the new files were read")
        XCTAssertEqual(summary?["unchanged_inputs"] as? Int, 8)
        // --full reads everything again and replaces the earlier shards.
        XCTAssertEqual(try run(["run", "-q", "--full", "-i", input, "-o", out]), 0)
        XCTAssertEqual(try documents(out), third)
        let shards = try FileManager.default.contentsOfDirectory(atPath: out + "/documents").filter { $0.hasPrefix("shard-") }
        XCTAssertEqual(shards.count, 1)
    }

    func testSecondRunExitsWhileTheFirstHoldsTheLock() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("out")
        let lock = try OutputLock(directory: out)
        XCTAssertEqual(try run(["run", "-q", "-i", TestPaths.sampleCorpus.path, "-o", out]), 75)
        XCTAssertEqual(((try? FileManager.default.contentsOfDirectory(atPath: out + "/documents")) ?? []).filter { $0.hasPrefix("shard-") }, [])
        withExtendedLifetime(lock) {}
    }

    /// Issue 16: an output that cannot be written was exit 75 ("another run holds the lock"),
    /// which cron reports as "still running". It is a failure: 1, with the path and the reason.
    func testUnwritableOutputIsAFailureNotALock() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("not-a-directory", Array("x".utf8))
        XCTAssertEqual(try run(["run", "-q", "-i", TestPaths.sampleCorpus.path, "-o", file]), 1)
    }

    func testKilledRunsRestartToTheSameDocuments() throws {
        let dir = try TemporaryDirectory()
        let inputs = [TestPaths.sampleCorpus.path, TestPaths.benchPages.path, TestPaths.warcSamples.path]
        let reference = dir.path("reference")
        let began = Date()
        XCTAssertEqual(try run(["run", "-q", "--shard-size", "0.02", "-o", reference, "-i"] + inputs), 0)
        let duration = Date().timeIntervalSince(began)
        let expected = try documents(reference)
        XCTAssertGreaterThan(expected.count, 80)

        let out = dir.path("out")
        var rng = SystemRandomNumberGenerator()
        var killed = 0
        var leftovers = 0
        for _ in 0..<6 {
            let process = try start(["run", "-q", "--shard-size", "0.02", "-o", out, "-i"] + inputs)
            // Somewhere in the run: while reading, writing shards, or committing.
            usleep(UInt32(Double.random(in: 0.05...0.6, using: &rng) * duration * 1_000_000))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
            // A run killed before it made the output directory leaves none.
            let names = (try? FileManager.default.contentsOfDirectory(atPath: out + "/documents")) ?? []
            leftovers += names.filter { $0.hasSuffix(".pending") || $0.hasSuffix(".tmp") }.count
            // Nothing readable is uncommitted: a shard under its final name is a committed run's.
            let committed = FileManager.default.fileExists(atPath: out) ? try RunState.load(out).committedFiles : []
            XCTAssertEqual(
                names.filter { $0.hasPrefix("shard-") && !committed.contains("documents/" + $0) }, [], "a killed run's shard under its final name")
        }
        XCTAssertEqual(try run(["run", "-q", "--shard-size", "0.02", "-o", out, "-i"] + inputs), 0)
        let got = try documents(out)
        XCTAssertEqual(got.count, expected.count, "none missing, none twice (\(killed) runs killed)")
        XCTAssertEqual(got, expected)
        XCTAssertGreaterThan(killed, 0, "at least one run was killed mid-way")
        print(
            "kill test: \(killed) runs killed with SIGKILL (\(leftovers) uncommitted shards seen after kills, none under a final name), restart gave the same \(got.count) documents"
        )
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: out + "/documents").filter { $0.hasSuffix(".tmp") || $0.hasSuffix(".pending") }, [])
    }

    /// Issue 16: a run killed inside a large WARC (gzip member per record) reads on from its last
    /// checkpoint's record, not from the file's start, and ends with the documents of a run that
    /// was never killed; the dedup decisions after the checkpoint see the documents before it.
    /// Four kills at random moments, each followed by one rerun.
    func testKilledRunReadsOnFromItsLastCheckpoint() throws {
        let dir = try TemporaryDirectory()
        let (warc, offsets) = try checkpointCorpus(dir)
        let every = 40
        let reference = dir.path("reference")
        let began = Date()
        XCTAssertEqual(try run(["run", "-q", "--no-report", "--checkpoint-every", "0", "-o", reference, "-i", warc]), 0)
        let duration = Date().timeIntervalSince(began)
        let expected = try documents(reference)
        XCTAssertGreaterThan(expected.count, 100)
        // With checkpoints and no kill: the same documents, its shards joined to the usual size.
        let whole = dir.path("whole")
        XCTAssertEqual(try run(["run", "-q", "--no-report", "--checkpoint-every", "\(every)", "-o", whole, "-i", warc]), 0)
        XCTAssertEqual(try documents(whole), expected)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: whole + "/documents").count, 1, "one shard, as without checkpoints")
        XCTAssertFalse(FileManager.default.fileExists(atPath: whole + "/.checkpoint"), "a finished run leaves no checkpoint")
        // With a cross-run index: each kept document remembered once, whatever the kills.
        XCTAssertEqual(
            try run(["run", "-q", "--no-report", "--checkpoint-every", "0", "-o", dir.path("ref-index"), "--index", dir.path("ref-idx"), "-i", warc]),
            0)
        let indexed = try indexCount(dir.path("ref-idx"))
        XCTAssertGreaterThan(indexed, 100)
        var rng = SystemRandomNumberGenerator()
        var resumed = 0
        for moment in 0..<4 {
            let out = dir.path("killed-\(moment)")
            // Two of the moments with an index.
            let index = moment >= 2 ? ["--index", dir.path("idx-\(moment)")] : []
            let process = try start(["run", "-q", "--no-report", "--checkpoint-every", "\(every)", "-o", out, "-i", warc] + index)
            usleep(UInt32(Double.random(in: 0.2...0.9, using: &rng) * duration * 1_000_000))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            let state = FileManager.default.fileExists(atPath: out) ? try RunState.load(out) : RunState()
            let resume = state.finished.values.first { $0.partial == true }?.resume
            XCTAssertEqual(try run(["run", "-q", "--no-report", "--checkpoint-every", "\(every)", "-o", out, "-i", warc] + index), 0)
            XCTAssertEqual(try documents(out), expected, "kill \(moment): the documents of a run never killed")
            if moment >= 2 {
                XCTAssertEqual(try indexCount(dir.path("idx-\(moment)")), indexed, "kill \(moment): the index as an uninterrupted run's")
            }
            // The rerun reads the records from the checkpoint's on, no more.
            if let resume {
                resumed += 1
                let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any]
                let read = ((summary?["stages"] as? [String: Any])?["read"] as? [String: Any])?["in"] as? Int
                XCTAssertEqual(read, offsets.filter { $0 >= resume }.count, "kill \(moment): read from the checkpoint's record at \(resume)")
            }
        }
        XCTAssertGreaterThan(resumed, 0, "at least one kill came after a checkpoint")
    }

    /// Issue 16: a WARC rewritten since a committed run read it (here the same records in another
    /// order, so other copies are the ones kept) is read again, its earlier documents replaced;
    /// killed at a random moment (the replacement commits with the first checkpoint; two of the
    /// three moments come after it) and run again, the output and the index end as one run over
    /// the new file leaves them.
    func testAChangedFileReplacedAcrossKills() throws {
        let dir = try TemporaryDirectory()
        let (warc, offsets) = try checkpointCorpus(dir)
        let whole = try FileByteSource.readAll(path: warc, limit: 1 << 30)
        let members = zip(offsets, offsets.dropFirst() + [whole.count]).map { Array(whole[$0..<$1]) }
        let reversed = members.reversed().flatMap { $0 }
        let reference = dir.path("reference")
        XCTAssertEqual(try run(["run", "-q", "--no-report", "-o", reference, "--index", dir.path("ref-idx"), "-i", warc]), 0)
        let expected = try documents(reference)
        let indexed = try indexCount(dir.path("ref-idx"))
        var rng = SystemRandomNumberGenerator()
        var afterCheckpoint = 0
        for moment in 0..<3 {
            let out = dir.path("out-\(moment)")
            let index = moment > 0 ? ["--index", dir.path("idx-\(moment)")] : []
            let arguments = ["run", "-q", "--no-report", "--checkpoint-every", "40", "-o", out, "-i", warc] + index
            try Data(reversed).write(to: URL(fileURLWithPath: warc))
            let began = Date()
            XCTAssertEqual(try run(arguments), 0)
            let duration = Date().timeIntervalSince(began)
            XCTAssertNotEqual(try documents(out), expected, "the reversed file keeps other copies")
            try Data(whole).write(to: URL(fileURLWithPath: warc))
            let process = try start(arguments)
            if moment > 0 {
                // Timed from the run's own first checkpoint, not from another run's duration (on a
                // loaded machine that one says little about this one): the replacement has been
                // committed by then.
                while process.isRunning, !((try? RunState.load(out))?.finished.values.contains { $0.partial == true } ?? false) {
                    usleep(10_000)
                }
            }
            usleep(UInt32(Double.random(in: 0.1...1.0, using: &rng) * duration * (moment > 0 ? 0.3 : 1) * 1_000_000))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            // Killed after a checkpoint: the replacement is committed, the file partly read.
            if try RunState.load(out).finished.values.contains(where: { $0.partial == true }) { afterCheckpoint += 1 }
            XCTAssertEqual(try run(arguments), 0)
            let got = try documents(out)
            XCTAssertTrue(got == expected, "moment \(moment): \(got.count) documents, not the \(expected.count) of one run over the new file")
            if moment > 0 { XCTAssertEqual(try indexCount(dir.path("idx-\(moment)")), indexed, "moment \(moment): the index of one run") }
            XCTAssertNil(try RunState.load(out).replacing)
        }
        XCTAssertGreaterThan(afterCheckpoint, 0, "at least one kill came after a checkpoint")
    }

    /// The documents a cross-run index remembers.
    private func indexCount(_ directory: String) throws -> Int {
        let settings = NearDedupSettings()
        return try DedupIndex(directory: directory, settings: settings).load(into: NearDuplicateIndex(settings: settings, keepIDs: false))
    }

    /// A WARC of the 91 news pages four times over, a gzip member per record; each copy's
    /// paragraphs get words of their own (a few or many), so later copies are kept or dropped as
    /// near-duplicates. Returns the path and each record's offset.
    private func checkpointCorpus(_ dir: TemporaryDirectory) throws -> (String, [Int]) {
        let truth = try benchmarkTruth()
        let names = try FileManager.default.contentsOfDirectory(atPath: TestPaths.benchPages.path).filter { $0.hasSuffix(".html.gz") }.sorted()
        let words = ["harbor", "ledger", "meadow", "copper", "lantern", "orchard", "quarry", "saddle", "timber", "velvet", "willow", "zephyr"]
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        var state: UInt64 = 7
        for copy in 0..<4 {
            for name in names {
                let id = String(name.dropLast(".html.gz".count))
                var html = String(decoding: try fileBytes(TestPaths.benchPages.appendingPathComponent(name).path), as: UTF8.self)
                if copy > 0 {
                    let count = copy % 2 == 0 ? 3 : 40
                    html = html.replacingOccurrences(
                        of: "<p>",
                        with: "<p>"
                            + (0..<count).map { _ in
                                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                                return words[Int(state >> 33) % words.count]
                            }.joined(separator: " ") + " ")
                }
                let url = (truth[id]?.url ?? "https://example.org/\(id)") + (copy > 0 ? "?copy=\(copy)" : "")
                offsets.append(bytes.count)
                let uuid = String(Hash128(url).hex.prefix(32))
                let uuidText = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { r in String(uuid.dropFirst(r.lowerBound).prefix(r.count)) }.joined(
                    separator: "-")
                bytes += try GzipCompressor.gzip(warcRecord(uri: url, html: Array(html.utf8), id: uuidText))
            }
        }
        return (try dir.write("crawl/big.warc.gz", bytes), offsets)
    }
}
