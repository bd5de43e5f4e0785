import Foundation
import WinnowPipelineFile
import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

/// Runs the real `winnow` binary, as a user would.
final class CLITests: XCTestCase {
    private var binary: URL {
        TestPaths.root.appendingPathComponent(".build/debug/winnow")
    }

    private func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    func testHelpOnEveryCommand() throws {
        XCTAssertTrue(FileManager.default.fileExists(atPath: binary.path), "swift build makes \(binary.path)")
        for command in [[], ["run"], ["read"], ["clean"], ["segment"], ["extract"], ["language"], ["quality"], ["dedup"], ["validate"]] {
            let result = try run(command + ["--help"])
            XCTAssertEqual(result.status, 0, "\(command)")
            XCTAssertTrue(result.stdout.contains("USAGE"), "\(command): \(result.stdout)")
        }
    }

    func testUsageErrorExits64() throws {
        XCTAssertTrue(FileManager.default.fileExists(atPath: binary.path), "swift build makes \(binary.path)")
        XCTAssertEqual(try run(["run", "--output", "/tmp/x"]).status, 64)
        XCTAssertEqual(try run(["run", "--input", "x", "--output", "/tmp/x", "--jobs", "2000"]).status, 64)
        let languages = try run(["run", "--input", "x", "--output", "/tmp/x", "--languages", "en,english"])
        XCTAssertEqual(languages.status, 64)
        XCTAssertTrue(languages.stderr.contains("\"english\" is not an ISO 639-1 code"), languages.stderr)
    }

    /// Issue 17: one table of settings drives the command line and the pipeline file, so a value
    /// one of them refuses the other refuses too, with the same words, and the help shows the table's.
    func testCommandLineAndPipelineFileShareTheSettingsTable() throws {
        let help = try run(["run", "--help"]).stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        let minimal = "stages: [read, clean, segment, extract, language, dedup, write]\n"
        var checked = 0
        for setting in Settings.all {
            if let flag = setting.flag, setting.key != nil || flag == "split-size" {
                XCTAssertTrue(help.contains("--" + flag), "--\(flag) is not in `winnow run --help`")
                let words = setting.helpWithDefault.split(separator: " ").prefix(6).joined(separator: " ")
                XCTAssertTrue(help.contains(words), "the help of --\(flag) is not the table's: \(words)")
            }
            let tooBig: (cli: String, yaml: String)
            switch setting.kind {
            case .int(let r): tooBig = (String(r.upperBound + 1), String(r.upperBound + 1))
            case .number(let r, _): tooBig = (String(r.upperBound * 2), String(r.upperBound * 2))
            default: continue
            }
            guard let flag = setting.flag, let key = setting.key else { continue }
            let cli = try run(["run", "--input", "x", "--output", "/tmp/x", "--" + flag, tooBig.cli])
            XCTAssertEqual(cli.status, 64, "--\(flag) \(tooBig.cli)")
            XCTAssertTrue(cli.stderr.contains("--\(flag): \(tooBig.cli) is out of range") || cli.stderr.contains("out of range"), cli.stderr)
            let yaml: String
            switch setting.place {
            case .top: yaml = "\(key): \(tooBig.yaml)\n" + minimal
            case .output: yaml = "output: {\(key): \(tooBig.yaml)}\n" + minimal
            case .stage(let stage):
                yaml = minimal.replacingOccurrences(of: stage.rawValue + ",", with: "{\(stage.rawValue): {\(key): \(tooBig.yaml)}},")
            }
            XCTAssertThrowsError(try PipelineFile.parse(yaml, file: "p.yaml"), setting.path) { error in
                XCTAssertTrue("\(error)".contains("\(setting.path): ") && "\(error)".contains("out of range"), "\(error)")
            }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 14)
    }

    /// The README lists the settings table as `winnow validate --settings` prints it.
    func testReadmeListsTheSettingsTable() throws {
        let readme = try String(contentsOf: TestPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertEqual(try run(["validate", "--settings"]).stdout, Settings.markdown)
        XCTAssertTrue(readme.contains(Settings.markdown), "README.md's settings table differs from `winnow validate --settings`: paste its output")
    }

    /// Issue 16: settings that would do nothing, and URLs where paths are expected, were accepted.
    func testSettingsThatWouldDoNothingAreUsageErrors() throws {
        let dir = try TemporaryDirectory()
        let remote = try run(["run", "--input", TestPaths.sampleCorpus.path, "--output", "s3://bucket/out"])
        XCTAssertEqual(remote.status, 64)
        XCTAssertTrue(remote.stderr.contains("remote storage is not written yet"), remote.stderr)
        let s3 = try run(["run", "--input", "s3://bucket/crawl", "--output", dir.path("out")])
        XCTAssertEqual(s3.status, 64)
        XCTAssertTrue(s3.stderr.contains("other schemes (s3://, ...) are not read yet"), s3.stderr)
        let near = try run(["run", "--input", TestPaths.sampleCorpus.path, "--output", dir.path("out"), "--no-near-dup", "--threshold", "0.3"])
        XCTAssertEqual(near.status, 64)
        XCTAssertTrue(near.stderr.contains("--threshold"), near.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("out")), "nothing was run")
        // Options of a stage the command does not run, and the phases' unsupported settings.
        for (arguments, named) in [
            (["extract", "--index", dir.path("idx")], "--index"), (["read", "--languages", "en"], "--languages"),
            (["dedup", "--pii", "redact"], "--pii"), (["extract", "--explain"], "--explain"),
        ] {
            let result = try run(arguments + ["-i", TestPaths.sampleCorpus.path, "-o", dir.path("stage")])
            XCTAssertEqual(result.status, 64, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(named) && result.stderr.contains("does not run"), result.stderr)
        }
        let pretraining = TestPaths.root.appendingPathComponent("Pipelines/pretraining.yaml").path
        let slurm = try run(["slurm", pretraining, "--tasks", "2", "--dry-run", "--work", dir.path("work"), "-o", dir.path("slurm")])
        XCTAssertEqual(slurm.status, 64)
        XCTAssertTrue(slurm.stderr.contains("dedup.boilerplate_paragraphs"), slurm.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("stage")) || FileManager.default.fileExists(atPath: dir.path("slurm")))
    }

    /// `make completions` writes what these print: every subcommand and option is completed.
    func testShellCompletionsNameEverySubcommand() throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try run(["--generate-completion-script", shell])
            XCTAssertEqual(result.status, 0, shell)
            for word in ["url-filter", "pii", "dedup-phase", "url-blocklist", "max-array-size"] {
                XCTAssertTrue(result.stdout.contains(word), "\(shell) completion lacks \(word)")
            }
        }
    }

    func testValidateReportsEveryMistakeWithItsLine() throws {
        let dir = try TemporaryDirectory()
        let good = TestPaths.root.appendingPathComponent("Pipelines/default.yaml").path
        let valid = try run(["validate", good])
        XCTAssertEqual(valid.status, 0, valid.stderr)
        XCTAssertTrue(valid.stdout.contains("valid pipeline \"default\""), valid.stdout)
        let bad = try dir.write(
            "bad.yaml",
            Array(
                """
                name: broken
                output:
                  shard_size: 12
                stages:
                  - read
                  - clean: {max_depth: deep}
                  - segment
                  - extract
                  - write
                """.utf8))
        let result = try run(["validate", good, bad])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(
            result.stderr.contains("bad.yaml:3:3: unknown key \"shard_size\" in output; accepted: directory, shard_size_mib"), result.stderr)
        XCTAssertTrue(result.stderr.contains("bad.yaml:6:24: clean.max_depth: expected a whole number"), result.stderr)
        // A run refuses it the same way, before touching the output.
        let refused = try run(["run", bad, "-i", TestPaths.sampleCorpus.path, "-o", dir.path("out")])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("unknown key \"shard_size\""), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("out")))
    }

    func testShippedPipelinesRunOnTheSampleCorpus() throws {
        let dir = try TemporaryDirectory()
        for name in ["default", "news-archive", "pretraining"] {
            let file = TestPaths.root.appendingPathComponent("Pipelines/\(name).yaml").path
            XCTAssertEqual(try run(["validate", file]).status, 0, name)
            // The options override the file's paths (news-archive names /srv directories).
            let out = dir.path(name)
            let result = try run([
                "run", file, "-i", TestPaths.sampleCorpus.path, "-o", out, "--index", dir.path("\(name)-index"),
                "--metrics-file", dir.path("\(name).prom"), "--quiet",
            ])
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
            let stages = summary["stages"] as! [String: Any]
            XCTAssertGreaterThan((stages["write"] as! [String: Any])["out"] as! Int, 10, name)
            if name == "pretraining" {
                // The filters ran and named their drops; every kept document is English.
                XCTAssertEqual((stages["language"] as? [String: Any])?["dropped"] as? [String: Int], ["language_not_kept": 2])
                let quality = (stages["quality"] as? [String: Any])?["dropped"] as? [String: Int] ?? [:]
                XCTAssertFalse(quality.isEmpty)
                XCTAssertTrue(quality.keys.allSatisfy { QualityRule.all.map(\.name).contains($0) }, "\(quality)")
                for record in try readShards(out) {
                    let metadata = record["metadata"] as! [String: Any]
                    XCTAssertEqual(metadata["language"] as? String, "en")
                    XCTAssertNotNil(metadata["quality_scores"] as? [String: Any])
                }
            }
        }
    }

    /// FineWeb's pipeline file with lists of the test's own (the file names `lists/fineweb`, which
    /// `make fineweb-lists` fetches): the URL filter drops a sample domain's pages before the
    /// parse, the pii stage counts addresses in every kept document; without lists the run refuses.
    func testFineWebPipelineAndTheRecipeOptions() throws {
        let dir = try TemporaryDirectory()
        let file = TestPaths.root.appendingPathComponent("Pipelines/fineweb.yaml").path
        XCTAssertEqual(try run(["validate", file]).status, 0)
        let plain = try run(["run", "-q", "--no-report", "-i", TestPaths.sampleCorpus.path, "-o", dir.path("plain")])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let hosts = try readShards(dir.path("plain")).compactMap { ($0["metadata"] as? [String: Any])?["url"] as? String }
            .compactMap { URL(string: $0)?.host }
        let host = try XCTUnwrap(hosts.first)
        let list = try dir.write("block/domains", Array("\(host)\n".utf8))
        let result = try run([
            "run", file, "-q", "--no-report", "-i", TestPaths.sampleCorpus.path, "-o", dir.path("fineweb"), "--url-blocklist", list,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let summary =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("fineweb/summary.json")))) as! [String: Any]
        let stages = summary["stages"] as! [String: Any]
        let urlFilter = try XCTUnwrap(stages["url_filter"] as? [String: Any])
        // Every page of the host, those the default run kept and any it dropped later.
        XCTAssertGreaterThanOrEqual((urlFilter["dropped"] as? [String: Int])?["url_blocklist"] ?? 0, hosts.filter { $0 == host }.count)
        XCTAssertEqual((urlFilter["dropped"] as? [String: Int])?.keys.sorted(), ["url_blocklist"])
        XCTAssertNotNil(stages["pii"])
        for record in try readShards(dir.path("fineweb")) {
            let metadata = record["metadata"] as! [String: Any]
            XCTAssertNotEqual(URL(string: metadata["url"] as? String ?? "")?.host, host)
            XCTAssertEqual((metadata["pii"] as? [String: Int]).map { Set($0.keys) }, ["emails", "ips"])
        }
        // --pii on the command line adds or removes the stage; lists that are not there stop the run before it starts.
        let off = try run([
            "run", file, "-q", "--no-report", "-i", TestPaths.sampleCorpus.path, "-o", dir.path("off"), "--url-blocklist", list, "--pii", "off",
        ])
        XCTAssertEqual(off.status, 0, off.stderr)
        XCTAssertNil(try readShards(dir.path("off")).first.flatMap { ($0["metadata"] as? [String: Any])?["pii"] })
        let missing = try run(["run", "-q", "-i", TestPaths.sampleCorpus.path, "-o", dir.path("missing"), "--url-blocklist", dir.path("nothing")])
        XCTAssertEqual(missing.status, 64)
        XCTAssertTrue(missing.stderr.contains("no such URL list"), missing.stderr)
        XCTAssertEqual(try run(["url-filter", "-i", TestPaths.sampleCorpus.path, "-o", dir.path("none")]).status, 64)
    }

    func testShardedRunsSplitTheInputsAndSkipFinishedTasks() throws {
        let dir = try TemporaryDirectory()
        var read = 0
        for task in 0..<3 {
            let result = try run(["run", "-q", "--no-report", "-i", TestPaths.sampleCorpus.path, "-o", dir.path("out"), "--shard", "\(task)/3"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let summary =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("out/task-0000\(task)/summary.json"))))
                as! [String: Any]
            read += summary["input_files"] as! Int
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path("out/markers/run-0000\(task).done")))
        }
        let whole = try run(["run", "-q", "--no-report", "-i", TestPaths.sampleCorpus.path, "-o", dir.path("whole")])
        XCTAssertEqual(whole.status, 0)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("whole/summary.json")))) as! [String: Any]
        XCTAssertEqual(read, summary["input_files"] as! Int, "the tasks take every input file once")
        // A re-submitted task with nothing new does nothing: no second run in its directory.
        let again = try run(
            ["run", "-i", TestPaths.sampleCorpus.path, "-o", dir.path("out"), "--no-report"],
            environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3"])
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("task finished already"), again.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("out/task-00001/summary-000002.json")))
    }

    func testExitStatusAndSummary() throws {
        XCTAssertTrue(FileManager.default.fileExists(atPath: binary.path), "swift build makes \(binary.path)")
        let dir = try TemporaryDirectory()
        let good = try run(
            ["run", "--input", TestPaths.sampleCorpus.appendingPathComponent("warc").path, "--output", dir.path("good")],
            environment: ["SOURCE_DATE_EPOCH": "1700000000"])
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertTrue(good.stderr.contains("dedup"), good.stderr)
        XCTAssertEqual(good.stdout, "", "logs and summary go to standard error")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("good/summary.json")))) as? [String: Any]
        XCTAssertEqual(summary?["input_errors"] as? Int, 0)
        XCTAssertNotNil((summary?["stages"] as? [String: Any])?["extract"])
        let records = try readShards(dir.path("good"))
        XCTAssertEqual(records.first?["added"] as? String, "2023-11-14T22:13:20Z")

        try dir.write("bad/broken.warc.gz", [0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02])
        let bad = try run(["run", "--input", dir.path("bad"), "--output", dir.path("badout")])
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("broken.warc.gz"), "the damaged file is named: \(bad.stderr)")

        let unwritable = try run(["run", "--input", dir.path("bad"), "--output", "/proc/winnow-cannot-write"])
        XCTAssertEqual(unwritable.status, 1)
    }
}
