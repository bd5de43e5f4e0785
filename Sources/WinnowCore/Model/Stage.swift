/// A document stage: one document's content in, what becomes of it out. The runner counts, times
/// and chains them (`PipelinePlan`: those before dedup in the workers, those after it on each kept
/// document in input order); a stage only transforms or drops.
public protocol Stage: Sendable {
    /// Its name in the CLI, the YAML, the summary and intermediate shards.
    var name: StageName { get }
    /// The stage whose output it takes. A document at another stage passes by untouched: NDJSON
    /// input arrives extracted and skips clean, segment and extract.
    var input: StageName { get }
    /// Whether the stage takes a document whose content is the output of `stage` (by default,
    /// only its `input`'s).
    func takes(_ stage: StageName) -> Bool
    func process(_ content: WorkItem.Content, origin: DocumentOrigin) -> Disposition
}

extension Stage {
    public func takes(_ stage: StageName) -> Bool { stage == input }
}

/// What a stage made of a document.
public enum Disposition: Sendable {
    /// Kept, with its new content.
    case kept(WorkItem.Content)
    /// Dropped, with the reason counted in the summary.
    case dropped(Drop)
}

/// A stage that reads an extraction and annotates, shortens or drops it (language, quality and
/// any later filter): it keeps the extraction's form, so filters chain in any order.
public protocol ExtractionFilter: Stage {
    /// Changes the extraction in place, or returns why the document is dropped.
    func filter(_ extraction: inout Extraction) -> Drop?
}

extension ExtractionFilter {
    public var input: StageName { .extract }

    public func process(_ content: WorkItem.Content, origin: DocumentOrigin) -> Disposition {
        guard case .extracted(var extraction) = content else { return .kept(content) }
        if var drop = filter(&extraction) {
            // The extraction as the filter left it, for --keep-dropped and the report's samples.
            drop.extraction = extraction
            return .dropped(drop)
        }
        return .kept(.extracted(extraction))
    }
}
