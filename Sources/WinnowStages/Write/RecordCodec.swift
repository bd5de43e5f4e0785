import Foundation
import WinnowCore
import WinnowHTML

/// The one-JSON-object-a-line record format of every shard, final and intermediate.
///
/// Final records follow the dolma document format (`id`, `text`, `source`, `added`, `created`,
/// `metadata`). Intermediate shards (the output of `winnow read`, `clean`, `segment`) are the same
/// records with a `winnow` object that holds the stage's state, so that the next stage can start
/// from them. Keys are written in a fixed order, so equal documents give equal bytes.
public enum RecordCodec {
    /// Metadata keys Winnow sets itself; an NDJSON input's other keys are passed through after them.
    package static let ownMetadataKeys: Set<String> = [
        "url", "title", "author", "date_published", "language", "language_score", "language_declared", "canonical_url",
        "site_name", "description", "input", "warc_record_id", "charset", "quality_scores", "quality_flags", "url_blocklist", "pii",
    ]

    /// A dropped document for `--keep-dropped`: the final format, with the text as far as the
    /// document got (empty before extraction) and `drop_stage`, `drop_reason`, `drop_detail` and
    /// `duplicate_of` (the keeper's id, when known) at the end of `metadata`.
    public static func encodeDropped(_ origin: DocumentOrigin, _ drop: Drop, added: String) -> [UInt8] {
        var origin = origin
        func json(_ value: String?) -> [UInt8] {
            var w = JSONWriter(capacity: 64)
            w.string(value)
            return w.bytes
        }
        origin.extraMetadata.removeAll { ["drop_stage", "drop_reason", "drop_detail", "duplicate_of"].contains($0.key) }
        origin.extraMetadata.append(("drop_stage", json(drop.stage.rawValue)))
        origin.extraMetadata.append(("drop_reason", json(drop.reason.rawValue)))
        origin.extraMetadata.append(("drop_detail", json(drop.detail)))
        origin.extraMetadata.append(("duplicate_of", json(drop.duplicateOf)))
        let item = WorkItem(sequence: 0, origin: origin, content: .extracted(drop.extraction ?? Extraction(text: "")))
        return encode(item, added: added) ?? []
    }

    /// Encodes a document at its current stage. Dropped documents are not encoded.
    public static func encode(_ item: WorkItem, added: String) -> [UInt8]? {
        var w = JSONWriter(capacity: 8192)
        let origin = item.origin
        var extraction: Extraction?
        var text = ""
        switch item.content {
        case .extracted(let e):
            extraction = e
            text = e.text
        case .segmented(let page):
            text = page.blocks.map(\.text).joined(separator: "\n")
        case .cleaned, .raw, .cleanedHTML:
            break
        case .dropped:
            return nil
        }
        w.beginObject()
        w.field("id", origin.id)
        w.field("text", text)
        w.field("source", origin.source)
        w.field("added", origin.added ?? added)
        w.field("created", origin.created)
        w.key("metadata")
        encodeMetadata(origin, extraction, &w)
        encodeStageState(item, &w)
        w.endObject()
        var bytes = w.bytes
        bytes.append(0x0a)
        return bytes
    }

    /// The record's `metadata`: where it came from, what extraction found, the filters' scores,
    /// and an NDJSON input's own metadata fields.
    private static func encodeMetadata(_ origin: DocumentOrigin, _ extraction: Extraction?, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("url", origin.url)
        w.field("title", extraction?.title)
        w.field("author", extraction?.author)
        w.field("date_published", extraction?.datePublished)
        w.field("language", extraction?.language)
        w.field("language_score", extraction?.languageScore, digits: 2)
        w.field("language_declared", extraction?.languageDeclared)
        w.field("canonical_url", extraction?.canonicalURL)
        w.field("site_name", extraction?.siteName)
        w.field("description", extraction?.description)
        w.field("input", origin.input)
        w.field("warc_record_id", origin.warcRecordID)
        if let scores = extraction?.qualityScores {
            w.key("quality_scores")
            w.beginObject()
            for (name, score) in scores {
                w.field(name, score)
            }
            w.endObject()
            w.field("quality_flags", strings: extraction?.qualityFlags ?? [])
        }
        if let match = extraction?.urlBlocklist { w.field("url_blocklist", match) }
        if let pii = extraction?.pii {
            w.key("pii")
            w.beginObject()
            for (kind, count) in pii { w.field(kind, count) }
            w.endObject()
        }
        for (key, json) in origin.extraMetadata where !ownMetadataKeys.contains(key) {
            w.key(key)
            w.raw(json)
        }
        w.endObject()
    }

    /// An intermediate stage's state in `winnow` (the raw bytes, the cleaned HTML, the segments),
    /// from which the next stage command goes on; nothing for an extraction.
    private static func encodeStageState(_ item: WorkItem, _ w: inout JSONWriter) {
        switch item.content {
        case .raw(let bytes):
            w.key("winnow")
            w.beginObject()
            w.field("stage", StageName.read.rawValue)
            w.field("content_type", item.origin.contentType)
            w.field("body_base64", Data(bytes).base64EncodedString())
            w.endObject()
        case .cleaned(let page):
            encodeClean(html: HTMLSerializer.serialize(page), info: page.info, &w)
        case .cleanedHTML(let html, let info):
            // A clean record read by a command that stops before cleaning: written back as read.
            encodeClean(html: html, info: info, &w)
        case .segmented(let page):
            w.key("winnow")
            w.beginObject()
            w.field("stage", StageName.segment.rawValue)
            w.key("page")
            encodeInfo(page.info, &w)
            encodeSegments(page, &w)
            w.endObject()
        default:
            break
        }
    }

    /// A clean record's state: the cleaned page as HTML, and what the page's head said before
    /// cleaning (`<time>` and microdata in removed parts), so the next stage need not clean again.
    private static func encodeClean(html: [UInt8], info: PageInfo, _ w: inout JSONWriter) {
        w.key("winnow")
        w.beginObject()
        w.field("stage", StageName.clean.rawValue)
        w.field("charset", info.charset)
        w.field("html", String(decoding: html, as: UTF8.self))
        w.key("page")
        encodeInfo(info, &w)
        w.endObject()
    }

    /// A segmented page's elements and blocks.
    private static func encodeSegments(_ page: SegmentedPage, _ w: inout JSONWriter) {
        w.key("elements")
        w.beginArray()
        for e in page.elements {
            w.beginArray()
            w.int(Int(e.parent))
            w.string(e.tag)
            w.string(e.classID)
            w.endArray()
        }
        w.endArray()
        w.key("blocks")
        w.beginArray()
        for b in page.blocks {
            w.beginObject()
            w.field("kind", b.kind.rawValue)
            w.field("level", b.level)
            w.field("text", b.text)
            w.field("chars", b.chars)
            w.field("link_chars", b.linkChars)
            w.field("element", Int(b.element))
            w.field("sentence_ends", ints: b.sentenceEnds)
            w.field("in_quote", b.inQuote)
            w.field("in_list", b.inList)
            w.field("in_table", b.inTable)
            w.field("in_figure", b.inFigure)
            w.endObject()
        }
        w.endArray()
    }

    private static func encodeInfo(_ info: PageInfo, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("title", info.title)
        w.field("html_lang", info.htmlLang)
        w.field("canonical", info.canonical)
        w.field("charset", info.charset)
        w.key("metas")
        w.beginArray()
        for m in info.metas {
            w.beginArray()
            w.string(m.key)
            w.string(m.content)
            w.endArray()
        }
        w.endArray()
        w.field("json_ld", strings: info.jsonLD)
        w.field("times", strings: info.times)
        if let author = info.microdataAuthor { w.field("microdata_author", author) }
        if let author = info.relAuthor { w.field("rel_author", author) }
        if let author = info.classAuthor { w.field("class_author", author) }
        if let author = info.linkAuthor { w.field("link_author", author) }
        w.endObject()
    }

    // MARK: decoding

    /// Decodes one line of an NDJSON input: a plain document (`id` and `text`: ready for dedup) or
    /// an intermediate record of an earlier `winnow` stage.
    public static func decode(line: ArraySlice<UInt8>, input: String) -> Result<(DocumentOrigin, WorkItem.Content), Drop> {
        // Plain documents, nearly every line of a corpus, are read without Foundation.
        if let document = decodeDocument(line: line, input: input) { return .success(document) }
        let object: [String: Any]
        do {
            guard let o = try JSONSerialization.jsonObject(with: Data(line), options: []) as? [String: Any] else {
                return .failure(Drop(.read, .malformedJSON, "not a JSON object"))
            }
            object = o
        } catch {
            return .failure(Drop(.read, .malformedJSON, "not JSON"))
        }
        guard let id = scalarString(object["id"]) else {
            return .failure(Drop(.read, .malformedJSON, "no \"id\""))
        }
        let metadata = object["metadata"] as? [String: Any] ?? [:]
        var origin = decodeOrigin(object, metadata: metadata, id: id, input: input)
        // Only a record with Winnow's own state (an intermediate stage's output) is read again for it.
        let state: StageState?
        do { state = object["winnow"] == nil ? nil : try StageState.read(line: line) } catch {
            return .failure(Drop(.read, .malformedJSON, "a winnow object that is not the shape Winnow writes"))
        }
        if let state, let stageName = state.stage {
            guard let stage = StageName(rawValue: stageName) else {
                return .failure(Drop(.read, .malformedJSON, "unknown winnow stage \(stageName)"))
            }
            origin.contentType = state.contentType
            if let decoded = decodeStageState(stage, state, origin) { return decoded }
        }
        guard let text = object["text"] as? String else {
            return .failure(Drop(.read, .malformedJSON, "no \"text\""))
        }
        return .success((origin, .extracted(decodeExtraction(text, metadata))))
    }

    /// Where a record came from: its id, source, dates, URL and the metadata fields Winnow does
    /// not set itself (kept as encoded JSON).
    private static func decodeOrigin(_ object: [String: Any], metadata: [String: Any], id: String, input: String) -> DocumentOrigin {
        var origin = DocumentOrigin(id: id, source: .jsonl, input: input)
        if let source = object["source"] as? String, !source.isEmpty { origin.source = source }
        origin.created = object["created"] as? String
        origin.added = object["added"] as? String
        origin.url = metadata["url"] as? String
        origin.warcRecordID = metadata["warc_record_id"] as? String
        if let inner = metadata["input"] as? String { origin.input = inner }
        for key in metadata.keys.sorted() where !ownMetadataKeys.contains(key) {
            if let value = metadata[key],
                let json = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
            {
                origin.extraMetadata.append((key, Array(json)))
            }
        }
        return origin
    }

    /// An intermediate stage's record back into its content; nil for a stage that keeps none.
    private static func decodeStageState(_ stage: StageName, _ state: StageState, _ origin: DocumentOrigin)
        -> Result<(DocumentOrigin, WorkItem.Content), Drop>?
    {
        var origin = origin
        switch stage {
        case .read:
            guard let b64 = state.bodyBase64, let data = Data(base64Encoded: b64) else {
                return .failure(Drop(.read, .malformedJSON, "read record without body_base64"))
            }
            return .success((origin, .raw(Array(data))))
        case .clean:
            guard let html = state.html else {
                return .failure(Drop(.read, .malformedJSON, "clean record without html"))
            }
            origin.contentType = "text/html; charset=utf-8"
            // Records written before they carried the head information are cleaned again.
            guard let info = state.page?.info else { return .success((origin, .raw(Array(html.utf8)))) }
            return .success((origin, .cleanedHTML(Array(html.utf8), info)))
        case .segment:
            guard let page = state.segmentedPage else {
                return .failure(Drop(.read, .malformedJSON, "segment record with malformed blocks"))
            }
            return .success((origin, .segmented(page)))
        default:
            return nil
        }
    }

    /// A record's text and the metadata extraction and the filters wrote.
    private static func decodeExtraction(_ text: String, _ metadata: [String: Any]) -> Extraction {
        var extraction = Extraction(text: text)
        extraction.title = metadata["title"] as? String
        extraction.author = metadata["author"] as? String
        extraction.datePublished = metadata["date_published"] as? String
        extraction.language = metadata["language"] as? String
        extraction.languageScore = (metadata["language_score"] as? NSNumber)?.doubleValue
        extraction.languageDeclared = metadata["language_declared"] as? String
        if let scores = metadata["quality_scores"] as? [String: Any] {
            let pairs: [(String, Double)] = scores.compactMap { k, v in (v as? NSNumber).map { (k, $0.doubleValue) } }
            extraction.qualityScores = QualityRule.inCatalogueOrder(pairs)
            extraction.qualityFlags = metadata["quality_flags"] as? [String] ?? []
        }
        extraction.urlBlocklist = metadata["url_blocklist"] as? String
        if let pii = metadata["pii"] as? [String: Any] {
            extraction.pii = PIIFinder.Kind.allCases.compactMap { kind in (pii[kind.key] as? NSNumber).map { (kind.key, $0.intValue) } }
        }
        extraction.canonicalURL = metadata["canonical_url"] as? String
        extraction.siteName = metadata["site_name"] as? String
        extraction.description = metadata["description"] as? String
        return extraction
    }

    /// A plain document (`id`, `text`, no `winnow` state) by the fast reader; nil for anything
    /// else, which the general path then reads (or reports).
    static func decodeDocument(line: ArraySlice<UInt8>, input: String) -> (DocumentOrigin, WorkItem.Content)? {
        line.withUnsafeBufferPointer { buffer -> (DocumentOrigin, WorkItem.Content)? in
            guard let root = try? JSONReader.parse(buffer), case .object = root, root["winnow"] == nil else { return nil }
            let id: String
            switch root["id"] {
            case .string(let s)?: id = s
            case .number(let n)? where n == n.rounded() && abs(n) < 1e15: id = String(Int64(n))
            default: return nil
            }
            guard let text = root["text"]?.string else { return nil }
            var origin = DocumentOrigin(id: id, source: .jsonl, input: input)
            if let source = root["source"]?.string, !source.isEmpty { origin.source = source }
            origin.created = root["created"]?.string
            origin.added = root["added"]?.string
            var extraction = Extraction(text: text)
            if case .object(let members)? = root["metadata"] {
                let meta = root["metadata"]
                origin.url = meta?["url"]?.string
                origin.warcRecordID = meta?["warc_record_id"]?.string
                if let inner = meta?["input"]?.string { origin.input = inner }
                extraction.title = meta?["title"]?.string
                extraction.author = meta?["author"]?.string
                extraction.datePublished = meta?["date_published"]?.string
                extraction.language = meta?["language"]?.string
                if case .number(let score)? = meta?["language_score"] { extraction.languageScore = score }
                extraction.languageDeclared = meta?["language_declared"]?.string
                if case .object(let scores)? = meta?["quality_scores"] {
                    extraction.qualityScores = scores.compactMap { m in
                        if case .number(let n) = m.value { return (m.key, n) } else { return nil }
                    }
                    if case .array(let flags)? = meta?["quality_flags"] {
                        extraction.qualityFlags = flags.compactMap(\.string)
                    } else {
                        extraction.qualityFlags = []
                    }
                }
                extraction.urlBlocklist = meta?["url_blocklist"]?.string
                if case .object = meta?["pii"] {
                    extraction.pii = PIIFinder.Kind.allCases.compactMap { kind in
                        if case .number(let n)? = meta?["pii"]?[kind.key] { return (kind.key, Int(n)) } else { return nil }
                    }
                }
                extraction.canonicalURL = meta?["canonical_url"]?.string
                extraction.siteName = meta?["site_name"]?.string
                extraction.description = meta?["description"]?.string
                // Other metadata passes through as written (the metadata's byte ranges are relative to the line).
                for member in members.sorted(by: { $0.key < $1.key }) where !ownMetadataKeys.contains(member.key) {
                    origin.extraMetadata.append((member.key, Array(UnsafeBufferPointer(rebasing: buffer[member.range]))))
                }
            }
            return (origin, .extracted(extraction))
        }
    }

    private static func scalarString(_ value: Any?) -> String? {
        if let s = value as? String { return s }
        if let n = value as? NSNumber { return n.stringValue }
        return nil
    }

}
