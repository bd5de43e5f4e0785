import WinnowCore
import WinnowDedup
import WinnowStages

/// What a run did: counts per stage, files, shards and timing.
public struct RunSummary: Sendable {
    public var stats = RunStats()
    public var files = 0
    public var inputBytes = 0
    public var skippedFiles: [String] = []
    public var unreadablePaths: [String] = []
    public var shards: [String] = []
    public var documentsWritten = 0
    public var outputBytes = 0
    public var wallSeconds = 0.0
    public var jobs = 1
    /// Documents remembered by the cross-run index before this run, and its size on disk after.
    public var indexDocumentsBefore = 0
    public var indexDocumentsAfter = 0
    public var indexBytes = 0
    /// The number of this run in its output directory.
    public var runNumber = 0
    /// Inputs skipped because a committed run already finished them unchanged.
    public var unchangedInputs = 0
    /// Inputs that grew since an earlier run (a WARC still being written then), read on from where it stopped.
    public var grownInputs = 0
    /// Inputs an interrupted run left at a checkpoint, read on from its record.
    public var resumedInputs = 0
    /// Inputs that changed otherwise since an earlier run, read again whole, and the documents
    /// of theirs the earlier runs wrote, taken out of their shards.
    public var replacedInputs = 0
    public var replacedDocuments = 0
    /// Files of a killed run removed before this run started.
    public var removedLeftovers: [String] = []
    /// Memory of the near-duplicate index per document, in bytes.
    public var nearDedupBytesPerDocument = 0
    /// Distributions, domains, samples and timeline of the run (the report's data).
    public var profile = RunProfile()
    /// Shards of dropped documents (`--keep-dropped`), and their directory.
    public var droppedShards: [String] = []
    public var keepDroppedDirectory: String?

    public init() {}

    /// 0 when nothing was dropped for an input error, `ExitCode.inputErrors` otherwise.
    public var hadInputErrors: Bool { stats.errorDrops > 0 || !unreadablePaths.isEmpty }
}
