#if canImport(Glibc)
    import Glibc
#endif

/// An HTML element name, as a small number: the known names have fixed values, and the names a
/// page invents get numbers from the page's own table (`HTMLTree.tagNames`).
public struct Tag: Hashable, Sendable, RawRepresentable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The known names, in the order of their numbers. Unknown names are numbered after them.
    public static let knownNames: [String] = [
        "#root", "#text",
        "html", "head", "title", "meta", "link", "base", "script", "style", "noscript", "template",
        "body", "header", "footer", "nav", "aside", "main", "article", "section", "div", "span",
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "hgroup", "ul", "ol", "li", "dl", "dt", "dd",
        "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col",
        "blockquote", "pre", "code", "a", "img", "picture", "source", "figure", "figcaption",
        "form", "input", "button", "select", "option", "optgroup", "textarea", "label", "fieldset", "legend",
        "iframe", "frame", "frameset", "noframes", "object", "embed", "param", "svg", "math", "canvas",
        "video", "audio", "track", "map", "area", "br", "hr", "wbr",
        "em", "strong", "b", "i", "u", "s", "small", "big", "sub", "sup", "abbr", "cite", "q", "mark",
        "time", "address", "font", "center", "del", "ins", "kbd", "samp", "var", "tt", "dfn", "bdi", "bdo",
        "details", "summary", "dialog", "menu", "menuitem", "output", "progress", "meter", "datalist",
        "blink", "marquee", "xmp", "listing", "plaintext", "applet", "ruby", "rt", "rp", "data",
    ]

    static let table: [String: Tag] = {
        var table: [String: Tag] = [:]
        for (i, name) in knownNames.enumerated() { table[name] = Tag(rawValue: UInt16(i)) }
        return table
    }()

    /// The tag for a known name, or nil.
    public static func known(_ name: String) -> Tag? { table[name] }

    // The known tags as constants: computed and inlinable, since a `static let` costs a lazy-init
    // check (swift_once) on every use in the parser's and cleaner's hot loops. `TagTests` checks
    // each number against `knownNames`.

    @inlinable public static var root: Tag { Tag(rawValue: 0) } // #root
    @inlinable public static var text: Tag { Tag(rawValue: 1) } // #text
    @inlinable public static var html: Tag { Tag(rawValue: 2) } // html
    @inlinable public static var head: Tag { Tag(rawValue: 3) } // head
    @inlinable public static var title: Tag { Tag(rawValue: 4) } // title
    @inlinable public static var meta: Tag { Tag(rawValue: 5) } // meta
    @inlinable public static var link: Tag { Tag(rawValue: 6) } // link
    @inlinable public static var base: Tag { Tag(rawValue: 7) } // base
    @inlinable public static var script: Tag { Tag(rawValue: 8) } // script
    @inlinable public static var style: Tag { Tag(rawValue: 9) } // style
    @inlinable public static var noscript: Tag { Tag(rawValue: 10) } // noscript
    @inlinable public static var template: Tag { Tag(rawValue: 11) } // template
    @inlinable public static var body: Tag { Tag(rawValue: 12) } // body
    @inlinable public static var header: Tag { Tag(rawValue: 13) } // header
    @inlinable public static var footer: Tag { Tag(rawValue: 14) } // footer
    @inlinable public static var nav: Tag { Tag(rawValue: 15) } // nav
    @inlinable public static var aside: Tag { Tag(rawValue: 16) } // aside
    @inlinable public static var main: Tag { Tag(rawValue: 17) } // main
    @inlinable public static var article: Tag { Tag(rawValue: 18) } // article
    @inlinable public static var section: Tag { Tag(rawValue: 19) } // section
    @inlinable public static var div: Tag { Tag(rawValue: 20) } // div
    @inlinable public static var span: Tag { Tag(rawValue: 21) } // span
    @inlinable public static var p: Tag { Tag(rawValue: 22) } // p
    @inlinable public static var h1: Tag { Tag(rawValue: 23) } // h1
    @inlinable public static var h2: Tag { Tag(rawValue: 24) } // h2
    @inlinable public static var h3: Tag { Tag(rawValue: 25) } // h3
    @inlinable public static var h4: Tag { Tag(rawValue: 26) } // h4
    @inlinable public static var h5: Tag { Tag(rawValue: 27) } // h5
    @inlinable public static var h6: Tag { Tag(rawValue: 28) } // h6
    @inlinable public static var hgroup: Tag { Tag(rawValue: 29) } // hgroup
    @inlinable public static var ul: Tag { Tag(rawValue: 30) } // ul
    @inlinable public static var ol: Tag { Tag(rawValue: 31) } // ol
    @inlinable public static var li: Tag { Tag(rawValue: 32) } // li
    @inlinable public static var dl: Tag { Tag(rawValue: 33) } // dl
    @inlinable public static var dt: Tag { Tag(rawValue: 34) } // dt
    @inlinable public static var dd: Tag { Tag(rawValue: 35) } // dd
    // swift-format-ignore: AlwaysUseLowerCamelCase
    @inlinable public static var table_: Tag { Tag(rawValue: 36) } // table
    @inlinable public static var thead: Tag { Tag(rawValue: 37) } // thead
    @inlinable public static var tbody: Tag { Tag(rawValue: 38) } // tbody
    @inlinable public static var tfoot: Tag { Tag(rawValue: 39) } // tfoot
    @inlinable public static var tr: Tag { Tag(rawValue: 40) } // tr
    @inlinable public static var td: Tag { Tag(rawValue: 41) } // td
    @inlinable public static var th: Tag { Tag(rawValue: 42) } // th
    @inlinable public static var caption: Tag { Tag(rawValue: 43) } // caption
    @inlinable public static var blockquote: Tag { Tag(rawValue: 46) } // blockquote
    @inlinable public static var pre: Tag { Tag(rawValue: 47) } // pre
    @inlinable public static var code: Tag { Tag(rawValue: 48) } // code
    @inlinable public static var a: Tag { Tag(rawValue: 49) } // a
    @inlinable public static var img: Tag { Tag(rawValue: 50) } // img
    @inlinable public static var picture: Tag { Tag(rawValue: 51) } // picture
    @inlinable public static var figure: Tag { Tag(rawValue: 53) } // figure
    @inlinable public static var figcaption: Tag { Tag(rawValue: 54) } // figcaption
    @inlinable public static var form: Tag { Tag(rawValue: 55) } // form
    @inlinable public static var input: Tag { Tag(rawValue: 56) } // input
    @inlinable public static var button: Tag { Tag(rawValue: 57) } // button
    @inlinable public static var select: Tag { Tag(rawValue: 58) } // select
    @inlinable public static var option: Tag { Tag(rawValue: 59) } // option
    @inlinable public static var textarea: Tag { Tag(rawValue: 61) } // textarea
    @inlinable public static var label: Tag { Tag(rawValue: 62) } // label
    @inlinable public static var fieldset: Tag { Tag(rawValue: 63) } // fieldset
    @inlinable public static var iframe: Tag { Tag(rawValue: 65) } // iframe
    @inlinable public static var svg: Tag { Tag(rawValue: 72) } // svg
    @inlinable public static var math: Tag { Tag(rawValue: 73) } // math
    @inlinable public static var canvas: Tag { Tag(rawValue: 74) } // canvas
    @inlinable public static var video: Tag { Tag(rawValue: 75) } // video
    @inlinable public static var audio: Tag { Tag(rawValue: 76) } // audio
    @inlinable public static var br: Tag { Tag(rawValue: 80) } // br
    @inlinable public static var hr: Tag { Tag(rawValue: 81) } // hr
    @inlinable public static var wbr: Tag { Tag(rawValue: 82) } // wbr
    @inlinable public static var time: Tag { Tag(rawValue: 97) } // time
    @inlinable public static var address: Tag { Tag(rawValue: 98) } // address
    @inlinable public static var q: Tag { Tag(rawValue: 95) } // q
    @inlinable public static var cite: Tag { Tag(rawValue: 94) } // cite
    @inlinable public static var details: Tag { Tag(rawValue: 110) } // details
    @inlinable public static var summary: Tag { Tag(rawValue: 111) } // summary
    @inlinable public static var dialog: Tag { Tag(rawValue: 112) } // dialog
    @inlinable public static var menu: Tag { Tag(rawValue: 113) } // menu
    @inlinable public static var object: Tag { Tag(rawValue: 69) } // object
    @inlinable public static var embed: Tag { Tag(rawValue: 70) } // embed
    @inlinable public static var frameset: Tag { Tag(rawValue: 67) } // frameset
    @inlinable public static var noframes: Tag { Tag(rawValue: 68) } // noframes
    @inlinable public static var frame: Tag { Tag(rawValue: 66) } // frame
    @inlinable public static var applet: Tag { Tag(rawValue: 124) } // applet
    @inlinable public static var map: Tag { Tag(rawValue: 78) } // map
    @inlinable public static var area: Tag { Tag(rawValue: 79) } // area
    @inlinable public static var em: Tag { Tag(rawValue: 83) } // em
    @inlinable public static var strong: Tag { Tag(rawValue: 84) } // strong
    @inlinable public static var b: Tag { Tag(rawValue: 85) } // b
    @inlinable public static var i: Tag { Tag(rawValue: 86) } // i
    @inlinable public static var rt: Tag { Tag(rawValue: 126) } // rt
    @inlinable public static var rp: Tag { Tag(rawValue: 127) } // rp
    @inlinable public static var datalist: Tag { Tag(rawValue: 118) } // datalist
    @inlinable public static var output: Tag { Tag(rawValue: 115) } // output

    /// True for the heading elements h1 to h6.
    public var isHeading: Bool { rawValue >= Tag.h1.rawValue && rawValue <= Tag.h6.rawValue }
    /// Heading level 1-6, or 0.
    public var headingLevel: Int { isHeading ? Int(rawValue - Tag.h1.rawValue) + 1 : 0 }
}

/// Which of the `AttributeName` attributes a parse keeps.
public enum AttributeSelection: Sendable {
    /// All of them: for writing the cleaned page back as HTML (the `clean` stage's output).
    case all
    /// Those the later stages read: no `src`, `alt`, `title`, `dir`, `open`, `itemtype`,
    /// `itemscope` or `charset`, and `href` only on `<link>` (the canonical URL) and, by its
    /// value, on an `<a>` linking to an author page (`keeps(_:on:value:)`). Link targets are a
    /// tenth of a page's bytes; not keeping them spares libxml2 reading them.
    case read

    /// Whether an attribute of an element with `tag` is kept whatever its value.
    @inline(__always)
    public func keeps(_ attribute: AttributeName, on tag: Tag) -> Bool {
        switch self {
        case .all: return true
        case .read: return attribute == .href ? tag == .link : AttributeSelection.readMask & (1 << attribute.rawValue) != 0
        }
    }

    /// Whether an attribute with this (decoded) value is kept: as `keeps(_:on:)`, and an `<a>`'s
    /// `href` holding `/author` (WordPress's `/author/jane-doe/` and the like), from which the
    /// clean stage reads the author's name. `InputTrimmer` keeps every `<a href>` that may be one.
    @inline(__always)
    public func keeps(_ attribute: AttributeName, on tag: Tag, value: UnsafeBufferPointer<UInt8>) -> Bool {
        keeps(attribute, on: tag) || (attribute == .href && tag == .a && Self.isAuthorAddress(value))
    }

    /// Whether the value holds `/author`.
    @inline(__always)
    private static func isAuthorAddress(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = value.baseAddress else { return false }
        var from = 0
        while from + 7 <= value.count, let hit = memchr(base + from, 0x2f, value.count - from) {
            let i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            from = i + 1
            // "author", byte by byte: most slashes fail at the first.
            if i + 7 <= value.count, value[i + 1] == 0x61, value[i + 2] == 0x75, value[i + 3] == 0x74, value[i + 4] == 0x68,
                value[i + 5] == 0x6f, value[i + 6] == 0x72
            {
                return true
            }
        }
        return false
    }

    /// The attributes read by the stages after cleaning (href aside).
    static let readList: [AttributeName] = [
        .id, .class, .style, .hidden, .role, .type, .name, .property,
        .content, .itemprop, .httpEquiv, .rel, .lang, .datetime,
    ]

    /// `read` as bits by raw value: a literal, since a `static let` costs a lazy-init check on
    /// every use in the parser's hot loop (`TagTests` checks it against `readList`).
    static var readMask: UInt32 { 0x30_A7EF }
}

/// The attributes the pipeline reads; the others are not kept.
public enum AttributeName: UInt8, CaseIterable, Sendable {
    case id, `class`, style, hidden, ariaHidden, role, type, name, property, content, itemprop
    case itemtype, itemscope, httpEquiv, charset, rel, href, src, alt, title, lang, datetime, dir, open

    /// The attribute's name in HTML.
    public var html: String {
        switch self {
        case .ariaHidden: return "aria-hidden"
        case .httpEquiv: return "http-equiv"
        case .class: return "class"
        default: return "\(self)"
        }
    }

    static let table: [String: AttributeName] = {
        var table: [String: AttributeName] = [:]
        for a in AttributeName.allCases { table[a.html] = a }
        return table
    }()
}
