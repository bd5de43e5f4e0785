import ArgumentParser
import Foundation
import Winnow

struct DedupPhaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup-phase",
        abstract: "Run one phase of deduplication split across processes: signatures, buckets, clusters, filter.",
        discussion: """
        The phases are connected by files under --work (shared storage when tasks run on several \
        machines) and give the same kept documents as `winnow dedup` on the same input:
          winnow dedup-phase signatures --work W --input IN... --shard I/N   (each of N tasks)
          winnow dedup-phase buckets    --work W --shard J/M                 (each of M tasks)
          winnow dedup-phase clusters   --work W                             (one task)
          winnow dedup-phase filter     --work W --input IN... --output OUT --shard I/N
        Inputs are raw archives (extracted in-process) or documents with text.
        """
    )

    @Argument(help: "signatures, buckets, clusters or filter")
    var phase: String

    @Option(help: ArgumentHelp("Folder for the phases' files.", valueName: "dir"))
    var work: String

    @Option(name: .shortAndLong, parsing: .upToNextOption, help: ArgumentHelp("Input files or directories (signatures, filter).", valueName: "path"))
    var input: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Output directory (filter).", valueName: "dir"))
    var output: String?

    @Option(help: ArgumentHelp("This task's share, I/N (0-based), or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT when unset.", valueName: "I/N"))
    var shard: String?

    @OptionGroup(title: "Deduplication") var dedup: DedupOptions

    func validate() throws {
        guard ["signatures", "buckets", "clusters", "filter"].contains(phase) else {
            throw ValidationError("the phase is signatures, buckets, clusters or filter")
        }
        if (phase == "signatures" || phase == "filter") && input.isEmpty { throw ValidationError("\(phase) needs --input") }
        if phase == "filter" && output == nil { throw ValidationError("filter needs --output") }
        _ = try taskShard()
        try dedup.validate()
    }

    func taskShard() throws -> DedupPhases.Shard {
        let env = ProcessInfo.processInfo.environment
        let text = shard ?? env["SLURM_ARRAY_TASK_ID"].map { "\($0)/\(env["SLURM_ARRAY_TASK_COUNT"] ?? "1")" } ?? "0/1"
        let parts = text.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] >= 1, parts[0] >= 0, parts[0] < parts[1] else {
            throw ValidationError("--shard is I/N with 0 ≤ I < N")
        }
        return DedupPhases.Shard(index: parts[0], count: parts[1])
    }

    func run() throws {
        let phases = DedupPhases(settings: dedup.settings, work: work)
        let shard = try taskShard()
        do {
            switch phase {
            case "signatures":
                let n = try phases.signatures(inputs: input, shard: shard)
                Log.info("signatures: \(n) documents (task \(shard.index) of \(shard.count))")
            case "buckets":
                let n = try phases.buckets(shard: shard)
                Log.info("buckets: \(n) candidate pairs (task \(shard.index) of \(shard.count))")
            case "clusters":
                let verdicts = try phases.clusters()
                Log.info("clusters: \(verdicts.dropped.count) documents to drop")
            default:
                let (kept, dropped) = try phases.filter(inputs: input, output: output ?? ".", shard: shard, added: Timestamps.added())
                Log.info("filter: \(kept) documents kept, \(dropped) dropped (task \(shard.index) of \(shard.count))")
            }
        } catch {
            Log.error("\(error)")
            throw ExitCode(1)
        }
    }
}
