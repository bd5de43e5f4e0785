import Winnow
import WinnowCore
import WinnowHTML
import WinnowStages

/// The cut before parsing against libxml2 itself: arbitrary bytes, decoded as the clean stage
/// decodes them, must parse to the same tree with and without the cut, for both attribute
/// selections. A difference stops the fuzzer with the input that shows it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let utf8 = Charset.decode(Array(UnsafeBufferPointer(start: data, count: size)), encoding: "UTF-8")
    for selection in [AttributeSelection.all, .read] {
        let cut = HTMLParser.parse(utf8: utf8, trim: true, attributes: selection)
        let whole = HTMLParser.parse(utf8: utf8, trim: false, attributes: selection)
        if cut != whole { fatalError("the cut before parsing changed the tree (\(selection))") }
    }
    return 0
}
