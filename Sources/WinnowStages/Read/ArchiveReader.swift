import Foundation
import WinnowCompression
import WinnowCore

/// Settings of the read stage.
public struct ReadSettings: Sendable {
    /// Documents larger than this (after decompression) are dropped as `too_large`.
    public var maxDocumentBytes: Int = 16 * 1024 * 1024
    /// How `http://` and `https://` inputs are downloaded.
    public var remote = RemoteSettings()
    public init() {}
}

/// The read stage: turns one input file into documents (or counted drops), in file order.
public struct ArchiveReader: Sendable {
    public let settings: ReadSettings
    /// The downloads of remote inputs (started ahead of the reader by `remote.prefetch`).
    public let remote: RemoteInputs

    public init(settings: ReadSettings = ReadSettings()) {
        self.settings = settings
        remote = RemoteInputs(settings: settings.remote)
    }

    /// Reads `file`, calling `emit` for each document or drop in order. Never throws: a file that
    /// cannot be read is one drop. Returns where a later run may read on from when the file has
    /// grown (after its last whole record or line), nil for a file that is read whole or not at all.
    @discardableResult
    public func read(_ file: InputFile, emit: (DocumentOrigin, WorkItem.Content) -> Void) -> Int? {
        switch file.format {
        case .html:
            readHTML(file, emit: emit)
            return nil
        case .warc:
            return readWARC(file, format: .warc, emit: emit)
        case .arc(let gzip):
            let resume = readWARC(file, format: .arc, emit: emit)
            return gzip ? nil : resume
        case .ndjson(let gzip):
            let resume = readNDJSON(file, emit: emit)
            return gzip ? nil : resume
        }
    }

    private func fileOrigin(_ file: InputFile, source: SourceKind, suffix: String = "") -> DocumentOrigin {
        DocumentOrigin(id: Hash128(file.relativePath + suffix).hex, source: source, input: file.relativePath)
    }

    // MARK: HTML files

    private func readHTML(_ file: InputFile, emit: (DocumentOrigin, WorkItem.Content) -> Void) {
        let origin = fileOrigin(file, source: .html)
        do {
            let source = try openWhole(file)
            var bytes: [UInt8] = []
            while try source.read(into: &bytes, maxCount: 1 << 20) > 0 {
                if bytes.count > settings.maxDocumentBytes {
                    emit(origin, .dropped(Drop(.read, .tooLarge, "over \(settings.maxDocumentBytes) bytes")))
                    return
                }
            }
            emit(origin, .raw(bytes))
        } catch let error as CompressionError {
            let reason: DropReason = error == .truncated ? .truncatedGzip : .corruptGzip
            emit(origin, .dropped(Drop(.read, reason, "\(error)")))
        } catch {
            emit(origin, .dropped(Drop(.read, .readError, "\(error)")))
        }
    }

    // MARK: WARC files

    static let wantedTypes: Set<String> = ["response", "resource"]

    /// The bytes of a whole file, local or remote, decompressed when it is gzip.
    private func openWhole(_ file: InputFile) throws -> ByteSource {
        guard RemotePath.isRemote(file.path) else {
            return file.format.gzip ? try GzipByteSource(path: file.path) : try FileByteSource(path: file.path)
        }
        let download = remote.open(file.path)
        return file.format.gzip ? try GzipByteSource(source: download) : download
    }

    /// Opens `file` (decompressing `.gz`), or reports it as one `read_error` drop and returns nil.
    private func open(_ file: InputFile, as kind: SourceKind, emit: (DocumentOrigin, WorkItem.Content) -> Void) -> ByteSource? {
        do {
            guard let range = file.range else { return try openWhole(file) }
            if file.format.gzip { return try GzipByteSource(path: file.path, range: range, startMarker: Array("WARC/".utf8)) }
            // A plain file read on from where an earlier run stopped.
            let source = try FileByteSource(path: file.path)
            try source.seek(to: range.lowerBound)
            return source
        } catch {
            emit(fileOrigin(file, source: kind), .dropped(Drop(.read, .readError, "\(error)")))
            return nil
        }
    }

    /// A WARC or ARC file's documents; damage is one drop a damaged stretch, at its file offset.
    private func readWARC(_ file: InputFile, format: WARCReader.Format, emit: (DocumentOrigin, WorkItem.Content) -> Void) -> Int? {
        guard let source = open(file, as: .warc, emit: emit) else { return nil }
        // Slack for the HTTP headers and transfer encoding around a document of the maximum size.
        let start = file.format.gzip ? 0 : file.range?.lowerBound ?? 0
        let reader = WARCReader(source: source, format: format, startOffset: start, maxBlock: settings.maxDocumentBytes + 1024 * 1024) {
            Self.wantedTypes.contains($0)
        }
        while let event = reader.next() {
            switch event {
            case .damage(let reason, let detail, let offset):
                emit(
                    fileOrigin(file, source: .warc, suffix: "@\(offset)"),
                    .dropped(Drop(.read, reason, "\(detail) at file offset \(offset)")))
            case .record(let record):
                guard Self.wantedTypes.contains(record.type) else { continue }
                var origin = fileOrigin(file, source: .warc, suffix: "@\(record.offset)")
                if let recordID = record.recordID {
                    origin.id = Self.documentID(recordID: recordID)
                    origin.warcRecordID = record.recordIDAsWritten
                }
                origin.url = record.targetURI
                origin.created = record.header("WARC-Date")
                if record.startsAtFileOffset { origin.recordOffset = record.fileOffset }
                if record.damage != nil {
                    readDamaged(record, file: file, origin: &origin, emit: emit)
                } else {
                    emit(origin, document(from: record, origin: &origin))
                }
            }
        }
        return reader.resumeOffset
    }

    /// A record cut short (the input ends inside it, or its length does before it): its document is
    /// kept when what arrived is a whole HTML page (up to `</html>`), and the damage is counted
    /// (`truncated_record`) either way.
    private func readDamaged(_ record: WARCRecord, file: InputFile, origin: inout DocumentOrigin, emit: (DocumentOrigin, WorkItem.Content) -> Void) {
        let content = document(from: record, origin: &origin)
        var kept = false
        if case .raw(let body) = content, Self.endsHTML(body) {
            emit(origin, content)
            kept = true
        }
        let detail = (record.damage ?? "") + (kept ? "; what arrived is a whole HTML page, kept" : "; its document is lost")
        emit(
            fileOrigin(file, source: .warc, suffix: "@\(record.fileOffset)!"),
            .dropped(Drop(.read, .truncatedRecord, "\(detail) (the record at file offset \(record.fileOffset))")))
    }

    /// Whether an HTML page's last bytes close its `<html>` element.
    static func endsHTML(_ body: [UInt8]) -> Bool {
        let tail = String(decoding: body.suffix(512), as: UTF8.self).lowercased()
        return tail.contains("</html")
    }

    /// The id of a WARC document: the UUID of its `urn:uuid:` record id, or a hash of other ids.
    static func documentID(recordID: String) -> String {
        let lower = recordID.lowercased()
        if lower.hasPrefix("urn:uuid:") { return String(lower.dropFirst(9)) }
        return Hash128(recordID).hex
    }

    private func document(from record: WARCRecord, origin: inout DocumentOrigin) -> WorkItem.Content {
        if record.oversized {
            return .dropped(Drop(.read, .tooLarge, "record of \(record.contentLength) bytes"))
        }
        if record.type == "resource" {
            origin.contentType = record.header("Content-Type")
            guard HTMLSniffer.isHTML(contentType: origin.contentType, body: record.block) else {
                return .dropped(Drop(.read, .notHTML, "resource record of type \(HTMLSniffer.mediaType(origin.contentType))"))
            }
            return .raw(record.block)
        }
        guard let response = HTTPResponse.parse(record.block) else {
            return .dropped(Drop(.read, .malformedWARC, "response record without an HTTP status line"))
        }
        guard response.status == 200 else {
            return .dropped(Drop(.read, .httpStatus, "HTTP status \(response.status)"))
        }
        origin.contentType = response.header("Content-Type") ?? record.header("WARC-Identified-Payload-Type")
        var body = response.body
        if let transfer = response.header("Transfer-Encoding"), transfer.lowercased().contains("chunked") {
            body = HTTPDecoding.dechunk(body)
        }
        do {
            body = try HTTPDecoding.decodeContent(body, encoding: response.header("Content-Encoding"), limit: settings.maxDocumentBytes)
        } catch {
            return .dropped(error)
        }
        guard HTMLSniffer.isHTML(contentType: origin.contentType, body: body) else {
            return .dropped(Drop(.read, .notHTML, "Content-Type \(HTMLSniffer.mediaType(origin.contentType))"))
        }
        if body.count > settings.maxDocumentBytes {
            return .dropped(Drop(.read, .tooLarge, "body of \(body.count) bytes"))
        }
        return .raw(body)
    }

    // MARK: NDJSON files

    /// An NDJSON file's documents; returns where a later run may read on (after the last line that
    /// ends in a line break, or a last line without one that is a whole document).
    private func readNDJSON(_ file: InputFile, emit: (DocumentOrigin, WorkItem.Content) -> Void) -> Int? {
        guard let source = open(file, as: .jsonl, emit: emit) else { return nil }
        let start = file.format.gzip ? 0 : file.range?.lowerBound ?? 0
        let reader = ByteReader(source: source, startOffset: start)
        var lineNumber = 0
        var resume = start
        while true {
            let lineStart = reader.offset
            let next: (line: ArraySlice<UInt8>, cut: Bool)?
            do {
                next = try reader.readLine(limit: settings.maxDocumentBytes * 2)
            } catch let error as CompressionError {
                let reason: DropReason = error == .truncated ? .truncatedGzip : .corruptGzip
                emit(
                    fileOrigin(file, source: .jsonl, suffix: ":\(lineNumber + 1)"), .dropped(Drop(.read, reason, "\(error) after line \(lineNumber)"))
                )
                if error == .truncated { return resume }
                reader.discardBuffered()
                continue
            } catch {
                emit(fileOrigin(file, source: .jsonl, suffix: ":\(lineNumber + 1)"), .dropped(Drop(.read, .readError, "\(error)")))
                return nil
            }
            guard let (line, cut) = next else { return resume }
            lineNumber += 1
            // A last line without its line break may be one still being written.
            let whole = reader.offset - lineStart > line.count || cut
            if whole { resume = reader.offset }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
            let fallback = fileOrigin(file, source: .jsonl, suffix: ":\(lineNumber)")
            if cut {
                emit(fallback, .dropped(Drop(.read, .tooLarge, "line \(lineNumber) is over \(settings.maxDocumentBytes * 2) bytes")))
                continue
            }
            switch RecordCodec.decode(line: line, input: file.relativePath) {
            case .success((var origin, let content)):
                // A plain file can be read again from any line.
                if !file.format.gzip { origin.recordOffset = lineStart }
                emit(origin, content)
                resume = reader.offset
            case .failure(let drop):
                var d = drop
                d.detail = "line \(lineNumber): \(d.detail)"
                emit(fallback, .dropped(d))
            }
        }
    }
}
