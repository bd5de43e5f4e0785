import Foundation
import WinnowCompression
import WinnowCore

#if canImport(Glibc)
    import Glibc
#endif

/// Settings of the write stage.
public struct WriteSettings: Sendable {
    /// A shard is closed once this many uncompressed bytes went into it.
    public var shardBytes: Int = 128 * 1024 * 1024
    /// gzip level, 1 (fast) to 9 (small).
    public var compressionLevel: Int32 = 6
    public init() {}
}

/// Writes records into size-capped gzip shards named `<prefix>-00000.jsonl.gz`, ... Each shard is
/// written under a temporary name (`.NAME.tmp`) and synced when complete (`.NAME.pending`); the
/// run's commit renames them to their final names (`publish`), so a shard with its final name is
/// always whole and always a committed run's. Shard boundaries depend only on the records, never on timing.
public final class ShardWriter {
    public let directory: String
    public let prefix: String
    private let settings: WriteSettings
    private let compressor: GzipCompressor
    private var fd: Int32 = -1
    private var shardIndex = 0
    private var shardUncompressed = 0
    private var pending: [UInt8] = []
    /// Final paths of the shards completed so far.
    public private(set) var shards: [String] = []
    /// The uncompressed bytes of each shard in `shards`.
    public private(set) var shardSizes: [Int] = []
    /// File names of the shards completed so far.
    public var shardNames: [String] { shards.map { ($0 as NSString).lastPathComponent } }
    public private(set) var recordsWritten = 0
    public private(set) var bytesWritten = 0

    public init(directory: String, prefix: String, settings: WriteSettings) throws {
        self.directory = directory
        self.prefix = prefix
        self.settings = settings
        self.compressor = try GzipCompressor(level: settings.compressionLevel)
        try Durable.makeDirectory(directory)
    }

    private func name(_ index: Int) -> String {
        let digits = String(index)
        return prefix + "-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".jsonl.gz"
    }

    private var temporaryPath: String { directory + "/." + name(shardIndex) + ".tmp" }

    /// Where a complete shard waits for the commit.
    public static func pendingName(_ name: String) -> String { "." + name + ".pending" }

    /// Adds one encoded record (a line of JSON ending in `\n`); true when it completed its shard.
    @discardableResult
    public func write(_ record: [UInt8]) throws -> Bool {
        if fd < 0 { try openShard() }
        compressor.compress(record, into: &pending)
        shardUncompressed += record.count
        recordsWritten += 1
        if pending.count >= 1 << 20 { try flushPending() }
        guard shardUncompressed >= settings.shardBytes else { return false }
        try closeShard()
        return true
    }

    /// Completes the open shard, if any. Call once at the end.
    public func finish() throws {
        if fd >= 0 { try closeShard() }
    }

    private func openShard() throws {
        try openTemporary()
        shardUncompressed = 0
    }

    private func openTemporary() throws {
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw OutputError(temporaryPath, errno: errno) }
    }

    /// Syncs and closes the temporary file and gives it its pending name; returns the shard's
    /// final path and moves on to the next shard number.
    private func sealTemporary() throws -> String {
        if fsync(fd) != 0 { throw OutputError(temporaryPath, errno: errno) }
        close(fd)
        fd = -1
        let waiting = directory + "/" + Self.pendingName(name(shardIndex))
        if rename(temporaryPath, waiting) != 0 { throw OutputError(waiting, errno: errno) }
        defer { shardIndex += 1 }
        return directory + "/" + name(shardIndex)
    }

    private func flushPending() throws {
        var offset = 0
        while offset < pending.count {
            let n = pending.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, pending.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError(temporaryPath, errno: errno)
            }
            offset += n
        }
        bytesWritten += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    private func closeShard() throws {
        compressor.finish(into: &pending)
        try flushPending()
        shards.append(try sealTemporary())
        shardSizes.append(shardUncompressed)
    }

    /// Runs of consecutive shards that fit in one shard of the size limit together (shards a
    /// run's checkpoints closed early), as index ranges; a shard that reached the limit is a run
    /// of its own.
    public func joinableGroups() -> [Range<Int>] {
        var groups: [Range<Int>] = []
        var start = 0
        var total = 0
        for (i, size) in shardSizes.enumerated() {
            if i > start && total + size > settings.shardBytes {
                groups.append(start..<i)
                start = i
                total = 0
            }
            total += size
        }
        if start < shardSizes.count { groups.append(start..<shardSizes.count) }
        return groups
    }

    /// Joins each group of consecutive complete shards of more than one into a new shard (the
    /// next name; gzip members one after the other are one gzip file, nothing is recompressed),
    /// pending until `publish`. Returns the paths of the shards joined, to remove once the run
    /// that no longer lists them is committed. Call after `finish`.
    public func join(_ groups: [Range<Int>]) throws -> [String] {
        precondition(fd < 0, "join after finish")
        var joined: [String] = []
        var sizes: [Int] = []
        var obsolete: [String] = []
        for group in groups where group.upperBound <= shards.count {
            guard group.count > 1 else {
                joined.append(shards[group.lowerBound])
                sizes.append(shardSizes[group.lowerBound])
                continue
            }
            try openTemporary()
            for part in shards[group] {
                let name = (part as NSString).lastPathComponent
                let waiting = directory + "/" + Self.pendingName(name)
                let path = FileManager.default.fileExists(atPath: waiting) ? waiting : part
                let source = try FileByteSource(path: path)
                while try source.read(into: &pending, maxCount: 1 << 20) > 0 {
                    bytesWritten -= pending.count
                    try flushPending()
                }
                obsolete.append(path)
            }
            joined.append(try sealTemporary())
            sizes.append(shardSizes[group].reduce(0, +))
        }
        shards = joined
        shardSizes = sizes
        return obsolete
    }

    /// Gives the complete shards their final names (the run's commit), and syncs the directory.
    public func publish() throws {
        for name in shardNames {
            let waiting = directory + "/" + Self.pendingName(name)
            guard FileManager.default.fileExists(atPath: waiting) else { continue }
            if rename(waiting, directory + "/" + name) != 0 { throw OutputError(directory + "/" + name, errno: errno) }
        }
        Durable.syncDirectory(directory)
    }

    deinit {
        if fd >= 0 {
            close(fd)
            unlink(temporaryPath)
        }
    }
}
