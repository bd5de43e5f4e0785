import Winnow
import WinnowCore
import WinnowStages

/// Arbitrary bytes through charset detection and every decoder Winnow maps labels to.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let (name, _) = Charset.detect(contentType: nil, bytes: bytes)
    let decoded = Charset.decode(bytes, encoding: name)
    precondition(Charset.isValidUTF8(decoded), "decoding must give valid UTF-8")
    precondition(!decoded.contains(0), "decoding must remove NUL bytes")
    for encoding in ["UTF-8", "WINDOWS-1252", "CP932", "GB18030", "KOI8-R", "UTF-16LE", "BIG5-HKSCS", "EUC-JP"] {
        let out = Charset.decode(bytes, encoding: encoding)
        precondition(Charset.isValidUTF8(out), "\(encoding) decoding must give valid UTF-8")
    }
    return 0
}
