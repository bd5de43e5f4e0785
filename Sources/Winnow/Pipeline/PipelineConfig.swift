import Foundation
import WinnowCore
import WinnowDedup
import WinnowStages

/// Everything a run needs to know.
public struct PipelineConfig: Sendable {
    public var inputs: [String]
    /// Files listing more inputs, one path or URL a line (`InputList`).
    public var inputLists: [String] = []
    /// Put before the relative paths of the input lists.
    public var inputPrefix: String?
    public var output: String
    /// Workers for the CPU-heavy stages (clean, segment, extract).
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    /// The last stage to run: `write` (the default) writes final documents; an earlier stage
    /// writes that stage's intermediate shards.
    public var lastStage: StageName = .write
    public var read = ReadSettings()
    /// The url_filter stage's settings, nil when the pipeline has no url_filter stage.
    public var urlFilter: URLFilterSettings?
    public var clean = CleanSettings()
    public var extract = ExtractSettings()
    public var write = WriteSettings()
    public var dedup = DedupSettings()
    /// The language stage's settings, nil when the pipeline has no language stage.
    public var language: LanguageSettings? = LanguageSettings()
    /// The quality stage's settings, nil when the pipeline has no quality stage.
    public var quality: QualitySettings?
    /// The pii stage's settings, nil when the pipeline has no pii stage.
    public var pii: PIISettings?
    /// Documents allowed between the reader and the writer per worker (bounds memory).
    public var inFlightPerJob = 16
    /// The `added` timestamp of every record (ISO 8601).
    public var added: String
    /// Process every input, even those a committed run already finished, and replace the output.
    public var full = false
    /// Commit the run so far every this many documents (`Checkpoints`); 0: only at the end.
    public var checkpointEvery = 1000
    /// Write dropped documents to `dropped-RRRRRR-NNNNN.jsonl.gz` shards in this directory, with
    /// the reason in their metadata.
    public var keepDroppedDirectory: String?
    /// Write the run's metrics in Prometheus text format to this file (the command writes them).
    public var metricsFile: String?
    /// Take only every `count`-th input file, from the `index`-th (a task of a sharded run).
    public var inputShard: (index: Int, count: Int)?
    /// With `inputShard`: `.warc.gz` files larger than this are cut into parts of this many bytes,
    /// each taken by one task.
    public var splitBytes: Int?

    public init(inputs: [String], output: String, added: String) {
        self.inputs = inputs
        self.output = output
        self.added = added
    }

    /// The shard name prefix: `shard` for final output, the stage name for intermediate shards.
    public var shardPrefix: String {
        lastStage >= .dedup ? "shard" : lastStage.rawValue
    }

    /// Where the shards go, relative to `output`: the final documents in `documents/` (dolma's
    /// layout, so loaders read that folder and nothing else), a stage's intermediate shards beside
    /// the summaries.
    public var shardFolder: String { lastStage >= .dedup ? RunState.documentsFolder : "" }
}

extension PipelineConfig {
    /// The inputs as given, then the entries of the input lists, in order.
    public func inputRoots() throws -> [InputRoot] {
        var roots = inputs.map { InputRoot($0) }
        for list in inputLists { roots += try InputList.read(list, prefix: inputPrefix, remote: read.remote) }
        return roots
    }

    /// The input files this run takes (its shard's, when sharded), in input order.
    public func inputFiles() throws -> [InputFile] {
        var scanner = InputScanner()
        return taken(scanner.scan(try inputRoots()))
    }

    /// Of the scanned files, those this run takes: all, or its shard's share of the inputs (large
    /// `.warc.gz` files cut into parts first).
    func taken(_ scanned: [InputFile]) -> [InputFile] {
        guard let shard = inputShard else { return scanned }
        return InputFile.split(scanned, bytes: splitBytes).enumerated().filter { $0.offset % shard.count == shard.index }.map(\.element)
    }

    /// Whether every input file of this run was finished, unchanged, by a committed run.
    public func allInputsFinished() throws -> Bool {
        let state = try RunState.load(output)
        return try inputFiles().allSatisfy { file in
            // A URL a run finished: its run checks it with a HEAD request.
            if RemotePath.isRemote(file.path) { return state.finished[file.path] != nil }
            guard let (path, identity) = RunState.identity(of: file.path) else { return false }
            return state.finished[path]?.sameFile(identity) ?? false
        }
    }
}
