import Foundation
import WinnowCore

/// The five dedup phases as Slurm jobs: one batch script per phase from a template (arrays for the
/// task phases), each job depending on the one before (`afterok`), submitted with `sbatch`.
/// A submission replaces the pending jobs of an earlier one; finished tasks skip by their markers.
public struct SlurmSubmission: Sendable {
    /// The pipeline's name (in the job names).
    public var name: String
    /// Absolute paths: the winnow binary the jobs run, the pipeline file, the work directory, the
    /// inputs and the output directory.
    public var binary: String
    public var pipeline: String
    public var work: String
    public var inputs: [String]
    /// Files listing inputs, and the prefix of their relative paths (`--input-list`, `--input-prefix`).
    public var inputLists: [String] = []
    public var inputPrefix: String?
    public var output: String
    public var tasks: Int
    public var buckets: Int
    public var splitSizeMiB: Double
    /// Extra `#SBATCH` lines' options.
    public var sbatchOptions: [String]
    /// The batch script template, with {{NAME}}, {{LOG}}, {{ARRAY}}, {{OPTIONS}} and {{COMMAND}}.
    public var template: String
    /// The cluster's `MaxArraySize` (array indices run from 0 to one less): a phase with more
    /// tasks runs that many array elements, each taking every MaxArraySize-th task in turn.
    public var maxArraySize = SlurmSubmission.defaultMaxArraySize

    /// Slurm's default `MaxArraySize`.
    public static let defaultMaxArraySize = 1001

    public init(
        name: String, binary: String, pipeline: String, work: String, inputs: [String], output: String, tasks: Int, buckets: Int,
        splitSizeMiB: Double, sbatchOptions: [String], template: String
    ) {
        self.name = name
        self.binary = binary
        self.pipeline = pipeline
        self.work = work
        self.inputs = inputs
        self.output = output
        self.tasks = tasks
        self.buckets = buckets
        self.splitSizeMiB = splitSizeMiB
        self.sbatchOptions = sbatchOptions
        self.template = template
    }

    /// One phase's job.
    public struct Job: Sendable {
        public var phase: String
        /// Tasks of the array; 1 for the single-task phases (no array).
        public var count: Int
        public var isArray: Bool
        public var path: String
        public var script: String
    }

    /// The jobs, in order, with their scripts (`WORK/slurm/N-PHASE.sbatch`).
    public var jobs: [Job] {
        func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let base = "\(q(binary)) dedup-phase %@ \(q(pipeline)) --work \(q(work))"
        var ins = inputs.isEmpty ? "" : "-i " + inputs.map(q).joined(separator: " ") + " "
        ins += inputLists.map { "--input-list \(q($0)) " }.joined() + (inputPrefix.map { "--input-prefix \(q($0)) " } ?? "")
        ins += "--split-size \(splitSizeMiB)"
        let phases: [(name: String, count: Int, args: String)] = [
            ("signatures", tasks, "\(ins) --buckets \(buckets) --shard \"${TASK}/\(tasks)\""),
            ("buckets", buckets, "--shard \"${TASK}/\(buckets)\""),
            ("clusters", 1, ""),
            ("filter", tasks, "\(ins) -o \(q(output)) --shard \"${TASK}/\(tasks)\""),
            ("merge", 1, "-o \(q(output))"),
        ]
        return phases.enumerated().map { n, phase in
            let single = phase.name == "clusters" || phase.name == "merge"
            let elements = min(phase.count, max(1, maxArraySize))
            let one = String(format: base, phase.name) + (phase.args.isEmpty ? "" : " " + phase.args)
            // Each array element runs its task, or every elements-th task from its own when the
            // phase has more tasks than the cluster's arrays may.
            let command =
                single
                ? one
                : phase.count <= elements
                    ? "TASK=${SLURM_ARRAY_TASK_ID}\n" + one
                    : "for ((TASK = SLURM_ARRAY_TASK_ID; TASK < \(phase.count); TASK += \(elements))); do\n    \(one)\ndone"
            let script =
                template
                .replacingOccurrences(of: "{{NAME}}", with: "winnow-\(name)-\(phase.name)")
                .replacingOccurrences(of: "{{LOG}}", with: work + "/logs/\(phase.name)-" + (single ? "0" : "%a") + ".log")
                .replacingOccurrences(of: "{{ARRAY}}", with: single ? "" : "#SBATCH --array=0-\(elements - 1)")
                .replacingOccurrences(of: "{{OPTIONS}}", with: sbatchOptions.map { "#SBATCH \($0)" }.joined(separator: "\n"))
                .replacingOccurrences(of: "{{COMMAND}}", with: command)
            return Job(phase: phase.name, count: phase.count, isArray: !single, path: work + "/slurm/\(n + 1)-\(phase.name).sbatch", script: script)
        }
    }

    /// The cluster's `MaxArraySize` (`scontrol show config`), nil when it cannot be asked.
    public static func clusterMaxArraySize() -> Int? {
        guard let (status, text) = try? command(["scontrol", "show", "config"]), status == 0 else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MaxArraySize") {
            if let value = line.split(separator: "=").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) { return value }
        }
        return nil
    }

    /// Why a submission failed.
    public struct SubmitError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes the scripts. With `dryRun`, prints each `sbatch` command and script and submits
    /// nothing; else cancels the earlier submission's pending jobs, submits each job depending on
    /// the one before, prints its id and records the ids in `WORK/slurm/jobs.txt`.
    public func submit(dryRun: Bool, print say: (String) -> Void) throws {
        try FileManager.default.createDirectory(atPath: work + "/slurm", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work + "/logs", withIntermediateDirectories: true)
        let jobsFile = work + "/slurm/jobs.txt"
        if !dryRun, let earlier = try? String(contentsOfFile: jobsFile, encoding: .utf8) {
            let ids = earlier.split(whereSeparator: \.isWhitespace).map(String.init)
            if !ids.isEmpty { _ = try? Self.command(["scancel", "--state=PENDING"] + ids) }
        }
        var submitted: [String] = []
        var previous: String?
        for job in jobs {
            try job.script.write(toFile: job.path, atomically: true, encoding: .utf8)
            var arguments = ["--parsable"]
            if let previous { arguments.append("--dependency=afterok:\(previous)") }
            arguments.append(job.path)
            if dryRun {
                say("sbatch " + arguments.joined(separator: " "))
                say(job.script)
                previous = "<\(job.phase)-job-id>"
                continue
            }
            let (status, text) = try Self.command(["sbatch"] + arguments)
            guard status == 0, let id = text.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }), !id.isEmpty
            else {
                throw SubmitError(description: "sbatch \(job.path) failed (status \(status))")
            }
            say("\(job.phase): job \(id)" + (job.isArray ? " (\(job.count) tasks)" : ""))
            previous = id
            submitted.append(id)
            try (submitted.joined(separator: "\n") + "\n").write(toFile: jobsFile, atomically: true, encoding: .utf8)
        }
        if !dryRun { say("progress: winnow slurm status --work \(work)") }
    }

    /// Runs a command found on PATH; its exit status and standard output.
    static func command(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}
