import WinnowCore
import WinnowDedup
import WinnowHTML
import WinnowStages

/// Which stages a run has, built once from its configuration: the document stages in order (each
/// a `Stage`), whether the dedup stage runs, and the stages after it. Everything that asks "is
/// this stage on?" asks the plan.
public struct PipelinePlan: Sendable {
    /// The document stages before dedup, in pipeline order, that this run has (the workers run them).
    public let stages: [any Stage]
    /// The stages after dedup (pii), run on each kept document in input order.
    public let finishing: [any Stage]
    /// The dedup stage runs (the pipeline has it and the run goes that far).
    public let dedup: Bool
    /// Near-duplicate detection runs within the dedup stage; workers compute the signatures.
    public let nearDedup: Bool
    private let minHasher: MinHasher?

    /// Every document stage Winnow has, in pipeline order: its name and how a configuration makes
    /// it (nil: this configuration does not have it). A new stage is a type conforming to
    /// `Stage` (or `ExtractionFilter`) in its folder, its `StageName`, and a row here.
    /// The url_filter stage has two rows: dropping, it runs first, on the URL before the parse;
    /// annotating, it runs with the filters, where there is an extraction to write on.
    static let table: [(name: StageName, make: @Sendable (PipelineConfig) throws -> (any Stage)?)] = [
        (.urlFilter, { config in try config.urlFilter.flatMap { $0.mode == .filter ? try URLFilterStage(settings: $0) : nil } }),
        (
            .clean,
            { config in
                var settings = config.clean
                // The clean stage's own output is the page as HTML: it keeps every attribute it can.
                if config.lastStage == .clean { settings.attributes = .all }
                return Cleaner(settings: settings)
            }
        ),
        (.segment, { _ in Segmenter() }),
        (.extract, { Extractor(settings: $0.extract) }),
        (.urlFilter, { config in try config.urlFilter.flatMap { $0.mode == .annotate ? try URLFilterStage(settings: $0) : nil } }),
        (.language, { $0.language.map(LanguageStage.init) }),
        (.quality, { config in try config.quality.map { try QualityStage(settings: $0) } }),
        (.pii, { $0.pii.map(PIIStage.init) }),
    ]

    /// Builds the run's stages; throws when one cannot be made (a URL list that cannot be read).
    public init(_ config: PipelineConfig) throws {
        let made = try Self.table.filter { $0.name <= config.lastStage }.compactMap { try $0.make(config) }
        stages = made.filter { $0.name < .dedup }
        finishing = made.filter { $0.name > .dedup }
        dedup = config.lastStage >= .dedup && config.dedup.enabled
        nearDedup = dedup && config.dedup.near
        minHasher = nearDedup ? MinHasher(settings: config.dedup.minHash) : nil
        HTMLParser.initialize()
    }

    /// Runs the document stages on one document, counting and timing each in `stats`.
    public func process(_ item: WorkItem, stats: inout RunStats) -> WorkItem {
        run(stages, on: item, stats: &stats)
    }

    /// Runs the stages after dedup on a kept document, counting and timing each in `stats`.
    public func finish(_ item: WorkItem, stats: inout RunStats) -> WorkItem {
        run(finishing, on: item, stats: &stats)
    }

    private func run(_ stages: [any Stage], on item: WorkItem, stats: inout RunStats) -> WorkItem {
        var item = item
        for stage in stages where stage.takes(item.stage) {
            if case .dropped = item.content { break }
            let name = stage.name
            let t = monotonicSeconds()
            stats[name].documentsIn += 1
            switch stage.process(item.content, origin: item.origin) {
            case .kept(let content):
                item.content = content
                stats[name].documentsOut += 1
            case .dropped(let drop):
                item.content = .dropped(drop)
                stats[name].dropped[drop.reason, default: 0] += 1
            }
            stats[name].seconds += monotonicSeconds() - t
        }
        return item
    }

    /// `process`, then the MinHash signature the dedup stage needs (timed as dedup): what a
    /// worker does to each document.
    func prepare(_ item: WorkItem, stats: inout RunStats) -> WorkItem {
        var item = process(item, stats: &stats)
        if let minHasher, case .extracted(let extraction) = item.content {
            let t = monotonicSeconds()
            minHasher.signature(extraction.text, into: &item.signature, shingles: &item.shingles)
            stats[.dedup].seconds += monotonicSeconds() - t
        }
        return item
    }
}
