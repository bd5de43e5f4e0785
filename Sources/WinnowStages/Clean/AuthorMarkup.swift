import Foundation
import WinnowHTML

/// Where a page's markup names its author outside JSON-LD, `<meta>` and microdata: a link the
/// page marks `rel="author"` (HTML's own link type), and an element whose class or id says it
/// holds the author's name (`author`, `byline`, `username` as a word of the name: WordPress's
/// `author-name`, Elementor's `author-box__name`, phpBB's and XenForo's `username`; the
/// conventions trafilatura's author paths also read), and a link whose text is the name an
/// author page's address on the page spells (WordPress's `/author/jane-doe/` archives and their
/// like). Only short texts that read as a name count.
enum AuthorMarkup {
    /// Words of a class or id that mark an element holding an author's name.
    static let markers: [[UInt8]] = ["author", "authors", "authorname", "byline", "username"].map { Array($0.utf8) }
    /// Words that mark an author's other parts (a photo, a biography) or someone else's name
    /// (a commenter, a reviewer, a form's field).
    static let others: [[UInt8]] = [
        "avatar", "bio", "biography", "description", "desc", "image", "img", "photo", "picture", "pic", "label",
        "form", "input", "comment", "comments", "reply", "replies", "review", "reviews", "testimonial", "quote",
    ].map { Array($0.utf8) }

    /// A form's fields and their labels: "Name *" over the comment form's author field.
    static let formFields = TagSet([.input, .label, .textarea, .select, .option, .button])

    /// Whether an element's class and id (the values it has) mark it as holding the author's
    /// name (the words of each are its runs of ASCII letters and digits, compared without case).
    /// The cleaner asks only where `mayMark` found "auth", "byli" or "user" in one of them.
    static func marksAuthor(_ classes: ArraySlice<UInt8>?, _ id: ArraySlice<UInt8>?) -> Bool {
        var marked = false
        for value in [classes, id] {
            guard let value else { continue }
            var start = value.startIndex
            for position in value.startIndex...value.endIndex {
                if position < value.endIndex, isWordByte(value[position]) { continue }
                let word = value[start..<position]
                start = position + 1
                guard word.count >= 3 else { continue }
                if others.contains(where: { equalsLower(word, $0) }) { return false }
                if !marked, markers.contains(where: { equalsLower(word, $0) }) { marked = true }
            }
        }
        return marked
    }

    /// Whether the value holds "auth", "byli" or "user" (any case), as every marker word does: a
    /// pass over the bytes of every class and id of the page, before any word is split.
    @inline(__always) static func mayMark(_ value: ArraySlice<UInt8>) -> Bool {
        guard value.count >= 4 else { return false }
        var i = value.startIndex
        let last = value.endIndex - 4
        while i <= last {
            let b = value[i] | 0x20
            if b == 0x61 || b == 0x62 || b == 0x75 { // a, b, u
                let b1 = value[i + 1] | 0x20
                let b2 = value[i + 2] | 0x20
                let b3 = value[i + 3] | 0x20
                if (b == 0x61 && b1 == 0x75 && b2 == 0x74 && b3 == 0x68) || (b == 0x62 && b1 == 0x79 && b2 == 0x6c && b3 == 0x69)
                    || (b == 0x75 && b1 == 0x73 && b2 == 0x65 && b3 == 0x72)
                {
                    return true
                }
            }
            i += 1
        }
        return false
    }

    @inline(__always) private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39)
    }

    @inline(__always) private static func equalsLower(_ word: ArraySlice<UInt8>, _ lower: [UInt8]) -> Bool {
        word.count == lower.count && zip(word, lower).allSatisfy { ($0 | 0x20) == $1 }
    }

    /// The element's text when it reads as a name: 2 to 50 characters and at most five words
    /// after a "By" label, starting with a letter, with no asterisk (a form's "Name *"), colon or
    /// link; else nil.
    static func name(_ tree: HTMLTree, _ index: Int32, _ bytes: inout [UInt8]) -> String? {
        if formFields.contains(tree[index].tag) { return nil }
        // The text gathered up to 200 bytes: a marked element may be a whole page's wrapper.
        bytes.removeAll(keepingCapacity: true)
        var tooLong = false
        tree.walk(from: index) { child, node in
            guard !tooLong else { return false }
            if node.isText {
                let text = tree.textBytes(of: child)
                tooLong = bytes.count + text.count > 200
                if !tooLong { bytes.append(contentsOf: text) }
                return false
            }
            return true
        }
        guard !tooLong else { return nil }
        var text = Substring(TextNormalizer.normalize(bytes))
        for label in ["written by ", "posted by ", "by: ", "by "] where text.lowercased().hasPrefix(label) {
            text = text.dropFirst(label.count)
            break
        }
        guard text.count >= 2, text.count <= 50, text.split(separator: " ").count <= 5, text.first?.isLetter == true,
            !text.contains(where: { $0 == "*" || $0 == ":" || $0 == "@" }), !text.lowercased().hasPrefix("http")
        else { return nil }
        return String(text)
    }

    /// The last word of an author page's address, as `slug` writes a name: what follows
    /// `/author/` or `/authors/` up to the next `/`, `?`, `#` or the end (`/author/jane-doe/`
    /// gives "jane-doe"); nil for other addresses.
    static func authorSlug(_ href: ArraySlice<UInt8>) -> [UInt8]? {
        let marker = Array("/author".utf8)
        var i = href.startIndex
        while i + marker.count < href.endIndex {
            defer { i += 1 }
            guard href[i] == 0x2f, href[i..<(i + marker.count)].elementsEqual(marker) else { continue }
            var j = i + marker.count
            if href[j] == UInt8(ascii: "s") { j += 1 }
            guard j < href.endIndex, href[j] == UInt8(ascii: "/") else { continue }
            j += 1
            let start = j
            while j < href.endIndex, !endsSegment(href[j]) { j += 1 }
            let slug = slug(String(decoding: href[start..<j], as: UTF8.self))
            return slug.isEmpty || j - start > 80 ? nil : slug
        }
        return nil
    }

    private static func endsSegment(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "/") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "?")
            || b == UInt8(ascii: "#") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b <= 0x20
    }

    /// A name or an address's word as the lower-case ASCII letters and digits of its words joined
    /// by `-`, accents taken off ("José Núñez", "jose-nunez" and "Jose_Nunez" give "jose-nunez").
    static func slug(_ text: String) -> [UInt8] {
        let folded = text.utf8.allSatisfy { $0 < 0x80 } ? text : text.folding(options: .diacriticInsensitive, locale: nil)
        var out: [UInt8] = []
        var pending = false
        for b in folded.utf8 {
            let lower = b | 0x20
            if (lower >= 0x61 && lower <= 0x7a) || (b >= 0x30 && b <= 0x39) {
                if pending, !out.isEmpty { out.append(UInt8(ascii: "-")) }
                pending = false
                out.append(b >= 0x30 && b <= 0x39 ? b : lower)
            } else {
                pending = true
            }
        }
        return out
    }
}
