import WinnowCore

/// Deduplication's decisions, made in input order, the same wherever the candidates come from:
/// the dedup stage of one process asks its `NearDuplicateIndex` as documents arrive; the
/// distributed phases (`DedupPhases.clusters`) hand over the verified pairs the bucket tasks found.
///
/// - A document whose exact key an earlier document had is an exact duplicate of the first one
///   (its "keeper" in `--explain`), in that one's cluster.
/// - Otherwise, of the earlier documents it near-duplicates (verified on the shingle sets), the
///   earliest that is not itself an exact duplicate decides: the document joins its cluster, whose
///   first document is the keeper. Documents remembered from earlier runs come before all others.
/// - Otherwise it is kept, the first of a cluster of its own.
///
/// Documents are numbered 0, 1, ... in the order they are decided (earlier runs' first). A class:
/// the caller's candidate search may run inside `decide` and keep state of its own.
public final class DedupDecisions {
    public enum Verdict: Equatable, Sendable {
        case kept
        /// An exact duplicate of `first` (the earliest document with the same key), in the cluster of `root`.
        case exactDuplicate(first: Int, root: Int)
        /// A near-duplicate in the cluster of `root` (below `earlierCount`: remembered from before this run).
        case nearDuplicate(root: Int)
    }

    private var firstOfKey: [Hash128: Int32] = [:]
    /// Each document's cluster: the number of its first document.
    private var root: [Int32] = []
    private var exact: [Bool] = []
    public private(set) var earlierCount = 0

    public init() {}

    /// Documents decided so far (earlier runs' included).
    public var count: Int { root.count }

    /// Registers a document remembered from an earlier run (before any `decide`).
    public func addEarlier() {
        precondition(earlierCount == count, "earlier-run documents come before this run's")
        root.append(Int32(count))
        exact.append(false)
        earlierCount += 1
    }

    /// Exact keys of an interrupted run's documents before its last checkpoint (`rememberKey`).
    private var carriedKeys = Set<Hash128>()

    /// Registers the exact key of a document an interrupted run of this output decided before its
    /// checkpoint: a later document with that key is an exact duplicate (of no document numbered
    /// here: `first` and `root` are -1).
    public func rememberKey(_ key: Hash128) { carriedKeys.insert(key) }

    /// Whether document `n` was an exact duplicate (such documents never decide a near-duplicate).
    public func isExactDuplicate(_ n: Int) -> Bool { exact[n] }

    /// Decides the next document, whose exact key is `key`. `nearPartners` is asked only when it
    /// is no exact duplicate: the earlier documents it near-duplicates, by number, in any order.
    public func decide(key: Hash128, nearPartners: () -> [Int]) -> Verdict {
        let n = Int32(count)
        if let first = firstOfKey[key] {
            root.append(root[Int(first)])
            exact.append(true)
            return .exactDuplicate(first: Int(first), root: Int(root[Int(first)]))
        }
        if carriedKeys.contains(key) {
            root.append(n)
            exact.append(true)
            return .exactDuplicate(first: -1, root: -1)
        }
        firstOfKey[key] = n
        exact.append(false)
        guard let partner = nearPartners().filter({ !exact[$0] }).min() else {
            root.append(n)
            return .kept
        }
        let cluster = root[partner]
        root.append(cluster)
        return .nearDuplicate(root: Int(cluster))
    }
}
