import Foundation
import WinnowCore
import WinnowDedup
import WinnowStages

/// Checkpoints: a run commits what it has done every `checkpointEvery` documents, at the start of
/// a record it can be read again from, so a run killed after one (kill -9, a node lost) leaves a
/// committed output and the next run reads on from that record instead of from the file's start.
///
/// A checkpoint completes the open shards, writes what dedup must remember of the documents so
/// far (their signatures and shingles, and exact keys: `DedupCheckpoint`), then saves the state as
/// a commit does (the run with its shards so far, the files it finished, the file it is in as
/// `partial` with the record to resume at, the dedup files) and publishes the shards. The next
/// run loads that dedup state before its first document, so it keeps and drops what the
/// interrupted run would have: the documents equal an uninterrupted run's (their shards split
/// differently, and a duplicate of a document before the checkpoint is counted as a plain
/// duplicate). A run that finishes removes the dedup files and the `partial` marks.
///
/// With a cross-run index, each checkpoint also writes the index segment of the documents kept
/// since the one before (listed once the checkpoint is committed, as a run's segment is).
///
/// Not taken: with `--full` (the runs it replaces are replaced at the end), boilerplate
/// paragraphs (their counts are not carried over), or in a task of a sharded run.
extension PipelineConfig {
    /// Why a run of this configuration takes no checkpoints, or nil when it takes them.
    public var checkpointsOff: String? {
        if checkpointEvery == 0 { return "checkpoint_every is 0" }
        if full { return "--full replaces the earlier runs only at its end" }
        let dedups = dedup.enabled && lastStage >= .dedup
        if dedups && dedup.boilerplateParagraphs > 0 { return "boilerplate paragraph counts are not carried over" }
        if inputShard != nil { return "a task of a sharded run (--shard) restarts whole" }
        return nil
    }
}

extension Pipeline {

    /// Whether reading can start again at `item`: the first document of its file, or one whose
    /// record a reader can start at in a local file.
    func canCheckpoint(before item: WorkItem, files: [InputFile]) -> Bool {
        guard item.file >= 0, Int(item.file) < files.count else { return false }
        if item.firstOfFile { return true }
        return item.origin.recordOffset != nil && !RemotePath.isRemote(files[Int(item.file)].path)
    }

    /// The checkpoint before `item` (see the type's comment).
    func checkpoint(
        before item: WorkItem, flow: DocumentFlow, inputs: Inputs, state: inout RunState, output: inout RunOutput, index: DedupIndex?,
        run: Int
    ) throws {
        try output.finish()
        var saved = state.checkpoint ?? RunState.Checkpoint(run: run, segments: [], keys: [])
        // The cross-run index: the documents kept since the last checkpoint, listed after the commit.
        let indexSegment = try index.flatMap { try output.writeIndexSegment($0) }
        if output.dedup != nil {
            let files = try output.dedup!.carryOver(
                to: DedupCheckpoint(output: config.output, settings: config.dedup.minHash), part: saved.keys.count + 1)
            if let segment = files.segment { saved.segments.append(segment) }
            saved.keys.append(files.keys)
        }
        try output.replacements.commit(
            into: &state, directory: config.output, index: index, run: run, compression: config.write.compressionLevel)
        let (failed, resumeOffsets) = flow.readSoFar
        var before = inputs
        before.files = Array(inputs.files[..<Int(item.file)])
        var finished = finishedInputs(before, failed: failed, resumeOffsets: resumeOffsets)
        recordShards(&finished, of: before, before: before.files.count, output: output)
        for file in finished.files { if let (path, identity) = finished.identities[file.path] { state.finished[path] = identity } }
        let current = inputs.files[Int(item.file)]
        if !item.firstOfFile, let offset = item.origin.recordOffset, let entry = inputs.identities[current.path] {
            var input = entry.input
            input.resume = offset
            input.tail = RunState.tailHash(current.path, before: offset)
            input.partial = true
            let places = inputs.files[...Int(item.file)].indices.filter { inputs.files[$0].path == current.path }
            recordShards(at: places, in: &input, inputs: inputs, output: output)
            state.finished[entry.path] = input
        }
        let segments = (state.runs.first { $0.number == run }?.checkpointSegments ?? []) + (indexSegment.map { [$0] } ?? [])
        state.setRun(RunState.Run(number: run, files: output.files, indexSegment: nil, finished: config.added, checkpointSegments: segments))
        state.checkpoint = saved
        try state.save(config.output)
        try output.publish()
        try output.replacements.finish(&state, directory: config.output, index: index)
        if let index, let indexSegment { try index.list(indexSegment) }
    }

    /// Loads the dedup state of a run that was killed after a checkpoint (if the state names one).
    func loadCheckpoint(_ state: RunState, into output: inout RunOutput) throws {
        guard let saved = state.checkpoint, output.dedup != nil else { return }
        var carried = DedupCheckpoint(output: config.output, settings: config.dedup.minHash)
        carried.segments = saved.segments
        carried.keyFiles = saved.keys
        try output.dedup!.loadCarried(carried)
        Log.info("carrying on from run \(saved.run)'s last checkpoint")
    }
}
