import Winnow
import WinnowCore
import WinnowStages

/// The blocks of every page in some inputs with their learned-model features, as JSON lines:
/// what `make train-extract` trains on (`winnow features`).
public enum FeatureDump {
    /// The feature names, in vector order.
    public static var names: [String] { BlockFeatures.names }
    /// Below this many characters of kept blocks, `extract` adds a page's `described` text.
    public static var describedBelow: Int { Extractor.describedBelow }
    /// The title model's feature names, in vector order.
    public static var titleNames: [String] { TitleChooser.featureNames }
    /// The date model's feature names, in vector order.
    public static var dateNames: [String] { DateChooser.featureNames }

    private static func candidate(_ c: ScoredCandidate, into json: inout JSONWriter) {
        json.beginObject()
        json.field("text", c.text)
        json.key("f")
        json.beginArray()
        for value in c.features { json.raw(Array("\(value)".utf8)) }
        json.endArray()
        json.key("score")
        json.raw(Array("\(c.score)".utf8))
        json.endObject()
    }

    /// Reads every page of `inputs` and hands one JSON line per page to `write`:
    /// `{"id", "url", "blocks": [{"text", "kind", "f": [...]}], "described", "titles": [{"text",
    /// "f", "score"}], "dates": [the same], "written"}`: `described` the text `extract` adds when
    /// the blocks it keeps have fewer than `described_below` characters (a field of the header
    /// line), or null; `titles` and `dates` the candidates the title and date are chosen among,
    /// with their features (`title_names`, `date_names`) and the shipped models' scores;
    /// `written` whether `extract` writes a document for the page. Pages that fail to clean are
    /// skipped.
    public static func write(inputs: [String], settings: PipelineConfig, write: ([UInt8]) -> Void) {
        var scanner = InputScanner()
        let reader = ArchiveReader(settings: settings.read)
        let cleaner = Cleaner(settings: settings.clean)
        let extractor = Extractor(settings: settings.extract)
        for file in scanner.scan(inputs) {
            reader.read(file) { origin, content in
                guard case .raw(let bytes) = content, let page = try? cleaner.clean(bytes, contentType: origin.contentType) else { return }
                let segmented = Segmenter().segment(page)
                let vectors = extractor.featureVectors(segmented, url: origin.url)
                var json = JSONWriter()
                json.beginObject()
                json.field("id", origin.id)
                json.field("url", origin.url)
                json.key("blocks")
                json.beginArray()
                for (row, block) in segmented.blocks.enumerated() {
                    json.beginObject()
                    json.field("text", block.text)
                    json.key("f")
                    json.beginArray()
                    for value in vectors[row] { json.raw(Array("\(value)".utf8)) }
                    json.endArray()
                    json.endObject()
                }
                json.endArray()
                json.field("described", extractor.structuredDescription(segmented))
                let metadata = extractor.metadataCandidates(segmented, url: origin.url)
                for (key, candidates) in [("titles", metadata.titles), ("dates", metadata.dates)] {
                    json.key(key)
                    json.beginArray()
                    for c in candidates { candidate(c, into: &json) }
                    json.endArray()
                }
                json.field("written", metadata.written)
                json.endObject()
                write(json.bytes + [0x0a])
            }
        }
    }
}
