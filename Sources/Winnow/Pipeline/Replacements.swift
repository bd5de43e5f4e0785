import Foundation
import WinnowCompression
import WinnowCore
import WinnowDedup
import WinnowStages

#if canImport(Glibc)
    import Glibc
#endif

/// Inputs that changed since a committed run read them (rewritten, cut short, replaced: anything
/// but grown) are read again whole, and their earlier documents are taken out of the output, so
/// each document of the new version is there once and none of the old one is.
///
/// The state records, for each finished input, its name in the documents (`metadata.input`) and
/// the document shards that hold them. At its start a run reads those shards and notes the lines
/// of each changed input and their ids; the ids are left out when the cross-run index is loaded
/// (the new version's documents must not be dropped as copies of the ones they replace). The
/// run's first commit (a checkpoint or its end) writes each affected shard again without those
/// lines, and its attribute files line for line (`.NAME.replacement`), and each index segment that
/// held the ids without them (a new name), then saves the state naming the new segments, without
/// the shards left empty, and listing the replacements (`RunState.Replacing`); only then are the
/// new versions renamed over the old and the segments swapped in the index manifest. A run killed
/// before that save changed nothing; one killed after has the renames finished by the next run.
/// The state is saved once more when they are done.
struct Replacements {
    /// An input a committed run finished that has changed since.
    struct Changed {
        var path: String
        /// Its name in the documents now (`metadata.input`).
        var name: String
        var earlier: RunState.FinishedInput
    }

    /// The lines (from 0) to take out of each committed document shard, by its name relative to
    /// the output directory, ascending.
    private(set) var lines: [String: [Int]] = [:]
    /// The ids of those documents (left out of the cross-run index).
    private(set) var ids: Set<String> = []
    /// The changed inputs whose earlier documents are replaced.
    private(set) var paths: [String] = []
    /// The cross-run index segments that held any of `ids` (`DedupSink.load` fills it).
    var segmentsHit: Set<String> = []
    /// Whether a commit has taken them out already.
    private(set) var committed = false
    /// Shards left empty by the last `commit`, removed once it is saved.
    private var emptied: [String] = []

    var documents: Int { lines.values.reduce(0) { $0 + $1.count } }

    init() {}

    /// Finds the earlier documents of `changed` in the committed shards of `directory` (those the
    /// state records for each input, every document shard for an input recorded by a version
    /// of Winnow that did not record them). An input whose documents cannot be told from another
    /// input's (the same name in the same shards) keeps them, with a warning. Throws when a shard
    /// cannot be read.
    init(_ changed: [Changed], state: RunState, directory: String, shardPrefix: String) throws {
        let allShards = state.runs.flatMap(\.files).filter {
            !$0.hasPrefix("attributes/") && ($0 as NSString).lastPathComponent.hasPrefix(shardPrefix + "-")
        }
        let others = Namesakes(state)
        var wanted: [String: Set<String>] = [:]
        for input in changed {
            let shards = input.earlier.shards ?? allShards
            let name = input.earlier.input ?? input.name
            if let other = others.sharing(shards, name: name, besides: input.path) {
                Log.warning(
                    "\(input.path): changed since an earlier run read it, and read again; its earlier documents stay, as they cannot be told from those of \(other) (named \(input.name) too)"
                )
                continue
            }
            paths.append(input.path)
            for shard in shards { wanted[shard, default: []].insert(name) }
            Log.info("\(input.path): changed since an earlier run read it; read again whole, its earlier documents replaced")
        }
        for shard in wanted.keys.sorted() {
            try find(shard, names: wanted[shard]!, directory: directory)
        }
    }

    /// The finished inputs by their name in the documents, looked up once for all changed inputs.
    private struct Namesakes {
        var named: [String: [(path: String, shards: [String]?)]] = [:]
        /// Entries of states that did not record names: matched by the end of their path.
        var unnamed: [(path: String, shards: [String]?)] = []

        init(_ state: RunState) {
            for (path, input) in state.finished {
                if let name = input.input { named[name, default: []].append((path, input.shards)) } else { unnamed.append((path, input.shards)) }
            }
        }

        /// Another finished input named `name` whose documents may share a shard with `shards`.
        func sharing(_ shards: [String], name: String, besides path: String) -> String? {
            let candidates = (named[name] ?? []) + unnamed.filter { $0.path.hasSuffix("/" + name) }
            let mine = Set(shards)
            for other in candidates where other.path != path {
                guard let theirs = other.shards else { return other.path }
                if theirs.contains(where: mine.contains) { return other.path }
            }
            return nil
        }
    }

    /// Notes the lines of `shard` whose `metadata.input` is one of `names`.
    private mutating func find(_ shard: String, names: Set<String>, directory: String) throws {
        let path = directory + "/" + shard
        guard FileManager.default.fileExists(atPath: path) else {
            Log.warning("\(path): listed by a committed run but missing; documents of changed inputs in it cannot be taken out")
            return
        }
        var found: [Int] = []
        var line = 0
        try Self.forEachLine(path) { bytes in
            defer { line += 1 }
            guard let document = bytes.withUnsafeBufferPointer({ try? JSONReader.parse($0) }),
                let input = document["metadata"]?["input"]?.string, names.contains(input)
            else { return }
            found.append(line)
            if let id = document["id"]?.string { ids.insert(id) }
        }
        if !found.isEmpty { lines[shard] = found }
    }

    private static func forEachLine(_ path: String, _ body: (ArraySlice<UInt8>) -> Void) throws {
        do {
            try ByteReader.forEachLine(ofFile: path, limit: 1 << 40, body)
        } catch {
            throw OutputError(path, reason: "a committed shard that cannot be read (\(error))")
        }
    }

    /// Takes the documents out (see the type's comment) as part of the commit that saves `state`
    /// next: writes the new versions, and sets in `state` the runs' files and index segments and
    /// what `finish` completes after the save. The changed inputs' entries are removed (the commit
    /// records them again once read). Only the first commit of a run does this; later ones clear
    /// `state.replacing`.
    mutating func commit(into state: inout RunState, directory: String, index: DedupIndex?, run: Int, compression: Int32) throws {
        let unswapped = Self.unswapped(state.replacing, index: index)
        state.replacing = unswapped
        guard !committed else { return }
        committed = true
        var replacing = RunState.Replacing()
        let taggers = ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/attributes")) ?? []).sorted()
        for shard in lines.keys.sorted() {
            let drop = Set(lines[shard]!)
            let base = (shard as NSString).lastPathComponent
            let files = [shard] + taggers.map { "attributes/\($0)/\(base)" }.filter { FileManager.default.fileExists(atPath: directory + "/" + $0) }
            var left = 0
            for file in files {
                let kept = try Self.rewrite(
                    directory + "/" + file, dropping: drop, to: directory + "/" + RunState.replacementPath(file), level: compression)
                if file == shard { left = kept }
            }
            if left == 0 {
                for file in files { unlink(directory + "/" + RunState.replacementPath(file)) }
                emptied += files
            } else {
                replacing.shards += files
            }
        }
        let gone = Set(emptied)
        for r in state.runs.indices { state.runs[r].files.removeAll { gone.contains($0) } }
        if let index {
            for segment in segmentsHit.sorted() {
                let renamed = Self.replacedName(segment, run: run)
                let left = try index.rewrite(segment, dropping: ids, as: renamed)
                replacing.segments[segment] = left > 0 ? renamed : ""
                state.renameIndexSegment(segment, to: left > 0 ? renamed : nil)
            }
        }
        for path in paths { state.finished[path] = nil }
        replacing.segments.merge(unswapped?.segments ?? [:]) { new, _ in new }
        state.replacing = replacing.isEmpty ? nil : replacing
    }

    /// What of `replacing` stays in the state once its renames are done: index segments a run
    /// without the index cannot swap in its manifest, until a run with it does (`Pipeline.openIndex`).
    private static func unswapped(_ replacing: RunState.Replacing?, index: DedupIndex?) -> RunState.Replacing? {
        guard index == nil, let segments = replacing?.segments, !segments.isEmpty else { return nil }
        return RunState.Replacing(segments: segments)
    }

    /// After the save of a commit that took documents out: the new versions renamed over the old
    /// shards, the index manifest naming the new segments, the shards left empty removed; then
    /// the state saved again without them (but for segments only a run with the index can swap).
    mutating func finish(_ state: inout RunState, directory: String, index: DedupIndex?) throws {
        for file in emptied { unlink(directory + "/" + file) }
        emptied = []
        guard let replacing = state.replacing else { return }
        try Self.finish(replacing, directory: directory, index: index)
        state.replacing = Self.unswapped(replacing, index: index)
        if state.replacing != replacing { try state.save(directory) }
    }

    /// The renames and manifest changes of `replacing` (idempotent: the next run repeats them
    /// for a run killed between its save and their end).
    static func finish(_ replacing: RunState.Replacing, directory: String, index: DedupIndex?) throws {
        for file in replacing.shards {
            let waiting = directory + "/" + RunState.replacementPath(file)
            guard FileManager.default.fileExists(atPath: waiting) else { continue }
            if rename(waiting, directory + "/" + file) != 0 { throw OutputError(directory + "/" + file, errno: errno) }
        }
        Durable.syncDirectory(directory)
        guard let index else { return }
        for (old, new) in replacing.segments.sorted(by: { $0.key < $1.key }) {
            try index.replace(old, with: new.isEmpty ? nil : new)
            unlink(index.directory + "/" + old)
        }
    }

    /// Writes the lines of gzip file `path` but those at `drop` to `destination` (durably); returns
    /// how many it kept. Nothing is written when none is kept.
    private static func rewrite(_ path: String, dropping drop: Set<Int>, to destination: String, level: Int32) throws -> Int {
        let compressor = try GzipCompressor(level: level)
        var out: [UInt8] = []
        var line = 0
        var kept = 0
        try forEachLine(path) { bytes in
            defer { line += 1 }
            guard !drop.contains(line) else { return }
            compressor.compress(Array(bytes) + [0x0a], into: &out)
            kept += 1
        }
        guard kept > 0 else { return 0 }
        compressor.finish(into: &out)
        try Durable.write(destination, out)
        return kept
    }

    /// A segment's name once documents are taken out of it by run `run`.
    static func replacedName(_ segment: String, run: Int) -> String {
        var stem = segment.hasSuffix(".wdx") ? String(segment.dropLast(4)) : segment
        if let mark = stem.range(of: ".r", options: .backwards) { stem = String(stem[..<mark.lowerBound]) }
        return stem + ".r\(run).wdx"
    }
}

extension RunState {
    /// Names `new` (or nothing, for nil) where a run named index segment `old`.
    mutating func renameIndexSegment(_ old: String, to new: String?) {
        for r in runs.indices {
            if runs[r].indexSegment == old { runs[r].indexSegment = new }
            if let at = runs[r].checkpointSegments?.firstIndex(of: old) {
                if let new { runs[r].checkpointSegments![at] = new } else { runs[r].checkpointSegments!.remove(at: at) }
            }
        }
    }
}
