import Foundation
import Winnow
import WinnowCompression
import WinnowCore
import WinnowStages

/// What `winnow inspect` reads: the documents of an output directory (kept, and dropped when the
/// run kept them with `--keep-dropped`), filtered, and the block-by-block decisions of the
/// extraction on one page.
public enum Inspector {
    /// One document of a shard.
    /// `@unchecked Sendable`: `metadata` holds JSONSerialization's immutable values (a shard
    /// record's open `metadata`, any JSON); a document is built once and never changed in place.
    public struct Document: @unchecked Sendable {
        public var id: String
        public var text: String
        /// `kept`, or the drop reason.
        public var reason: String
        public var stage: String
        public var detail: String
        public var metadata: [String: Any]
        public var shard: String

        public var url: String? { metadata["url"] as? String }
        public var language: String? { metadata["language"] as? String }
    }

    /// Which documents to show.
    public struct Filter: Sendable {
        /// `kept`, a drop reason, or nil for all.
        public var reason: String?
        public var language: String?
        /// The URL's host ends with it (`example.com` matches `news.example.com`).
        public var domain: String?
        /// Case-insensitive text search in the text, title and URL.
        public var search: String?
        public init(reason: String? = nil, language: String? = nil, domain: String? = nil, search: String? = nil) {
            self.reason = reason
            self.language = language
            self.domain = domain
            self.search = search
        }

        func matches(_ d: Document) -> Bool {
            if let reason, d.reason != reason { return false }
            if let language, d.language != language { return false }
            if let domain {
                let host = RunProfile.domain(d.url)
                if host != domain && !host.hasSuffix("." + domain) { return false }
            }
            if let search {
                let q = search.lowercased()
                let title = d.metadata["title"] as? String ?? ""
                if !(d.text.lowercased().contains(q) || title.lowercased().contains(q) || (d.url ?? "").lowercased().contains(q)) { return false }
            }
            return true
        }
    }

    /// The directory of dropped shards: `--keep-dropped` of the latest run that had one.
    public static func droppedDirectory(of output: String) -> String? {
        let summaries = (try? ReportPage.summaries(in: output)) ?? []
        for s in summaries.reversed() { if let dir = s.keepDropped { return dir } }
        return nil
    }

    /// Documents matching `filter`, kept ones first, in shard order; at most `limit`.
    public static func documents(output: String, dropped: String?, filter: Filter, limit: Int) throws -> [Document] {
        var result: [Document] = []
        let state = try RunState.load(output)
        let committed = state.committedFiles
        var sources: [(String, String)] = []
        if filter.reason == nil || filter.reason == "kept" {
            let documents = output + "/" + RunState.documentsFolder
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: documents)) ?? []).sorted()
            where name.hasPrefix("shard-") && name.hasSuffix(".jsonl.gz") && committed.contains(RunState.documentsFolder + "/" + name) {
                sources.append((documents, name))
            }
        }
        if let dropped, filter.reason != "kept" {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: dropped)) ?? []).sorted()
            where name.hasPrefix("dropped-") && name.hasSuffix(".jsonl.gz") && committed.contains(name) {
                sources.append((dropped, name))
            }
        }
        for (dir, name) in sources {
            let lines = ByteReader(source: try GzipByteSource(path: dir + "/" + name))
            while result.count < limit, let (line, _) = try lines.readLine(limit: 1 << 40) {
                guard !line.isEmpty, let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { continue }
                let metadata = object["metadata"] as? [String: Any] ?? [:]
                let doc = Document(
                    id: object["id"] as? String ?? "", text: object["text"] as? String ?? "",
                    reason: metadata["drop_reason"] as? String ?? "kept", stage: metadata["drop_stage"] as? String ?? "write",
                    detail: metadata["drop_detail"] as? String ?? "", metadata: metadata, shard: name)
                if filter.matches(doc) { result.append(doc) }
            }
            if result.count >= limit { break }
        }
        return result
    }

    public struct NotFound: Error, CustomStringConvertible {
        public var description: String
    }

    /// The extraction's decisions on the page `id`: the page is found in the output's shards
    /// (kept or dropped) for its input file, which is read again from `inputs` (or from the
    /// inputs the output's state lists).
    public static func explainPage(id: String, output: String, inputs: [String], settings: PipelineConfig) throws -> (
        DocumentOrigin, BlockExplanation
    ) {
        var files: [InputFile] = []
        if inputs.isEmpty {
            let matches = try documents(output: output, dropped: droppedDirectory(of: output), filter: Filter(), limit: .max).filter { $0.id == id }
            guard let doc = matches.first, let input = doc.metadata["input"] as? String else {
                throw NotFound(
                    description: "no document \(id) in \(output) (dropped ones are there only with --keep-dropped); give the input with --input")
            }
            let state = try RunState.load(output)
            // The file as the run saw it: its path relative to the --input it was under names the page.
            for path in state.finished.keys.sorted() where path == input || path.hasSuffix("/" + input) {
                guard let format = InputFormat(fileName: path) else { continue }
                files.append(InputFile(path: path, relativePath: input, format: format, size: state.finished[path]?.size ?? 0))
            }
            guard !files.isEmpty else {
                throw NotFound(description: "the input \(input) of \(id) is not among the inputs \(output)'s runs finished; give it with --input")
            }
        } else {
            var scanner = InputScanner()
            files = scanner.scan(inputs)
        }
        let reader = ArchiveReader(settings: settings.read)
        var found: (DocumentOrigin, WorkItem.Content)?
        for file in files where found == nil {
            reader.read(file) { origin, content in
                if found == nil && origin.id == id { found = (origin, content) }
            }
        }
        let candidates = files.map(\.path)
        guard let (origin, content) = found else { throw NotFound(description: "no page \(id) in \(candidates.joined(separator: ", "))") }
        switch content {
        case .raw(let bytes):
            let page = try Cleaner(settings: settings.clean).clean(bytes, contentType: origin.contentType)
            let segmented = Segmenter().segment(page)
            return (origin, Extractor(settings: settings.extract).explain(segmented, url: origin.url))
        case .dropped(let drop):
            throw NotFound(description: "page \(id) is dropped at \(drop.stage.rawValue) (\(drop.reason.rawValue)): \(drop.detail)")
        default:
            throw NotFound(description: "document \(id) came as text (NDJSON), not as a page: it has no blocks to explain")
        }
    }
}
