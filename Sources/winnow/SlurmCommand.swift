import ArgumentParser
import Foundation
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowPipelineFile
import WinnowReport
import WinnowStages

/// `winnow slurm`: a pipeline as Slurm job arrays, one per dedup phase, chained with
/// `--dependency=afterok`; no scheduler or daemon of Winnow's own.
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Run a pipeline on a Slurm cluster as job arrays with global deduplication, or show their progress.",
        subcommands: [SlurmSubmitCommand.self, SlurmStatusCommand.self],
        defaultSubcommand: SlurmSubmitCommand.self
    )
}

struct SlurmSubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Write and submit (or print, with --dry-run) the sbatch scripts of a pipeline.",
        discussion: """
            Five jobs: signatures (array of --tasks), buckets (array of --buckets), clusters (one task), \
            filter (array of --tasks), merge (one task: summary.json and report.html), each depending \
            on the one before (afterok). Files go through --work on shared storage. Submitting again \
            skips every task that finished (its marker); a failed task can be re-run alone with \
            `sbatch --array=I WORK/slurm/NAME.sbatch`. The result equals `winnow run` on the same input.
            """
    )

    @Argument(help: ArgumentHelp("The pipeline file.", valueName: "pipeline.yaml"))
    var pipeline: String

    @Option(help: "Tasks of the signatures and filter arrays (each takes every N-th input file).")
    var tasks: Int

    @Option(help: "Tasks of the buckets array (default: --tasks).")
    var buckets: Int?

    @Option(name: .shortAndLong, parsing: .upToNextOption, help: ArgumentHelp("Input paths (default: the pipeline's).", valueName: "path"))
    var input: [String] = []

    @Option(help: ArgumentHelp("Files listing inputs, one path or URL a line (default: the pipeline's).", valueName: "file|url"))
    var inputList: [String] = []

    @Option(help: ArgumentHelp("Put before the relative paths of the input lists (default: the pipeline's).", valueName: "url|dir"))
    var inputPrefix: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Output directory (default: the pipeline's).", valueName: "dir"))
    var output: String?

    @Option(help: ArgumentHelp(".warc.gz files larger than this many MiB are cut into parts of that size, each taken by one task.", valueName: "MiB"))
    var splitSize: Double = 1024

    @Option(help: ArgumentHelp("Work directory on shared storage (default: OUTPUT/.slurm-work).", valueName: "dir"))
    var work: String?

    @Option(
        name: .customLong("sbatch"),
        help: ArgumentHelp("An sbatch option for every job, e.g. --sbatch=--partition=cpu (repeatable).", valueName: "option"))
    var sbatchOptions: [String] = []

    @Option(
        help: ArgumentHelp(
            "The batch script template (default: slurm.sbatch beside the pipeline file, else the checkout's Pipelines/slurm.sbatch).",
            valueName: "file"))
    var template: String?

    @Option(help: ArgumentHelp("The winnow binary the jobs run (default: this one).", valueName: "path"))
    var winnow: String?

    @Flag(help: "Write and print the scripts and the sbatch commands; submit nothing.")
    var dryRun = false

    @Option(
        help: ArgumentHelp(
            "The cluster's MaxArraySize: a phase with more tasks runs that many array elements, each taking every N-th task (default: scontrol show config's, else Slurm's default 1001).",
            valueName: "N"))
    var maxArraySize: Int?

    func validate() throws {
        guard tasks >= 1 && tasks <= 100_000 else { throw ValidationError("--tasks must be 1 to 100000") }
        if let problem = Settings.named("--split-size").problem(.number(splitSize)) { throw ValidationError("--split-size: \(problem)") }
        if let buckets { guard buckets >= 1 && buckets <= 100_000 else { throw ValidationError("--buckets must be 1 to 100000") } }
        if let maxArraySize, maxArraySize < 1 { throw ValidationError("--max-array-size must be at least 1") }
    }

    func run() throws {
        let file: PipelineFile
        do { file = try PipelineFile.load(pipeline) } catch let error as PipelineFile.Invalid {
            Log.writeStderr("winnow: the pipeline file is invalid:\n\(error)\n")
            throw ExitCode(.usage)
        }
        guard file.config.dedup.enabled else {
            throw ValidationError("the pipeline has no dedup stage: run it as an array of `winnow run \(pipeline) --shard I/N` instead")
        }
        if let refusal = DedupPhases.refusal(file.config.dedup) { throw ValidationError(refusal) }
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ p: String) -> String { p.hasPrefix("/") || RemotePath.isRemote(p) ? p : cwd + "/" + p }
        let given = !input.isEmpty || !inputList.isEmpty
        let inputs = (given ? input : file.config.inputs).map(absolute)
        let lists = (given ? inputList : file.config.inputLists).map(absolute)
        let prefix = inputPrefix ?? file.config.inputPrefix
        guard !inputs.isEmpty || !lists.isEmpty, let out = (output ?? (file.config.output.isEmpty ? nil : file.config.output)).map(absolute) else {
            throw ValidationError("give the inputs and output (in the pipeline file, or -i and -o)")
        }
        let workDir = absolute(work ?? out + "/.slurm-work")
        let binary = absolute(winnow ?? CommandLine.arguments[0])
        let pipelinePath = absolute(pipeline)
        let bucketCount = buckets ?? tasks
        // The template: given, beside the pipeline file, or the one of the checkout the binary was built in.
        let candidates = [
            template.map(absolute), (pipelinePath as NSString).deletingLastPathComponent + "/slurm.sbatch",
            ((binary as NSString).deletingLastPathComponent as NSString).appendingPathComponent("../../Pipelines/slurm.sbatch"),
        ]
        guard let templatePath = candidates.compactMap({ $0 }).first(where: { FileManager.default.fileExists(atPath: $0) }),
            let templateText = try? String(contentsOfFile: templatePath, encoding: .utf8)
        else {
            throw ValidationError("no batch script template: give --template (Pipelines/slurm.sbatch is one)")
        }
        var submission = SlurmSubmission(
            name: file.name, binary: binary, pipeline: pipelinePath, work: workDir, inputs: inputs, output: out, tasks: tasks,
            buckets: bucketCount, splitSizeMiB: splitSize, sbatchOptions: sbatchOptions, template: templateText)
        submission.inputLists = lists
        submission.inputPrefix = prefix.map { RemotePath.isRemote($0) ? $0 : absolute($0) }
        submission.maxArraySize = maxArraySize ?? SlurmSubmission.clusterMaxArraySize() ?? SlurmSubmission.defaultMaxArraySize
        do { try submission.submit(dryRun: dryRun) { print($0) } } catch let error as SlurmSubmission.SubmitError {
            Log.error("\(error)")
            throw ExitCode(.failed)
        }
    }
}

struct SlurmStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Finished tasks of each phase, from the markers in the work directory."
    )

    @Option(help: ArgumentHelp("The work directory of the submission.", valueName: "dir"))
    var work: String

    func run() throws {
        let phases = DedupPhases(settings: DedupSettings(), work: work)
        var complete = true
        for (phase, done, of) in phases.status() {
            let missing = (0..<of).filter { !phases.isDone(phase, $0) }
            let list = missing.prefix(20).map(String.init).joined(separator: ",") + (missing.count > 20 ? ",..." : "")
            print("\(phase.padding(toLength: 11, withPad: " ", startingAt: 0)) \(done)/\(of) done" + (missing.isEmpty ? "" : "; waiting: \(list)"))
            if done < of || of == 0 { complete = false }
        }
        print(complete ? "complete" : "incomplete")
        if !complete { throw ExitCode(.incomplete) }
    }
}
