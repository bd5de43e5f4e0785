import WinnowCore
import WinnowDedup
import WinnowStages

/// The writing side of a run, on the calling thread: takes the documents in input order, counts
/// the read stage, runs the dedup stage and the stages after it (pii), writes kept documents to the shards and dropped ones to
/// `--keep-dropped`, and gathers the report's profile. After the first write error it only
/// drains (the run then fails and commits nothing).
struct RunOutput {
    let config: PipelineConfig
    let plan: PipelinePlan
    let writer: ShardWriter
    let explain: ShardWriter?
    let droppedWriter: ShardWriter?
    /// dolma's attribute files of the annotating stages, shard for shard with the documents.
    let attributes: AttributeWriters
    var dedup: DedupSink?
    /// The earlier documents of inputs that changed, taken out at the run's first commit.
    var replacements = Replacements()
    var profile = RunProfile()
    var readCounts = StageStats()
    var writeStats = StageStats()
    /// The counts of the stages after dedup.
    var finishStats = RunStats()
    /// Documents taken so far.
    private(set) var emitted = 0
    /// Kept documents the run added to the cross-run index (at its checkpoints and its commit).
    private(set) var indexedThisRun = 0
    /// Metadata keys of NDJSON inputs passed through into written documents, and whether every
    /// value was a string (the dataset card declares them).
    private(set) var extraMetadata: [String: Bool] = [:]
    /// Input positions of the documents written (kept), one bit each, when the run has a cross-run
    /// index: only they are remembered in it.
    private var written: [UInt64] = []
    private let tracksWritten: Bool
    /// The document shards (by position in the writer's list) each input file's documents went
    /// to, by the file's place in the run's list; `joinedPosition` maps those positions after the
    /// shards were joined.
    private var shardsOfFile: [Int32: [Int]] = [:]
    /// The (file, shard position) last recorded there: documents come in input order, so the
    /// table changes only when either does.
    private var lastRecorded: (file: Int32, position: Int) = (-1, -1)
    private var joinedPosition: [Int]?
    private(set) var firstError: Error?
    private let started: Double

    init(config: PipelineConfig, plan: PipelinePlan, run: Int, started: Double) throws {
        self.config = config
        self.plan = plan
        self.started = started
        let runTag = String(repeating: "0", count: max(0, 6 - String(run).count)) + String(run)
        let folder = config.shardFolder
        writer = try ShardWriter(
            directory: folder.isEmpty ? config.output : config.output + "/" + folder, prefix: config.shardPrefix + "-" + runTag,
            settings: config.write)
        explain =
            plan.dedup && config.dedup.explain
            ? try ShardWriter(directory: config.output, prefix: "explain-" + runTag, settings: config.write) : nil
        droppedWriter = try config.keepDroppedDirectory.map { try ShardWriter(directory: $0, prefix: "dropped-" + runTag, settings: config.write) }
        attributes = try AttributeWriters(config: config, output: config.output, prefix: config.shardPrefix + "-" + runTag)
        dedup = plan.dedup ? DedupSink(settings: config.dedup, explain: explain) : nil
        tracksWritten = plan.dedup && config.dedup.indexDirectory != nil
    }

    /// Whether the document at input position `sequence` was written.
    func wasWritten(_ sequence: Int) -> Bool {
        sequence / 64 < written.count && written[sequence / 64] & (1 << UInt64(sequence % 64)) != 0
    }

    private mutating func markWritten(_ sequence: Int) {
        guard tracksWritten else { return }
        while written.count <= sequence / 64 { written.append(0) }
        written[sequence / 64] |= 1 << UInt64(sequence % 64)
    }

    mutating func take(_ item: WorkItem) {
        guard firstError == nil else { return }
        do { try handle(item) } catch { firstError = error }
    }

    private mutating func handle(_ item: WorkItem) throws {
        emitted += 1
        // Every document passes the read stage's counters here, in order.
        readCounts.documentsIn += 1
        if case .dropped(let drop) = item.content, drop.stage == .read {
            readCounts.dropped[drop.reason, default: 0] += 1
        } else {
            readCounts.documentsOut += 1
        }
        profile.tick(monotonicSeconds() - started, read: emitted, written: writer.recordsWritten)
        var current = item
        if case .dropped(let drop) = item.content { Self.log(drop, item.origin) }
        if dedup != nil, case .extracted(let extraction) = current.content {
            let t = monotonicSeconds()
            current.content = try dedup!.take(current, extraction: extraction)
            dedup!.stats.seconds += monotonicSeconds() - t
        }
        if !plan.finishing.isEmpty, case .extracted = current.content { current = plan.finish(current, stats: &finishStats) }
        // Every drop, whichever stage made it, in input order: the report's profile and --keep-dropped.
        if case .dropped(let drop) = current.content {
            profile.dropped(current.origin, drop)
            if drop.stage == .urlFilter { try explain?.write(Self.explanation(current.origin, drop)) }
            try droppedWriter?.write(RecordCodec.encodeDropped(current.origin, drop, added: config.added))
            return
        }
        let t = monotonicSeconds()
        writeStats.documentsIn += 1
        if let record = RecordCodec.encode(current, added: config.added) {
            let position = writer.shards.count
            try attributes.write(record, of: current, to: writer)
            if lastRecorded != (current.file, position) {
                shardsOfFile[current.file, default: []].append(position)
                lastRecorded = (current.file, position)
            }
            writeStats.documentsOut += 1
            markWritten(current.sequence)
            for (key, json) in current.origin.extraMetadata where !RecordCodec.ownMetadataKeys.contains(key) {
                let string = json.first == UInt8(ascii: "\"") || json.elementsEqual("null".utf8)
                extraMetadata[key] = (extraMetadata[key] ?? true) && string
            }
            if case .extracted(let kept) = current.content { profile.kept(current.origin, kept) }
        }
        writeStats.seconds += monotonicSeconds() - t
    }

    /// Writes the cross-run index segment of the documents this run wrote since its last
    /// checkpoint (not its duplicates, nor those a later stage dropped; those before the
    /// checkpoint went into its segment), unlisted until the commit; counts them. Nil without a
    /// near-duplicate index or documents.
    mutating func writeIndexSegment(_ index: DedupIndex) throws -> String? {
        guard let sink = dedup, let near = sink.near else { return nil }
        let kept = sink.uncarriedNear.filter { wasWritten(sink.sequence(ofNear: $0)) }
        indexedThisRun += kept.count
        return try index.writeSegment(kept.map { (near.signature($0), near.shingleSet($0), near.id($0) ?? "") })
    }

    /// Closes the shards (the first error of the run, if any, is thrown here) and syncs the directories.
    func finish() throws {
        if let firstError { throw firstError }
        try writer.finish()
        try attributes.closeShards()
        try explain?.finish()
        try droppedWriter?.finish()
        if let dir = config.keepDroppedDirectory { Durable.syncDirectory(dir) }
        Durable.syncDirectory(config.output)
    }

    /// Joins the shards the run's checkpoints closed early into shards of the size limit (the
    /// documents' and, shard for shard, their attributes'; the explain and dropped shards by their
    /// own sizes). Returns the shards joined, to remove after the commit. A run without
    /// checkpoints has none to join.
    mutating func joinShards() throws -> [String] {
        let groups = writer.joinableGroups()
        var obsolete: [String] = []
        if groups.contains(where: { $0.count > 1 }) {
            obsolete += try writer.join(groups)
            obsolete += try attributes.join(groups)
            joinedPosition = groups.enumerated().flatMap { n, group in group.map { _ in n } }
        }
        for other in [explain, droppedWriter].compactMap({ $0 }) {
            let own = other.joinableGroups()
            if own.contains(where: { $0.count > 1 }) { obsolete += try other.join(own) }
        }
        return obsolete
    }

    /// Gives the run's shards their final names: after the state names them (the commit).
    func publish() throws {
        try writer.publish()
        try attributes.publish()
        try explain?.publish()
        try droppedWriter?.publish()
    }

    /// Every shard the run wrote, in the order the state lists them: relative to the output
    /// directory (`documents/shard-…`), the dropped shards by name in theirs.
    var files: [String] { documentNames + attributes.files + (explain?.shardNames ?? []) + (droppedWriter?.shardNames ?? []) }

    /// The document shards (relative to the output directory) that hold documents of the input
    /// files at `files` (places in the run's list).
    func documentShards(ofFiles files: [Int]) -> [String] {
        let names = documentNames
        var positions: [Int] = []
        for file in files {
            for p in shardsOfFile[Int32(file)] ?? [] {
                let q = joinedPosition.map { $0[p] } ?? p
                if q < names.count, !positions.contains(q) { positions.append(q) }
            }
        }
        return positions.sorted().map { names[$0] }
    }

    /// The document shards' names relative to the output directory.
    var documentNames: [String] {
        let folder = config.shardFolder
        return writer.shardNames.map { folder.isEmpty ? $0 : folder + "/" + $0 }
    }

    /// An `--explain` line for a document the url_filter stage dropped: the list and entry.
    private static func explanation(_ origin: DocumentOrigin, _ drop: Drop) -> [UInt8] {
        var w = JSONWriter(capacity: 128)
        w.beginObject()
        w.field("id", origin.id)
        w.field("reason", drop.reason.rawValue)
        w.field("url", origin.url)
        w.field("match", drop.detail)
        w.endObject()
        return w.bytes + [0x0a]
    }

    private static func log(_ drop: Drop, _ origin: DocumentOrigin) {
        let place = origin.url.map { "\(origin.input) (\($0))" } ?? origin.input
        if drop.reason.isError {
            Log.warning("\(place): dropped at \(drop.stage.rawValue), \(drop.reason.rawValue): \(drop.detail)")
        } else {
            Log.debug("\(place): dropped at \(drop.stage.rawValue), \(drop.reason.rawValue): \(drop.detail)")
        }
    }
}
