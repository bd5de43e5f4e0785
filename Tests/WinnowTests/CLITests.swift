import Foundation
import XCTest

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
        let out = Pipe(), err = Pipe()
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
        for command in [[], ["run"], ["read"], ["clean"], ["segment"], ["extract"], ["dedup"]] {
            let result = try run(command + ["--help"])
            XCTAssertEqual(result.status, 0, "\(command)")
            XCTAssertTrue(result.stdout.contains("USAGE"), "\(command): \(result.stdout)")
        }
    }

    func testUsageErrorExits64() throws {
        XCTAssertTrue(FileManager.default.fileExists(atPath: binary.path), "swift build makes \(binary.path)")
        XCTAssertEqual(try run(["run", "--output", "/tmp/x"]).status, 64)
        XCTAssertEqual(try run(["run", "--input", "x", "--output", "/tmp/x", "--jobs", "0"]).status, 64)
    }

    func testExitStatusAndSummary() throws {
        XCTAssertTrue(FileManager.default.fileExists(atPath: binary.path), "swift build makes \(binary.path)")
        let dir = try TemporaryDirectory()
        let good = try run(["run", "--input", TestPaths.sampleCorpus.appendingPathComponent("warc").path, "--output", dir.path("good")],
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
