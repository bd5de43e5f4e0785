import WinnowCore
import WinnowStages

/// dolma's attribute files: the verdicts of each tagger that annotates (a stage in annotate mode)
/// beside the documents, `OUTPUT/attributes/<tagger>/<shard>.jsonl.gz` for each
/// `OUTPUT/documents/<shard>.jsonl.gz`, line for line: `{"id", "attributes": {"<tagger>__<name>":
/// [[start, end, value]]}}`, spans in characters (Unicode scalars, as Python counts them) over the
/// whole text. dolma's mixer filters a Winnow corpus with them (`dolma mix`).
///
/// Taggers: `winnow_language` (the language found and its share: `winnow_language__en`), when the
/// language stage annotates; `winnow_quality` (each annotate rule's score), `winnow_url_filter`
/// (`blocklist` 1 when a blocklist names the URL) and `winnow_pii` (the findings per kind) when
/// those stages annotate.
package struct AttributeWriters {
    private var writers: [(tagger: String, writer: ShardWriter)] = []
    private let folder: String

    /// The taggers `config` has, in this order.
    static func taggers(_ config: PipelineConfig) -> [String] {
        guard config.lastStage >= .dedup else { return [] }
        var names: [String] = []
        if config.language?.mode == .annotate { names.append("winnow_language") }
        if config.quality?.rules.contains(where: { $0.mode == .annotate }) ?? false { names.append("winnow_quality") }
        if config.urlFilter?.mode == .annotate { names.append("winnow_url_filter") }
        if config.pii?.mode == .annotate { names.append("winnow_pii") }
        return names
    }

    /// Writers for the document shards `prefix-NNNNN` of `output`; attribute shards close when the
    /// document shards do (`closeShards`), never on their own.
    package init(config: PipelineConfig, output: String, prefix: String) throws {
        folder = "attributes"
        var settings = config.write
        settings.shardBytes = Int.max
        for tagger in Self.taggers(config) {
            writers.append((tagger, try ShardWriter(directory: output + "/attributes/" + tagger, prefix: prefix, settings: settings)))
        }
    }

    package var isEmpty: Bool { writers.isEmpty }

    /// One document's line in each tagger's file.
    package func write(id: String, extraction: Extraction) throws {
        let length = extraction.text.unicodeScalars.count
        for (tagger, writer) in writers {
            var w = JSONWriter(capacity: 256)
            w.beginObject()
            w.field("id", id)
            w.key("attributes")
            w.beginObject()
            for (name, value) in Self.values(tagger, extraction) {
                w.key(tagger + "__" + name)
                w.beginArray()
                w.beginArray()
                w.int(0)
                w.int(length)
                w.double(value, digits: 4)
                w.endArray()
                w.endArray()
            }
            w.endObject()
            w.endObject()
            try writer.write(w.bytes + [0x0a])
        }
    }

    /// A tagger's attributes of one document: name and value.
    static func values(_ tagger: String, _ e: Extraction) -> [(String, Double)] {
        switch tagger {
        case "winnow_language": return e.language.map { [($0, e.languageScore ?? 0)] } ?? []
        case "winnow_quality": return e.qualityScores ?? []
        case "winnow_url_filter": return e.urlBlocklist == nil ? [] : [("blocklist", 1)]
        case "winnow_pii": return (e.pii ?? []).map { ($0.0, Double($0.1)) }
        default: return []
        }
    }

    /// Closes the attribute shards with the document shard they mirror.
    package func closeShards() throws { for (_, writer) in writers { try writer.finish() } }

    package func publish() throws { for (_, writer) in writers { try writer.publish() } }

    /// Joins the attribute shards as the document shards were joined (`ShardWriter.join`).
    package func join(_ groups: [Range<Int>]) throws -> [String] { try writers.flatMap { try $0.writer.join(groups) } }

    /// The attribute shards written, relative to the output directory.
    package var files: [String] { writers.flatMap { tagger, writer in writer.shardNames.map { folder + "/" + tagger + "/" + $0 } } }
}

extension AttributeWriters {
    /// Writes a document's record to `writer` and its attribute lines, closing the attribute
    /// shards when the document shard closes.
    package func write(_ record: [UInt8], of item: WorkItem, to writer: ShardWriter) throws {
        let closed = try writer.write(record)
        guard !isEmpty, case .extracted(let kept) = item.content else { return }
        try write(id: item.origin.id, extraction: kept)
        if closed { try closeShards() }
    }
}
