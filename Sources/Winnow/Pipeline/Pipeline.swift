import Foundation
import WinnowCore
import WinnowDedup
import WinnowStages

/// A run over archives: one reader walks the inputs in order, `jobs` workers run the document
/// stages (`DocumentFlow`), and the calling thread deduplicates and writes in input order
/// (`RunOutput`), then commits the run (`commit`). The pieces, in the order a run meets them:
/// the lock and the leftovers of a killed run, the inputs a committed run has not finished, the
/// documents, the commit, the summary.
public final class Pipeline: Sendable {
    public let config: PipelineConfig
    public let plan: PipelinePlan
    private let reader: ArchiveReader

    /// Throws when a stage cannot be made from `config` (a URL list that cannot be read).
    public init(config: PipelineConfig) throws {
        self.config = config
        plan = try PipelinePlan(config)
        reader = ArchiveReader(settings: config.read)
    }

    /// Runs the whole pipeline. `progress` gets documents read, documents written and the share of
    /// input bytes in finished files. Throws only for run-level trouble (lock held, output not writable).
    public func run(progress: ((Int, Int, Double) -> Void)? = nil) throws -> RunSummary {
        let started = monotonicSeconds()
        var summary = RunSummary()
        summary.jobs = max(1, config.jobs)
        let lock = try OutputLock(directory: config.output)
        // The cross-run index is one run's at a time too: two runs sharing it would both keep what
        // each should have dropped as the other's.
        let indexLock = try config.dedup.indexDirectory.flatMap { dir in
            plan.dedup && dir != config.output ? try OutputLock(directory: dir) : nil
        }
        defer { withExtendedLifetime((lock, indexLock)) {} }
        var state = try RunState.load(config.output)
        try state.moveDocumentsIntoTheirFolder(config.output)
        try removeLeftovers(state, into: &summary)
        summary.runNumber = state.nextRun
        let index = try openIndex(state)
        let inputs = try selectInputs(state, into: &summary)

        var output = try RunOutput(config: config, plan: plan, run: summary.runNumber, started: started)
        output.replacements = try Replacements(inputs.changed, state: state, directory: config.output, shardPrefix: config.shardPrefix)
        summary.replacedInputs = output.replacements.paths.count
        summary.replacedDocuments = output.replacements.documents
        if let index, output.dedup != nil {
            summary.indexDocumentsBefore = try output.dedup!.load(
                index, excluding: output.replacements.ids, hit: &output.replacements.segmentsHit)
        }
        if !config.full { try loadCheckpoint(state, into: &output) }
        let flow = DocumentFlow(
            files: inputs.files, reader: reader, plan: plan, jobs: summary.jobs,
            window: summary.jobs * config.inFlightPerJob)
        flow.start()
        try take(flow, inputs: inputs, state: &state, output: &output, index: index, run: summary.runNumber, progress: progress)
        let (workerStats, readSeconds, failedFiles, resumeOffsets) = flow.finish()
        try output.finish()
        // Remote files' sizes are known once they are read.
        summary.inputBytes += reader.remote.bytesRead
        let finished = finishedInputs(inputs, failed: failedFiles, resumeOffsets: resumeOffsets)
        try commit(&state, output: &output, index: index, inputs: finished, of: inputs, summary: &summary)

        summary.stats.merge(workerStats)
        summary.stats.merge(output.finishStats)
        output.readCounts.seconds = readSeconds
        summary.stats[.read].merge(output.readCounts)
        if var dedup = output.dedup?.stats {
            dedup.seconds += workerStats[.dedup].seconds
            summary.stats[.dedup] = dedup
        }
        summary.stats[.write] = output.writeStats
        summary.shards = output.writer.shards
        summary.documentsWritten = output.writer.recordsWritten
        summary.outputBytes = output.writer.bytesWritten
        summary.wallSeconds = monotonicSeconds() - started
        output.profile.tick(summary.wallSeconds, read: output.emitted, written: output.writer.recordsWritten, force: true)
        summary.profile = output.profile
        summary.droppedShards = output.droppedWriter?.shardNames ?? []
        return summary
    }

    /// Hands every document to the output in input order, with a checkpoint every
    /// `checkpointEvery` documents where reading can start again.
    private func take(
        _ flow: DocumentFlow, inputs: Inputs, state: inout RunState, output: inout RunOutput, index: DedupIndex?, run: Int,
        progress: ((Int, Int, Double) -> Void)?
    ) throws {
        let every = config.checkpointsOff == nil ? config.checkpointEvery : Int.max
        output.dedup?.keepsKeys = every != Int.max
        var since = 0
        while let item = flow.next() {
            if since >= every && output.firstError == nil && canCheckpoint(before: item, files: inputs.files) {
                try checkpoint(before: item, flow: flow, inputs: inputs, state: &state, output: &output, index: index, run: run)
                since = 0
            }
            output.take(item)
            since += 1
            progress?(output.emitted, output.writer.recordsWritten, flow.fractionRead)
        }
    }

    /// The inputs this run finished, as the state records them. A file that could not be read is
    /// not finished: the next run tries it again. A file that may grow is recorded with where a
    /// later run can read on; a URL with the validators of the version read.
    func finishedInputs(_ inputs: Inputs, failed: Set<String>, resumeOffsets: [String: Int]) -> Inputs {
        var finished = inputs
        finished.files.removeAll { failed.contains($0.path) }
        for file in finished.files where RemotePath.isRemote(file.path) {
            if let validators = reader.remote.validators(of: file.path) {
                var input = RunState.FinishedInput(remote: validators)
                input.shards = []
                finished.identities[file.path] = (file.path, input)
            }
        }
        for (file, offset) in resumeOffsets {
            guard var entry = finished.identities[file] else { continue }
            entry.input.resume = offset
            entry.input.tail = RunState.tailHash(file, before: offset)
            finished.identities[file] = entry
        }
        return finished
    }

    /// `recordShards` for every finished input of `finished`, whose documents are in the files
    /// before place `before` of `inputs` (all of them at the commit; those before the current
    /// one at a checkpoint). At the commit, after the shards were joined: their final names.
    func recordShards(_ finished: inout Inputs, of inputs: Inputs, before: Int, output: RunOutput) {
        var places: [String: [Int]] = [:]
        for i in 0..<before { places[inputs.files[i].path, default: []].append(i) }
        for file in Set(finished.files.map(\.path)) {
            guard var entry = finished.identities[file], let at = places[file] else { continue }
            recordShards(at: at, in: &entry.input, inputs: inputs, output: output)
            finished.identities[file] = entry
        }
    }

    /// Records in `input` its name in the documents and the shards its documents (of the files at
    /// `places` in the run's list: one, or a large file's parts) went to, beside those of earlier
    /// runs (for a file read on from where one stopped); shards stay unknown (nil) where an
    /// earlier run's are.
    func recordShards(at places: [Int], in input: inout RunState.FinishedInput, inputs: Inputs, output: RunOutput) {
        guard let first = places.first else { return }
        input.input = inputs.files[first].relativePath
        guard let earlier = input.shards else { return }
        input.shards = earlier + output.documentShards(ofFiles: places).filter { !earlier.contains($0) }
    }

    /// Removes the files a killed run left (shards no committed run lists, temporary files).
    private func removeLeftovers(_ state: RunState, into summary: inout RunSummary) throws {
        summary.removedLeftovers = state.removeUncommitted(in: config.output, prefixes: [config.shardPrefix, "explain"])
        if let dir = config.keepDroppedDirectory {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            summary.removedLeftovers += state.removeUncommitted(in: dir, prefixes: ["dropped"])
            summary.keepDroppedDirectory = dir
        }
        for name in summary.removedLeftovers { Log.info("removed \(name), left by an interrupted run") }
    }

    /// The cross-run index, with the segment of a run killed between its commit and the index's
    /// manifest update listed now.
    private func openIndex(_ state: RunState) throws -> DedupIndex? {
        guard let directory = config.dedup.indexDirectory else { return nil }
        let index = DedupIndex(directory: directory, settings: config.dedup.minHash)
        // A killed commit's replacements (its shards were renamed with the leftovers).
        if let replacing = state.replacing { try Replacements.finish(replacing, directory: config.output, index: index) }
        // (A segment `winnow index compact` merged away is not there to list.)
        for run in state.runs {
            for segment in run.indexSegments where FileManager.default.fileExists(atPath: directory + "/" + segment) { try index.list(segment) }
        }
        return index
    }

    /// The input files of this run and their identities (absolute path, size, mtime) by path as
    /// scanned: read once, checked against the state now and recorded in it at the commit.
    struct Inputs {
        var files: [InputFile] = []
        var identities: [String: (path: String, input: RunState.FinishedInput)] = [:]
        /// Inputs a committed run finished that have changed since (not only grown).
        var changed: [Replacements.Changed] = []
    }

    /// Scans the inputs; leaves out those a committed run finished unchanged (unless `full`).
    /// Throws when an input list cannot be read.
    private func selectInputs(_ state: RunState, into summary: inout RunSummary) throws -> Inputs {
        var scanner = InputScanner()
        var inputs = Inputs()
        let scanned = config.taken(scanner.scan(try config.inputRoots()))
        let remoteNow = config.full ? [:] : reader.remote.check(scanned.map(\.path).filter { RemotePath.isRemote($0) && state.finished[$0] != nil })
        inputs.files = scanned.compactMap { file -> InputFile? in
            if RemotePath.isRemote(file.path) {
                guard !config.full, let earlier = state.finished[file.path] else { return file }
                if unchangedRemote(file.path, earlier: earlier, now: remoteNow[file.path], summary: &summary) { return nil }
                inputs.changed.append(Replacements.Changed(path: file.path, name: file.relativePath, earlier: earlier))
                return file
            }
            guard case (let path, var identity)? = RunState.identity(of: file.path) else { return file }
            identity.shards = []
            inputs.identities[file.path] = (path, identity)
            guard !config.full, let earlier = state.finished[path] else { return file }
            // Left at a checkpoint by a run that did not finish: read on from its record.
            if earlier.partial == true, identity.modified == earlier.modified, let rest = readOn(file, from: earlier, size: identity.size) {
                summary.resumedInputs += 1
                inputs.identities[file.path]?.input.shards = earlier.shards
                return rest
            }
            if earlier.sameFile(identity) {
                summary.unchangedInputs += 1
                return nil
            }
            // Grown since (a WARC still being written then): read on from where that run stopped.
            if identity.size > earlier.size, let rest = readOn(file, from: earlier, size: identity.size) {
                summary.grownInputs += 1
                inputs.identities[file.path]?.input.shards = earlier.shards
                return rest
            }
            // Changed otherwise: read again whole, its earlier documents replaced.
            inputs.changed.append(Replacements.Changed(path: path, name: file.relativePath, earlier: earlier))
            return file
        }
        summary.files = inputs.files.count
        summary.inputBytes = inputs.files.reduce(0) { $0 + $1.bytes }
        summary.skippedFiles = scanner.skipped
        summary.unreadablePaths = scanner.unreadable.map { "\($0.path): \($0.reason)" }
        for (path, reason) in scanner.unreadable { Log.error("\(path): \(reason)") }
        for path in scanner.skipped { Log.debug("\(path): not an input format Winnow reads (skipped)") }
        for path in scanner.repeated { Log.debug("\(path): reaches a file or directory already read (skipped)") }
        if !scanner.unreadable.isEmpty {
            summary.stats[.read].dropped[.readError, default: 0] += scanner.unreadable.count
        }
        return inputs
    }

    /// `file` from where an earlier run stopped in it (`earlier.resume`) to its end (`size`), when
    /// the bytes before that point are as they were (`earlier.tail`); nil otherwise.
    private func readOn(_ file: InputFile, from earlier: RunState.FinishedInput, size: Int) -> InputFile? {
        guard file.range == nil, let resume = earlier.resume, resume <= size, let tail = earlier.tail,
            RunState.tailHash(file.path, before: resume) == tail
        else { return nil }
        var rest = file
        rest.range = resume..<size
        return rest
    }

    /// Whether a URL a committed run finished is the same file now (its ETag, Last-Modified and
    /// size by a HEAD request). One that cannot be checked (the server is down, or has removed it)
    /// is not read again: it was read whole, and reading it again would write its documents twice.
    private func unchangedRemote(
        _ url: String, earlier: RunState.FinishedInput, now: Result<RemoteValidators, RemoteError>?, summary: inout RunSummary
    ) -> Bool {
        switch now {
        case .success(let validators)?:
            if earlier.sameFile(RunState.FinishedInput(remote: validators)) {
                summary.unchangedInputs += 1
                return true
            }
            Log.info("\(url): changed on the server since an earlier run read it; reading it again")
            return false
        case .failure(let error)?:
            Log.warning("\(error); an earlier run read it whole, so it is not read again")
            summary.unchangedInputs += 1
            return true
        case nil:
            return false
        }
    }

    /// The commit. The index segment is written, then the state names it (the commit itself), then
    /// the index's manifest lists it: a run killed anywhere leaves either no trace or a complete run.
    /// With `full`, the files of the runs it replaces are removed last.
    private func commit(
        _ state: inout RunState, output: inout RunOutput, index: DedupIndex?, inputs finished: Inputs, of all: Inputs, summary: inout RunSummary
    ) throws {
        var inputs = finished
        let near = output.dedup?.near
        // Only the documents this run wrote (since its last checkpoint; those before are in the
        // segments its checkpoints wrote).
        let segment = try index.flatMap { try output.writeIndexSegment($0) }
        if index != nil, near != nil { summary.indexDocumentsAfter = summary.indexDocumentsBefore + output.indexedThisRun }
        let checkpointSegments = state.runs.first { $0.number == summary.runNumber }?.checkpointSegments
        let replaced = config.full ? state.runs.filter { $0.number != summary.runNumber }.flatMap(\.files) : []
        if config.full {
            state.runs = []
            state.finished = [:]
        }
        // Shards closed early by checkpoints, joined into shards of the usual size; the run's
        // entry, written at its checkpoints, replaced by the whole run's.
        let joined = try output.joinShards()
        recordShards(&inputs, of: all, before: all.files.count, output: output)
        try output.replacements.commit(
            into: &state, directory: config.output, index: index, run: summary.runNumber, compression: config.write.compressionLevel)
        state.setRun(
            RunState.Run(
                number: summary.runNumber, files: output.files, indexSegment: segment, finished: config.added, checkpointSegments: checkpointSegments)
        )
        let hadCheckpoint = state.checkpoint != nil
        state.checkpoint = nil
        for (key, string) in output.extraMetadata {
            state.extraMetadata[key] = (state.extraMetadata[key] ?? "string") == "string" && string ? "string" : "json"
        }
        for file in inputs.files {
            if let (path, identity) = inputs.identities[file.path] { state.finished[path] = identity }
        }
        try state.save(config.output)
        try output.publish()
        try output.replacements.finish(&state, directory: config.output, index: index)
        if hadCheckpoint || config.full { DedupCheckpoint(output: config.output, settings: config.dedup.minHash).remove() }
        for path in joined { unlink(path) }
        if let index, let segment {
            try index.list(segment)
            summary.indexBytes = try index.sizeOnDisk()
        }
        let written = Set(output.documentNames)
        let droppedWritten = Set(output.droppedWriter?.shardNames ?? [])
        for name in replaced where !written.contains(name) {
            if name.hasPrefix("dropped-") {
                if let dir = config.keepDroppedDirectory, !droppedWritten.contains(name) { unlink(dir + "/" + name) }
            } else {
                unlink(config.output + "/" + name)
            }
        }
        summary.nearDedupBytesPerDocument = near?.bytesPerDocument ?? 0
    }
}
