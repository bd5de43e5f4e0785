import CLibDeflate
import CZlib

#if canImport(Glibc)
    import Glibc
#endif

/// Errors opening or reading input files.
public struct FileError: Error, CustomStringConvertible {
    /// The path that failed.
    public let path: String
    /// What the system said (from `errno`).
    public let reason: String

    public init(path: String, errno code: Int32) {
        self.path = path
        self.reason = String(cString: strerror(code))
    }

    public var description: String { "\(path): \(reason)" }
}

/// A source of bytes read in chunks: a plain file, or a gzip file decompressed as it is read.
public protocol ByteSource: AnyObject {
    /// Appends up to `maxCount` bytes to `buffer`; returns how many were added, 0 at the end.
    /// A gzip source throws `CompressionError.corrupt` once for a damaged member and then goes on
    /// with the next member it finds; it throws `.truncated` when the file ends inside a member.
    func read(into buffer: inout [UInt8], maxCount: Int) throws -> Int
    /// Bytes consumed from the underlying file so far (compressed offset for gzip).
    var fileOffset: Int { get }
}

/// Reads a file through a raw file descriptor, in large chunks.
public final class FileByteSource: ByteSource {
    private let fd: Int32
    public let path: String
    public private(set) var fileOffset = 0

    /// Opens `path` for reading (the corresponding C function is `open`).
    public init(path: String) throws(FileError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, errno: errno) }
        self.fd = fd
    }

    deinit {
        close(fd)
        scratch.deallocate()
    }

    /// Scratch space for one `read(2)`, copied onto the caller's buffer (one memcpy, no zero-fill).
    private var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)

    public func read(into buffer: inout [UInt8], maxCount: Int) throws -> Int {
        let want = min(maxCount, scratch.count)
        var got = 0
        repeat {
            got = Glibc.read(fd, scratch.baseAddress!, want)
        } while got < 0 && errno == EINTR
        if got < 0 { throw FileError(path: path, errno: errno) }
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<got]))
        fileOffset += got
        return got
    }

    /// Moves to byte `offset` of the file (the corresponding C function is `lseek`).
    public func seek(to offset: Int) throws(FileError) {
        guard lseek(fd, off_t(offset), SEEK_SET) >= 0 else { throw FileError(path: path, errno: errno) }
        fileOffset = offset
    }

    /// Reads the whole file, refusing files over `limit` bytes.
    public static func readAll(path: String, limit: Int) throws -> [UInt8] {
        let source = try FileByteSource(path: path)
        var out: [UInt8] = []
        while try source.read(into: &out, maxCount: 1 << 20) > 0 {
            if out.count > limit { throw CompressionError.tooLarge(limit: limit) }
        }
        return out
    }
}

/// Decompresses a gzip file of one or many members (WARC's record-per-member layout) as it is read.
/// A member that lies whole in the input buffer is inflated in one call by libdeflate (about 2.5
/// times zlib's rate); any other (larger than the buffers, cut short, damaged, not gzip) is streamed
/// through zlib from its first byte, so both give the same bytes and the same errors.
/// Memory stays at a few fixed buffers whatever the file size.
public final class GzipByteSource: ByteSource {
    private let file: ByteSource
    private let inflater: InflateStream
    private var input: [UInt8] = []
    private var inputPos = 0
    private var fileEnded = false
    private var inMember = false
    /// Damaged members skipped so far.
    public private(set) var corruptMembers = 0
    /// Members inflated whole by libdeflate so far (the rest went through zlib's stream).
    private(set) var wholeMembers = 0
    /// When set, `read` returns 0 at the end of each gzip member until `nextMember()` is called, so
    /// a reader can keep what one member holds apart from the next (WARC's record per member).
    public var stopsAtMemberEnd = false
    private var atMemberEnd = false
    /// The file offset where the member being read (or the last one) starts.
    public private(set) var memberStart = 0

    public var fileOffset: Int { file.fileOffset - (input.count - inputPos) }

    /// Where reading stops: at the first gzip member that starts at or after this offset.
    private var end = Int.max

    /// A member inflated whole (`inflateWhole`), handed out by `read` until none is pending.
    private let whole = WholeMember()

    public convenience init(path: String) throws {
        try self.init(source: FileByteSource(path: path))
    }

    /// Decompresses the bytes of `source` (a file, or a download).
    public init(source: ByteSource) throws {
        file = source
        inflater = try InflateStream(format: .gzipOrZlib)
    }

    /// Reads only the gzip members that start in `range` of the compressed file: from the first
    /// member at or after its start (one whose data begins with `startMarker`, so that gzip magic
    /// bytes inside compressed data are not taken for a member) to the last one starting before its
    /// end. Adjacent ranges thus read every member exactly once (a file that is one member is read
    /// whole by the range holding offset 0).
    public init(path: String, range: Range<Int>, startMarker: [UInt8]) throws {
        let file = try FileByteSource(path: path)
        self.file = file
        inflater = try InflateStream(format: .gzipOrZlib)
        end = range.upperBound
        guard range.lowerBound > 0 else { return }
        try file.seek(to: range.lowerBound)
        while true {
            while inputPos + 2 < input.count {
                if input[inputPos] == 0x1f && input[inputPos + 1] == 0x8b && input[inputPos + 2] == 0x08 {
                    if fileOffset >= end {
                        inputPos = input.count
                        fileEnded = true
                        return
                    }
                    if try startsMember(with: startMarker) { return }
                }
                inputPos += 1
            }
            if fileEnded || fileOffset >= end {
                inputPos = input.count
                fileEnded = true
                return
            }
            try refill()
        }
    }

    /// Whether a gzip member at `inputPos` inflates to data starting with `marker`.
    private func startsMember(with marker: [UInt8]) throws -> Bool {
        while input.count - inputPos < 64 * 1024 && !fileEnded { try refill() }
        let probe = try InflateStream(format: .gzipOrZlib)
        var out = [UInt8](repeating: 0, count: max(marker.count, 1))
        let (result, _, produced) = input.withUnsafeBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf in probe.step(inBuf, from: inputPos, into: outBuf.baseAddress!, capacity: outBuf.count) }
        }
        return (result == Z_OK || result == Z_STREAM_END || result == Z_BUF_ERROR) && produced == marker.count
            && Array(out.prefix(produced)) == marker
    }

    private func refill() throws {
        if inputPos > 0 {
            input.removeFirst(inputPos)
            inputPos = 0
        }
        if try file.read(into: &input, maxCount: 1 << 20) == 0 { fileEnded = true }
    }

    /// Skips forward to the next gzip magic (`1f 8b 08`) after a damaged member.
    private func resync() throws {
        inflater.reset()
        inMember = false
        inputPos = min(inputPos + 1, input.count)
        while true {
            while inputPos + 2 < input.count {
                if input[inputPos] == 0x1f && input[inputPos + 1] == 0x8b && input[inputPos + 2] == 0x08 { return }
                inputPos += 1
            }
            if fileEnded {
                inputPos = input.count
                return
            }
            try refill()
        }
    }

    /// Output space for one `inflate` call, copied onto the caller's buffer.
    private var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)

    deinit { scratch.deallocate() }

    /// With `stopsAtMemberEnd`: moves past the end of the current member (skipping what is left
    /// of it); false when no member follows.
    public func nextMember() throws -> Bool {
        if !atMemberEnd {
            var sink: [UInt8] = []
            while try read(into: &sink, maxCount: 1 << 16) > 0 { sink.removeAll(keepingCapacity: true) }
        }
        atMemberEnd = false
        if inputPos >= input.count && !fileEnded { try refill() }
        memberStart = fileOffset
        return inputPos < input.count && !(end != .max && fileOffset >= end)
    }

    public func read(into buffer: inout [UInt8], maxCount: Int) throws -> Int {
        if atMemberEnd { return 0 }
        if whole.pending > 0 { return handOutWhole(into: &buffer, maxCount: maxCount) }
        let want = min(maxCount, scratch.count)
        var produced = 0
        while produced == 0 {
            // The next member starts at or after the range's end: this range is done.
            if !inMember && end != .max && fileOffset >= end { return 0 }
            if inputPos >= input.count {
                if fileEnded {
                    if inMember {
                        inMember = false
                        throw CompressionError.truncated
                    }
                    return 0
                }
                try refill()
                continue
            }
            if !inMember {
                memberStart = fileOffset
                if try inflateWhole() {
                    if whole.pending > 0 { return handOutWhole(into: &buffer, maxCount: maxCount) }
                    if stopsAtMemberEnd {
                        atMemberEnd = true
                        return 0
                    }
                    continue
                }
            }
            let (result, used, made) = input.withUnsafeBufferPointer { inBuf in
                inflater.step(inBuf, from: inputPos, into: scratch.baseAddress!.assumingMemoryBound(to: UInt8.self), capacity: want)
            }
            produced = made
            inputPos += used
            if used > 0 { inMember = true }
            switch result {
            case Z_STREAM_END:
                inflater.reset()
                inMember = false
                if stopsAtMemberEnd {
                    atMemberEnd = true
                    if produced == 0 { return 0 }
                }
            case Z_OK, Z_BUF_ERROR:
                if used == 0 && produced == 0 {
                    if fileEnded {
                        inMember = false
                        inputPos = input.count
                        throw CompressionError.truncated
                    }
                    try refill()
                }
            default:
                let message = inflater.message()
                corruptMembers += 1
                try resync()
                throw CompressionError.corrupt(message)
            }
        }
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<produced]))
        return produced
    }
}

extension GzipByteSource {
    /// Inflates the member at `inputPos` in one call when it lies whole in the input buffer
    /// (topped up to `WholeMember.window` first) and inflates to at most `WholeMember.capacity`
    /// bytes; moves past it and returns true. False leaves everything as it was, for zlib's stream.
    private func inflateWhole() throws -> Bool {
        while input.count - inputPos < WholeMember.window && !fileEnded { try refill() }
        guard WholeMember.startsGzip(input, at: inputPos) else { return false }
        guard let used = whole.inflate(input, from: inputPos) else { return false }
        inputPos += used
        wholeMembers += 1
        return true
    }

    /// Copies up to `maxCount` bytes of the member inflated whole onto `buffer`; after its last
    /// byte, the member has ended (as for a member zlib streamed).
    private func handOutWhole(into buffer: inout [UInt8], maxCount: Int) -> Int {
        let count = whole.take(maxCount, into: &buffer)
        if whole.pending == 0 && stopsAtMemberEnd { atMemberEnd = true }
        return count
    }
}

/// libdeflate's decompressor and the output of the last member it inflated whole.
final class WholeMember {
    /// Input held ahead before a member is tried whole: members shorter than this (nearly every
    /// WARC record) never fall back to zlib for want of input.
    static let window = 256 * 1024
    /// The most bytes one member may inflate to here; a larger one is streamed by zlib.
    static let capacity = 8 << 20

    private let decompressor: OpaquePointer
    private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
    private var count = 0
    private var position = 0

    /// Whether a gzip member can start at `input[at]`: its magic bytes, and at least the 18 bytes
    /// of an empty member's header and trailer.
    static func startsGzip(_ input: [UInt8], at: Int) -> Bool {
        input.count - at >= 18 && input[at] == 0x1f && input[at + 1] == 0x8b
    }

    /// Bytes inflated and not yet handed out.
    var pending: Int { count - position }

    init() {
        // Allocation fails only without memory; Swift would stop there too.
        decompressor = libdeflate_alloc_decompressor()!
    }

    deinit {
        libdeflate_free_decompressor(decompressor)
        output.deallocate()
    }

    /// Inflates the gzip member at `input[from...]` (CRC and length checked); the compressed bytes
    /// it took, or nil when libdeflate could not take it whole.
    func inflate(_ input: [UInt8], from: Int) -> Int? {
        var used = 0
        var made = 0
        let result = input.withUnsafeBufferPointer { inBuf in
            libdeflate_gzip_decompress_ex(
                decompressor, inBuf.baseAddress! + from, inBuf.count - from, output.baseAddress!, output.count, &used, &made)
        }
        guard result == LIBDEFLATE_SUCCESS else { return nil }
        count = made
        position = 0
        return used
    }

    /// Appends up to `maxCount` pending bytes to `buffer`; how many.
    func take(_ maxCount: Int, into buffer: inout [UInt8]) -> Int {
        let n = min(maxCount, pending)
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: output[position..<position + n]))
        position += n
        return n
    }
}

/// Opens a file as bytes, decompressing it when its name ends in `.gz`.
public func openByteSource(path: String) throws -> ByteSource {
    if path.lowercased().hasSuffix(".gz") { return try GzipByteSource(path: path) }
    return try FileByteSource(path: path)
}
