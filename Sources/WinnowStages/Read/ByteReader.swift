import WinnowCompression
import WinnowCore

/// Buffered reading of lines and counted bytes over a `ByteSource`, for the WARC and NDJSON readers.
/// Only the unread part of one chunk is held, so memory does not grow with the file.
package final class ByteReader {
    let source: ByteSource
    private(set) var buffer: [UInt8] = []
    private(set) var position = 0
    private var ended = false
    /// Bytes consumed before `buffer[0]` (offset in the decompressed stream).
    private(set) var consumedBefore = 0
    static let chunk = 256 * 1024

    /// - Parameter startOffset: the offset of the source's first byte (a file read from its middle).
    package init(source: ByteSource, startOffset: Int = 0) {
        self.source = source
        consumedBefore = startOffset
    }

    /// Offset of the next unread byte in the (decompressed) stream.
    var offset: Int { consumedBefore + position }

    /// Reads more into the buffer; false at the end of the input.
    private func fill() throws -> Bool {
        if ended { return false }
        if position > 0 && position >= buffer.count / 2 {
            consumedBefore += position
            buffer.removeFirst(position)
            position = 0
        }
        let n = try source.read(into: &buffer, maxCount: Self.chunk)
        if n == 0 { ended = true }
        return n > 0
    }

    /// Reads on after the source's end of a gzip member (`GzipByteSource.stopsAtMemberEnd`).
    func resume() { ended = false }

    /// Set when `read(count:)` met the end of a gzip stream inside a member: the bytes it returned
    /// are all there is.
    private(set) var truncated = false

    /// Forgets buffered bytes after a damaged stretch of input (the source has moved on).
    func discardBuffered() {
        consumedBefore += buffer.count
        buffer.removeAll(keepingCapacity: true)
        position = 0
    }

    /// Each line of the file at `path` (decompressed when its name ends in `.gz`), without its line
    /// break, streamed; lines over `limit` bytes are cut there.
    package static func forEachLine(ofFile path: String, limit: Int, _ body: (ArraySlice<UInt8>) throws -> Void) throws {
        let lines = ByteReader(source: try openByteSource(path: path))
        while let (line, _) = try lines.readLine(limit: limit) { try body(line) }
    }

    /// The next line without its `\n` (and `\r`), or nil at the end. Lines over `limit` bytes
    /// are cut there (the rest of the line is skipped) and flagged.
    package func readLine(limit: Int) throws -> (line: ArraySlice<UInt8>, cut: Bool)? {
        var searchFrom = position
        while true {
            if let nl = buffer[searchFrom...].firstIndex(of: 0x0a) {
                var end = nl
                if end > position && buffer[end - 1] == 0x0d { end -= 1 }
                let line = buffer[position..<min(end, position + limit)]
                let cut = end - position > limit
                position = nl + 1
                return (line, cut)
            }
            if buffer.count - position > limit {
                // An over-long line: keep its start, skip to its end.
                let line = buffer[position..<(position + limit)]
                let kept = Array(line)
                position = buffer.count
                while true {
                    guard try fill() else { return (kept[...], true) }
                    if let nl = buffer[position...].firstIndex(of: 0x0a) {
                        position = nl + 1
                        return (kept[...], true)
                    }
                    position = buffer.count
                }
            }
            let scanned = buffer.count - position
            guard try fill() else {
                if position < buffer.count {
                    let line = buffer[position..<buffer.count]
                    position = buffer.count
                    return (line, false)
                }
                return nil
            }
            searchFrom = position + scanned
        }
    }

    /// Reads exactly `count` bytes (fewer only at the end of input, or of a gzip stream cut short:
    /// then `truncated` is set and what was received is returned).
    func read(count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(count, 1 << 24))
        while out.count < count {
            if position >= buffer.count {
                guard try fillUnlessCutShort() else { break }
            }
            let take = min(count - out.count, buffer.count - position)
            out.append(contentsOf: buffer[position..<(position + take)])
            position += take
        }
        return out
    }

    /// Skips `count` bytes; returns how many were skipped.
    @discardableResult
    func skip(count: Int) throws -> Int {
        var skipped = 0
        while skipped < count {
            if position >= buffer.count {
                guard try fill() else { break }
            }
            let take = min(count - skipped, buffer.count - position)
            position += take
            skipped += take
        }
        return skipped
    }

    /// True when no byte is left.
    func atEnd() throws -> Bool {
        if position < buffer.count { return false }
        return !(try fill())
    }

    /// Looks at up to `count` next bytes without consuming them (fewer at the end of input).
    func peek(count: Int) throws -> ArraySlice<UInt8> {
        while buffer.count - position < count {
            guard try fillUnlessCutShort() else { break }
        }
        return buffer[position..<min(buffer.count, position + count)]
    }

    /// `fill`, with a gzip stream cut short taken as the end of the input (`truncated` set): what
    /// arrived before the cut stays readable.
    private func fillUnlessCutShort() throws -> Bool {
        do {
            return try fill()
        } catch CompressionError.truncated {
            truncated = true
            ended = true
            return false
        }
    }

    /// Puts bytes already read back in front of the unread ones (a record that ran into the next).
    func pushBack(_ bytes: ArraySlice<UInt8>) {
        buffer.insert(contentsOf: bytes, at: position)
        consumedBefore -= bytes.count
    }

    /// Looks at the next byte without consuming it.
    func peek() throws -> UInt8? {
        if position >= buffer.count {
            guard try fill() else { return nil }
        }
        return buffer[position]
    }
}
