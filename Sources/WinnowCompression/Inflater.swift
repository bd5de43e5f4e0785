import CLibDeflate
import CZlib

/// Errors from zlib streams, named after what went wrong for the user.
public enum CompressionError: Error, Equatable, CustomStringConvertible {
    /// The stream ended in the middle of a gzip member (a truncated download or copy).
    case truncated
    /// The compressed bytes are not valid deflate data (the zlib message is kept).
    case corrupt(String)
    /// Decompressed data grew past the caller's limit (a compression bomb or an oversized record).
    case tooLarge(limit: Int)
    /// zlib could not set up a stream (out of memory or a bad parameter).
    case setup(Int32)

    public var description: String {
        switch self {
        case .truncated: return "truncated gzip stream"
        case .corrupt(let message): return "corrupt compressed data (\(message))"
        case .tooLarge(let limit): return "decompressed data exceeds \(limit) bytes"
        case .setup(let code): return "zlib setup failed (code \(code))"
        }
    }
}

/// Which framing an inflater expects.
public enum InflateFormat: Sendable {
    /// gzip or zlib framing, told apart by their headers (HTTP `Content-Encoding: gzip` and most `deflate`).
    case gzipOrZlib
    /// Raw deflate without header, as some servers send for `Content-Encoding: deflate`.
    case raw
}

/// A zlib inflate stream; the `z_stream` lives in its own allocation so its address never moves.
final class InflateStream {
    let stream: UnsafeMutablePointer<z_stream>

    init(format: InflateFormat) throws(CompressionError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let bits: Int32 = format == .raw ? -15 : 15 + 32
        let code = CZlib_inflateInit2(stream, bits)
        guard code == Z_OK else {
            stream.deallocate()
            throw .setup(code)
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// One `inflate` call from `input[from...]` into `output`: zlib's code, input bytes used,
    /// output bytes produced.
    func step(_ input: UnsafeBufferPointer<UInt8>, from: Int, into output: UnsafeMutablePointer<UInt8>, capacity: Int) -> (
        code: Int32, used: Int, produced: Int
    ) {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + from)
        stream.pointee.avail_in = UInt32(input.count - from)
        stream.pointee.next_out = output
        stream.pointee.avail_out = UInt32(capacity)
        let code = inflate(stream, Z_NO_FLUSH)
        return (code, input.count - from - Int(stream.pointee.avail_in), capacity - Int(stream.pointee.avail_out))
    }

    /// Starts a new member with the same settings (the corresponding C function is `inflateReset`).
    func reset() { inflateReset(stream) }

    func message() -> String {
        if let msg = stream.pointee.msg { return String(cString: msg) }
        return "unknown error"
    }
}

/// One-shot decompression of an in-memory buffer, for HTTP content-encodings.
public enum Inflate {
    /// Decompresses `input`; several concatenated gzip members are joined.
    /// - Parameter limit: the most bytes of output accepted before `tooLarge` is thrown.
    public static func decompress(
        _ input: [UInt8], format: InflateFormat = .gzipOrZlib, limit: Int
    ) throws(CompressionError) -> [UInt8] {
        if format == .gzipOrZlib, let whole = wholeMember(input, limit: limit) { return whole }
        let inflater = try InflateStream(format: format)
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, max(input.count * 4, 4096)))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var consumed = 0
        var ended = false
        while consumed < input.count {
            let (result, used, produced) = input.withUnsafeBufferPointer { inBuf in
                chunk.withUnsafeMutableBufferPointer { outBuf in
                    inflater.step(inBuf, from: consumed, into: outBuf.baseAddress!, capacity: outBuf.count)
                }
            }
            consumed += used
            output.append(contentsOf: chunk[0..<produced])
            if output.count > limit { throw .tooLarge(limit: limit) }
            switch result {
            case Z_STREAM_END:
                ended = true
                // Another gzip member may follow; trailing garbage after the last one is ignored.
                if format == .gzipOrZlib, consumed + 1 < input.count, input[consumed] == 0x1f, input[consumed + 1] == 0x8b {
                    inflater.reset()
                    ended = false
                } else {
                    return output
                }
            case Z_OK:
                if used == 0 && produced == 0 { throw .corrupt("no progress") }
            case Z_BUF_ERROR:
                if used == 0 && produced == 0 { throw .truncated }
            default:
                throw .corrupt(inflater.message())
            }
        }
        if !ended { throw .truncated }
        return output
    }

    /// `input` inflated by libdeflate when it is one gzip member (trailing bytes that do not start
    /// another member are ignored, as zlib's loop ignores them) of at most `limit` bytes; nil for
    /// anything else (zlib framing, several members, damage, too large), which zlib's loop takes.
    static func wholeMember(_ input: [UInt8], limit: Int) -> [UInt8]? {
        guard WholeMember.startsGzip(input, at: 0), let decompressor = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(decompressor) }
        // The member's own size, from its trailer (ISIZE, little-endian) when the input ends with
        // it; else a guess (web pages shrink 4-10 times). A size too small is tried again four
        // times larger, so trailing bytes only cost a second try.
        let trailer = input.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        var capacity = trailer > 0 && trailer <= limit ? trailer : min(limit, max(input.count * 8, 64 * 1024))
        while true {
            var used = 0
            var result = LIBDEFLATE_SUCCESS
            let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                var made = 0
                result = input.withUnsafeBufferPointer { inBuf in
                    libdeflate_gzip_decompress_ex(decompressor, inBuf.baseAddress!, inBuf.count, buffer.baseAddress!, capacity, &used, &made)
                }
                count = result == LIBDEFLATE_SUCCESS ? made : 0
            }
            switch result {
            case LIBDEFLATE_SUCCESS:
                let another = used + 1 < input.count && input[used] == 0x1f && input[used + 1] == 0x8b
                return another ? nil : output
            case LIBDEFLATE_INSUFFICIENT_SPACE where capacity < limit:
                capacity = min(limit, capacity * 4)
            default:
                return nil
            }
        }
    }
}
