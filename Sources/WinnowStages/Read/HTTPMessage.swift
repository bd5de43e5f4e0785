import Foundation
import WinnowCompression
import WinnowCore

/// An HTTP response as stored in a WARC `response` record: status, headers and the decoded body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// Parses the status line and headers of `block`; the body is what follows the blank line.
    /// Returns nil when the block does not start with an HTTP status line.
    public static func parse(_ block: [UInt8]) -> HTTPResponse? {
        var lines: [ArraySlice<UInt8>] = []
        var position = 0
        var bodyStart: Int?
        let limit = min(block.count, 256 * 1024)
        while position < limit {
            guard let nl = block[position..<limit].firstIndex(of: 0x0a) else { break }
            var end = nl
            if end > position && block[end - 1] == 0x0d { end -= 1 }
            let line = block[position..<end]
            position = nl + 1
            if line.isEmpty {
                bodyStart = position
                break
            }
            lines.append(line)
        }
        guard let first = lines.first, first.starts(with: Array("HTTP/".utf8)) else { return nil }
        let statusParts = String(decoding: first, as: UTF8.self).split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            if line.first == 0x20 || line.first == 0x09, !headers.isEmpty {
                headers[headers.count - 1].1 += " " + String(decoding: line, as: UTF8.self).trimmingSpaces()
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            headers.append(
                (
                    String(decoding: line[line.startIndex..<colon], as: UTF8.self).trimmingSpaces(),
                    String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces()
                ))
        }
        let body = bodyStart.map { Array(block[$0...]) } ?? []
        return HTTPResponse(status: status, headers: headers, body: body)
    }
}

/// Undoing HTTP transfer and content encodings.
public enum HTTPDecoding {
    /// Decodes `Transfer-Encoding: chunked`. Damaged chunking keeps what was decoded so far plus
    /// the rest as is (servers and archivers get this wrong; the text is still worth having).
    public static func dechunk(_ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var position = 0
        while position < body.count {
            guard let nl = body[position...].firstIndex(of: 0x0a) else { break }
            var sizeText = String(decoding: body[position..<nl], as: UTF8.self).trimmingSpaces()
            if let semicolon = sizeText.firstIndex(of: ";") { sizeText = String(sizeText[..<semicolon]) }
            guard let size = Int(sizeText, radix: 16), size >= 0 else {
                out.append(contentsOf: body[position...])
                return out
            }
            position = nl + 1
            if size == 0 { return out }
            let end = min(body.count, position + size)
            out.append(contentsOf: body[position..<end])
            position = end
            // The CRLF after the chunk data.
            if position < body.count && body[position] == 0x0d { position += 1 }
            if position < body.count && body[position] == 0x0a { position += 1 }
        }
        return out
    }

    /// Undoes `Content-Encoding` (gzip, x-gzip, deflate; identity and none pass through).
    /// Throws a `Drop` for encodings Winnow cannot decode (br, zstd) or damaged data.
    public static func decodeContent(_ body: [UInt8], encoding: String?, limit: Int) throws(Drop) -> [UInt8] {
        guard let encoding = encoding?.lowercased().trimmingSpaces(), !encoding.isEmpty, encoding != "identity" else {
            return body
        }
        if body.isEmpty { return body }
        switch encoding {
        case "gzip", "x-gzip", "deflate":
            // Some servers label raw deflate or even plain bytes as compressed; try what the bytes say.
            let looksCompressed =
                body.count >= 2
                && ((body[0] == 0x1f && body[1] == 0x8b) || (body[0] & 0x0f == 8 && (UInt16(body[0]) << 8 | UInt16(body[1])) % 31 == 0))
            do {
                if looksCompressed {
                    return try Inflate.decompress(body, format: .gzipOrZlib, limit: limit)
                }
                if encoding == "deflate" {
                    return try Inflate.decompress(body, format: .raw, limit: limit)
                }
                if looksLikeMarkup(body) { return body }
                throw CompressionError.corrupt("not gzip data")
            } catch CompressionError.tooLarge(let limit) {
                throw Drop(.read, .tooLarge, "decompressed body over \(limit) bytes")
            } catch {
                if looksLikeMarkup(body) { return body }
                throw Drop(.read, .badContentEncoding, "Content-Encoding \(encoding): \(error)")
            }
        default:
            throw Drop(.read, .badContentEncoding, "Content-Encoding \(encoding) is not supported")
        }
    }

    private static func looksLikeMarkup(_ body: [UInt8]) -> Bool {
        for b in body.prefix(64) where b != 0x20 && b != 0x0a && b != 0x0d && b != 0x09 && b != 0xef && b != 0xbb && b != 0xbf {
            return b == UInt8(ascii: "<")
        }
        return false
    }
}

/// Decides "is this HTML?" from the HTTP `Content-Type`, then by sniffing as browsers do when the
/// type is missing or generic (libmagic is wrong about most real pages).
public enum HTMLSniffer {
    static let htmlTypes: Set<String> = ["text/html", "application/xhtml+xml", "application/xml+xhtml", "text/xhtml"]
    static let genericTypes: Set<String> = ["", "text/plain", "application/octet-stream", "unknown/unknown", "application/unknown", "*/*"]

    /// The media type of a Content-Type value, lowercased, without parameters.
    public static func mediaType(_ contentType: String?) -> String {
        guard let contentType else { return "" }
        let type = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return type.trimmingSpaces().lowercased()
    }

    /// True when `contentType` says HTML, or says nothing useful and the bytes start like HTML.
    public static func isHTML(contentType: String?, body: [UInt8]) -> Bool {
        let type = mediaType(contentType)
        if htmlTypes.contains(type) { return true }
        if genericTypes.contains(type) { return sniff(body) }
        return false
    }

    private static let markers: [[UInt8]] = [
        "<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<h1", "<div", "<font", "<table", "<a", "<style", "<title", "<b", "<br",
        "<p", "<!--",
    ].map { Array($0.utf8) }

    /// The WHATWG sniffing rule for HTML: after whitespace (and a BOM), one of the HTML tags.
    public static func sniff(_ body: [UInt8]) -> Bool {
        var i = 0
        if body.starts(with: [0xef, 0xbb, 0xbf]) { i = 3 }
        while i < body.count, body[i] == 0x20 || body[i] == 0x09 || body[i] == 0x0a || body[i] == 0x0d || body[i] == 0x0c { i += 1 }
        let head = body[i..<min(body.count, i + 16)].map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 }
        for marker in markers where head.starts(with: marker) {
            if marker == markers.last! { return true }
            let after = head.count > marker.count ? head[marker.count] : 0x20
            if after == 0x20 || after == UInt8(ascii: ">") || after == 0x0a || after == 0x09 || after == 0x0d { return true }
        }
        return false
    }
}

/// HTTP dates (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110's IMF-fixdate) and `Retry-After`, for
/// the fetcher, remote inputs and the run state's record of a URL's `Last-Modified`.
public enum HTTPDate {
    private static let formatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return f
    }()
    private static let lock = NSLock()

    /// The date an HTTP-date names, or nil.
    public static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        lock.lock()
        defer { lock.unlock() }
        return formatter.date(from: trimmed)
    }

    /// The seconds a `Retry-After` value asks to wait (a number of seconds, or an HTTP-date),
    /// never negative; nil when it is neither.
    public static func retryAfter(_ value: String) -> Double? {
        if let seconds = Double(value.trimmingCharacters(in: .whitespaces)) { return max(0, seconds) }
        return parse(value).map { max(0, $0.timeIntervalSinceNow) }
    }
}
