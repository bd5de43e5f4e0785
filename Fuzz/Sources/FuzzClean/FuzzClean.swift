import Winnow
import WinnowCore
import WinnowStages

/// Arbitrary bytes as an HTML page through clean, segment and extract (text and Markdown).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let page = try? Cleaner().clean(bytes, contentType: "text/html") else { return 0 }
    let segmented = Segmenter().segment(page)
    var settings = ExtractSettings()
    _ = try? Extractor(settings: settings).extract(segmented, url: "http://example.com/2019/01/02/a")
    settings.format = .markdown
    settings.includeCaptions = true
    _ = try? Extractor(settings: settings).extract(segmented, url: nil)
    return 0
}
