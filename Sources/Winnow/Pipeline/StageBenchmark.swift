import Foundation
import WinnowCompression
import WinnowCore
import WinnowDedup
import WinnowHTML
import WinnowStages

/// Per-stage costs on one thread, with the input already in memory: the cost of each stage on
/// its own, so a regression in one shows whatever the others do. (`winnow benchmark`.)
public struct StageBenchmark {
    public struct Result: Sendable {
        public var stage: String
        public var seconds: Double
        public var documents: Int
        public var bytes: Int
        public var documentsPerSecond: Double { seconds > 0 ? Double(documents) / seconds : 0 }
        public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / seconds / 1e6 : 0 }
    }

    public let inputs: [String]
    public let repeats: Int
    /// The URL filter's row runs these lists (none: no row).
    public var urlFilter: URLFilterSettings?
    /// `c4_badwords`'s row reads this list (none: no row).
    public var badWords: BadWords?

    /// Documents with text already (NDJSON) are timed from the dedup stage on.
    public init(inputs: [String], repeats: Int) {
        self.inputs = inputs
        self.repeats = max(1, repeats)
    }

    /// Reads the inputs once (timed as `read`), then times each later stage over all documents.
    public func run() throws -> [Result] {
        HTMLParser.initialize()
        let (raws, preExtracted, read) = readAll()
        let bytes = read.bytes
        var results = [read]
        if let urlFilter { results.append(try urlFiltering(raws, urlFilter, bytes)) }
        results += parsing(raws, bytes)
        let (extracted, stages) = documentStages(raws, bytes)
        results += stages
        let all = extracted + preExtracted
        results += filtersAndDedup(all, bytes)
        results += recipeSteps(all, bytes)
        results.append(writing(all, raws, bytes))
        return results
    }

    /// Reads the inputs into memory (`repeats` times, timed as `read`).
    private func readAll() -> (raws: [(DocumentOrigin, [UInt8])], preExtracted: [Extraction], read: Result) {
        var scanner = InputScanner()
        let files = scanner.scan(inputs)
        let reader = ArchiveReader()
        var raws: [(DocumentOrigin, [UInt8])] = []
        var preExtracted: [Extraction] = []
        let t = monotonicSeconds()
        for _ in 0..<repeats {
            raws.removeAll(keepingCapacity: true)
            preExtracted.removeAll(keepingCapacity: true)
            for file in files {
                reader.read(file) { origin, content in
                    if case .raw(let bytes) = content { raws.append((origin, bytes)) }
                    if case .extracted(let e) = content { preExtracted.append(e) }
                }
            }
        }
        let bytes = raws.reduce(0) { $0 + $1.1.count }
        return (raws, preExtracted, Result(stage: "read", seconds: (monotonicSeconds() - t) / Double(repeats), documents: raws.count, bytes: bytes))
    }

    /// The cut before libxml2 alone (and how much of the page libxml2 is left to read), parsing
    /// without and with it.
    private func parsing(_ raws: [(DocumentOrigin, [UInt8])], _ bytes: Int) -> [Result] {
        var kept = 0
        var trim = timed("cut before parsing", raws.count, bytes) {
            kept = 0
            for (_, body) in raws { kept += HTMLParser.trimmed(utf8: body, attributes: .read)?.count ?? body.count }
        }
        trim.stage += String(format: " (%.0f%% left)", 100 * Double(kept) / Double(max(1, bytes)))
        let whole = timed("parse, whole page (no cut)", raws.count, bytes) {
            for (_, body) in raws { _ = HTMLParser.parse(utf8: body, trim: false, attributes: .read) }
        }
        let parseOnly = timed("parse (cut + libxml2 SAX into the tree)", raws.count, bytes) {
            for (_, body) in raws { _ = HTMLParser.parse(utf8: body, attributes: .read) }
        }
        return [trim, whole, parseOnly]
    }

    /// Clean, segment and extract, each over the previous one's output.
    private func documentStages(_ raws: [(DocumentOrigin, [UInt8])], _ bytes: Int) -> ([Extraction], [Result]) {
        var results: [Result] = []
        // Each cleaned page with its URL, which the extractor reads as the pipeline gives it.
        var cleaned: [(page: CleanedPage, url: String?)] = []
        let cleaner = Cleaner()
        results.append(
            timed("clean", raws.count, bytes) {
                cleaned.removeAll(keepingCapacity: true)
                for (origin, body) in raws {
                    if let page = try? cleaner.clean(body, contentType: origin.contentType) { cleaned.append((page, origin.url)) }
                }
            })
        var segmented: [(page: SegmentedPage, url: String?)] = []
        let segmenter = Segmenter()
        results.append(
            timed("segment", cleaned.count, bytes) {
                segmented = cleaned.map { (segmenter.segment($0.page), $0.url) }
            })
        var extracted: [Extraction] = []
        let extractor = Extractor()
        results.append(
            timed("extract", segmented.count, bytes) {
                extracted = segmented.compactMap { try? extractor.extract($0.page, url: $0.url) }
            })
        return (extracted, results)
    }

    /// The language and quality filters, exact and near dedup, on the extractions.
    private func filtersAndDedup(_ extracted: [Extraction], _ bytes: Int) -> [Result] {
        var results: [Result] = []
        results.append(
            timed("language (CLD2)", extracted.count, bytes) {
                for var e in extracted { _ = LanguageIdentifier.apply(LanguageSettings(), to: &e) }
            })
        let quality = QualitySettings.groups(QualityRule.Group.allCases, mode: .annotate)
        results.append(
            timed("quality (\(quality.rules.count) rules, annotate)", extracted.count, bytes) {
                for var e in extracted { _ = QualityFilter.apply(quality, to: &e) }
            })
        results.append(
            timed("dedup (exact)", extracted.count, bytes) {
                var dedup = ExactDedup()
                for e in extracted { _ = dedup.admit(e.text) }
            })
        let hasher = MinHasher(settings: NearDedupSettings())
        var signatures: [([UInt32], [UInt32])] = []
        results.append(
            timed("dedup (near: signatures)", extracted.count, bytes) {
                signatures = extracted.map { e in
                    var sig: [UInt32] = []
                    var shingles: [UInt32] = []
                    hasher.signature(e.text, into: &sig, shingles: &shingles)
                    return (sig, shingles)
                }
            })
        results.append(
            timed("dedup (near: LSH + verification)", extracted.count, bytes) {
                let index = NearDuplicateIndex(settings: NearDedupSettings(), keepIDs: false)
                for (sig, shingles) in signatures { _ = index.check(signature: sig, shingles: shingles, id: "") }
            })
        return results
    }

    /// The URL filter on the pages' URLs (the lists read beforehand, untimed).
    private func urlFiltering(_ raws: [(DocumentOrigin, [UInt8])], _ settings: URLFilterSettings, _ bytes: Int) throws -> Result {
        let stage = try URLFilterStage(settings: settings)
        var blocked = 0
        var result = timed("url_filter", raws.count, bytes) {
            blocked = raws.reduce(0) { $0 + (stage.match($1.0.url) == nil ? 0 : 1) }
        }
        result.stage += " (\(stage.blocked.entries) entries, \(blocked) blocked)"
        return result
    }

    /// Each quality rule group on its own (annotate), and the pii stage.
    private func recipeSteps(_ extracted: [Extraction], _ bytes: Int) -> [Result] {
        var results: [Result] = []
        for group in QualityRule.Group.allCases where group != .c4Badwords || badWords != nil {
            var settings = QualitySettings.groups([group], mode: .annotate)
            settings.badWords = badWords
            results.append(
                timed("quality: \(group.rawValue) (\(settings.rules.count) rules)", extracted.count, bytes) {
                    for var e in extracted { _ = QualityFilter.apply(settings, to: &e) }
                })
        }
        // FineWeb's rules as FineWeb runs them, after Gopher's and C4's: their cost is the difference.
        for (label, groups): (String, [QualityRule.Group]) in [
            ("Gopher + C4", [.gopherQuality, .gopherRepetition, .c4]), ("Gopher + C4 + FineWeb", [.gopherQuality, .gopherRepetition, .c4, .fineweb]),
        ] {
            let settings = QualitySettings.groups(groups, mode: .annotate)
            results.append(
                timed("quality: " + label, extracted.count, bytes) {
                    for var e in extracted { _ = QualityFilter.apply(settings, to: &e) }
                })
        }
        for phones in [false, true] {
            var settings = PIISettings()
            settings.phones = phones
            let stage = PIIStage(settings: settings)
            results.append(
                timed(phones ? "pii (e-mail, IP, phone)" : "pii (e-mail, IP)", extracted.count, bytes) {
                    for var e in extracted { _ = stage.filter(&e) }
                })
        }
        return results
    }

    /// Encoding the records and gzip.
    private func writing(_ extracted: [Extraction], _ raws: [(DocumentOrigin, [UInt8])], _ bytes: Int) -> Result {
        let items = extracted.enumerated().map { i, e in
            WorkItem(
                sequence: i, origin: raws.isEmpty ? DocumentOrigin(id: "\(i)", source: .jsonl, input: "") : raws[min(i, raws.count - 1)].0,
                content: .extracted(e))
        }
        return timed("write (encode + gzip)", items.count, bytes) {
            guard let compressor = try? GzipCompressor(level: 6) else { return }
            var out: [UInt8] = []
            for item in items {
                if let record = RecordCodec.encode(item, added: "2024-01-01T00:00:00Z") { compressor.compress(record, into: &out) }
            }
            compressor.finish(into: &out)
        }
    }

    private func timed(_ stage: String, _ documents: Int, _ bytes: Int, _ body: () -> Void) -> Result {
        let start = monotonicSeconds()
        for _ in 0..<repeats { body() }
        return Result(stage: stage, seconds: (monotonicSeconds() - start) / Double(repeats), documents: documents, bytes: bytes)
    }
}
