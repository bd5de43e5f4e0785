import Foundation
import WinnowCore
import WinnowDedup
import WinnowStages

/// `summary.json` (and `summary-NNNNNN.json`, `stats/task-NNNNN.json`) as Winnow reads it back:
/// the report, `winnow inspect` and the merge of the dedup phases. `RunReport.json` writes it;
/// `format` names the version (files of builds before it was written are version 1 too).
public struct SummaryFile: Decodable, Sendable {
    public static let format = "winnow-summary/1"

    public struct Stage: Decodable, Sendable {
        public var documentsIn = 0
        public var documentsOut = 0
        public var dropped: [String: Int] = [:]
        public var seconds = 0.0
    }

    public struct Sample: Codable, Sendable {
        public var id = ""
        public var url: String?
        public var input = ""
        public var stage = ""
        public var detail = ""
        public var text = ""
    }

    /// The run's distributions (`RunProfile`), as its summary holds them.
    public struct Profile: Decodable, Sendable {
        public var lengthBounds: [Int] = []
        public var lengths: [Int] = []
        public var languages: [String: Int] = [:]
        public var years: [String: Int] = [:]
        public var domainsKeptTotal = 0
        public var domainsKept: [String: Int] = [:]
        public var domainsDroppedTotal = 0
        public var domainsDropped: [String: Int] = [:]
        public var clusterSizes: [String: Int] = [:]
        /// (seconds, documents read, documents written) points.
        public var timeline: [[Double]] = []
        public var samples: [String: [Sample]] = [:]
        public init() {}
    }

    public var command = "run"
    public var finished = ""
    public var run = 0
    public var jobs = 0
    public var inputFiles = 0
    public var inputBytes = 0
    public var wallSeconds = 0.0
    public var documentsWritten = 0
    public var outputBytes = 0
    public var inputErrors = 0
    public var stages: [String: Stage] = [:]
    public var shards: [String] = []
    public var keepDropped: String?
    public var profile = Profile()

    /// The stages' counts.
    public var stats: RunStats {
        var stats = RunStats()
        for (name, s) in stages {
            guard let stage = StageName(rawValue: name) else { continue }
            var st = StageStats()
            st.documentsIn = s.documentsIn
            st.documentsOut = s.documentsOut
            st.seconds = s.seconds
            for (reason, n) in s.dropped { st.dropped[DropReason(rawValue: reason)] = n }
            stats[stage] = st
        }
        return stats
    }

    /// Reads one summary file.
    public static func read(_ path: String) throws -> SummaryFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw OutputError(path, reason: "cannot read") }
        let summary: SummaryFile
        do { summary = try JSONDecoder().decode(SummaryFile.self, from: data) } catch {
            throw OutputError(path, reason: "not a Winnow run summary (\(error))")
        }
        return summary
    }

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        if let format = try c.value(String.self, "format"), format != Self.format {
            throw DecodingError.dataCorruptedError(forKey: AnyKey("format"), in: c, debugDescription: "version \(format), not \(Self.format)")
        }
        command = try c.value(String.self, "command") ?? command
        finished = try c.value(String.self, "finished") ?? ""
        run = try c.value(Int.self, "run") ?? 0
        jobs = try c.value(Int.self, "jobs") ?? 0
        inputFiles = try c.value(Int.self, "input_files") ?? 0
        inputBytes = try c.value(Int.self, "input_bytes") ?? 0
        wallSeconds = try c.value(Double.self, "wall_seconds") ?? 0
        documentsWritten = try c.value(Int.self, "documents_written") ?? 0
        outputBytes = try c.value(Int.self, "output_bytes") ?? 0
        inputErrors = try c.value(Int.self, "input_errors") ?? 0
        stages = try c.value([String: Stage].self, "stages") ?? [:]
        shards = try c.value([String].self, "shards") ?? []
        keepDropped = try c.value(String.self, "keep_dropped")
        profile = try c.value(Profile.self, "profile") ?? Profile()
    }
}

extension SummaryFile.Stage {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        documentsIn = try c.value(Int.self, "in") ?? 0
        documentsOut = try c.value(Int.self, "out") ?? 0
        dropped = try c.value([String: Int].self, "dropped") ?? [:]
        seconds = try c.value(Double.self, "seconds") ?? 0
    }
}

extension SummaryFile.Profile {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        lengthBounds = try c.value([Int].self, "length_bounds") ?? []
        lengths = try c.value([Int].self, "lengths") ?? []
        languages = try c.value([String: Int].self, "languages") ?? [:]
        years = try c.value([String: Int].self, "years") ?? [:]
        domainsKeptTotal = try c.value(Int.self, "domains_kept_total") ?? 0
        domainsKept = try c.value([String: Int].self, "domains_kept") ?? [:]
        domainsDroppedTotal = try c.value(Int.self, "domains_dropped_total") ?? 0
        domainsDropped = try c.value([String: Int].self, "domains_dropped") ?? [:]
        clusterSizes = try c.value([String: Int].self, "cluster_sizes") ?? [:]
        timeline = try c.value([[Double]].self, "timeline") ?? []
        samples = try c.value([String: [SummaryFile.Sample]].self, "samples") ?? [:]
    }
}

/// A coding key of any name: Winnow's files use snake_case keys, spelled out where they are read.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == AnyKey {
    /// The value under `name`, nil when the key is missing or null (files of earlier versions).
    func value<T: Decodable>(_ type: T.Type, _ name: String) throws -> T? {
        try decodeIfPresent(type, forKey: AnyKey(name))
    }
}
