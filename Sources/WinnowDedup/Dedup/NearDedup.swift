import WinnowCore

/// Near-duplicate detection over MinHash signatures with LSH banding, in input order.
///
/// Every document's signature is indexed under its band keys. A new document's candidates are
/// the earlier documents sharing at least one band key; each candidate is verified by the
/// estimated Jaccard similarity of the two signatures. A document is a duplicate when some
/// earlier document passes; its keeper is the keeper of the first (in input order) such document,
/// so groups (union-find over verified pairs) keep their first document. Documents remembered
/// from earlier runs (`DedupIndex`) are earlier than every document of this run.
///
/// Candidates are verified exactly, on the two documents' sets of shingle hashes.
///
/// Memory per document: the signature (`hashes` × 4 bytes), the distinct shingle hashes (4 bytes
/// each, about one per word), one chain link per band (4 bytes each) and one hash-table entry per
/// distinct band key (about 24 bytes each with the table's slack).
public final class NearDuplicateIndex {
    public enum Verdict: Equatable {
        case unique
        /// A duplicate of `keeper` (an index into this structure); `earlierRun` when the keeper is remembered from an earlier run.
        case duplicate(keeper: Int, earlierRun: Bool)
    }

    public let hasher: MinHasher
    private var signatures: [UInt32] = []
    /// Each document's distinct shingle hashes, sorted, one after another; `shingleStart[i]` is
    /// where document i's begin (and `shingleStart[i + 1]` where they end).
    private var shingles: [UInt32] = []
    private var shingleStart: [Int] = [0]
    private var keeperOf: [Int32] = []
    /// Documents from earlier runs come first; they are kept by definition.
    public private(set) var earlierCount = 0
    private var ids: [String] = []
    private let keepIDs: Bool
    /// Latest document per band key, and for each (document, band) the previous document with that key.
    private var latest: [UInt64: Int32] = [:]
    private var chain: [Int32] = []
    private var visited: [Int32] = []
    private var visitMark: Int32 = 0

    public var count: Int { keeperOf.count }
    private var k: Int { hasher.settings.hashes }
    private var bands: Int { hasher.settings.bands }

    /// - Parameter keepIDs: keep document ids (for `--explain` and for the cross-run index).
    public init(settings: NearDedupSettings, keepIDs: Bool) {
        hasher = MinHasher(settings: settings)
        self.keepIDs = keepIDs
    }

    /// The id of document `index`, when ids are kept.
    public func id(_ index: Int) -> String? { keepIDs && index < ids.count ? ids[index] : nil }

    /// The signature of document `index`.
    public func signature(_ index: Int) -> ArraySlice<UInt32> { signatures[(index * k)..<((index + 1) * k)] }

    /// The distinct shingle hashes of document `index`, sorted.
    public func shingleSet(_ index: Int) -> ArraySlice<UInt32> { shingles[shingleStart[index]..<shingleStart[index + 1]] }

    /// Adds a document remembered from an earlier run (call before any `check`).
    public func addEarlier(signature: ArraySlice<UInt32>, shingles: ArraySlice<UInt32>, id: String) {
        precondition(earlierCount == count, "earlier-run documents come before this run's")
        insert(signature, shingles: shingles, id: id, keeper: Int32(count))
        earlierCount += 1
    }

    /// Verifies `signature` against earlier documents, then indexes it. Returns the verdict.
    public func check(signature: [UInt32], shingles docShingles: [UInt32], id: String) -> Verdict {
        guard let partner = earliestPartner(signature: signature, shingles: docShingles, id: id) else { return .unique }
        let keeper = Int(keeperOf[partner])
        return .duplicate(keeper: keeper, earlierRun: keeper < earlierCount)
    }

    /// The earliest indexed document that `signature`'s document duplicates (verified on the
    /// shingle sets), or nil; then indexes the document (its keeper: that partner's keeper).
    public func earliestPartner(signature: [UInt32], shingles docShingles: [UInt32], id: String) -> Int? {
        let index = Int32(count)
        var best: Int32 = -1
        visitMark &+= 1
        if visitMark == Int32.max {
            visited = [Int32](repeating: 0, count: visited.count)
            visitMark = 1
        }
        signature.withUnsafeBufferPointer { sig in
            docShingles.withUnsafeBufferPointer { mine in
                shingles.withUnsafeBufferPointer { all in
                    for band in 0..<bands {
                        var candidate = latest[hasher.bandKey(sig, band: band)] ?? -1
                        while candidate >= 0 {
                            if visited[Int(candidate)] != visitMark {
                                visited[Int(candidate)] = visitMark
                                if best < 0 || candidate < best {
                                    let other = UnsafeBufferPointer(rebasing: all[shingleStart[Int(candidate)]..<shingleStart[Int(candidate) + 1]])
                                    if hasher.isDuplicate(mine, other) { best = candidate }
                                }
                            }
                            candidate = chain[Int(candidate) * bands + band]
                        }
                    }
                }
            }
        }
        insert(signature[...], shingles: docShingles[...], id: id, keeper: best >= 0 ? keeperOf[Int(best)] : index)
        return best >= 0 ? Int(best) : nil
    }

    private func insert(_ signature: ArraySlice<UInt32>, shingles docShingles: ArraySlice<UInt32>, id: String, keeper: Int32) {
        let index = Int32(count)
        signatures.append(contentsOf: signature)
        shingles.append(contentsOf: docShingles)
        shingleStart.append(shingles.count)
        keeperOf.append(keeper)
        visited.append(0)
        if keepIDs { ids.append(id) }
        signature.withContiguousStorageIfAvailable { sig in
            for band in 0..<bands {
                let key = hasher.bandKey(sig, band: band)
                chain.append(latest[key] ?? -1)
                latest[key] = index
            }
        }
    }

    /// Approximate bytes held per document.
    public var bytesPerDocument: Int {
        guard count > 0 else { return 0 }
        let tableBytes = latest.capacity * (8 + 4 + 4)
        return
            (signatures.count * 4 + shingles.count * 4 + shingleStart.count * 8 + chain.count * 4 + keeperOf.count * 4 + visited.count * 4
            + tableBytes) / count
    }

    /// Indices of this run's documents, in order.
    public var thisRun: Range<Int> { earlierCount..<count }

    /// Indices of this run's documents that were kept (their own keepers), in order.
    public var keptThisRun: [Int] {
        (earlierCount..<count).filter { keeperOf[$0] == Int32($0) }
    }
}
