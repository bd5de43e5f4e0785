import WinnowCompression
import WinnowCore

/// One WARC record's header fields and content block (an ARC record is given the WARC fields
/// that say the same).
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
    /// Set when the record is damaged but its block may still hold a whole page: the input ends
    /// inside it (`block` holds what arrived), or its `Content-Length` ends before the record does
    /// (`block` is read to the record's real end). Says which.
    public var damage: String?
    /// Where the record starts in the file: its gzip member's offset, or `offset` in a plain file.
    public var fileOffset = 0
    /// Whether reading the file again from `fileOffset` starts at this record: a plain file, or
    /// the first record of its gzip member (not a later record of a file that is one member).
    public var startsAtFileOffset = false

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

    /// `WARC-Record-ID` as written (`<urn:uuid:…>`, as Common Crawl's indexes and FineWeb keep it).
    public var recordIDAsWritten: String? { header("WARC-Record-ID")?.trimmingSpaces() }

    /// `WARC-Record-ID` without `<` `>`.
    public var recordID: String? {
        guard var id = recordIDAsWritten else { return nil }
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

/// Reads WARC 1.0/1.1 (or ARC v1) records one at a time from a plain or gzip stream (one member
/// per record, or one member for the whole file). Memory holds one record's block at most, and
/// blocks of record types that are not wanted are skipped without being held.
///
/// Damage is reported and read past: in a gzip file of a member per record, a damaged record costs
/// its member and reading goes on at the next one (a record never runs into the next member); in a
/// plain file, at the next line that starts a record, and a record whose `Content-Length` runs past
/// its end gives back what it swallowed. Offsets in reports are file offsets (the member's start).
public final class WARCReader {
    /// WARC, or the Internet Archive's ARC v1 (a header line of URL, IP, date, type and length).
    public enum Format: Sendable {
        case warc, arc
    }

    private let reader: ByteReader
    /// The gzip source, read a member at a time; nil for a plain file.
    private let members: GzipByteSource?
    private let format: Format
    private let wantBlock: (String) -> Bool
    private let maxBlock: Int
    private var finished = false
    private static let maxHeaderLine = 64 * 1024
    private static let maxHeaderLines = 512

    /// - Parameters:
    ///   - wantBlock: given a record's `WARC-Type` (lowercased), whether to keep its block.
    ///   - maxBlock: blocks longer than this are skipped and the record marked `oversized`.
    ///   - startOffset: where in a plain file `source` starts (a file read on from where a run stopped).
    public init(source: ByteSource, format: Format = .warc, startOffset: Int = 0, maxBlock: Int, wantBlock: @escaping (String) -> Bool) {
        self.reader = ByteReader(source: source, startOffset: startOffset)
        members = source as? GzipByteSource
        members?.stopsAtMemberEnd = true
        resumeOffset = members?.memberStart ?? startOffset
        self.format = format
        self.maxBlock = maxBlock
        self.wantBlock = wantBlock
    }

    /// Events read ahead (a damage report and the record found after it).
    private var pending: [WARCEvent] = []

    /// Where the next record starts in the file.
    private var fileOffset: Int { members?.memberStart ?? reader.offset }
    /// Where the record being read starts in the file.
    private var recordStart = 0
    /// Where a later reading of this file, grown since, may start: after the last whole record
    /// (a record the input ends inside is read again then).
    public private(set) var resumeOffset: Int
    private var incompleteSinceResume = false
    /// No record of the current gzip member has been read yet.
    private var memberFresh = true

    /// The next record or damage event; nil at the end of the input.
    public func next() -> WARCEvent? {
        while pending.isEmpty && !finished {
            do {
                try step()
            } catch let error as CompressionError {
                if case .truncated = error {
                    finished = true
                    pending.append(.damage(reason: .truncatedGzip, detail: "gzip stream ends inside a record", offset: fileOffset))
                } else {
                    reader.discardBuffered()
                    reader.resume()
                    pending.append(.damage(reason: .corruptGzip, detail: "\(error); skipped to the next gzip member", offset: fileOffset))
                }
            } catch {
                finished = true
                pending.append(.damage(reason: .readError, detail: "\(error)", offset: fileOffset))
            }
        }
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    /// Reads the next record of the current member (or plain file), or moves on to the next member.
    private func step() throws {
        // Blank lines between records are normal; other bytes before a record's first line are damage.
        let start = reader.offset
        let startInFile = fileOffset
        var first: ArraySlice<UInt8>?
        var skippedGarbage = false
        var lineStart = start
        while let (line, _) = try reader.readLine(limit: Self.maxHeaderLine) {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) {
                lineStart = reader.offset
                continue
            }
            if startsRecord(line) {
                first = line
                break
            }
            skippedGarbage = true
            lineStart = reader.offset
        }
        // A record's place in the file: its gzip member's start, or its first line's offset.
        recordStart = members?.memberStart ?? lineStart
        if skippedGarbage {
            let what = format == .warc ? "a WARC record" : "an ARC record"
            pending.append(.damage(reason: .malformedWARC, detail: "bytes that are not \(what) skipped", offset: startInFile))
        }
        if skippedGarbage { incompleteSinceResume = true }
        guard let first else {
            try nextMember()
            return
        }
        var event = format == .warc ? try readFields(offset: start) : try readARC(header: first, offset: start)
        if case .record(var record) = event {
            record.startsAtFileOffset = members == nil || memberFresh
            event = .record(record)
        }
        memberFresh = false
        pending.append(event)
        if case .record(let record) = event, record.damage == nil {
            if members == nil { resumeOffset = reader.offset }
            incompleteSinceResume = false
        } else {
            incompleteSinceResume = true
        }
        // In a member per record, what is left of a damaged record's member is not read as records.
        if case .damage = event, members != nil { try nextMember() }
    }

    /// Moves to the next gzip member (the rest of this one skipped); at the end, finishes.
    private func nextMember() throws {
        reader.discardBuffered()
        if let members, try members.nextMember() {
            memberFresh = true
            reader.resume()
            if !incompleteSinceResume { resumeOffset = members.memberStart }
        } else {
            // At the end: past everything, unless what follows the last whole record is a record
            // cut short or bytes that start none (a file still being written).
            if !incompleteSinceResume { resumeOffset = members?.fileOffset ?? reader.offset }
            finished = true
        }
    }

    private func startsRecord(_ line: ArraySlice<UInt8>) -> Bool {
        switch format {
        case .warc: return line.starts(with: Self.versionPrefix)
        case .arc: return Self.arcHeader(line) != nil
        }
    }

    private static let versionPrefix = Array("WARC/".utf8)

    private func readFields(offset: Int) throws -> WARCEvent {
        var headers: [(String, String)] = []
        let place = recordStart
        while let (line, cut) = try reader.readLine(limit: Self.maxHeaderLine) {
            if line.isEmpty { break }
            if cut || headers.count > Self.maxHeaderLines {
                return .damage(reason: .malformedWARC, detail: "header too long", offset: place)
            }
            if line.first == 0x20 || line.first == 0x09, !headers.isEmpty {
                headers[headers.count - 1].1 += " " + String(decoding: line, as: UTF8.self).trimmingSpaces()
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .damage(reason: .malformedWARC, detail: "header line without a colon", offset: place)
            }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).trimmingSpaces()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces()
            headers.append((name, value))
        }
        guard let lengthText = headers.first(where: { $0.0.lowercased() == "content-length" })?.1,
            let length = Int(lengthText), length >= 0
        else {
            return .damage(reason: .malformedWARC, detail: "record without a valid Content-Length", offset: place)
        }
        var record = WARCRecord(headers: headers, block: [], contentLength: length, offset: offset, oversized: false)
        record.fileOffset = place
        return try readBlock(&record)
    }

    /// Reads (or skips) the record's block and checks that the record ends where its length says.
    private func readBlock(_ record: inout WARCRecord) throws -> WARCEvent {
        let length = record.contentLength
        if length > maxBlock {
            record.oversized = true
            if try reader.skip(count: length) < length { return damageAtEnd(record) }
            return .record(record)
        }
        let wanted = wantBlock(record.type)
        // In a plain file every block is held, so a record that runs into the next can give it back.
        guard wanted || members == nil else {
            if try reader.skip(count: length) < length { return damageAtEnd(record) }
            return .record(record)
        }
        record.block = try reader.read(count: length)
        if record.block.count < length {
            guard wanted, reader.truncated || members == nil else { return damageAtEnd(record) }
            record.damage = "the input ends inside the record (\(record.block.count) of \(length) bytes)"
            return .record(record)
        }
        if try !endsCleanly() {
            if let back = giveBack(record.block) {
                return .damage(
                    reason: .malformedWARC, detail: "the record runs into the next (Content-Length \(length) is too long); \(back)",
                    offset: record.fileOffset)
            }
            if let extra = try restOfRecord() {
                record.block += extra
                record.damage = "its Content-Length (\(length)) ends \(extra.count) bytes before the record does"
                return .record(record)
            }
            return .damage(
                reason: .malformedWARC, detail: "the record does not end where its Content-Length (\(length)) says", offset: record.fileOffset)
        }
        if !wanted { record.block = [] }
        return .record(record)
    }

    /// When a record's length stops short of its end: the few bytes up to the blank lines that end
    /// it (before the next record, or the end of the input or member), consumed; nil when no such
    /// end is near.
    private func restOfRecord() throws -> [UInt8]? {
        let window = 4096
        let ahead = Array(try reader.peek(count: window))
        let terminator: [UInt8] = format == .warc ? [0x0d, 0x0a, 0x0d, 0x0a] : [0x0a]
        var end: Int?
        var i = 0
        while i + terminator.count <= ahead.count {
            if ahead[i..<(i + terminator.count)].elementsEqual(terminator) {
                let after = ahead[(i + terminator.count)...].drop { $0 == 0x0d || $0 == 0x0a }
                if after.isEmpty && ahead.count < window || startsRecord(after.prefix { $0 != 0x0a && $0 != 0x0d }) {
                    end = i
                    break
                }
            }
            i += 1
        }
        guard let end else { return nil }
        try reader.skip(count: end)
        return Array(ahead[..<end])
    }

    private func damageAtEnd(_ record: WARCRecord) -> WARCEvent {
        let place = members == nil ? "the file" : "its gzip member"
        return .damage(
            reason: .malformedWARC, detail: "\(place) ends inside a record (\(record.contentLength) bytes declared)", offset: record.fileOffset)
    }

    /// Whether what follows a block is the record's end: a line break, or the end of the input.
    private func endsCleanly() throws -> Bool {
        let next = try reader.peek(count: 2)
        return next.isEmpty || next.first == 0x0a || next.elementsEqual([0x0d, 0x0a])
    }

    /// A block with too long a length holds the start of the next record: in a plain file what it
    /// swallowed is put back, from the first line in it that starts a record (in a gzip member per
    /// record, the rest of the member is skipped). Nil when no record starts inside the block.
    private func giveBack(_ block: [UInt8]) -> String? {
        var i = 0
        while let nl = block[i...].firstIndex(of: 0x0a) {
            let rest = block[(nl + 1)...]
            if nl > 0, block[..<nl].last == 0x0d || block[..<nl].last == 0x0a, startsRecord(rest.prefix(while: { $0 != 0x0a && $0 != 0x0d })) {
                guard members == nil else { return "the rest of its gzip member skipped" }
                reader.pushBack(rest)
                return "read on from the record inside it"
            }
            i = nl + 1
        }
        return nil
    }

    // MARK: ARC

    /// An ARC v1 header line's URL, date and length (`URL IP-address Archive-date Content-type Archive-length`).
    static func arcHeader(_ line: ArraySlice<UInt8>) -> (url: String, date: String, type: String, length: Int)? {
        let fields = line.split(separator: 0x20)
        guard fields.count >= 5, let length = Int(String(decoding: fields[fields.count - 1], as: UTF8.self)), length >= 0 else { return nil }
        let url = String(decoding: fields[0], as: UTF8.self)
        let date = String(decoding: fields[2], as: UTF8.self)
        guard url.contains(":"), date.count >= 14, date.allSatisfy(\.isNumber) else { return nil }
        return (url, date, String(decoding: fields[3], as: UTF8.self), length)
    }

    /// An ARC record as the WARC record that says the same: a response for http(s) URLs, other
    /// schemes (`filedesc:`, `dns:`) as metadata, which the read stage does not take.
    private func readARC(header line: ArraySlice<UInt8>, offset: Int) throws -> WARCEvent {
        guard let h = Self.arcHeader(line) else { return .damage(reason: .malformedWARC, detail: "ARC header", offset: recordStart) }
        let lower = h.url.lowercased()
        let type = lower.hasPrefix("http:") || lower.hasPrefix("https:") ? "response" : "metadata"
        let d = Array(h.date.prefix(14))
        let iso = "\(String(d[0..<4]))-\(String(d[4..<6]))-\(String(d[6..<8]))T\(String(d[8..<10])):\(String(d[10..<12])):\(String(d[12..<14]))Z"
        let headers = [
            ("WARC-Type", type), ("WARC-Target-URI", h.url), ("WARC-Date", iso), ("Content-Type", "application/http; msgtype=response"),
            ("Content-Length", String(h.length)),
        ]
        var record = WARCRecord(headers: headers, block: [], contentLength: h.length, offset: offset, oversized: false)
        record.fileOffset = recordStart
        return try readBlock(&record)
    }
}
