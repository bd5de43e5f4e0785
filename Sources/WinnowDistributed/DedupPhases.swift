import Foundation
import Winnow
import WinnowCore
import WinnowDedup
import WinnowStages

/// Deduplication in four phases connected by files, so that each can be split across processes
/// and machines (datatrove's shape), as Slurm job arrays or by hand:
///
/// 1. `signatures`, N tasks, each over every N-th input file: exact keys and ids
///    (`exact/part-I.bin`), shingle sets (`shingles/part-I.bin`), and exact keys and LSH band keys
///    already split into M buckets by key (`keys/part-I/bucket-J.bin`, `bands/part-I/bucket-J.bin`).
/// 2. `buckets`, M tasks, each over one bucket of every signatures task: the groups of documents
///    with the same exact key (`groups/part-J.bin`), and candidate pairs sharing a band key,
///    verified on their shingle sets (`verified/part-J.bin`).
/// 3. `clusters`, one task: over the documents in an exact group or a verified pair only (the
///    others are kept whatever happens), each later document's earliest partner, keepers in input
///    order (`verdicts.bin`). It holds those documents' positions, keys and ids and the pairs;
///    no shingle set, and nothing of the documents no other duplicates.
/// 4. `filter`, N tasks: each writes its kept documents (`OUTPUT/documents/shard-IIIII-NNNNN.jsonl.gz`) and
///    its counts (`OUTPUT/stats/task-IIIII.json`).
///
/// Each task ends by writing its marker (`markers/PHASE-IIIII.done`) once its files are durable;
/// a task whose marker exists does nothing (a re-submitted array skips finished tasks), and a
/// phase refuses to start while a task of the phase before lacks its marker. The verdicts are
/// those of the single-pass dedup stage on the same input, document for document.
///
/// Documents are numbered by their place in the input order: the file's rank among all input
/// files (sorted paths) and the record's rank in its file, so tasks can number them alone.
/// Cross-run memory (`--index`) and boilerplate paragraphs belong to the single-pass stage.
public struct DedupPhases {
    public let settings: DedupSettings
    public let work: String
    /// The read, clean, extract, language and quality settings the documents go through.
    public let config: PipelineConfig

    public init(settings: DedupSettings, work: String, config: PipelineConfig? = nil) {
        self.settings = settings
        self.work = work
        var c = config ?? PipelineConfig(inputs: [], output: work, added: "")
        c.dedup = settings
        self.config = c
    }

    /// A task's share of the work: `index` of `count`.
    public struct Shard: Sendable {
        public var index: Int
        public var count: Int
        public init(index: Int, count: Int) {
            self.index = index
            self.count = count
        }
        public func takes(_ rank: Int) -> Bool { rank % count == index }
        public var tag: String { String(format: "%05d", index) }
    }

    public static let phaseNames = ["signatures", "buckets", "clusters", "filter", "merge"]

    /// Why the phases cannot run with these settings (they would be ignored), or nil: the cross-run
    /// index and boilerplate-paragraph removal are the single-process dedup stage's.
    public static func refusal(_ settings: DedupSettings) -> String? {
        if let index = settings.indexDirectory {
            return
                "dedup.index (\(index)): the phased dedup does not read or extend a cross-run index (the single-process run does); remove it for winnow slurm and dedup-phase"
        }
        if settings.boilerplateParagraphs > 0 {
            return
                "dedup.boilerplate_paragraphs (\(settings.boilerplateParagraphs)): the phased dedup does not remove boilerplate paragraphs (the single-process run does); set it to 0 for winnow slurm and dedup-phase"
        }
        return nil
    }

    /// Why a phase cannot start, or a plan that does not match.
    public struct PhaseError: Error, CustomStringConvertible {
        public var description: String
    }

    // MARK: plan and markers

    /// The task counts of the phases, written by the signatures tasks (`plan.json`) and checked by the others.
    public struct Plan: Equatable, Sendable, Codable {
        public static let format = "winnow-dedup-plan/1"
        public var format: String? = Plan.format
        public var tasks: Int
        public var buckets: Int

        public init(tasks: Int, buckets: Int) {
            self.tasks = tasks
            self.buckets = buckets
        }

        public static func == (a: Plan, b: Plan) -> Bool { a.tasks == b.tasks && a.buckets == b.buckets }
    }

    func markerPath(_ phase: String, _ index: Int) -> String { work + "/markers/\(phase)-" + String(format: "%05d", index) + ".done" }

    public func isDone(_ phase: String, _ index: Int) -> Bool { FileManager.default.fileExists(atPath: markerPath(phase, index)) }

    func markDone(_ phase: String, _ index: Int) throws {
        try Durable.makeDirectory(work + "/markers")
        try Durable.write(markerPath(phase, index), Array("done\n".utf8))
    }

    /// Finished tasks of each phase: (phase, finished, expected).
    public func status() -> [(phase: String, done: Int, of: Int)] {
        let plan = try? readPlan()
        return DedupPhases.phaseNames.map { phase in
            let of = phase == "clusters" || phase == "merge" ? 1 : (phase == "buckets" ? plan?.buckets ?? 0 : plan?.tasks ?? 0)
            return (phase, (0..<of).filter { isDone(phase, $0) }.count, of)
        }
    }

    func writePlan(_ plan: Plan) throws {
        if let existing = try? readPlan(), existing != plan {
            throw PhaseError(
                description:
                    "\(work) holds a plan of \(existing.tasks) tasks and \(existing.buckets) buckets; this task has \(plan.tasks) and \(plan.buckets): use a new --work directory"
            )
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try Durable.write(work + "/plan.json", Array(try encoder.encode(plan)) + [0x0a])
    }

    public func readPlan() throws -> Plan {
        guard let data = FileManager.default.contents(atPath: work + "/plan.json") else {
            throw PhaseError(description: "\(work)/plan.json is missing: run the signatures phase first")
        }
        guard let plan = try? JSONDecoder().decode(Plan.self, from: data), plan.format == nil || plan.format == Plan.format else {
            throw PhaseError(description: "\(work)/plan.json is not a plan this build of Winnow reads (\(Plan.format))")
        }
        return plan
    }

    /// Refuses to go on while a task of `phase` lacks its marker.
    func requireDone(_ phase: String, count: Int) throws {
        let missing = (0..<count).filter { !isDone(phase, $0) }
        guard missing.isEmpty else {
            let list = missing.prefix(10).map(String.init).joined(separator: ", ") + (missing.count > 10 ? ", ..." : "")
            throw PhaseError(
                description: "\(missing.count) of \(count) \(phase) tasks have not finished (no marker for task \(list)); re-run them first")
        }
    }

    static func position(file: Int, record: Int) -> UInt64 { UInt64(file) << 32 | UInt64(record) }

    /// The run's stages: those before dedup for every document, those after it for the kept ones.
    func documentPlan() throws -> PipelinePlan {
        var config = self.config
        config.lastStage = .write
        return try PipelinePlan(config)
    }

    /// Reads the documents of this shard's files, runs the stages before dedup (url_filter, clean,
    /// segment, extract, the filters) on raw pages, and calls `body` with each document's position
    /// and result.
    @discardableResult
    func forEachDocument(
        inputs: [InputRoot], shard: Shard, stats: inout RunStats, plan given: PipelinePlan? = nil,
        _ body: (UInt64, DocumentOrigin, WorkItem) throws -> Void
    ) throws -> (files: Int, bytes: Int) {
        var taken = (files: 0, bytes: 0)
        var scanner = InputScanner()
        let files = InputFile.split(scanner.scan(inputs), bytes: config.splitBytes)
        let plan = try given ?? documentPlan()
        let reader = ArchiveReader(settings: config.read)
        for (rank, file) in files.enumerated() where shard.takes(rank) {
            taken.files += 1
            taken.bytes += file.bytes
            var record = 0
            var failure: Error?
            var local = RunStats()
            reader.read(file) { origin, content in
                defer { record += 1 }
                guard failure == nil else { return }
                local[.read].documentsIn += 1
                if case .dropped(let drop) = content { local[.read].dropped[drop.reason, default: 0] += 1 } else { local[.read].documentsOut += 1 }
                let item = plan.process(WorkItem(sequence: record, origin: origin, content: content), stats: &local)
                do { try body(Self.position(file: rank, record: record), origin, item) } catch { failure = error }
            }
            stats.merge(local)
            if let failure { throw failure }
        }
        return taken
    }

    // MARK: phase 1

    /// Writes this task's exact keys, shingle sets and bucketed band keys. Returns the documents
    /// (0 when the task had finished already).
    @discardableResult
    public func signatures(inputs: [InputRoot], shard: Shard, buckets: Int? = nil) throws -> Int {
        let plan = Plan(tasks: shard.count, buckets: buckets ?? shard.count)
        try Durable.makeDirectory(work)
        try writePlan(plan)
        if isDone("signatures", shard.index) { return 0 }
        for folder in ["exact", "shingles", "bands/part-\(shard.tag)", "keys/part-\(shard.tag)"] { try Durable.makeDirectory(work + "/" + folder) }
        let hasher = MinHasher(settings: settings.minHash)
        var exact = BinaryWriter()
        var shingleFile = BinaryWriter()
        var bands = [BinaryWriter](repeating: BinaryWriter(), count: plan.buckets)
        var keys = [BinaryWriter](repeating: BinaryWriter(), count: plan.buckets)
        var count = 0
        var signature: [UInt32] = []
        var shingles: [UInt32] = []
        var stats = RunStats()
        try forEachDocument(inputs: inputs, shard: shard, stats: &stats) { position, origin, item in
            guard case .extracted(let extraction) = item.content else { return }
            let key = ExactDedup.key(extraction.text)
            exact.u64(position)
            exact.u64(key.high)
            exact.u64(key.low)
            exact.string(origin.id)
            let keyBucket = Int(key.low % UInt64(plan.buckets))
            keys[keyBucket].u64(key.high)
            keys[keyBucket].u64(key.low)
            keys[keyBucket].u64(position)
            if settings.near {
                hasher.signature(extraction.text, into: &signature, shingles: &shingles)
                shingleFile.u64(position)
                shingleFile.u32(UInt32(shingles.count))
                shingleFile.u32s(shingles)
                signature.withUnsafeBufferPointer { sig in
                    for band in 0..<settings.minHash.bands {
                        let bandKey = hasher.bandKey(sig, band: band)
                        let bucket = Int(bandKey % UInt64(plan.buckets))
                        bands[bucket].u64(bandKey)
                        bands[bucket].u64(position)
                    }
                }
            }
            count += 1
        }
        for (j, b) in bands.enumerated() {
            try Durable.write(work + "/bands/part-\(shard.tag)/bucket-" + String(format: "%05d", j) + ".bin", b.bytes)
            try Durable.write(work + "/keys/part-\(shard.tag)/bucket-" + String(format: "%05d", j) + ".bin", keys[j].bytes)
        }
        try Durable.write(work + "/exact/part-\(shard.tag).bin", exact.bytes)
        try Durable.write(work + "/shingles/part-\(shard.tag).bin", shingleFile.bytes)
        try markDone("signatures", shard.index)
        return count
    }

    // MARK: phase 2

    /// For the band keys of bucket `shard.index`: sorts every signatures task's entries, pairs
    /// the documents sharing a key, verifies each pair on the shingle sets and writes the
    /// duplicates (earlier, later) to `verified/part-J.bin`. Returns the verified pairs.
    @discardableResult
    public func buckets(shard: Shard) throws -> Int {
        let plan = try readPlan()
        guard plan.buckets == shard.count else {
            throw PhaseError(description: "the signatures tasks split the band keys into \(plan.buckets) buckets, not \(shard.count)")
        }
        try requireDone("signatures", count: plan.tasks)
        if isDone("buckets", shard.index) { return 0 }
        try Durable.makeDirectory(work + "/verified")
        try Durable.makeDirectory(work + "/groups")
        try Durable.write(work + "/groups/part-\(shard.tag).bin", try exactGroups(bucket: shard.tag, tasks: plan.tasks).bytes)
        let candidates = try candidatePairs(bucket: shard.tag, tasks: plan.tasks)
        let sets = try shingleSets(of: candidates, tasks: plan.tasks)
        let hasher = MinHasher(settings: settings.minHash)
        var out = BinaryWriter()
        var count = 0
        for pair in candidates.sorted(by: { ($0.later, $0.earlier) < ($1.later, $1.earlier) }) {
            guard let a = sets[pair.earlier], let b = sets[pair.later] else { continue }
            let duplicate = b.withUnsafeBufferPointer { later in a.withUnsafeBufferPointer { earlier in hasher.isDuplicate(later, earlier) } }
            if duplicate {
                out.u64(pair.earlier)
                out.u64(pair.later)
                count += 1
            }
        }
        try Durable.write(work + "/verified/part-\(shard.tag).bin", out.bytes)
        try markDone("buckets", shard.index)
        return count
    }

    /// The documents of this bucket that share their exact key with another, from every signatures
    /// task: (position, key) of each, by key and then position.
    private func exactGroups(bucket: String, tasks: Int) throws -> BinaryWriter {
        var entries: [(high: UInt64, low: UInt64, position: UInt64)] = []
        for task in 0..<tasks {
            var reader = try BinaryReader(path: work + "/keys/part-" + String(format: "%05d", task) + "/bucket-" + bucket + ".bin")
            while !reader.atEnd { entries.append((try reader.u64(), try reader.u64(), try reader.u64())) }
        }
        entries.sort { ($0.high, $0.low, $0.position) < ($1.high, $1.low, $1.position) }
        var out = BinaryWriter()
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count && entries[end].high == entries[start].high && entries[end].low == entries[start].low { end += 1 }
            if end - start > 1 {
                for e in entries[start..<end] {
                    out.u64(e.position)
                    out.u64(e.high)
                    out.u64(e.low)
                }
            }
            start = end
        }
        return out
    }

    /// The pairs of documents that share a band key in this bucket, from every signatures task.
    private func candidatePairs(bucket: String, tasks: Int) throws -> Set<Pair> {
        var entries: [(key: UInt64, position: UInt64)] = []
        if settings.near {
            for task in 0..<tasks {
                var reader = try BinaryReader(path: work + "/bands/part-" + String(format: "%05d", task) + "/bucket-" + bucket + ".bin")
                while !reader.atEnd { entries.append((try reader.u64(), try reader.u64())) }
            }
        }
        entries.sort { $0.key != $1.key ? $0.key < $1.key : $0.position < $1.position }
        var candidates = Set<Pair>()
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count && entries[end].key == entries[start].key { end += 1 }
            if end - start > 1 {
                for later in (start + 1)..<end {
                    for earlier in start..<later where entries[earlier].position != entries[later].position {
                        candidates.insert(Pair(earlier: entries[earlier].position, later: entries[later].position))
                    }
                }
            }
            start = end
        }
        return candidates
    }

    /// The shingle sets of the documents in a candidate pair, from every signatures task.
    private func shingleSets(of candidates: Set<Pair>, tasks: Int) throws -> [UInt64: [UInt32]] {
        var needed = Set<UInt64>()
        for pair in candidates {
            needed.insert(pair.earlier)
            needed.insert(pair.later)
        }
        var sets: [UInt64: [UInt32]] = [:]
        guard !needed.isEmpty else { return sets }
        for task in 0..<tasks {
            var reader = try BinaryReader(path: work + "/shingles/part-" + String(format: "%05d", task) + ".bin")
            while !reader.atEnd {
                let position = try reader.u64()
                let n = Int(try reader.u32())
                if needed.contains(position) { sets[position] = try reader.u32s(n) } else { try reader.skip(n * 4) }
            }
        }
        return sets
    }

    struct Pair: Hashable {
        var earlier: UInt64
        var later: UInt64
    }

    // MARK: phase 3

    /// What the clusters phase decided: how many documents are dropped.
    public struct Verdicts {
        public var dropped = 0
    }

    /// Over the documents in an exact group or a verified pair only (every other document is kept
    /// whatever the others are), `DedupDecisions` in input order: the single pass's decisions, the
    /// same code; writes `verdicts.bin` (position, reason, keeper id of each dropped document).
    /// Memory: per such document its position, key, partners' offset and verdict (about 40 bytes
    /// and `DedupDecisions`' own), 4 bytes per pair, the keepers' ids; the files are streamed.
    @discardableResult
    public func clusters() throws -> Verdicts {
        let plan = try readPlan()
        try requireDone("buckets", count: plan.buckets)
        let positions = try involvedPositions(plan)
        func rank(_ position: UInt64) -> Int? {
            var lo = 0
            var hi = positions.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if positions[mid] < position { lo = mid + 1 } else { hi = mid }
            }
            return lo < positions.count && positions[lo] == position ? lo : nil
        }
        var keys = [Hash128](repeating: Hash128(high: 0, low: 0), count: positions.count)
        try forEachExactEntry(plan) { position, key, _ in if let r = rank(position) { keys[r] = key } }
        let (offsets, earlier) = try partnerLists(plan, count: positions.count, rank: rank)
        // Decisions in input order; each dropped document's reason and keeper, by rank.
        let decisions = DedupDecisions()
        var reason = [UInt8](repeating: 0, count: positions.count) // 0 kept, 1 exact, 2 near
        var keeper = [Int32](repeating: -1, count: positions.count)
        for i in 0..<positions.count {
            switch decisions.decide(key: keys[i], nearPartners: { earlier[Int(offsets[i])..<Int(offsets[i + 1])].map(Int.init) }) {
            case .kept: break
            case .exactDuplicate(let first, _):
                reason[i] = 1
                keeper[i] = Int32(first)
            case .nearDuplicate(let root):
                reason[i] = 2
                keeper[i] = Int32(root)
            }
        }
        keys = []
        // The keepers' ids, read again from the files.
        var keeperIDs: [Int32: String] = [:]
        for k in keeper where k >= 0 { keeperIDs[k] = "" }
        try forEachExactEntry(plan) { position, _, id in
            if let r = rank(position), keeperIDs[Int32(r)] != nil { keeperIDs[Int32(r)] = id }
        }
        var out = try StreamingFile(path: work + "/verdicts.bin")
        var dropped = 0
        for i in 0..<positions.count where reason[i] != 0 {
            var w = BinaryWriter()
            w.u64(positions[i])
            w.string(reason[i] == 1 ? DropReason.exactDuplicate.rawValue : DropReason.nearDuplicate.rawValue)
            w.string(keeperIDs[keeper[i]] ?? "")
            try out.write(w.bytes)
            dropped += 1
        }
        try out.commit()
        try markDone("clusters", 0)
        return Verdicts(dropped: dropped)
    }

    /// The positions of the documents in an exact group or a verified pair, sorted, once each.
    private func involvedPositions(_ plan: Plan) throws -> [UInt64] {
        var positions: [UInt64] = []
        for bucket in 0..<plan.buckets {
            var groups = try BinaryReader(path: work + "/groups/part-" + String(format: "%05d", bucket) + ".bin")
            while !groups.atEnd {
                positions.append(try groups.u64())
                try groups.skip(16)
            }
            guard settings.near else { continue }
            var reader = try BinaryReader(path: work + "/verified/part-" + String(format: "%05d", bucket) + ".bin")
            while !reader.atEnd { positions.append(try reader.u64()) }
        }
        positions.sort()
        var unique: [UInt64] = []
        unique.reserveCapacity(positions.count)
        for p in positions where unique.last != p { unique.append(p) }
        return unique
    }

    /// Every signatures task's (position, exact key, id), in file order.
    private func forEachExactEntry(_ plan: Plan, _ body: (UInt64, Hash128, String) throws -> Void) throws {
        for task in 0..<plan.tasks {
            var reader = try BinaryReader(path: work + "/exact/part-" + String(format: "%05d", task) + ".bin")
            while !reader.atEnd {
                let position = try reader.u64()
                let key = Hash128(high: try reader.u64(), low: try reader.u64())
                try body(position, key, try reader.string())
            }
        }
    }

    /// Each document's verified earlier partners by rank, as one array, and where each document's
    /// part of it starts (`count + 1` offsets).
    private func partnerLists(_ plan: Plan, count: Int, rank: (UInt64) -> Int?) throws -> (offsets: [Int32], earlier: [Int32]) {
        var edges: [UInt64] = [] // later rank << 32 | earlier rank
        if settings.near {
            for bucket in 0..<plan.buckets {
                var reader = try BinaryReader(path: work + "/verified/part-" + String(format: "%05d", bucket) + ".bin")
                while !reader.atEnd {
                    guard let e = rank(try reader.u64()), let l = rank(try reader.u64()), e < l else { continue }
                    edges.append(UInt64(l) << 32 | UInt64(e))
                }
            }
        }
        edges.sort()
        var offsets = [Int32](repeating: 0, count: count + 1)
        for e in edges { offsets[Int(e >> 32) + 1] += 1 }
        for i in 0..<count { offsets[i + 1] += offsets[i] }
        return (offsets, edges.map { Int32(truncatingIfNeeded: $0 & 0xffff_ffff) })
    }

    // MARK: phase 4

    /// The clusters phase's verdicts: each dropped document's position and reason.
    /// The verdicts on this task's documents (a position's high half is its file's rank, and a
    /// task takes the files of its ranks): a filter task holds its share, not the corpus's.
    private func verdicts(for shard: Shard) throws -> [UInt64: DropReason] {
        var dropped: [UInt64: DropReason] = [:]
        var reader = try BinaryReader(path: work + "/verdicts.bin")
        while !reader.atEnd {
            let position = try reader.u64()
            let reason = try reader.string()
            _ = try reader.string()
            if shard.takes(Int(position >> 32)) { dropped[position] = DropReason(rawValue: reason) }
        }
        return dropped
    }

    /// Writes this task's kept documents to `output/documents/shard-IIIII-NNNNN.jsonl.gz` and its counts to
    /// `output/stats/task-IIIII.json`. A task re-run after a kill first removes what its killed
    /// run left. Returns (kept, dropped as duplicates).
    @discardableResult
    public func filter(inputs: [InputRoot], output: String, shard: Shard, added: String, write: WriteSettings? = nil) throws -> (Int, Int) {
        let plan = try readPlan()
        guard plan.tasks == shard.count else {
            throw PhaseError(description: "the signatures phase ran as \(plan.tasks) tasks; the filter phase must too, not \(shard.count)")
        }
        try requireDone("clusters", count: 1)
        if isDone("filter", shard.index) { return (0, 0) }
        let dropped = try verdicts(for: shard)
        try Durable.makeDirectory(output)
        try Durable.makeDirectory(output + "/stats")
        let prefix = "shard-" + shard.tag
        let documents = output + "/" + RunState.documentsFolder
        removeTaskFiles(prefix, in: output)
        let writer = try ShardWriter(directory: documents, prefix: prefix, settings: write ?? config.write)
        let attributes = try AttributeWriters(config: config, output: output, prefix: prefix)
        var kept = 0
        var removed = 0
        var stats = RunStats()
        var dedupStats = StageStats()
        let started = Date()
        let stages = try documentPlan()
        var finishStats = RunStats()
        let taken = try forEachDocument(inputs: inputs, shard: shard, stats: &stats, plan: stages) { position, _, item in
            guard case .extracted = item.content else { return }
            dedupStats.documentsIn += 1
            if let reason = dropped[position] {
                dedupStats.dropped[reason, default: 0] += 1
                removed += 1
                return
            }
            dedupStats.documentsOut += 1
            let finished = stages.finish(item, stats: &finishStats)
            if let record = RecordCodec.encode(finished, added: added) {
                try attributes.write(record, of: finished, to: writer)
                kept += 1
            }
        }
        try writer.finish()
        try attributes.closeShards()
        stats[.dedup] = dedupStats
        stats.merge(finishStats)
        stats[.write].documentsIn = kept
        stats[.write].documentsOut = kept
        var summary = RunSummary()
        summary.stats = stats
        summary.shards = writer.shards
        summary.documentsWritten = kept
        summary.outputBytes = writer.bytesWritten
        summary.runNumber = shard.index
        summary.jobs = 1
        summary.files = taken.files
        summary.inputBytes = taken.bytes
        summary.wallSeconds = Date().timeIntervalSince(started)
        try Durable.write(output + "/stats/task-\(shard.tag).json", RunReport.json(summary, command: "dedup-phase filter", added: added))
        try writer.publish()
        try attributes.publish()
        try markDone("filter", shard.index)
        return (kept, removed)
    }

    /// What a killed run of this filter task left: its document and attribute shards.
    private func removeTaskFiles(_ prefix: String, in output: String) {
        let taggers = (try? FileManager.default.contentsOfDirectory(atPath: output + "/attributes")) ?? []
        for folder in [RunState.documentsFolder] + taggers.map({ "attributes/" + $0 }) {
            let dir = output + "/" + folder
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            where name.hasPrefix(prefix + "-") || name.hasPrefix("." + prefix + "-") {
                unlink(dir + "/" + name)
            }
        }
    }

    // MARK: phase 5

    /// Once every filter task has its marker: sums the tasks' counts into `output/summary.json`
    /// (and `summary-000001.json`, which `winnow report` reads). Returns the merged summary.
    @discardableResult
    public func merge(output: String, added: String) throws -> RunSummary {
        let plan = try readPlan()
        try requireDone("filter", count: plan.tasks)
        var summary = RunSummary()
        summary.runNumber = 1
        summary.jobs = plan.tasks
        for task in 0..<plan.tasks {
            let path = output + "/stats/task-" + String(format: "%05d", task) + ".json"
            guard let task = try? SummaryFile.read(path) else {
                throw PhaseError(description: "\(path) is missing or unreadable: re-run filter task \(task)")
            }
            summary.stats.merge(task.stats)
            summary.documentsWritten += task.documentsWritten
            summary.outputBytes += task.outputBytes
            // The slowest filter task (the tasks run side by side).
            summary.wallSeconds = max(summary.wallSeconds, task.wallSeconds)
            summary.files += task.inputFiles
            summary.inputBytes += task.inputBytes
            summary.shards += task.shards
        }
        let json = RunReport.json(summary, command: "slurm (\(plan.tasks) tasks, \(plan.buckets) buckets)", added: added)
        try Durable.write(output + "/summary-000001.json", json)
        try Durable.write(output + "/summary.json", json)
        var cardConfig = config
        cardConfig.lastStage = .write
        let card = DatasetCard.markdown(config: cardConfig, summary: summary, state: RunState(), pipelineName: "slurm")
        try Durable.write(output + "/README.md", Array(card.utf8))
        try markDone("merge", 0)
        return summary
    }
}

/// A file written a piece at a time under a temporary name, synced and renamed by `commit`.
struct StreamingFile {
    let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String) throws {
        self.path = path
        // Its failure shows as the open below failing.
        _ = FileManager.default.createFile(atPath: path + ".tmp", contents: nil)
        guard let h = FileHandle(forWritingAtPath: path + ".tmp") else { throw OutputError(path + ".tmp", reason: "cannot be created") }
        handle = h
    }

    mutating func write(_ bytes: [UInt8]) throws {
        buffer += bytes
        if buffer.count >= 1 << 20 { try flush() }
    }

    private mutating func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered, syncs, closes and gives the file its name.
    mutating func commit() throws {
        try flush()
        try handle.synchronize()
        try handle.close()
        guard rename(path + ".tmp", path) == 0 else { throw OutputError(path, errno: errno) }
        Durable.syncDirectory((path as NSString).deletingLastPathComponent)
    }
}

/// Little-endian binary records for the phase files.
struct BinaryWriter {
    var bytes: [UInt8] = []
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32s(_ values: [UInt32]) { for v in values { u32(v) } }
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

struct BinaryReader {
    let bytes: [UInt8]
    let path: String
    var offset = 0

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw OutputError(path, reason: "cannot read") }
        bytes = [UInt8](data)
        self.path = path
    }

    var atEnd: Bool { offset >= bytes.count }

    private mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard offset + n <= bytes.count else { throw OutputError(path, reason: "truncated at byte \(offset)") }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    mutating func u32() throws -> UInt32 {
        try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func u64() throws -> UInt64 {
        try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func u32s(_ n: Int) throws -> [UInt32] {
        let slice = try take(n * 4)
        var out = [UInt32](repeating: 0, count: n)
        slice.withUnsafeBytes { raw in
            for i in 0..<n { out[i] = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) }
        }
        return out
    }

    mutating func skip(_ n: Int) throws { _ = try take(n) }

    mutating func string() throws -> String {
        let n = Int(try u32())
        return String(decoding: try take(n), as: UTF8.self)
    }
}
