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

    /// Reads every page of `inputs` and hands one JSON line per page to `write`:
    /// `{"id", "url", "blocks": [{"text", "kind", "f": [...]}], "described", "titles": [{"text",
    /// "f", "score"}], "dates": [the same], "written"}`: `described` the text `extract` adds when the blocks it keeps have fewer
    /// than `described_below` characters (a field of the header line), or null; `titles` the
    /// title candidates with their features (`title_names`) and the shipped model's score. Pages
    /// that fail to clean are skipped.
    private static func candidate(_ c: (text: String, features: [Double], score: Double), into json: inout JSONWriter) {
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
                json.key("titles")
                json.beginArray()
                for title in extractor.titleCandidates(segmented, url: origin.url) { candidate(title, into: &json) }
                json.endArray()
                json.key("dates")
                json.beginArray()
                for date in extractor.dateCandidates(segmented, url: origin.url) { candidate(date, into: &json) }
                json.endArray()
                json.field("written", (try? extractor.extract(segmented, url: origin.url)) != nil)
                json.endObject()
                write(json.bytes + [0x0a])
            }
        }
    }
}
