import Foundation
import WinnowCompression
import WinnowCore
import WinnowStages

/// Writes WARC/1.1 files, one gzip member per record (so any record can be read alone), rotated
/// by size. A file is written under a hidden temporary name and renamed once complete and synced,
/// so an interrupted run leaves only complete WARC files behind (the temporary one is removed by
/// the next run, whose resume then fetches its URLs again).
///
/// `@unchecked Sendable`: not thread-safe itself; the fetcher's workers call it under their lock.
public final class WARCFileWriter: @unchecked Sendable {
    public let directory: String
    let prefix: String
    let maxBytes: Int
    let software: String
    private var fd: Int32 = -1
    private var temporaryPath = ""
    private var finalPath = ""
    private var written = 0
    private var fileNumber = 0
    private(set) var warcinfoID = ""
    /// Names of the complete files written.
    public private(set) var files: [String] = []

    public init(directory: String, prefix: String, maxBytes: Int, software: String) throws {
        self.directory = directory
        self.prefix = prefix
        self.maxBytes = maxBytes
        self.software = software
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Removes the temporary files an interrupted run left. Returns their names.
    public static func removeLeftovers(in directory: String) -> [String] {
        var removed: [String] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where name.hasPrefix(".") && name.hasSuffix(".warc.gz.open") {
            if unlink(directory + "/" + name) == 0 { removed.append(name) }
        }
        return removed
    }

    static func uuid() -> String { "<urn:uuid:" + UUID().uuidString.lowercased() + ">" }

    static func now() -> String {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        var parts = tm()
        var seconds = time_t(t.tv_sec)
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(t.tv_nsec / 1000))
    }

    private func open() throws {
        let stamp = WARCFileWriter.now().prefix(19).filter { $0.isNumber }
        while true {
            let name = "\(prefix)-\(stamp)-\(String(format: "%05d", fileNumber)).warc.gz"
            fileNumber += 1
            if FileManager.default.fileExists(atPath: directory + "/" + name) { continue }
            finalPath = directory + "/" + name
            temporaryPath = directory + "/." + name + ".open"
            break
        }
        fd = Glibc.open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError(temporaryPath, errno: errno) }
        written = 0
        warcinfoID = WARCFileWriter.uuid()
        let info =
            "software: \(software)\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
        try append(
            [
                "WARC-Type": "warcinfo", "WARC-Record-ID": warcinfoID, "WARC-Date": WARCFileWriter.now(),
                "WARC-Filename": (finalPath as NSString).lastPathComponent, "Content-Type": "application/warc-fields",
            ],
            order: ["WARC-Type", "WARC-Record-ID", "WARC-Date", "WARC-Filename", "Content-Type"], block: Array(info.utf8))
    }

    /// Writes one record (its headers in `order`, then Content-Length) as a gzip member.
    private func append(_ headers: [String: String], order: [String], block: [UInt8]) throws {
        var text = "WARC/1.1\r\n"
        for name in order { if let value = headers[name] { text += "\(name): \(value)\r\n" } }
        text += "Content-Length: \(block.count)\r\n\r\n"
        var record = Array(text.utf8)
        record.append(contentsOf: block)
        record.append(contentsOf: [0x0d, 0x0a, 0x0d, 0x0a])
        let member = try GzipCompressor.gzip(record, level: 6)
        var offset = 0
        while offset < member.count {
            let n = member.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, member.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw OutputError(temporaryPath, errno: errno) }
            offset += n
        }
        written += member.count
    }

    /// A request and its response, linked by `WARC-Concurrent-To`. `payloadOffset` is where the
    /// HTTP body starts in `response`; `truncated` adds `WARC-Truncated: length`.
    public func write(uri: String, request: [UInt8], response: [UInt8], payloadOffset: Int, truncated: Bool, seed: String?, ipAddress: String?) throws
    {
        if fd < 0 { try open() }
        let date = WARCFileWriter.now()
        let requestID = WARCFileWriter.uuid()
        let responseID = WARCFileWriter.uuid()
        var r: [String: String] = [
            "WARC-Type": "request", "WARC-Record-ID": requestID, "WARC-Date": date, "WARC-Target-URI": uri,
            "WARC-Warcinfo-ID": warcinfoID, "WARC-Concurrent-To": responseID,
            "Content-Type": "application/http;msgtype=request", "WARC-Block-Digest": SHA1.warcDigest(request),
        ]
        r["WARC-IP-Address"] = ipAddress
        let order = [
            "WARC-Type", "WARC-Record-ID", "WARC-Date", "WARC-Target-URI", "WARC-IP-Address", "WARC-Warcinfo-ID", "WARC-Concurrent-To",
            "WARC-Winnow-Seed-URI", "Content-Type", "WARC-Block-Digest", "WARC-Payload-Digest", "WARC-Truncated",
        ]
        try append(r, order: order, block: request)
        var h: [String: String] = [
            "WARC-Type": "response", "WARC-Record-ID": responseID, "WARC-Date": date, "WARC-Target-URI": uri,
            "WARC-Warcinfo-ID": warcinfoID, "WARC-Concurrent-To": requestID,
            "Content-Type": "application/http;msgtype=response", "WARC-Block-Digest": SHA1.warcDigest(response),
            "WARC-Payload-Digest": SHA1.warcDigest(response[payloadOffset...]),
        ]
        h["WARC-IP-Address"] = ipAddress
        h["WARC-Winnow-Seed-URI"] = seed
        if truncated { h["WARC-Truncated"] = "length" }
        try append(h, order: order, block: response)
        if written >= maxBytes { try close() }
    }

    /// Completes the current file: sync, rename to its final name.
    public func close() throws {
        guard fd >= 0 else { return }
        guard fsync(fd) == 0 else { throw OutputError(temporaryPath, errno: errno) }
        Glibc.close(fd)
        fd = -1
        guard rename(temporaryPath, finalPath) == 0 else { throw OutputError(finalPath, errno: errno) }
        Durable.syncDirectory(directory)
        files.append((finalPath as NSString).lastPathComponent)
    }
}
