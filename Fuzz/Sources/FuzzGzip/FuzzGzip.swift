import Foundation
import Winnow
import WinnowCompression
import WinnowCore
import WinnowStages

/// Arbitrary bytes as a gzip stream: the streaming reader (with its resynchronisation) and the
/// one-shot inflater must neither crash nor loop.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? Inflate.decompress(bytes, limit: 1 << 22)
    _ = try? Inflate.decompress(bytes, format: .raw, limit: 1 << 22)
    FuzzFiles.withFile(bytes, suffix: ".gz") { path in
        guard let source = try? GzipByteSource(path: path) else { return }
        var out: [UInt8] = []
        var rounds = 0
        while rounds < 10_000 {
            rounds += 1
            do {
                if try source.read(into: &out, maxCount: 65536) == 0 { break }
            } catch CompressionError.truncated {
                break
            } catch {
                continue
            }
            if out.count > 1 << 24 { break }
        }
    }
    return 0
}
