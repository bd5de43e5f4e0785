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

    init(settings: DedupSettings, explain: ShardWriter?) {
        self.settings = settings
        self.explain = explain
        keepIDs = settings.explain || settings.indexDirectory != nil
        near = settings.near ? NearDuplicateIndex(settings: settings.minHash, keepIDs: keepIDs) : nil
        boilerplate = settings.boilerplateParagraphs > 0 ? ParagraphBoilerplate(threshold: settings.boilerplateParagraphs) : nil
    }

    /// Loads the earlier runs' documents from the cross-run index; returns how many.
    mutating func load(_ index: DedupIndex) throws -> Int {
        guard let near else { return 0 }
        let count = try index.load(into: near)
        for _ in 0..<near.earlierCount { decisions.addEarlier() }
        return count
    }

    /// The document, or its drop as a duplicate or as all boilerplate.
    mutating func take(_ item: WorkItem, extraction: Extraction) throws -> WorkItem.Content {
        stats.documentsIn += 1
        let n = decisions.count
        sequences.append(Int32(item.sequence))
        if keepIDs { ids.append(item.origin.id) }
        let verdict = decisions.decide(key: ExactDedup.key(extraction.text)) {
            guard let near, !item.signature.isEmpty else { return [] }
            decisionOfNear.append(Int32(n))
            let partner = near.earliestPartner(signature: item.signature, shingles: item.shingles, id: item.origin.id)
            return partner.map { [decisionNumber(ofNear: $0)] } ?? []
        }
        switch verdict {
        case .kept:
            return keep(extraction)
        case .exactDuplicate(let first, let root):
            return try drop(item, extraction, .exactDuplicate, keeper: settings.explain ? id(first) : nil, cluster: clusterKey(root))
        case .nearDuplicate(let root, let earlierRun):
            return try drop(item, extraction, earlierRun ? .seenInEarlierRun : .nearDuplicate, keeper: id(root), cluster: clusterKey(root))
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
