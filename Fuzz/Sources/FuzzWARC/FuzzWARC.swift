import Foundation
import Winnow
import WinnowCore
import WinnowStages

/// Feeds arbitrary bytes to the WARC reader as a `.warc` file, then a `.warc.gz` one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    FuzzFiles.withFile(bytes, suffix: ".warc") { path in
        var scanner = InputScanner()
        for file in scanner.scan([path]) {
            ArchiveReader().read(file) { _, content in
                if case .raw(let body) = content { _ = try? Cleaner().clean(body, contentType: nil) }
            }
        }
    }
    return 0
}
