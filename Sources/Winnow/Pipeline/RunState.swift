import Foundation
import WinnowCompression

#if canImport(Glibc)
    import Glibc
    import WinnowCore
    import WinnowStages
    import WinnowDedup
#endif

/// What an output directory holds: the committed runs (their shards and index segments) and the
/// inputs they finished. Kept in `OUTPUT/winnow-state.json`, replaced atomically (temporary name,
/// fsync, rename) once a run's shards are durable: that rename is the run's commit. Files in the
/// directory that no committed run lists are leftovers of a killed run and are removed before the
/// next run starts, which then processes the same inputs again: exactly once, whatever the timing.
///
/// The file's one reader and writer is this type (`Decodable` to read; `save` writes the same keys
/// in a fixed order); `format` names its version, and a version this build does not know is refused.
public struct RunState: Decodable {
    /// The version this build reads and writes.
    public static let format = "winnow-state/1"

    /// One input file a committed run processed.
    public struct FinishedInput: Equatable, Codable {
        public var size: Int
        public var modified: Int
        /// For a file that may grow (WARC, plain NDJSON): where the next run reads on from when
        /// the file has grown since, and a hash of the bytes before that point, which must be
        /// unchanged for the file to count as grown rather than changed.
        public var resume: Int?
        public var tail: String?
        /// For a URL: the server's ETag of the version read.
        public var etag: String?
        /// Read up to `resume` by a run that checkpointed there and did not finish (it was killed):
        /// the next run reads on from there. (Optional: absent in the file means no.)
        public var partial: Bool?
        /// The file's name in its documents (`metadata.input`), and the document shards that hold
        /// them (relative to the output directory): where a later run finds them to replace them
        /// when the file has changed. (Absent in states written before Winnow recorded them.)
        public var input: String?
        public var shards: [String]?

        public init(size: Int, modified: Int, resume: Int? = nil, tail: String? = nil, etag: String? = nil) {
            self.size = size
            self.modified = modified
            self.resume = resume
            self.tail = tail
            self.etag = etag
        }

        /// A URL's identity: its size, Last-Modified (as nanoseconds, 0 when not given) and ETag
        /// (-1 for a size not given).
        public init(remote v: RemoteValidators) {
            let seconds = v.lastModified.flatMap(HTTPDate.parse).map { Int($0.timeIntervalSince1970) } ?? 0
            self.init(size: v.size ?? -1, modified: seconds * 1_000_000_000, etag: v.etag)
        }

        /// The same file, unchanged (where it may be read on from aside).
        public func sameFile(_ other: FinishedInput) -> Bool { size == other.size && modified == other.modified && etag == other.etag }
    }

    /// A hash of the (up to) 4 KiB of `path` before `offset`, nil when they cannot be read.
    public static func tailHash(_ path: String, before offset: Int) -> String? {
        guard offset > 0, let source = try? FileByteSource(path: path) else { return nil }
        let start = max(0, offset - 4096)
        guard (try? source.seek(to: start)) != nil else { return nil }
        var bytes: [UInt8] = []
        while bytes.count < offset - start, let n = try? source.read(into: &bytes, maxCount: offset - start - bytes.count), n > 0 {}
        guard bytes.count == offset - start else { return nil }
        return Hash128(bytes).hex
    }

    /// One committed run.
    public struct Run: Codable {
        public var number: Int
        public var files: [String]
        public var indexSegment: String?
        public var finished: String
        /// The cross-run index segments the run's checkpoints wrote (the documents it kept before
        /// each), beside `indexSegment` (those after the last).
        public var checkpointSegments: [String]?

        enum CodingKeys: String, CodingKey {
            case number, files, finished
            case indexSegment = "index_segment"
            case checkpointSegments = "checkpoint_index_segments"
        }

        /// Every index segment of the run.
        public var indexSegments: [String] { (checkpointSegments ?? []) + (indexSegment.map { [$0] } ?? []) }
    }

    enum CodingKeys: String, CodingKey {
        case format, runs, checkpoint, replacing
        case finished = "finished_inputs"
        case extraMetadata = "extra_metadata"
    }

    /// What a run that committed checkpoints and has not finished left for the run after it:
    /// its dedup state in `OUTPUT/.checkpoint` (`DedupCheckpoint`), by file.
    public struct Checkpoint: Codable, Equatable {
        public var run: Int
        public var segments: [String]
        public var keys: [String]
    }

    /// Set while a run is between checkpoints (and after one was killed), nil once it finished.
    public var checkpoint: Checkpoint?

    /// Earlier shards and index segments a commit replaced (the documents of inputs that changed
    /// taken out): each shard's new version waits as `.NAME.replacement` and each segment's under
    /// its new name until the renames that follow the commit; a run killed in between has them
    /// finished by the next (`finishReplacements`). Cleared by the commit after.
    public struct Replacing: Codable, Equatable {
        public var shards: [String] = []
        /// Index segments: old name to new name ("" for a segment left empty).
        public var segments: [String: String] = [:]
        public var isEmpty: Bool { shards.isEmpty && segments.isEmpty }
        public init(shards: [String] = [], segments: [String: String] = [:]) {
            self.shards = shards
            self.segments = segments
        }
    }

    public var replacing: Replacing?

    public var runs: [Run] = []
    /// Metadata keys of NDJSON inputs the written documents carry, each `string` when every value
    /// was a string, else `json` (the dataset card declares them).
    public var extraMetadata: [String: String] = [:]
    /// Finished inputs by absolute path (or URL).
    public var finished: [String: FinishedInput] = [:]

    public static let fileName = "winnow-state.json"
    /// The folder of the final documents in an output directory.
    public static let documentsFolder = "documents"

    public init() {}

    /// The next run's number.
    public var nextRun: Int { (runs.map(\.number).max() ?? 0) + 1 }

    /// Records `run`, in place of an entry of the same number (written at its checkpoints), last.
    public mutating func setRun(_ run: Run) {
        runs.removeAll { $0.number == run.number }
        runs.append(run)
    }

    /// Every file the committed runs list.
    public var committedFiles: Set<String> { Set(runs.flatMap(\.files)) }

    /// Reads the state of `directory` (empty when there is none yet).
    public static func load(_ directory: String) throws -> RunState {
        let path = directory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { return RunState() }
        struct Header: Decodable { var format: String? }
        guard let data = FileManager.default.contents(atPath: path),
            let header = try? JSONDecoder().decode(Header.self, from: data)
        else {
            throw OutputError(path, reason: "not a Winnow state file; move it away to start afresh")
        }
        guard header.format == nil || header.format == format else {
            throw OutputError(
                path, reason: "a state file of version \(header.format!), which this build of Winnow does not read (it reads \(format))")
        }
        do {
            return try JSONDecoder().decode(RunState.self, from: data)
        } catch {
            throw OutputError(path, reason: "not a Winnow state file (\(error)); move it away to start afresh")
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        runs = try c.decodeIfPresent([Run].self, forKey: .runs) ?? []
        finished = try c.decodeIfPresent([String: FinishedInput].self, forKey: .finished) ?? [:]
        extraMetadata = try c.decodeIfPresent([String: String].self, forKey: .extraMetadata) ?? [:]
        checkpoint = try c.decodeIfPresent(Checkpoint.self, forKey: .checkpoint)
        replacing = try c.decodeIfPresent(Replacing.self, forKey: .replacing)
    }

    /// Writes the state durably; this is the commit of the runs it lists.
    public func save(_ directory: String) throws {
        var w = JSONWriter()
        w.beginObject()
        w.field("format", Self.format)
        w.key("runs")
        w.beginArray()
        for run in runs {
            w.beginObject()
            w.field("number", run.number)
            w.field("finished", run.finished)
            w.field("files", strings: run.files)
            w.field("index_segment", run.indexSegment)
            if let segments = run.checkpointSegments, !segments.isEmpty { w.field("checkpoint_index_segments", strings: segments) }
            w.endObject()
        }
        w.endArray()
        writeFinished(&w)
        if let checkpoint {
            w.key("checkpoint")
            w.beginObject()
            w.field("run", checkpoint.run)
            w.field("segments", strings: checkpoint.segments)
            w.field("keys", strings: checkpoint.keys)
            w.endObject()
        }
        if !extraMetadata.isEmpty {
            w.key("extra_metadata")
            w.beginObject()
            for key in extraMetadata.keys.sorted() { w.field(key, extraMetadata[key]) }
            w.endObject()
        }
        w.endObject()
        try Durable.write(directory + "/" + Self.fileName, w.bytes + [0x0a])
    }

    /// `finished_inputs` (and `replacing`, when set), for `save`.
    private func writeFinished(_ w: inout JSONWriter) {
        w.key("finished_inputs")
        w.beginObject()
        for path in finished.keys.sorted() {
            guard let input = finished[path] else { continue }
            w.key(path)
            w.beginObject()
            w.field("size", input.size)
            w.field("modified", input.modified)
            if let resume = input.resume, let tail = input.tail {
                w.field("resume", resume)
                w.field("tail", tail)
            }
            if let etag = input.etag { w.field("etag", etag) }
            if input.partial == true { w.field("partial", true) }
            if let name = input.input { w.field("input", name) }
            if let shards = input.shards { w.field("shards", strings: shards) }
            w.endObject()
        }
        w.endObject()
        if let replacing, !replacing.isEmpty {
            w.key("replacing")
            w.beginObject()
            w.field("shards", strings: replacing.shards)
            w.key("segments")
            w.beginObject()
            for old in replacing.segments.keys.sorted() { w.field(old, replacing.segments[old]) }
            w.endObject()
            w.endObject()
        }
    }

    /// The identity of an input file as the state records it, or nil when it cannot be read.
    public static func identity(of path: String) -> (path: String, input: FinishedInput)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return (absolute, FinishedInput(size: Int(st.st_size), modified: Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec)))
    }

    /// Removes files of `prefixes` in `directory` that no committed run lists (a killed run's),
    /// and temporary files. Returns the names removed.
    public func removeUncommitted(in directory: String, prefixes: [String]) -> [String] {
        let keep = committedFiles
        // A run killed after its commit and before its shards were renamed: rename them now.
        for name in keep where !FileManager.default.fileExists(atPath: directory + "/" + name) {
            let waiting = directory + "/" + Self.pendingPath(name)
            if FileManager.default.fileExists(atPath: waiting) { rename(waiting, directory + "/" + name) }
        }
        // The same for the new versions of earlier shards a committed run replaced.
        for name in replacing?.shards ?? [] {
            let waiting = directory + "/" + Self.replacementPath(name)
            if FileManager.default.fileExists(atPath: waiting) { rename(waiting, directory + "/" + name) }
        }
        var removed: [String] = []
        let taggers = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/attributes")) ?? []
        for folder in ["", Self.documentsFolder + "/"] + taggers.sorted().map({ "attributes/" + $0 + "/" }) {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + folder)) ?? [] {
                let ours = prefixes.contains { name.hasPrefix($0 + "-") && name.hasSuffix(".jsonl.gz") }
                let temporary = name.hasPrefix(".") && [".tmp", ".pending", ".replacement"].contains { name.hasSuffix($0) }
                if (ours && !keep.contains(folder + name)) || temporary {
                    if unlink(directory + "/" + folder + name) == 0 { removed.append(folder + name) }
                }
            }
        }
        return removed.sorted()
    }

    /// Where the shard named `name` (relative to the output directory) waits for its commit.
    static func pendingPath(_ name: String) -> String { waitingPath(name, ShardWriter.pendingName) }

    /// `name` (relative to the output directory) with its file name made hidden by `hide`.
    private static func waitingPath(_ name: String, _ hide: (String) -> String) -> String {
        let folder = (name as NSString).deletingLastPathComponent
        let hidden = hide((name as NSString).lastPathComponent)
        return folder.isEmpty ? hidden : folder + "/" + hidden
    }

    /// Where the new version of the committed shard `name` waits for the commit that replaces it.
    static func replacementPath(_ name: String) -> String { waitingPath(name) { "." + $0 + ".replacement" } }

    /// Moves the document shards of an output directory written before they had their folder
    /// (`shard-…` beside the summaries) into `documents/`, and names them so in the state. Files
    /// first, then the state: a run killed in between finds them moved and only renames them here.
    public mutating func moveDocumentsIntoTheirFolder(_ directory: String) throws {
        var changed = false
        for r in runs.indices {
            for (f, name) in runs[r].files.enumerated() where name.hasPrefix("shard-") && !name.contains("/") {
                let moved = Self.documentsFolder + "/" + name
                if FileManager.default.fileExists(atPath: directory + "/" + name) {
                    try Durable.makeDirectory(directory + "/" + Self.documentsFolder)
                    guard rename(directory + "/" + name, directory + "/" + moved) == 0 else {
                        throw OutputError(directory + "/" + moved, errno: errno)
                    }
                }
                runs[r].files[f] = moved
                changed = true
            }
        }
        if changed { try save(directory) }
    }
}
