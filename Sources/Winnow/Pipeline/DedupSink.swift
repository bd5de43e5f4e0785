import Foundation
import WinnowCompression
import WinnowCore
import WinnowDedup
import WinnowStages

/// The dedup stage of one process: takes the extracted documents in input order, asks
/// `DedupDecisions` about each (the near-duplicate index supplying the candidates), drops the
/// duplicates with their keeper and cluster, writes `--explain`'s lines, and removes boilerplate
/// paragraphs from the documents it keeps.
struct DedupSink {
    private let settings: DedupSettings
    private let decisions = DedupDecisions()
    let near: NearDuplicateIndex?
    private var boilerplate: ParagraphBoilerplate?
    private let explain: ShardWriter?
    /// This run's documents by decision number (less the earlier runs'): input position, and id
    /// when the run keeps ids (`--explain`, `--index`).
    private var sequences: [Int32] = []
    private var ids: [String] = []
    private let keepIDs: Bool
    /// This run's near-index numbers → decision numbers (documents without a signature are not in the index).
    private var decisionOfNear: [Int32] = []
    var stats = StageStats()
    /// Documents remembered from earlier runs (the cross-run index); an interrupted run's
    /// carried over after them are not "earlier runs" in the drop reasons.
    private var fromEarlierRuns = 0
    /// With checkpoints: the exact keys of this run's documents since the last checkpoint that are
    /// no exact duplicates (16 bytes each, kept only until the checkpoint writes them).
    var keepsKeys = false
    private var keys: [Hash128] = []
    /// This run's near-index documents the last checkpoint carried over.
    private var nearCarried = 0

    /// This run's near-index documents since the last checkpoint, by near-index number.
    var uncarriedNear: Range<Int> { near.map { ($0.earlierCount + nearCarried)..<$0.count } ?? 0..<0 }

    init(settings: DedupSettings, explain: ShardWriter?) {
        self.settings = settings
        self.explain = explain
        keepIDs = settings.explain || settings.indexDirectory != nil
        near = settings.near ? NearDuplicateIndex(settings: settings.minHash, keepIDs: keepIDs) : nil
        boilerplate = settings.boilerplateParagraphs > 0 ? ParagraphBoilerplate(threshold: settings.boilerplateParagraphs) : nil
    }

    /// Loads the earlier runs' documents from the cross-run index, but for those of `ids` (the
    /// documents this run replaces; `hit` gets the segments that held them); returns how many.
    mutating func load(_ index: DedupIndex, excluding ids: Set<String> = [], hit: inout Set<String>) throws -> Int {
        guard let near else { return 0 }
        let count = try index.load(segments: try index.segments(), into: near, excluding: ids, hit: &hit)
        for _ in 0..<near.earlierCount { decisions.addEarlier() }
        fromEarlierRuns = near.earlierCount
        return count
    }

    /// Loads what an interrupted run of this output decided before its last checkpoint (its
    /// documents' signatures and exact keys, `carryOver`), after the cross-run index: the
    /// documents that follow are decided as in a run that was not interrupted.
    mutating func loadCarried(_ checkpoint: DedupCheckpoint) throws {
        if let near {
            let before = near.earlierCount
            try checkpoint.index.load(segments: checkpoint.segments, into: near)
            for _ in before..<near.earlierCount { decisions.addEarlier() }
        }
        for file in checkpoint.keyFiles { for key in try DedupCheckpoint.readKeys(checkpoint.directory + "/" + file) { decisions.rememberKey(key) } }
    }

    /// Writes what the documents decided since the last checkpoint leave for the ones after
    /// them (their signatures and shingles, and their exact keys) as part `part` in `checkpoint`;
    /// returns the files written.
    mutating func carryOver(to checkpoint: DedupCheckpoint, part: Int) throws -> (segment: String?, keys: String) {
        var segment: String?
        if let near {
            let documents = uncarriedNear.map { (near.signature($0), near.shingleSet($0), near.id($0) ?? "") }
            segment = try checkpoint.index.writeSegment(documents, run: part)
            nearCarried = near.count - near.earlierCount
        }
        let keyFile = try checkpoint.writeKeys(keys, part: part)
        keys.removeAll(keepingCapacity: true)
        return (segment, keyFile)
    }

    /// The document, or its drop as a duplicate or as all boilerplate.
    mutating func take(_ item: WorkItem, extraction: Extraction) throws -> WorkItem.Content {
        stats.documentsIn += 1
        let n = decisions.count
        sequences.append(Int32(item.sequence))
        if keepIDs { ids.append(item.origin.id) }
        let key = ExactDedup.key(extraction.text)
        let verdict = decisions.decide(key: key) {
            if keepsKeys { keys.append(key) }
            guard let near, !item.signature.isEmpty else { return [] }
            decisionOfNear.append(Int32(n))
            let partner = near.earliestPartner(signature: item.signature, shingles: item.shingles, id: item.origin.id)
            return partner.map { [decisionNumber(ofNear: $0)] } ?? []
        }
        switch verdict {
        case .kept:
            return keep(extraction)
        case .exactDuplicate(let first, _) where first < 0:
            // Of a document before an interrupted run's checkpoint, known by its key alone.
            return try drop(item, extraction, .exactDuplicate, keeper: nil, cluster: "checkpoint")
        case .exactDuplicate(let first, let root):
            return try drop(item, extraction, .exactDuplicate, keeper: settings.explain ? id(first) : nil, cluster: clusterKey(root))
        case .nearDuplicate(let root):
            return try drop(
                item, extraction, root < fromEarlierRuns ? .seenInEarlierRun : .nearDuplicate, keeper: id(root), cluster: clusterKey(root))
        }
    }

    /// The input position of this run's document at near-index number `index`.
    func sequence(ofNear index: Int) -> Int {
        let earlier = decisions.earlierCount
        return Int(sequences[Int(decisionOfNear[index - earlier]) - earlier])
    }

    private func decisionNumber(ofNear index: Int) -> Int {
        index < decisions.earlierCount ? index : Int(decisionOfNear[index - decisions.earlierCount])
    }

    /// A document's id, when ids are kept.
    private func id(_ n: Int) -> String? {
        guard keepIDs else { return nil }
        return n < decisions.earlierCount ? near?.id(n) : ids[n - decisions.earlierCount]
    }

    /// A cluster's name in the report: its first document's id with `--explain`, else its input
    /// position; `earlier-N` for a document remembered from an earlier run.
    private func clusterKey(_ root: Int) -> String {
        if root < decisions.earlierCount { return "earlier-\(root)" }
        return settings.explain ? ids[root - decisions.earlierCount] : String(sequences[root - decisions.earlierCount])
    }

    private mutating func drop(_ item: WorkItem, _ extraction: Extraction, _ reason: DropReason, keeper: String?, cluster: String) throws
        -> WorkItem.Content
    {
        stats.dropped[reason, default: 0] += 1
        var drop = Drop(.dedup, reason, "duplicate of \(keeper ?? "an earlier document")")
        drop.extraction = extraction
        drop.duplicateOf = keeper
        drop.cluster = cluster
        if let explain {
            var w = JSONWriter(capacity: 128)
            w.beginObject()
            w.field("id", item.origin.id)
            w.field("reason", reason.rawValue)
            w.field("keeper", keeper)
            w.endObject()
            try explain.write(w.bytes + [0x0a])
        }
        return .dropped(drop)
    }

    /// A kept document, without the paragraphs earlier documents repeated (with boilerplate removal on).
    private mutating func keep(_ extraction: Extraction) -> WorkItem.Content {
        guard boilerplate != nil else {
            stats.documentsOut += 1
            return .extracted(extraction)
        }
        var kept = extraction
        let (text, _) = boilerplate!.filter(kept.text)
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            stats.dropped[.boilerplateOnly, default: 0] += 1
            var drop = Drop(.dedup, .boilerplateOnly, "every paragraph is repeated across the run")
            drop.extraction = kept
            return .dropped(drop)
        }
        kept.text = text
        stats.documentsOut += 1
        return .extracted(kept)
    }
}

/// The dedup state an interrupted run left at its last checkpoint, in `OUTPUT/.checkpoint`: index
/// segments of its documents' signatures and shingles, and files of their exact keys (16 bytes
/// each), as the run state names them (files no committed checkpoint names are not read).
struct DedupCheckpoint {
    static let folder = ".checkpoint"
    let directory: String
    let index: DedupIndex
    var segments: [String] = []
    var keyFiles: [String] = []

    init(output: String, settings: NearDedupSettings) {
        directory = output + "/" + Self.folder
        index = DedupIndex(directory: directory, settings: settings)
    }

    func writeKeys(_ keys: [Hash128], part: Int) throws -> String {
        try Durable.makeDirectory(directory)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(keys.count * 16)
        for key in keys {
            withUnsafeBytes(of: key.high.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: key.low.littleEndian) { bytes.append(contentsOf: $0) }
        }
        let name = "keys-" + String(format: "%06d", part) + ".bin"
        try Durable.write(directory + "/" + name, bytes)
        return name
    }

    static func readKeys(_ path: String) throws -> [Hash128] {
        let bytes = try FileByteSource.readAll(path: path, limit: 1 << 34)
        guard bytes.count % 16 == 0 else { throw OutputError(path, reason: "not a key file of a checkpoint") }
        return stride(from: 0, to: bytes.count, by: 16).map { i in
            var high: UInt64 = 0
            var low: UInt64 = 0
            for b in 0..<8 {
                high |= UInt64(bytes[i + b]) << (8 * UInt64(b))
                low |= UInt64(bytes[i + 8 + b]) << (8 * UInt64(b))
            }
            return Hash128(high: high, low: low)
        }
    }

    /// Removes the folder (the run it belonged to is complete).
    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
