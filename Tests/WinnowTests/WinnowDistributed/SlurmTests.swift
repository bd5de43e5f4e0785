import Foundation
import XCTest

@testable import WinnowDistributed

/// The batch scripts `winnow slurm` writes, run by bash with a stand-in for winnow.
final class SlurmTests: XCTestCase {
    /// A phase with more tasks than the cluster's MaxArraySize: the array stays under it, and its
    /// elements together run every task exactly once (Slurm's default limit is 1001; a submission
    /// of 5000 tasks was refused by a real cluster).
    func testArraysStayUnderMaxArraySizeAndRunEveryTaskOnce() throws {
        let dir = try TemporaryDirectory()
        var submission = SlurmSubmission(
            name: "p", binary: "/bin/echo", pipeline: "/p.yaml", work: dir.path("work"), inputs: ["/in"], output: "/out", tasks: 7, buckets: 2,
            splitSizeMiB: 1024, sbatchOptions: [], template: "#!/bin/bash\n{{ARRAY}}\nset -euo pipefail\n{{COMMAND}}\n")
        submission.maxArraySize = 3
        let jobs = submission.jobs
        let signatures = try XCTUnwrap(jobs.first { $0.phase == "signatures" })
        XCTAssertTrue(signatures.script.contains("#SBATCH --array=0-2"), signatures.script)
        let buckets = try XCTUnwrap(jobs.first { $0.phase == "buckets" })
        XCTAssertTrue(buckets.script.contains("#SBATCH --array=0-1"), "a phase within the limit keeps one task an element")
        var shards: [String] = []
        for element in 0..<3 {
            let script = try dir.write("s\(element).sh", Array(signatures.script.utf8))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [script]
            process.environment = ["SLURM_ARRAY_TASK_ID": String(element), "PATH": "/usr/bin:/bin"]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
            shards += out.split(separator: "\n").compactMap { line -> String? in line.components(separatedBy: "--shard ").last }
        }
        XCTAssertEqual(shards.sorted(), (0..<7).map { "\($0)/7" }.sorted())
    }

    /// Issue 18: a listing (Common Crawl's warc.paths.gz) goes to every task of the phases that
    /// read inputs, which split it as they split local files (`--shard`).
    func testInputListsReachTheReadingPhases() {
        var submission = SlurmSubmission(
            name: "p", binary: "/bin/winnow", pipeline: "/p.yaml", work: "/w", inputs: [], output: "/out", tasks: 4, buckets: 2,
            splitSizeMiB: 1024, sbatchOptions: [], template: "{{COMMAND}}\n")
        submission.inputLists = ["https://data.commoncrawl.org/crawl-data/CC-MAIN-2024-10/warc.paths.gz"]
        submission.inputPrefix = "https://data.commoncrawl.org/"
        for job in submission.jobs {
            let reads = job.phase == "signatures" || job.phase == "filter"
            XCTAssertEqual(
                job.script.contains(
                    "--input-list 'https://data.commoncrawl.org/crawl-data/CC-MAIN-2024-10/warc.paths.gz' --input-prefix 'https://data.commoncrawl.org/'"
                ),
                reads, job.script)
            XCTAssertFalse(job.script.contains("-i "), "no empty -i")
        }
    }
}
