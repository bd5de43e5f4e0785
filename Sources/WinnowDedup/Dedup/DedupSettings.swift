import WinnowCore

/// Settings of the dedup stage.
public struct DedupSettings: Sendable {
    /// The dedup stage at all (exact and near); a pipeline without it writes every document.
    public var enabled = true
    /// Near-duplicate detection (MinHash LSH) after the exact pass.
    public var near = true
    public var minHash = NearDedupSettings()
    /// The cross-run index directory (`--index`), or nil for none.
    public var indexDirectory: String?
    /// Record each dropped duplicate's keeper in `explain.jsonl.gz`.
    public var explain = false
    /// Remove paragraphs that this many earlier documents of the run held (0: off).
    public var boilerplateParagraphs = 0
    public init() {}
}
