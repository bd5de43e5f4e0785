/// The stages of the pipeline, in order. The name is the same in the CLI, the Makefile, the run
/// summary and the intermediate shards.
public enum StageName: String, CaseIterable, Sendable, Comparable, Codable {
    case read
    /// Before the parse: the page's URL against block- and allowlists (FineWeb's first step).
    case urlFilter = "url_filter"
    case clean, segment, extract, language, quality, dedup
    /// After dedup, as FineWeb orders it: e-mail and IP addresses in the kept text replaced.
    case pii
    case write

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

/// Why a document was not written. The raw value is the key in the run summary. The reasons of
/// the fixed stages are listed here; the language and quality stages name their drops after the
/// rule that made them (`language_not_kept`, `gopher_word_count`, ...).
public struct DropReason: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let readError = DropReason(rawValue: "read_error")
    public static let truncatedGzip = DropReason(rawValue: "truncated_gzip")
    public static let corruptGzip = DropReason(rawValue: "corrupt_gzip")
    public static let malformedWARC = DropReason(rawValue: "malformed_warc")
    /// The input ends inside a WARC or ARC record (a document whose HTML arrived whole is kept).
    public static let truncatedRecord = DropReason(rawValue: "truncated_record")
    public static let malformedJSON = DropReason(rawValue: "malformed_json")
    public static let badContentEncoding = DropReason(rawValue: "bad_content_encoding")
    public static let httpStatus = DropReason(rawValue: "http_status")
    public static let notHTML = DropReason(rawValue: "not_html")
    public static let tooLarge = DropReason(rawValue: "too_large")
    public static let binaryContent = DropReason(rawValue: "binary_content")
    public static let parseError = DropReason(rawValue: "parse_error")
    public static let parseTimeout = DropReason(rawValue: "parse_timeout")
    public static let tooDeep = DropReason(rawValue: "too_deep")
    public static let noMainText = DropReason(rawValue: "no_main_text")
    public static let exactDuplicate = DropReason(rawValue: "exact_duplicate")
    public static let nearDuplicate = DropReason(rawValue: "near_duplicate")
    public static let seenInEarlierRun = DropReason(rawValue: "seen_in_earlier_run")
    public static let boilerplateOnly = DropReason(rawValue: "boilerplate_only")
    public static let languageNotKept = DropReason(rawValue: "language_not_kept")
    public static let languageUnknown = DropReason(rawValue: "language_unknown")
    public static let languageLowScore = DropReason(rawValue: "language_low_score")
    public static let urlBlocklist = DropReason(rawValue: "url_blocklist")
    public static let piiDensity = DropReason(rawValue: "pii_density")

    /// The reasons that mean the input was damaged or unreadable (they set the exit status); the
    /// others are the pipeline's ordinary filtering.
    static let errors: Set<DropReason> = [
        .readError, .truncatedGzip, .corruptGzip, .malformedWARC, .truncatedRecord, .malformedJSON, .badContentEncoding, .binaryContent, .parseError,
    ]

    public var isError: Bool { DropReason.errors.contains(self) }

    public init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
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
    /// Where in its input file a reader can start again at this document's record (a gzip
    /// member's start, a plain file's record or line), when it can: a run's checkpoints resume there.
    public var recordOffset: Int?

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
    /// The input file's place in the run's list, and whether this is the first document read
    /// from it (set by the run's reader; -1 elsewhere).
    package var file: Int32 = -1
    package var firstOfFile = false
    /// The MinHash signature of the extracted text, computed by a worker for the dedup stage.
    public var signature: [UInt32] = []
    /// The distinct shingle hashes behind `signature`, sorted (exact verification of candidates).
    public var shingles: [UInt32] = []

    /// The content after the last stage that ran.
    public enum Content: Sendable {
        /// Bytes as read (HTML in an unknown charset).
        case raw([UInt8])
        /// A page an earlier `clean` stage cleaned, as its intermediate record holds it: the HTML
        /// it wrote (UTF-8) and the head information it gathered before cleaning. The clean stage
        /// parses it again and does not clean it again (a second pass over a cleaned page would
        /// judge its elements against a page already without what the first removed).
        case cleanedHTML([UInt8], PageInfo)
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
        // Cleaned HTML still needs the clean stage's parse.
        case .raw, .cleanedHTML: return .read
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
    /// The extraction when the document got that far (language, quality and dedup drops), for
    /// `--keep-dropped` and the report's samples.
    public var extraction: Extraction?
    /// For duplicates: the keeper's id, when the run keeps ids (`--explain`).
    public var duplicateOf: String?
    /// For duplicates: a key of the cluster's first document (its id with `--explain`, else its
    /// input position), the same for every document of the cluster.
    public var cluster: String?

    public init(_ stage: StageName, _ reason: DropReason, _ detail: String) {
        self.stage = stage
        self.reason = reason
        self.detail = detail
    }
}
