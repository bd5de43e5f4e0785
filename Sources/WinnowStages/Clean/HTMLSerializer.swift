import Foundation
import WinnowCore
import WinnowHTML

/// Writes a (cleaned) tree back as HTML: the output of the `clean` stage, which the `segment`
/// stage can parse again. Kept attributes only; text escaped; JSON-LD kept in `<head>`.
public enum HTMLSerializer {
    static let voidTags: Set<Tag> = [
        .br, .hr, .img, .meta, .link, .base, .input, .wbr, .area, .embed, Tag.known("source")!, Tag.known("col")!, Tag.known("param")!,
        Tag.known("track")!,
    ]

    /// The cleaned page as UTF-8 HTML, with the head rebuilt from `info`.
    public static func serialize(_ page: CleanedPage) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(page.tree.text.count + page.tree.nodes.count * 8)
        out.append(contentsOf: "<!DOCTYPE html>\n<html".utf8)
        if let lang = page.info.htmlLang { appendAttribute("lang", lang, to: &out) }
        out.append(contentsOf: "><head><meta charset=\"utf-8\">".utf8)
        if let title = page.info.title {
            out.append(contentsOf: "<title>".utf8)
            appendEscaped(Array(title.utf8)[...], to: &out)
            out.append(contentsOf: "</title>".utf8)
        }
        for meta in page.info.metas {
            out.append(contentsOf: "<meta".utf8)
            appendAttribute(meta.key.hasPrefix("og:") || meta.key.hasPrefix("article:") ? "property" : "name", meta.key, to: &out)
            appendAttribute("content", meta.content, to: &out)
            out.append(UInt8(ascii: ">"))
        }
        if let canonical = page.info.canonical {
            out.append(contentsOf: "<link rel=\"canonical\"".utf8)
            appendAttribute("href", canonical, to: &out)
            out.append(UInt8(ascii: ">"))
        }
        for json in page.info.jsonLD {
            out.append(contentsOf: "<script type=\"application/ld+json\">".utf8)
            // "</" cannot end the script early once written as "<\/", which JSON reads the same.
            out.append(contentsOf: json.replacingOccurrences(of: "</", with: "<\\/").utf8)
            out.append(contentsOf: "</script>".utf8)
        }
        out.append(contentsOf: "</head>".utf8)
        let tree = page.tree
        if let body = tree.first(.body) {
            write(body, tree, &out)
        } else {
            out.append(contentsOf: "<body>".utf8)
            for child in tree.children(of: HTMLTree.root) { write(child, tree, &out) }
            out.append(contentsOf: "</body>".utf8)
        }
        out.append(contentsOf: "</html>\n".utf8)
        return out
    }

    private static func write(_ index: Int32, _ tree: HTMLTree, _ out: inout [UInt8]) {
        let node = tree[index]
        if node.isText {
            appendEscaped(tree.textBytes(of: index), to: &out)
            return
        }
        if node.tag == .html || node.tag == .head {
            for child in tree.children(of: index) { write(child, tree, &out) }
            return
        }
        let name = tree.name(of: node.tag)
        out.append(UInt8(ascii: "<"))
        out.append(contentsOf: name.utf8)
        for attribute in tree.attributes(of: index) {
            let value = tree.text[Int(attribute.start)..<Int(attribute.start + attribute.count)]
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: attribute.name.html.utf8)
            out.append(contentsOf: "=\"".utf8)
            appendEscaped(value, to: &out, quotes: true)
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: ">"))
        // libxml2 2.9 predates some of HTML5's void elements (`wbr`, `source`, `track`, `embed`)
        // and nests what follows them inside: written after the tag, that text is not lost, and
        // parsing the output again nests it the same way.
        if voidTags.contains(node.tag) {
            for child in tree.children(of: index) { write(child, tree, &out) }
            return
        }
        for child in tree.children(of: index) { write(child, tree, &out) }
        out.append(contentsOf: "</".utf8)
        out.append(contentsOf: name.utf8)
        out.append(UInt8(ascii: ">"))
    }

    private static func appendAttribute(_ name: String, _ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: "=\"".utf8)
        appendEscaped(Array(value.utf8)[...], to: &out, quotes: true)
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8], quotes: Bool = false) {
        for b in bytes {
            switch b {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\"") where quotes: out.append(contentsOf: "&quot;".utf8)
            default: out.append(b)
            }
        }
    }
}
