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

struct DedupPhaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup-phase",
        abstract: "Run one phase of deduplication split across processes: signatures, buckets, clusters, filter, merge.",
        discussion: """
            The phases are connected by files under --work (shared storage when tasks run on several \
            machines) and give the same kept documents as `winnow run` on the same input. `winnow slurm` \
            submits them as Slurm job arrays; by hand:
              winnow dedup-phase signatures [P.yaml] --work W -i IN... --shard I/N [--buckets M]  (N tasks)
              winnow dedup-phase buckets    [P.yaml] --work W --shard J/M                          (M tasks)
              winnow dedup-phase clusters   [P.yaml] --work W                                      (one task)
              winnow dedup-phase filter     [P.yaml] --work W -i IN... -o OUT --shard I/N          (N tasks)
              winnow dedup-phase merge      [P.yaml] --work W -o OUT                               (one task)
            A task that finished (its marker in W/markers) does nothing when run again; a phase \
            refuses to start while a task of the phase before has no marker. Without --shard, \
            SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT give the task's share.
            """,
        subcommands: [Signatures.self, Buckets.self, Clusters.self, Filter.self, Merge.self]
    )

    struct Signatures: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "N tasks: exact keys, shingle sets and bucketed band keys of every N-th input file.")
        @OptionGroup var options: PhaseOptions
        func run() throws { try options.execute("signatures") }
    }

    struct Buckets: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "M tasks: one bucket's documents sharing an exact key, and its candidate pairs of band keys, verified on their shingle sets.")
        @OptionGroup var options: PhaseOptions
        func run() throws { try options.execute("buckets") }
    }

    struct Clusters: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One task: the verdicts of the documents in an exact group or a verified pair, in input order (DedupDecisions).")
        @OptionGroup var options: PhaseOptions
        func run() throws { try options.execute("clusters") }
    }

    struct Filter: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "N tasks: the kept documents of every N-th input file into shards.")
        @OptionGroup var options: PhaseOptions
        func run() throws { try options.execute("filter") }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One task: the tasks' counts into summary.json and the report.")
        @OptionGroup var options: PhaseOptions
        func run() throws { try options.execute("merge") }
    }
}

/// The options every phase takes (each uses those its work needs).
struct PhaseOptions: ParsableArguments {

    @Argument(help: ArgumentHelp("The pipeline file (its inputs, output, and the settings of every stage).", valueName: "pipeline.yaml"))
    var pipeline: String?

    @Option(help: ArgumentHelp("Folder for the phases' files.", valueName: "dir"))
    var work: String

    @Option(name: .shortAndLong, parsing: .upToNextOption, help: ArgumentHelp("Input files or directories (signatures, filter).", valueName: "path"))
    var input: [String] = []

    @Option(help: ArgumentHelp("Files listing inputs, one path or URL a line (signatures, filter).", valueName: "file|url"))
    var inputList: [String] = []

    @Option(help: ArgumentHelp("Put before the relative paths of the input lists.", valueName: "url|dir"))
    var inputPrefix: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Output directory (filter, merge).", valueName: "dir"))
    var output: String?

    @Option(help: ArgumentHelp("This task's share, I/N (0-based), or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT when unset.", valueName: "I/N"))
    var shard: String?

    @Option(help: "signatures: the number of bucket tasks that follow (default: as many as signature tasks).")
    var buckets: Int?

    @Option(
        help: ArgumentHelp(
            "signatures, filter: .warc.gz files larger than this many MiB are cut into parts of that size, each taken by one task (the same value in both phases).",
            valueName: "MiB"))
    var splitSize: Double = 1024

    @OptionGroup(title: "Deduplication") var dedup: DedupOptions

    func validate() throws {
        if let buckets, buckets < 1 { throw ValidationError("--buckets must be at least 1") }
        if let problem = Settings.named("--split-size").problem(.number(splitSize)) { throw ValidationError("--split-size: \(problem)") }
        _ = try taskShard()
        try dedup.validate()
    }

    func taskShard() throws -> DedupPhases.Shard {
        try parseShard(shard) ?? DedupPhases.Shard(index: 0, count: 1)
    }

    func execute(_ phase: String) throws {
        var given = dedup.given
        if !input.isEmpty { given.insert(("--input", .texts(input)), at: 0) }
        if !inputList.isEmpty { given.insert(("--input-list", .texts(inputList)), at: 0) }
        if let inputPrefix { given.insert(("--input-prefix", .text(inputPrefix)), at: 0) }
        if let output { given.insert(("--output", .text(output)), at: 0) }
        var config: PipelineConfig
        do {
            config = try assembleConfig(pipeline: pipeline, given: given)
        } catch let error as PipelineFile.Invalid {
            Log.writeStderr("winnow: the pipeline file is invalid:\n\(error)\n")
            throw ExitCode(.usage)
        }
        try Settings.named("--split-size").set(.number(splitSize), in: &config)
        if let refusal = DedupPhases.refusal(config.dedup) { throw ValidationError(refusal) }
        if (phase == "signatures" || phase == "filter") && config.inputs.isEmpty && config.inputLists.isEmpty {
            throw ValidationError("\(phase) needs --input or --input-list (or a pipeline file's inputs)")
        }
        try refuseUnsupportedLocations(config)
        if (phase == "filter" || phase == "merge") && config.output.isEmpty {
            throw ValidationError("\(phase) needs --output (or a pipeline file's output)")
        }
        let phases = DedupPhases(settings: config.dedup, work: work, config: config)
        let shard = try taskShard()
        do {
            let inputs = try config.inputRoots()
            switch phase {
            case "signatures":
                if phases.isDone("signatures", shard.index) { Log.info("signatures: task \(shard.index) finished already") }
                let n = try phases.signatures(inputs: inputs, shard: shard, buckets: buckets)
                Log.info("signatures: \(n) documents (task \(shard.index) of \(shard.count))")
            case "buckets":
                let n = try phases.buckets(shard: shard)
                Log.info("buckets: \(n) verified pairs (task \(shard.index) of \(shard.count))")
            case "clusters":
                let verdicts = try phases.clusters()
                Log.info("clusters: \(verdicts.dropped) documents to drop")
            case "filter":
                let (kept, dropped) = try phases.filter(inputs: inputs, output: config.output, shard: shard, added: config.added)
                Log.info("filter: \(kept) documents kept, \(dropped) dropped (task \(shard.index) of \(shard.count))")
            default:
                let summary = try phases.merge(output: config.output, added: config.added)
                Log.writeStderr(RunReport.text(summary, command: "slurm merge"))
                if let path = try? ReportPage.write(directory: config.output) { Log.info("report: \(path)") }
            }
        } catch {
            Log.error("\(error)")
            throw ExitCode(.failed)
        }
    }
}

/// `I/N` from the option, else from Slurm's array variables, else nil.
func parseShard(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DedupPhases.Shard? {
    let text: String
    if let option {
        text = option
    } else if let id = environment["SLURM_ARRAY_TASK_ID"], let count = environment["SLURM_ARRAY_TASK_COUNT"] {
        text = "\(id)/\(count)"
    } else {
        return nil
    }
    let parts = text.split(separator: "/").compactMap { Int($0) }
    guard parts.count == 2, parts[1] >= 1, parts[0] >= 0, parts[0] < parts[1] else {
        throw ValidationError("--shard is I/N with 0 ≤ I < N (got \(text))")
    }
    return DedupPhases.Shard(index: parts[0], count: parts[1])
}
