import Foundation
import WinnowCore
import WinnowDedup
import WinnowStages

/// What a run saw, beyond the counts: distributions of the kept documents, domains kept and
/// dropped, duplicate-cluster sizes, throughput over time and a few sampled documents per drop
/// reason. Collected on the write thread, in input order, so it is the same whatever `--jobs`
/// is (but the timeline). Stored in `summary.json` under `profile`; `winnow report` draws it.
public struct RunProfile: Sendable {
    /// Documents sampled per drop reason (and for `kept`).
    public static let samplesPerReason = 6
    /// Distinct domains counted; later new domains are counted under `(other)`.
    static let maxDomains = 50_000

    public struct Sample: Sendable {
        public var id: String
        public var url: String?
        public var input: String
        public var stage: String
        public var reason: String
        public var detail: String
        public var text: String
        var rank: UInt64
    }

    /// Upper bounds (characters) of the text-length buckets; the last bucket is open.
    public static let lengthBounds = [100, 300, 1_000, 3_000, 10_000, 30_000, 100_000]
    public var lengths = [Int](repeating: 0, count: lengthBounds.count + 1)
    public var languages: [String: Int] = [:]
    /// Publication years of the kept documents (`unknown` when none).
    public var years: [String: Int] = [:]
    public var domainsKept: [String: Int] = [:]
    public var domainsDropped: [String: Int] = [:]
    /// Documents dropped as duplicates of each keeper (hash of the keeper id → count).
    var clusters: [String: Int] = [:]
    public var samples: [String: [Sample]] = [:]
    /// (seconds since the start, documents read, documents written), about one point a second.
    public var timeline: [(Double, Int, Int)] = []
    private var nextPoint = 0.0
    private var interval = 1.0

    public init() {}

    /// Cluster sizes (the keeper and its duplicates) → number of clusters of that size.
    public var clusterSizes: [Int: Int] {
        var sizes: [Int: Int] = [:]
        for (_, n) in clusters { sizes[n + 1, default: 0] += 1 }
        return sizes
    }

    package static func domain(_ url: String?) -> String {
        guard let url, let schemeEnd = url.range(of: "://") else { return "(no url)" }
        var host = url[schemeEnd.upperBound...]
        if let end = host.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { host = host[..<end] }
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if let colon = host.lastIndex(of: ":"), !host.contains("]") { host = host[..<colon] }
        var h = host.lowercased()
        if h.hasPrefix("www.") { h.removeFirst(4) }
        return h.isEmpty ? "(no url)" : h
    }

    private static func count(_ key: String, in table: inout [String: Int]) {
        if table[key] != nil || table.count < maxDomains { table[key, default: 0] += 1 } else { table["(other)", default: 0] += 1 }
    }

    /// A kept document.
    mutating func kept(_ origin: DocumentOrigin, _ extraction: Extraction) {
        let chars = extraction.text.unicodeScalars.count
        let bucket = RunProfile.lengthBounds.firstIndex { chars < $0 } ?? RunProfile.lengthBounds.count
        lengths[bucket] += 1
        languages[extraction.language ?? "unknown", default: 0] += 1
        let year = extraction.datePublished.map { String($0.prefix(4)) }.flatMap { $0.count == 4 && $0.allSatisfy(\.isNumber) ? $0 : nil }
        years[year ?? "unknown", default: 0] += 1
        RunProfile.count(RunProfile.domain(origin.url), in: &domainsKept)
        sample(origin, stage: "write", reason: "kept", detail: "", text: extraction.text)
    }

    /// A dropped document (its extraction when it got that far, and its keeper for duplicates).
    mutating func dropped(_ origin: DocumentOrigin, _ drop: Drop) {
        RunProfile.count(RunProfile.domain(origin.url), in: &domainsDropped)
        if let cluster = drop.cluster { clusters[cluster, default: 0] += 1 }
        sample(origin, stage: drop.stage.rawValue, reason: drop.reason.rawValue, detail: drop.detail, text: drop.extraction?.text ?? "")
    }

    /// Keeps the documents with the smallest hash of their id: a fixed, input-independent sample.
    private mutating func sample(_ origin: DocumentOrigin, stage: String, reason: String, detail: String, text: String) {
        var id = origin.id
        let rank = id.withUTF8 { Hash128.murmur(UnsafeRawBufferPointer($0), seed: 7).high }
        var list = samples[reason, default: []]
        if list.count >= RunProfile.samplesPerReason, let worst = list.last, worst.rank <= rank { return }
        let prefix = String(text.unicodeScalars.prefix(400))
        list.append(
            Sample(id: origin.id, url: origin.url, input: origin.input, stage: stage, reason: reason, detail: detail, text: prefix, rank: rank))
        list.sort { $0.rank < $1.rank }
        if list.count > RunProfile.samplesPerReason { list.removeLast() }
        samples[reason] = list
    }

    /// Records progress; keeps at most about 300 points (the interval doubles past that).
    mutating func tick(_ seconds: Double, read: Int, written: Int, force: Bool = false) {
        guard force || seconds >= nextPoint else { return }
        timeline.append((seconds, read, written))
        nextPoint = seconds + interval
        if timeline.count > 300 {
            timeline = timeline.enumerated().filter { $0.offset % 2 == 0 || $0.offset == timeline.count - 1 }.map(\.element)
            interval *= 2
        }
    }

    /// The profile as a JSON object.
    func write(_ w: inout JSONWriter) {
        func table(_ t: [String: Int], top: Int? = nil) {
            w.beginObject()
            var entries = t.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            if let top { entries = Array(entries.prefix(top)) }
            for (k, v) in entries {
                w.field(k, v)
            }
            w.endObject()
        }
        w.beginObject()
        w.field("length_bounds", ints: RunProfile.lengthBounds)
        w.field("lengths", ints: lengths)
        w.key("languages")
        table(languages)
        w.key("years")
        table(years)
        w.field("domains_kept_total", domainsKept.count)
        w.key("domains_kept")
        table(domainsKept, top: 30)
        w.field("domains_dropped_total", domainsDropped.count)
        w.key("domains_dropped")
        table(domainsDropped, top: 30)
        w.key("cluster_sizes")
        w.beginObject()
        for (size, n) in clusterSizes.sorted(by: { $0.key < $1.key }) {
            w.key(String(size))
            w.int(n)
        }
        w.endObject()
        w.key("timeline")
        w.beginArray()
        for (t, r, wr) in timeline {
            w.beginArray()
            w.double(t, digits: 2)
            w.int(r)
            w.int(wr)
            w.endArray()
        }
        w.endArray()
        w.key("samples")
        writeSamples(&w)
        w.endObject()
    }

    /// The sampled documents of each drop reason (and of the kept ones).
    private func writeSamples(_ w: inout JSONWriter) {
        w.beginObject()
        for reason in samples.keys.sorted() {
            w.key(reason)
            w.beginArray()
            for s in samples[reason] ?? [] {
                w.beginObject()
                w.field("id", s.id)
                w.field("url", s.url)
                w.field("input", s.input)
                w.field("stage", s.stage)
                w.field("detail", s.detail)
                w.field("text", s.text)
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
    }
}
