import Foundation
import WinnowHTML

/// Everything a run needs to know.
public struct PipelineConfig: Sendable {
    public var inputs: [String]
    public var output: String
    /// Workers for the CPU-heavy stages (clean, segment, extract).
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    /// The last stage to run: `write` (the default) writes final documents; an earlier stage
    /// writes that stage's intermediate shards.
    public var lastStage: StageName = .write
    public var read = ReadSettings()
    public var clean = CleanSettings()
    public var extract = ExtractSettings()
    public var write = WriteSettings()
    public var dedup = DedupSettings()
    /// The language stage's settings, nil when the pipeline has no language stage.
    public var language: LanguageSettings? = LanguageSettings()
    /// The quality stage's settings, nil when the pipeline has no quality stage.
    public var quality: QualitySettings?
    /// Documents allowed between the reader and the writer per worker (bounds memory).
    public var inFlightPerJob = 16
    /// The `added` timestamp of every record (ISO 8601).
    public var added: String
    /// Process every input, even those a committed run already finished, and replace the output.
    public var full = false
    /// Write dropped documents to `dropped-RRRRRR-NNNNN.jsonl.gz` shards in this directory, with
    /// the reason in their metadata.
    public var keepDroppedDirectory: String?
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
}

extension PipelineConfig {
    /// The input files this run takes (its shard's, when sharded), in input order.
    public func inputFiles() -> [InputFile] {
        var scanner = InputScanner()
        return taken(scanner.scan(inputs))
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
        return inputFiles().allSatisfy { file in
            guard let (path, identity) = RunState.identity(of: file.path) else { return false }
            return state.finished[path] == identity
        }
    }
}

/// Settings of the dedup stage.
public struct DedupSettings: Sendable {
    /// The dedup stage at all (exact and near); a pipeline without it writes every document.
    public var enabled = true
    /// Near-duplicate detection (MinHash LSH) after the exact pass.
    public var near = true
    public var minHash = NearDedupSettings()
    /// The cross-run index directory (`--index`), or nil for none.
    public var indexDirectory: String?
    /// Record each dropped duplicate's keeper in `explain.jsonl.gz`.
    public var explain = false
    /// Remove paragraphs that this many earlier documents of the run held (0: off).
    public var boilerplateParagraphs = 0
    public init() {}
}

/// What a run did: counts per stage, files, shards and timing.
public struct RunSummary: Sendable {
    public var stats = RunStats()
    public var files = 0
    public var inputBytes = 0
    public var skippedFiles: [String] = []
    public var unreadablePaths: [String] = []
    public var shards: [String] = []
    public var documentsWritten = 0
    public var outputBytes = 0
    public var wallSeconds = 0.0
    public var jobs = 1
    /// Documents remembered by the cross-run index before this run, and its size on disk after.
    public var indexDocumentsBefore = 0
    public var indexDocumentsAfter = 0
    public var indexBytes = 0
    /// The number of this run in its output directory.
    public var runNumber = 0
    /// Inputs skipped because a committed run already finished them unchanged.
    public var unchangedInputs = 0
    /// Files of a killed run removed before this run started.
    public var removedLeftovers: [String] = []
    /// Memory of the near-duplicate index per document, in bytes.
    public var nearDedupBytesPerDocument = 0
    /// Distributions, domains, samples and timeline of the run (the report's data).
    public var profile = RunProfile()
    /// Shards of dropped documents (`--keep-dropped`), and their directory.
    public var droppedShards: [String] = []
    public var keepDroppedDirectory: String?

    /// 0 when nothing was dropped for an input error, `ExitCode.inputErrors` otherwise.
    public var hadInputErrors: Bool { stats.errorDrops > 0 || !unreadablePaths.isEmpty }
}

/// Runs the stages concurrently: one reader walks the inputs in order, `jobs` workers clean,
/// segment and extract, and the calling thread deduplicates and writes in input order. Queues
/// between them are bounded, so memory depends on the settings, not on the input size.
public final class Pipeline: @unchecked Sendable {
    public let config: PipelineConfig
    private let reader: ArchiveReader
    private let cleaner: Cleaner
    private let segmenter = Segmenter()
    private let extractor: Extractor
    private let minHasher: MinHasher

    public init(config: PipelineConfig) {
        self.config = config
        minHasher = MinHasher(settings: config.dedup.minHash)
        reader = ArchiveReader(settings: config.read)
        var cleanSettings = config.clean
        // The clean stage's own output is the page as HTML: it keeps every attribute it can.
        if config.lastStage == .clean { cleanSettings.attributes = .all }
        cleaner = Cleaner(settings: cleanSettings)
        extractor = Extractor(settings: config.extract)
        HTMLParser.initialize()
    }

    /// Runs the whole pipeline. Throws only for run-level trouble (output not writable).
    /// Runs the whole pipeline. `progress` gets documents read, documents written and the share of
    /// input bytes in finished files. Throws only for run-level trouble (lock held, output not writable).
    public func run(progress: ((Int, Int, Double) -> Void)? = nil) throws -> RunSummary {
        let started = monotonicSeconds()
        var summary = RunSummary()
        summary.jobs = max(1, config.jobs)
        let lock = try OutputLock(directory: config.output)
        defer { withExtendedLifetime(lock) {} }
        var state = try RunState.load(config.output)
        summary.removedLeftovers = state.removeUncommitted(in: config.output, prefixes: [config.shardPrefix, "explain"])
        if let dir = config.keepDroppedDirectory {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            summary.removedLeftovers += state.removeUncommitted(in: dir, prefixes: ["dropped"])
            summary.keepDroppedDirectory = dir
        }
        for name in summary.removedLeftovers { Log.info("removed \(name), left by an interrupted run") }
        let runNumber = state.nextRun
        summary.runNumber = runNumber
        let index = config.dedup.indexDirectory.map { DedupIndex(directory: $0, settings: config.dedup.minHash) }
        if let index {
            // A run killed between its commit and the index's manifest update: list its segment now.
            for run in state.runs { if let segment = run.indexSegment { try index.list(segment) } }
        }

        var scanner = InputScanner()
        // Each input's identity (absolute path, size, mtime), by its path as scanned: read once,
        // checked against the state now and recorded in it at the commit.
        var identities: [String: (path: String, input: RunState.FinishedInput)] = [:]
        let files = config.taken(scanner.scan(config.inputs)).filter { file in
            guard let (path, identity) = RunState.identity(of: file.path) else { return true }
            identities[file.path] = (path, identity)
            if !config.full && state.finished[path] == identity {
                summary.unchangedInputs += 1
                return false
            }
            return true
        }
        summary.files = files.count
        summary.inputBytes = files.reduce(0) { $0 + $1.bytes }
        summary.skippedFiles = scanner.skipped
        summary.unreadablePaths = scanner.unreadable.map { "\($0.path): \($0.reason)" }
        for (path, reason) in scanner.unreadable { Log.error("\(path): \(reason)") }
        for path in scanner.skipped { Log.debug("\(path): not an input format Winnow reads (skipped)") }
        for path in scanner.repeated { Log.debug("\(path): reaches a file or directory already read (skipped)") }
        if !scanner.unreadable.isEmpty {
            summary.stats[.read].dropped[.readError, default: 0] += scanner.unreadable.count
        }

        let runTag = String(repeating: "0", count: max(0, 6 - String(runNumber).count)) + String(runNumber)
        let writer = try ShardWriter(directory: config.output, prefix: config.shardPrefix + "-" + runTag, settings: config.write)
        let jobs = summary.jobs
        let window = jobs * config.inFlightPerJob
        let work = BoundedQueue<WorkItem?>(capacity: window)
        let results = ReorderBuffer<WorkItem>(window: window)
        let statsLock = NSLock()
        nonisolated(unsafe) var workerStats = RunStats()
        nonisolated(unsafe) var readStats = StageStats()
        nonisolated(unsafe) var total = -1
        nonisolated(unsafe) var bytesDone = 0
        let totalBytes = max(1, files.reduce(0) { $0 + $1.bytes })

        let group = DispatchGroup()
        // The reader and each worker get a serial queue of their own: such queues run on
        // Dispatch's overcommit threads, one each at once. On the global concurrent queue these
        // long, blocking loops waited for a pool sized to the cores, which lets a blocked thread's
        // block wait about a second before it adds a thread (a second lost per run on one core).
        DispatchQueue(label: "winnow.read").async(group: group) { [reader] in
            var sequence = 0
            var stats = StageStats()
            var waited = 0.0
            let start = monotonicSeconds()
            for file in files {
                defer {
                    statsLock.lock()
                    bytesDone += file.bytes
                    statsLock.unlock()
                }
                reader.read(file) { origin, content in
                    let item = WorkItem(sequence: sequence, origin: origin, content: content)
                    let before = monotonicSeconds()
                    results.reserve(sequence)
                    work.push(item)
                    waited += monotonicSeconds() - before
                    sequence += 1
                }
            }
            stats.seconds = monotonicSeconds() - start - waited
            for _ in 0..<jobs { work.push(nil) }
            statsLock.lock()
            readStats = stats
            total = sequence
            statsLock.unlock()
            results.put(sequence, WorkItem(sequence: sequence, origin: DocumentOrigin(id: "", source: .html, input: ""), content: .raw([])))
        }
        // The workers.
        for worker in 0..<jobs {
            DispatchQueue(label: "winnow.work.\(worker)").async(group: group) { [self] in
                var stats = RunStats()
                while let item = work.pop() {
                    results.put(item.sequence, process(item, stats: &stats))
                }
                statsLock.lock()
                workerStats.merge(stats)
                statsLock.unlock()
            }
        }

        // Dedup and write, in input order, on this thread.
        let dedupping = config.lastStage >= .dedup && config.dedup.enabled
        // Ids kept always: with --explain the keepers' ids, else their input positions (short
        // strings, stored inline), which name the duplicate clusters of the report.
        var dedup = ExactDedup(keepIDs: true)
        let near = dedupping && config.dedup.near
            ? NearDuplicateIndex(settings: config.dedup.minHash, keepIDs: config.dedup.explain || config.dedup.indexDirectory != nil) : nil
        if let index, let near {
            summary.indexDocumentsBefore = try index.load(into: near)
        }
        var boilerplate = dedupping && config.dedup.boilerplateParagraphs > 0
            ? ParagraphBoilerplate(threshold: config.dedup.boilerplateParagraphs) : nil
        let explain = dedupping && config.dedup.explain
            ? try ShardWriter(directory: config.output, prefix: "explain-" + runTag, settings: config.write) : nil
        let droppedWriter = try config.keepDroppedDirectory.map { try ShardWriter(directory: $0, prefix: "dropped-" + runTag, settings: config.write) }
        var profile = RunProfile()
        // This run's near-index position → input sequence, for the duplicate clusters' keepers.
        var nearSequence: [Int32] = []
        // A near-duplicate's own exact key → its cluster, so that exact copies of it join that
        // cluster rather than one of their own under a dropped document.
        var clusterOfDropped: [String: String] = [:]
        var emitted = 0
        var writeStats = StageStats()
        var dedupStats = StageStats()
        var readCounts = StageStats()
        var firstError: Error?
        while true {
            let item = results.take()
            statsLock.lock()
            let end = total
            statsLock.unlock()
            if end >= 0 && item.sequence == end { break }
            emitted += 1
            // Every document passes the read stage's counters here, in order.
            readCounts.documentsIn += 1
            if case .dropped(let drop) = item.content, drop.stage == .read {
                readCounts.dropped[drop.reason, default: 0] += 1
            } else {
                readCounts.documentsOut += 1
            }
            profile.tick(monotonicSeconds() - started, read: emitted, written: writer.recordsWritten)
            if case .dropped(let drop) = item.content { logDrop(drop, item.origin) }
            var current = item
            if dedupping, case .extracted(let extraction) = current.content {
                let t = monotonicSeconds()
                dedupStats.documentsIn += 1
                var verdict: (DropReason, String?, String)?
                // Without --explain the exact pass remembers the keeper's position, not its id.
                let exactID = config.dedup.explain ? current.origin.id : String(current.sequence)
                if let keeper = dedup.keeper(of: extraction.text, id: exactID) {
                    verdict = (.exactDuplicate, config.dedup.explain ? keeper : nil, clusterOfDropped[keeper] ?? keeper)
                } else if let near, !current.signature.isEmpty {
                    if case .duplicate(let keeper, let earlierRun) = near.check(signature: current.signature, shingles: current.shingles, id: current.origin.id) {
                        let key = earlierRun ? "earlier-\(keeper)" : (config.dedup.explain ? near.id(keeper) ?? "" : String(nearSequence[keeper - near.earlierCount]))
                        verdict = (earlierRun ? .seenInEarlierRun : .nearDuplicate, near.id(keeper), key)
                        clusterOfDropped[exactID] = key
                    }
                    nearSequence.append(Int32(current.sequence))
                }
                if let (reason, keeper, cluster) = verdict {
                    dedupStats.dropped[reason, default: 0] += 1
                    var drop = Drop(.dedup, reason, "duplicate of \(keeper ?? "an earlier document")")
                    drop.extraction = extraction
                    drop.duplicateOf = keeper
                    drop.cluster = cluster
                    current.content = .dropped(drop)
                    if let explain {
                        var w = JSONWriter(capacity: 128)
                        w.beginObject()
                        w.key("id"); w.string(current.origin.id)
                        w.key("reason"); w.string(reason.rawValue)
                        w.key("keeper"); w.string(keeper)
                        w.endObject()
                        try explain.write(w.bytes + [0x0a])
                    }
                } else if boilerplate != nil, case .extracted(var kept) = current.content {
                    let (text, _) = boilerplate!.filter(kept.text)
                    if text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) {
                        kept.text = text
                        current.content = .extracted(kept)
                        dedupStats.documentsOut += 1
                    } else {
                        dedupStats.dropped[.boilerplateOnly, default: 0] += 1
                        var drop = Drop(.dedup, .boilerplateOnly, "every paragraph is repeated across the run")
                        drop.extraction = kept
                        current.content = .dropped(drop)
                    }
                } else {
                    dedupStats.documentsOut += 1
                }
                dedupStats.seconds += monotonicSeconds() - t
            }
            // Every drop, whichever stage made it, in input order: the report's profile and --keep-dropped.
            if case .dropped(let drop) = current.content {
                profile.dropped(current.origin, drop)
                if let droppedWriter, firstError == nil {
                    do { try droppedWriter.write(RecordCodec.encodeDropped(current.origin, drop, added: config.added)) } catch { firstError = error }
                }
                continue
            }
            guard firstError == nil else { continue }
            let t = monotonicSeconds()
            writeStats.documentsIn += 1
            if let record = RecordCodec.encode(current, added: config.added) {
                do {
                    try writer.write(record)
                    writeStats.documentsOut += 1
                    if case .extracted(let kept) = current.content { profile.kept(current.origin, kept) }
                } catch {
                    firstError = error
                }
            }
            writeStats.seconds += monotonicSeconds() - t
            if let progress {
                statsLock.lock()
                let done = Double(bytesDone) / Double(totalBytes)
                statsLock.unlock()
                progress(emitted, writer.recordsWritten, done)
            }
        }
        group.wait()
        if let firstError { throw firstError }
        try writer.finish()
        try explain?.finish()
        try droppedWriter?.finish()
        if let dir = config.keepDroppedDirectory { Durable.syncDirectory(dir) }
        Durable.syncDirectory(config.output)
        // The index segment is written, then the state names it (the commit), then the index's
        // manifest lists it: a run killed anywhere leaves either no trace or a complete run.
        var segment: String?
        if let index, let near {
            let remembered = Array(near.thisRun)
            segment = try index.writeSegment(remembered.map { (near.signature($0), near.shingleSet($0), near.id($0) ?? "") })
            summary.indexDocumentsAfter = summary.indexDocumentsBefore + remembered.count
        }
        let replaced = config.full ? state.runs.flatMap(\.files) : []
        if config.full {
            state.runs = []
            state.finished = [:]
        }
        state.runs.append(RunState.Run(number: runNumber, files: writer.shardNames + (explain?.shardNames ?? []) + (droppedWriter?.shardNames ?? []),
                                       indexSegment: segment, finished: config.added))
        for file in files {
            if let (path, identity) = identities[file.path] { state.finished[path] = identity }
        }
        try state.save(config.output)
        if let index, let segment {
            try index.list(segment)
            summary.indexBytes = try index.sizeOnDisk()
        }
        for name in replaced where !writer.shardNames.contains(name) {
            if name.hasPrefix("dropped-") {
                if let dir = config.keepDroppedDirectory, !(droppedWriter?.shardNames.contains(name) ?? false) { unlink(dir + "/" + name) }
            } else {
                unlink(config.output + "/" + name)
            }
        }
        summary.nearDedupBytesPerDocument = near?.bytesPerDocument ?? 0

        summary.stats.merge(workerStats)
        readCounts.seconds = readStats.seconds
        summary.stats[.read].merge(readCounts)
        if dedupping {
            dedupStats.seconds += workerStats[.dedup].seconds
            summary.stats[.dedup] = dedupStats
        }
        summary.stats[.write] = writeStats
        summary.shards = writer.shards
        summary.documentsWritten = writer.recordsWritten
        summary.outputBytes = writer.bytesWritten
        summary.wallSeconds = monotonicSeconds() - started
        profile.tick(summary.wallSeconds, read: emitted, written: writer.recordsWritten, force: true)
        summary.profile = profile
        summary.droppedShards = droppedWriter?.shardNames ?? []
        return summary
    }

    /// Runs clean, segment and extract (as far as `lastStage` asks) on one document, and computes
    /// the MinHash signature the dedup stage needs.
    func process(_ item: WorkItem, stats: inout RunStats) -> WorkItem {
        var item = processStages(item, stats: &stats)
        if config.lastStage >= .dedup && config.dedup.enabled && config.dedup.near, case .extracted(let extraction) = item.content {
            let t = monotonicSeconds()
            minHasher.signature(extraction.text, into: &item.signature, shingles: &item.shingles)
            stats[.dedup].seconds += monotonicSeconds() - t
        }
        return item
    }

    func processStages(_ item: WorkItem, stats: inout RunStats) -> WorkItem {
        var item = item
        let last = min(config.lastStage, .extract)
        while let next = item.stage.next, next <= last {
            if case .dropped = item.content { break }
            let t = monotonicSeconds()
            stats[next].documentsIn += 1
            do {
                switch (next, item.content) {
                case (.clean, .raw(let bytes)):
                    item.content = .cleaned(try cleaner.clean(bytes, contentType: item.origin.contentType))
                case (.segment, .cleaned(let page)):
                    item.content = .segmented(segmenter.segment(page))
                case (.extract, .segmented(let page)):
                    item.content = .extracted(try extractor.extract(page, url: item.origin.url))
                default:
                    stats[next].documentsIn -= 1
                    return item
                }
                stats[next].documentsOut += 1
            } catch {
                stats[next].dropped[error.reason, default: 0] += 1
                item.content = .dropped(error)
            }
            stats[next].seconds += monotonicSeconds() - t
        }
        // The filtering stages keep the extraction's form: they annotate it, shorten it or drop it.
        guard case .extracted(var extraction) = item.content else { return item }
        for stage in [StageName.language, .quality] where stage <= config.lastStage {
            let t = monotonicSeconds()
            var drop: Drop?
            switch stage {
            case .language:
                guard let settings = config.language else { continue }
                drop = LanguageIdentifier.apply(settings, to: &extraction)
            default:
                guard let settings = config.quality else { continue }
                drop = QualityFilter.apply(settings, to: &extraction)
            }
            stats[stage].documentsIn += 1
            stats[stage].seconds += monotonicSeconds() - t
            if var drop {
                stats[stage].dropped[drop.reason, default: 0] += 1
                drop.extraction = extraction
                item.content = .dropped(drop)
                return item
            }
            stats[stage].documentsOut += 1
        }
        item.content = .extracted(extraction)
        return item
    }

    private func logDrop(_ drop: Drop, _ origin: DocumentOrigin) {
        let place = origin.url.map { "\(origin.input) (\($0))" } ?? origin.input
        if drop.reason.isError {
            Log.warning("\(place): dropped at \(drop.stage.rawValue), \(drop.reason.rawValue): \(drop.detail)")
        } else {
            Log.debug("\(place): dropped at \(drop.stage.rawValue), \(drop.reason.rawValue): \(drop.detail)")
        }
    }
}
