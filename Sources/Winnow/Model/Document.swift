/// The stages of the pipeline, in order. The name is the same in the CLI, the Makefile, the run
/// summary and the intermediate shards.
public enum StageName: String, CaseIterable, Sendable, Comparable, Codable {
    case read, clean, segment, extract, dedup, write

    public static func < (a: StageName, b: StageName) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The stage after this one, nil after `write`.
    public var next: StageName? {
        let all = StageName.allCases
        let i = all.firstIndex(of: self)!
        return i + 1 < all.count ? all[i + 1] : nil
    }
}

/// Why a document was not written. The raw value is the key in the run summary.
public enum DropReason: String, CaseIterable, Sendable, Codable {
    case readError = "read_error"
    case truncatedGzip = "truncated_gzip"
    case corruptGzip = "corrupt_gzip"
    case malformedWARC = "malformed_warc"
    case malformedJSON = "malformed_json"
    case badContentEncoding = "bad_content_encoding"
    case httpStatus = "http_status"
    case notHTML = "not_html"
    case tooLarge = "too_large"
    case binaryContent = "binary_content"
    case parseError = "parse_error"
    case parseTimeout = "parse_timeout"
    case tooDeep = "too_deep"
    case noMainText = "no_main_text"
    case exactDuplicate = "exact_duplicate"
    case nearDuplicate = "near_duplicate"
    case seenInEarlierRun = "seen_in_earlier_run"
    case boilerplateOnly = "boilerplate_only"

    /// True when the drop means the input was damaged or unreadable (it sets the exit status),
    /// false when it is the pipeline's ordinary filtering.
    public var isError: Bool {
        switch self {
        case .readError, .truncatedGzip, .corruptGzip, .malformedWARC, .malformedJSON, .badContentEncoding,
             .binaryContent, .parseError:
            return true
        case .httpStatus, .notHTML, .tooLarge, .parseTimeout, .tooDeep, .noMainText, .exactDuplicate, .nearDuplicate, .seenInEarlierRun, .boilerplateOnly:
            return false
        }
    }
}

/// What kind of input a document came from (the record's `source`).
public enum SourceKind: String, Sendable, Codable {
    case warc, html, jsonl
}

/// Where a document came from and what is known of it before cleaning.
public struct DocumentOrigin: Sendable {
    /// Stable across runs for the same input record (see README, "Output").
    public var id: String
    /// The record's `source`: `warc`, `html`, or an NDJSON input's own value (`jsonl` when it has none).
    public var source: String
    /// The input file, relative to the `--input` it was found under.
    public var input: String
    public var url: String?
    public var warcRecordID: String?
    /// WARC-Date of the capture (ISO 8601), or a document's own `created`.
    public var created: String?
    /// The HTTP `Content-Type` header (charset hint for cleaning).
    public var contentType: String?
    /// Fields of an NDJSON input's `metadata` that Winnow does not set itself, kept as encoded JSON.
    public var extraMetadata: [(key: String, json: [UInt8])] = []
    /// An NDJSON input's `added`, kept as is.
    public var added: String?

    public init(id: String, source: SourceKind, input: String) {
        self.id = id
        self.source = source.rawValue
        self.input = input
    }
}

/// A document as it moves through the stages: its origin and its content at the current stage.
public struct WorkItem: Sendable {
    /// Position in input order; output order follows it whatever the thread timing.
    public var sequence: Int
    public var origin: DocumentOrigin
    public var content: Content
    /// The MinHash signature of the extracted text, computed by a worker for the dedup stage.
    public var signature: [UInt32] = []
    /// The distinct shingle hashes behind `signature`, sorted (exact verification of candidates).
    public var shingles: [UInt32] = []

    /// The content after the last stage that ran.
    public enum Content: Sendable {
        /// Bytes as read (HTML in an unknown charset).
        case raw([UInt8])
        case cleaned(CleanedPage)
        case segmented(SegmentedPage)
        case extracted(Extraction)
        case dropped(Drop)
    }

    public init(sequence: Int, origin: DocumentOrigin, content: Content) {
        self.sequence = sequence
        self.origin = origin
        self.content = content
    }

    /// The stage whose output this is.
    public var stage: StageName {
        switch content {
        case .raw: return .read
        case .cleaned: return .clean
        case .segmented: return .segment
        case .extracted: return .extract
        case .dropped(let drop): return drop.stage
        }
    }
}

/// A counted drop: the stage, the reason and a human-readable detail for the log.
public struct Drop: Sendable, Error {
    public var stage: StageName
    public var reason: DropReason
    public var detail: String

    public init(_ stage: StageName, _ reason: DropReason, _ detail: String) {
        self.stage = stage
        self.reason = reason
        self.detail = detail
    }
}
