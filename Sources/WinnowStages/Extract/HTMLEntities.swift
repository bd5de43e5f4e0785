import Foundation
import WinnowCore
import WinnowHTML

/// Decodes character references left in metadata strings (`&#8211;`, `&amp;`, `&rsquo;`), which
/// JSON-LD written by templates often carries. libxml2 does the decoding, so every HTML entity is known.
enum HTMLEntities {
    static func decode(_ text: String) -> String {
        guard text.containsBytes("&") else { return text }
        let escaped = text.replacingOccurrences(of: "<", with: "&lt;")
        guard let tree = HTMLParser.parse("<p>" + escaped + "</p>") else { return text }
        var out: [UInt8] = []
        tree.appendText(of: HTMLTree.root, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
