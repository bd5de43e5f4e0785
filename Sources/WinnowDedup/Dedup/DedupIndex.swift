import Foundation

#if canImport(Glibc)
    import Glibc
    import WinnowCore
#endif

/// The cross-run memory of near-duplicate detection (`--index DIR`): the MinHash signatures and
/// ids of every document kept by earlier runs, on local disk, embedded (no server).
///
/// Layout: one segment file per run (`segment-NNNNNN.wdx`) and `manifest.json`, which lists the
/// segments that count. A run writes its segment under a temporary name, syncs it, renames it,
/// then replaces the manifest the same way; a run killed at any point leaves the manifest
/// naming either the old segments or the old ones plus the new one, never a partial file.
/// `compact` merges all segments into one, the same way.
public struct DedupIndex {
    public let directory: String
    public let settings: NearDedupSettings

    /// Errors that stop a run: an index that cannot be read or written, or one built with other settings.
    public struct IndexError: Error, CustomStringConvertible {
        public let description: String
    }

    static let magic = Array("WNWDX3\u{0}\u{0}".utf8)

    public init(directory: String, settings: NearDedupSettings) {
        self.directory = directory
        self.settings = settings
    }

    var manifestPath: String { directory + "/manifest.json" }

    /// The segment file names the manifest lists (none for a new index).
    public func segments() throws -> [String] {
        guard FileManager.default.fileExists(atPath: manifestPath) else { return [] }
        guard let data = FileManager.default.contents(atPath: manifestPath),
            let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else {
            throw IndexError(description: "\(manifestPath): not a Winnow index manifest")
        }
        guard manifest.format == nil || manifest.format == Manifest.format else {
            throw IndexError(
                description: "\(manifestPath): an index of version \(manifest.format!), which this build of Winnow does not read (\(Manifest.format))"
            )
        }
        if let s = manifest.settings, s != Manifest.Settings(settings) {
            throw IndexError(
                description:
                    "\(directory) was built with hashes \(s.hashes ?? 0), bands \(s.bands ?? 0), rows \(s.rows ?? 0), shingle size \(s.shingleSize ?? 0); run with those settings or use a new --index"
            )
        }
        return manifest.segments
    }

    /// `manifest.json`: the version, the settings the signatures were made with, the segments that count.
    struct Manifest: Codable {
        static let format = "winnow-dedup-index/1"
        var format: String?
        var settings: Settings?
        var segments: [String]

        struct Settings: Codable, Equatable {
            var hashes, bands, rows, shingleSize, paragraphCap: Int?

            enum CodingKeys: String, CodingKey {
                case hashes, bands, rows
                case shingleSize = "shingle_size"
                case paragraphCap = "paragraph_cap"
            }

            init(_ s: NearDedupSettings) {
                (hashes, bands, rows, shingleSize, paragraphCap) = (s.hashes, s.bands, s.rows, s.shingleSize, s.paragraphCap)
            }
        }

        /// The file's bytes, keys in a fixed order.
        var bytes: [UInt8] {
            var w = JSONWriter()
            w.beginObject()
            w.field("format", format)
            w.key("settings")
            w.beginObject()
            w.field("hashes", settings?.hashes)
            w.field("bands", settings?.bands)
            w.field("rows", settings?.rows)
            w.field("shingle_size", settings?.shingleSize)
            w.field("paragraph_cap", settings?.paragraphCap)
            w.endObject()
            w.field("segments", strings: segments)
            w.endObject()
            return w.bytes + [0x0a]
        }
    }

    /// Loads every listed segment into `index` as earlier-run documents. Returns how many.
    @discardableResult
    public func load(into index: NearDuplicateIndex) throws -> Int {
        try load(segments: try segments(), into: index)
    }

    /// Loads the named segments of the directory into `index` as earlier documents, in order.
    @discardableResult
    public func load(segments names: [String], into index: NearDuplicateIndex) throws -> Int {
        var hit: Set<String> = []
        return try load(segments: names, into: index, excluding: [], hit: &hit)
    }

    /// The same, leaving out the documents whose id is in `excluded` (those of inputs that changed
    /// since, whose documents a run replaces); `hit` gets the segments that held any.
    public func load(segments names: [String], into index: NearDuplicateIndex, excluding excluded: Set<String>, hit: inout Set<String>) throws
        -> Int
    {
        var total = 0
        for name in names {
            let segment = try decode(name)
            for i in 0..<segment.count {
                if !excluded.isEmpty, excluded.contains(segment.ids[i]) {
                    hit.insert(name)
                    continue
                }
                index.addEarlier(signature: segment.signature(i), shingles: segment.shingleSet(i), id: segment.ids[i])
                total += 1
            }
        }
        return total
    }

    /// One segment file, decoded.
    struct Segment {
        var k: Int
        var signatures: [UInt32]
        var starts: [Int]
        var shingles: [UInt32]
        var ids: [String]
        var count: Int { ids.count }
        func signature(_ i: Int) -> ArraySlice<UInt32> { signatures[(i * k)..<((i + 1) * k)] }
        func shingleSet(_ i: Int) -> ArraySlice<UInt32> { shingles[starts[i]..<starts[i + 1]] }
    }

    private func decode(_ name: String) throws -> Segment {
        let path = directory + "/" + name
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IndexError(description: "\(path): listed in the manifest but unreadable")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 16, Array(bytes[0..<8]) == Self.magic else {
            throw IndexError(description: "\(path): not a Winnow index segment")
        }
        let k = Int(read32(bytes, 8))
        let count = Int(read32(bytes, 12))
        guard k == settings.hashes else { throw IndexError(description: "\(path): \(k) hashes per signature, not \(settings.hashes)") }
        var offset = 16
        guard bytes.count >= offset + count * (k + 1) * 4 else { throw IndexError(description: "\(path): truncated") }
        var signatures = [UInt32](repeating: 0, count: count * k)
        for i in 0..<(count * k) { signatures[i] = read32(bytes, offset + i * 4) }
        offset += count * k * 4
        var starts = [0]
        for i in 0..<count { starts.append(starts[i] + Int(read32(bytes, offset + i * 4))) }
        offset += count * 4
        let totalShingles = starts[count]
        guard bytes.count >= offset + totalShingles * 4 else { throw IndexError(description: "\(path): truncated shingles") }
        var shingles = [UInt32](repeating: 0, count: totalShingles)
        for i in 0..<totalShingles { shingles[i] = read32(bytes, offset + i * 4) }
        offset += totalShingles * 4
        var ids: [String] = []
        ids.reserveCapacity(count)
        for _ in 0..<count {
            guard offset + 4 <= bytes.count else { throw IndexError(description: "\(path): truncated ids") }
            let length = Int(read32(bytes, offset))
            offset += 4
            guard offset + length <= bytes.count else { throw IndexError(description: "\(path): truncated ids") }
            ids.append(String(decoding: bytes[offset..<(offset + length)], as: UTF8.self))
            offset += length
        }
        return Segment(k: k, signatures: signatures, starts: starts, shingles: shingles, ids: ids)
    }

    /// Writes segment `name` without the documents whose id is in `ids` as `newName`, unlisted
    /// (`replace` lists it in the old one's place). Returns the documents left; with none, no
    /// file is written.
    public func rewrite(_ name: String, dropping ids: Set<String>, as newName: String) throws -> Int {
        let segment = try decode(name)
        let kept = (0..<segment.count).filter { !ids.contains(segment.ids[$0]) }
        guard !kept.isEmpty else { return 0 }
        try Durable.write(directory + "/" + newName, encode(kept.map { (segment.signature($0), segment.shingleSet($0), segment.ids[$0]) }))
        return kept.count
    }

    /// Lists `new` in the manifest where `old` was (or drops `old` when `new` is nil); lists `new`
    /// last when `old` is not listed. Idempotent.
    public func replace(_ old: String, with new: String?) throws {
        var listed = try segments()
        if let at = listed.firstIndex(of: old) {
            listed.remove(at: at)
            if let new, !listed.contains(new) { listed.insert(new, at: at) }
        } else if let new, !listed.contains(new) {
            listed.append(new)
        } else {
            return
        }
        try writeManifest(listed)
    }

    /// Adds a segment with `documents` and lists it in the manifest, durably.
    public func append(_ documents: [(signature: ArraySlice<UInt32>, shingles: ArraySlice<UInt32>, id: String)]) throws {
        guard let name = try writeSegment(documents) else { return }
        try list(name)
    }

    /// Writes a segment that no manifest lists yet (a run lists it once its output is committed).
    /// Returns its file name, or nil for no documents.
    public func writeSegment(_ documents: [(signature: ArraySlice<UInt32>, shingles: ArraySlice<UInt32>, id: String)], run: Int? = nil) throws
        -> String?
    {
        try Durable.makeDirectory(directory)
        guard !documents.isEmpty else { return nil }
        let existing = try segments()
        let number = run ?? (existing.compactMap { Int($0.dropFirst("segment-".count).prefix(6)) }.max() ?? 0) + 1
        let digits = String(number)
        var name = "segment-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".wdx"
        if existing.contains(name) { name = "segment-" + digits + "-\(existing.count).wdx" }
        try Durable.write(directory + "/" + name, encode(documents))
        return name
    }

    /// Lists a written segment in the manifest (idempotent).
    public func list(_ name: String) throws {
        var existing = try segments()
        guard !existing.contains(name) else { return }
        existing.append(name)
        try writeManifest(existing)
    }

    /// Merges every segment into one (fewer files, faster loading), atomically, keeping each
    /// document only when no document before it is its near-duplicate (an index written before
    /// indexes held kept documents only loses the duplicates it held).
    public func compact() throws -> (documents: Int, bytes: Int) {
        let index = NearDuplicateIndex(settings: settings, keepIDs: true)
        let old = try segments()
        let count = try load(into: index)
        let check = NearDuplicateIndex(settings: settings, keepIDs: false)
        let documents = (0..<count).filter { n in
            check.earliestPartner(signature: Array(index.signature(n)), shingles: Array(index.shingleSet(n)), id: "") == nil
        }.map { (index.signature($0), index.shingleSet($0), index.id($0) ?? "") }
        let name = "segment-compact-\(old.count).wdx"
        try Durable.write(directory + "/" + name, encode(documents))
        try writeManifest([name])
        for segment in old where segment != name { unlink(directory + "/" + segment) }
        return (documents.count, try sizeOnDisk())
    }

    /// Bytes of the listed segments.
    public func sizeOnDisk() throws -> Int {
        try segments().reduce(0) { sum, name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)
            return sum + ((attributes?[.size] as? NSNumber)?.intValue ?? 0)
        }
    }

    private func encode(_ documents: [(signature: ArraySlice<UInt32>, shingles: ArraySlice<UInt32>, id: String)]) -> [UInt8] {
        var out = Self.magic
        append32(UInt32(settings.hashes), &out)
        append32(UInt32(documents.count), &out)
        out.reserveCapacity(16 + documents.count * (settings.hashes * 4 + 40))
        for d in documents { for v in d.signature { append32(v, &out) } }
        for d in documents { append32(UInt32(d.shingles.count), &out) }
        for d in documents { for v in d.shingles { append32(v, &out) } }
        for d in documents {
            let utf8 = Array(d.id.utf8)
            append32(UInt32(utf8.count), &out)
            out.append(contentsOf: utf8)
        }
        return out
    }

    private func writeManifest(_ segments: [String]) throws {
        let manifest = Manifest(format: Manifest.format, settings: Manifest.Settings(settings), segments: segments)
        try Durable.write(manifestPath, manifest.bytes)
    }

    private func read32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    private func append32(_ v: UInt32, _ out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: v))
        out.append(UInt8(truncatingIfNeeded: v >> 8))
        out.append(UInt8(truncatingIfNeeded: v >> 16))
        out.append(UInt8(truncatingIfNeeded: v >> 24))
    }
}
