import CZlib

/// Compresses bytes into gzip format in memory; the caller decides where the bytes go.
/// The header carries no file name and no time, so equal input gives equal output.
public final class GzipCompressor {
    private let stream: UnsafeMutablePointer<z_stream>
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    /// - Parameter level: zlib's compression level, 1 (fast) to 9 (small); 6 is gzip's default.
    public init(level: Int32 = 6) throws(CompressionError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let code = CZlib_deflateInit2(stream, level, 15 + 16, 8, Z_DEFAULT_STRATEGY)
        guard code == Z_OK else {
            stream.deallocate()
            throw .setup(code)
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Compresses `input`, appending the compressed bytes produced so far to `output`.
    public func compress(_ input: [UInt8], into output: inout [UInt8]) {
        run(input, flush: Z_NO_FLUSH, into: &output)
    }

    /// Ends the gzip member (trailer with CRC and length) and readies the compressor for the next one.
    public func finish(into output: inout [UInt8]) {
        run([], flush: Z_FINISH, into: &output)
        deflateReset(stream)
    }

    private func run(_ input: [UInt8], flush: Int32, into output: inout [UInt8]) {
        input.withUnsafeBufferPointer { inBuf in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.pointee.avail_in = UInt32(inBuf.count)
            repeat {
                let produced = chunk.withUnsafeMutableBufferPointer { outBuf -> Int in
                    stream.pointee.next_out = outBuf.baseAddress
                    stream.pointee.avail_out = UInt32(outBuf.count)
                    deflate(stream, flush)
                    return outBuf.count - Int(stream.pointee.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
            } while stream.pointee.avail_out == 0 || (flush == Z_FINISH && stream.pointee.avail_in > 0)
        }
    }

    /// Compresses a whole buffer into one gzip member.
    public static func gzip(_ input: [UInt8], level: Int32 = 6) throws(CompressionError) -> [UInt8] {
        let compressor = try GzipCompressor(level: level)
        var out: [UInt8] = []
        compressor.compress(input, into: &out)
        compressor.finish(into: &out)
        return out
    }
}
