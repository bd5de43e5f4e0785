import WinnowCompression
import WinnowCore

/// One WARC record's header fields and content block.
public struct WARCRecord: Sendable {
    /// Header fields in order; names as written.
    public var headers: [(name: String, value: String)]
    /// The content block, empty when it was skipped (a record type that is not read, or too large).
    public var block: [UInt8]
    /// The block's declared length.
    public var contentLength: Int
    /// Offset of the record in the decompressed stream.
    public var offset: Int
    /// True when the block was over the size limit and skipped.
    public var oversized: Bool

    /// The first header field called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    public var type: String { header("WARC-Type")?.lowercased() ?? "" }

    /// `WARC-Target-URI` without the angle brackets some writers (GNU Wget) put around it.
    public var targetURI: String? {
        guard var uri = header("WARC-Target-URI")?.trimmingSpaces() else { return nil }
        if uri.hasPrefix("<") && uri.hasSuffix(">") { uri = String(uri.dropFirst().dropLast()) }
        return uri
    }

    /// `WARC-Record-ID` without `<` `>`.
    public var recordID: String? {
        guard var id = header("WARC-Record-ID")?.trimmingSpaces() else { return nil }
        if id.hasPrefix("<") && id.hasSuffix(">") { id = String(id.dropFirst().dropLast()) }
        return id
    }
}

/// What the WARC reader met next: a record, or a damaged stretch it skipped.
public enum WARCEvent: Sendable {
    case record(WARCRecord)
    /// Damaged input; the reader has moved past it. `reason` is the drop reason to count.
    case damage(reason: DropReason, detail: String, offset: Int)
}

/// Reads WARC 1.0/1.1 records one at a time from a plain or gzip stream (one member per record, or
/// one member for the whole file). Memory holds one record's block at most, and blocks of record
/// types that are not wanted are skipped without being held.
public final class WARCReader {
    private let reader: ByteReader
    private let wantBlock: (String) -> Bool
    private let maxBlock: Int
    private var finished = false
    private static let maxHeaderLine = 64 * 1024
    private static let maxHeaderLines = 512

    /// - Parameters:
    ///   - wantBlock: given a record's `WARC-Type` (lowercased), whether to keep its block.
    ///   - maxBlock: blocks longer than this are skipped and the record marked `oversized`.
    public init(source: ByteSource, maxBlock: Int, wantBlock: @escaping (String) -> Bool) {
        self.reader = ByteReader(source: source)
        self.maxBlock = maxBlock
        self.wantBlock = wantBlock
    }

    /// Events read ahead (a damage report and the record found after it).
    private var pending: [WARCEvent] = []

    /// The next record or damage event; nil at the end of the input.
    public func next() -> WARCEvent? {
        if !pending.isEmpty { return pending.removeFirst() }
        guard !finished else { return nil }
        do {
            try readRecord()
        } catch let error as CompressionError {
            if case .truncated = error {
                finished = true
                pending.append(.damage(reason: .truncatedGzip, detail: "gzip stream ends inside a record", offset: reader.offset))
            } else {
                reader.discardBuffered()
                pending.append(.damage(reason: .corruptGzip, detail: "\(error); skipped to the next gzip member", offset: reader.offset))
            }
        } catch {
            finished = true
            pending.append(.damage(reason: .readError, detail: "\(error)", offset: reader.offset))
        }
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    private func readRecord() throws {
        // Blank lines between records are normal; other bytes before a version line are damage.
        let start = reader.offset
        var foundVersion = false
        var skippedGarbage = false
        while let (line, _) = try reader.readLine(limit: Self.maxHeaderLine) {
            if line.isEmpty { continue }
            if line.starts(with: Self.versionPrefix) {
                foundVersion = true
                break
            }
            skippedGarbage = true
        }
        if skippedGarbage {
            pending.append(.damage(reason: .malformedWARC, detail: "bytes that are not a WARC record skipped", offset: start))
        }
        guard foundVersion else {
            finished = true
            return
        }
        pending.append(try readFields(offset: start))
    }

    private static let versionPrefix = Array("WARC/".utf8)

    private func readFields(offset: Int) throws -> WARCEvent {
        var headers: [(String, String)] = []
        while let (line, cut) = try reader.readLine(limit: Self.maxHeaderLine) {
            if line.isEmpty { break }
            if cut || headers.count > Self.maxHeaderLines {
                return .damage(reason: .malformedWARC, detail: "header too long", offset: offset)
            }
            if line.first == 0x20 || line.first == 0x09, !headers.isEmpty {
                headers[headers.count - 1].1 += " " + String(decoding: line, as: UTF8.self).trimmingSpaces()
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .damage(reason: .malformedWARC, detail: "header line without a colon", offset: offset)
            }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).trimmingSpaces()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces()
            headers.append((name, value))
        }
        guard let lengthText = headers.first(where: { $0.0.lowercased() == "content-length" })?.1,
            let length = Int(lengthText), length >= 0
        else {
            return .damage(reason: .malformedWARC, detail: "record without a valid Content-Length", offset: offset)
        }
        let type = headers.first(where: { $0.0.lowercased() == "warc-type" })?.1.lowercased() ?? ""
        var record = WARCRecord(headers: headers, block: [], contentLength: length, offset: offset, oversized: false)
        if length > maxBlock {
            record.oversized = true
            let skipped = try reader.skip(count: length)
            if skipped < length {
                return .damage(reason: .malformedWARC, detail: "file ends inside a record", offset: offset)
            }
        } else if wantBlock(type) {
            record.block = try reader.read(count: length)
            if record.block.count < length {
                return .damage(reason: .malformedWARC, detail: "file ends inside a record (\(record.block.count) of \(length) bytes)", offset: offset)
            }
        } else {
            let skipped = try reader.skip(count: length)
            if skipped < length {
                return .damage(reason: .malformedWARC, detail: "file ends inside a record", offset: offset)
            }
        }
        return .record(record)
    }

}
