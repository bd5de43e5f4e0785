import Foundation

/// Deduplication in four phases connected by files, so that each can be split across processes
/// and machines (datatrove's shape): `signatures` (per input shard: exact keys, MinHash
/// signatures, shingle sets and band keys), `buckets` (per band-key range: sort, candidate
/// pairs), `clusters` (one task: exact groups, verification, keepers in input order) and
/// `filter` (per input shard: write the kept documents). The verdicts are those of the
/// single-pass dedup stage on the same input, document for document.
///
/// Documents are numbered by their place in the input order: the file's rank among all input
/// files (sorted paths) and the record's rank in its file, so tasks can number them alone.
/// Cross-run memory (`--index`) belongs to the single-pass stage; the phases do not use it.
public struct DedupPhases {
    public let settings: DedupSettings
    public let work: String

    public init(settings: DedupSettings, work: String) {
        self.settings = settings
        self.work = work
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

    static func position(file: Int, record: Int) -> UInt64 { UInt64(file) << 32 | UInt64(record) }

    /// Reads the documents of this shard's files, runs clean, segment and extract on raw pages,
    /// and calls `body` with each document's position and extracted text (drops are skipped).
    func forEachDocument(inputs: [String], shard: Shard, _ body: (UInt64, DocumentOrigin, WorkItem) throws -> Void) throws {
        var scanner = InputScanner()
        let files = scanner.scan(inputs)
        var config = PipelineConfig(inputs: inputs, output: work, added: "")
        config.lastStage = .extract
        let pipeline = Pipeline(config: config)
        let reader = ArchiveReader()
        for (rank, file) in files.enumerated() where shard.takes(rank) {
            var record = 0
            var failure: Error?
            reader.read(file) { origin, content in
                defer { record += 1 }
                guard failure == nil else { return }
                var stats = RunStats()
                let item = pipeline.processStages(WorkItem(sequence: record, origin: origin, content: content), stats: &stats)
                do { try body(Self.position(file: rank, record: record), origin, item) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    // MARK: phase 1

    /// Writes `signatures/part-I.bin` and `bands/part-I.bin` for this shard's files. Returns the documents.
    @discardableResult
    public func signatures(inputs: [String], shard: Shard) throws -> Int {
        try ShardWriter.makeDirectory(work + "/signatures")
        try ShardWriter.makeDirectory(work + "/bands")
        let hasher = MinHasher(settings: settings.minHash)
        var records = BinaryWriter()
        var bands = BinaryWriter()
        var count = 0
        var signature: [UInt32] = [], shingles: [UInt32] = []
        try forEachDocument(inputs: inputs, shard: shard) { position, origin, item in
            guard case .extracted(let extraction) = item.content else { return }
            hasher.signature(extraction.text, into: &signature, shingles: &shingles)
            let key = ExactDedup.key(extraction.text)
            records.u64(position)
            records.u64(key.high)
            records.u64(key.low)
            records.string(origin.id)
            records.u32s(signature)
            records.u32(UInt32(shingles.count))
            records.u32s(shingles)
            signature.withUnsafeBufferPointer { sig in
                for band in 0..<settings.minHash.bands {
                    bands.u64(hasher.bandKey(sig, band: band))
                    bands.u64(position)
                }
            }
            count += 1
        }
        try Durable.write(work + "/signatures/part-\(shard.tag).bin", records.bytes)
        try Durable.write(work + "/bands/part-\(shard.tag).bin", bands.bytes)
        return count
    }

    // MARK: phase 2

    /// For the band keys of this shard's range (key mod count), sorts every part's entries and
    /// writes the candidate pairs (earlier, later) sharing a key to `pairs/part-I.bin`.
    @discardableResult
    public func buckets(shard: Shard) throws -> Int {
        try ShardWriter.makeDirectory(work + "/pairs")
        var entries: [(key: UInt64, position: UInt64)] = []
        for part in try parts("bands") {
            var reader = try BinaryReader(path: part)
            while !reader.atEnd {
                let key = try reader.u64(), position = try reader.u64()
                if key % UInt64(shard.count) == UInt64(shard.index) { entries.append((key, position)) }
            }
        }
        entries.sort { $0.key != $1.key ? $0.key < $1.key : $0.position < $1.position }
        var pairs = BinaryWriter()
        var count = 0
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count && entries[end].key == entries[start].key { end += 1 }
            if end - start > 1 {
                for later in (start + 1)..<end {
                    for earlier in start..<later where entries[earlier].position != entries[later].position {
                        pairs.u64(entries[earlier].position)
                        pairs.u64(entries[later].position)
                        count += 1
                    }
                }
            }
            start = end
        }
        try Durable.write(work + "/pairs/part-\(shard.tag).bin", pairs.bytes)
        return count
    }

    // MARK: phase 3

    /// The verdict on every dropped document: position → (reason, keeper id).
    public struct Verdicts {
        public var dropped: [UInt64: (reason: DropReason, keeper: String)] = [:]
    }

    /// Exact groups, then verification of the candidate pairs, then keepers in input order;
    /// writes `verdicts.bin`. Memory: every document's shingle set (about 4 bytes a word).
    @discardableResult
    public func clusters() throws -> Verdicts {
        struct Doc { var position: UInt64; var key: Hash128; var id: String; var shingles: [UInt32] }
        var docs: [Doc] = []
        for part in try parts("signatures") {
            var reader = try BinaryReader(path: part)
            while !reader.atEnd {
                let position = try reader.u64()
                let key = Hash128(high: try reader.u64(), low: try reader.u64())
                let id = try reader.string()
                _ = try reader.u32s(settings.minHash.hashes)
                let n = Int(try reader.u32())
                docs.append(Doc(position: position, key: key, id: id, shingles: try reader.u32s(n)))
            }
        }
        docs.sort { $0.position < $1.position }
        var rank: [UInt64: Int] = [:]
        for (i, d) in docs.enumerated() { rank[d.position] = i }
        var verdicts = Verdicts()
        // Exact duplicates: the first document of each text is kept, the others never enter the near pass.
        var firstOfKey: [Hash128: Int] = [:]
        var exact = [Bool](repeating: false, count: docs.count)
        for (i, d) in docs.enumerated() {
            if let first = firstOfKey[d.key] {
                exact[i] = true
                verdicts.dropped[d.position] = (.exactDuplicate, docs[first].id)
            } else {
                firstOfKey[d.key] = i
            }
        }
        // Verified pairs: for each later document, its earliest verified earlier partner.
        let hasher = MinHasher(settings: settings.minHash)
        var best = [Int](repeating: -1, count: docs.count)
        if settings.near {
            for part in try parts("pairs") {
                var reader = try BinaryReader(path: part)
                while !reader.atEnd {
                    guard let e = rank[try reader.u64()], let l = rank[try reader.u64()] else { continue }
                    guard !exact[e], !exact[l], best[l] < 0 || e < best[l] else { continue }
                    let duplicate = docs[e].shingles.withUnsafeBufferPointer { a in
                        docs[l].shingles.withUnsafeBufferPointer { b in hasher.isDuplicate(b, a) }
                    }
                    if duplicate { best[l] = e }
                }
            }
        }
        var keeper = Array(0..<docs.count)
        for i in docs.indices where !exact[i] && best[i] >= 0 {
            keeper[i] = keeper[best[i]]
            verdicts.dropped[docs[i].position] = (.nearDuplicate, docs[keeper[i]].id)
        }
        var out = BinaryWriter()
        for (position, verdict) in verdicts.dropped.sorted(by: { $0.key < $1.key }) {
            out.u64(position)
            out.string(verdict.reason.rawValue)
            out.string(verdict.keeper)
        }
        try Durable.write(work + "/verdicts.bin", out.bytes)
        return verdicts
    }

    // MARK: phase 4

    /// Writes this shard's kept documents to `output/shard-I-NNNNN.jsonl.gz`. Returns (kept, dropped).
    @discardableResult
    public func filter(inputs: [String], output: String, shard: Shard, added: String, write: WriteSettings = WriteSettings()) throws -> (Int, Int) {
        var dropped = Set<UInt64>()
        var reader = try BinaryReader(path: work + "/verdicts.bin")
        while !reader.atEnd {
            dropped.insert(try reader.u64())
            _ = try reader.string()
            _ = try reader.string()
        }
        let writer = try ShardWriter(directory: output, prefix: "shard-" + shard.tag, settings: write)
        var kept = 0, removed = 0
        try forEachDocument(inputs: inputs, shard: shard) { position, _, item in
            guard case .extracted = item.content else { return }
            if dropped.contains(position) { removed += 1; return }
            if let record = RecordCodec.encode(item, added: added) {
                try writer.write(record)
                kept += 1
            }
        }
        try writer.finish()
        return (kept, removed)
    }

    private func parts(_ folder: String) throws -> [String] {
        let directory = work + "/" + folder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let found = names.filter { $0.hasPrefix("part-") && $0.hasSuffix(".bin") }.sorted()
        guard !found.isEmpty else { throw OutputError(directory, reason: "no part files: run the phase before this one first") }
        return found.map { directory + "/" + $0 }
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

    mutating func u32s(_ n: Int) throws -> [UInt32] { try (0..<n).map { _ in try u32() } }

    mutating func string() throws -> String {
        let n = Int(try u32())
        return String(decoding: try take(n), as: UTF8.self)
    }
}
