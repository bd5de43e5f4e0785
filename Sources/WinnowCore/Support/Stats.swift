import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Counts of one stage: documents in, out, dropped by reason, and the time spent in it.
public struct StageStats: Sendable, Equatable {
    public var documentsIn = 0
    public var documentsOut = 0
    public var dropped: [DropReason: Int] = [:]
    /// Seconds of work in this stage, summed over the threads that ran it.
    public var seconds = 0.0

    public init() {}

    public var droppedTotal: Int { dropped.values.reduce(0, +) }

    public mutating func merge(_ other: StageStats) {
        documentsIn += other.documentsIn
        documentsOut += other.documentsOut
        seconds += other.seconds
        for (reason, count) in other.dropped { dropped[reason, default: 0] += count }
    }
}

/// Counts of every stage, keyed by stage.
public struct RunStats: Sendable, Equatable {
    public var stages: [StageName: StageStats] = [:]

    public init() {}

    public subscript(_ stage: StageName) -> StageStats {
        get { stages[stage] ?? StageStats() }
        set { stages[stage] = newValue }
    }

    public mutating func merge(_ other: RunStats) {
        for (stage, stats) in other.stages { self[stage].merge(stats) }
    }

    /// Total documents dropped for a reason that means damaged input.
    public var errorDrops: Int {
        stages.values.reduce(0) { sum, s in sum + s.dropped.filter { $0.key.isError }.values.reduce(0, +) }
    }
}

/// A monotonic clock in seconds.
@inline(__always)
package func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
