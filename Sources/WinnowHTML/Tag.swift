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

    static func k(_ name: String) -> Tag {
        guard let tag = table[name] else { preconditionFailure("unknown built-in tag \(name)") }
        return tag
    }

    public static let root = k("#root"), text = k("#text")
    public static let html = k("html"), head = k("head"), title = k("title"), meta = k("meta"), link = k("link")
    public static let base = k("base"), script = k("script"), style = k("style"), noscript = k("noscript")
    public static let template = k("template"), body = k("body"), header = k("header"), footer = k("footer")
    public static let nav = k("nav"), aside = k("aside"), main = k("main"), article = k("article")
    public static let section = k("section"), div = k("div"), span = k("span"), p = k("p")
    public static let h1 = k("h1"), h2 = k("h2"), h3 = k("h3"), h4 = k("h4"), h5 = k("h5"), h6 = k("h6")
    public static let hgroup = k("hgroup")
    public static let ul = k("ul"), ol = k("ol"), li = k("li"), dl = k("dl"), dt = k("dt"), dd = k("dd")
    public static let table_ = k("table"), thead = k("thead"), tbody = k("tbody"), tfoot = k("tfoot")
    public static let tr = k("tr"), td = k("td"), th = k("th"), caption = k("caption")
    public static let blockquote = k("blockquote"), pre = k("pre"), code = k("code"), a = k("a"), img = k("img")
    public static let picture = k("picture"), figure = k("figure"), figcaption = k("figcaption")
    public static let form = k("form"), input = k("input"), button = k("button"), select = k("select")
    public static let option = k("option"), textarea = k("textarea"), label = k("label"), fieldset = k("fieldset")
    public static let iframe = k("iframe"), svg = k("svg"), math = k("math"), canvas = k("canvas")
    public static let video = k("video"), audio = k("audio"), br = k("br"), hr = k("hr"), wbr = k("wbr")
    public static let time = k("time"), address = k("address"), q = k("q"), cite = k("cite")
    public static let details = k("details"), summary = k("summary"), dialog = k("dialog"), menu = k("menu")
    public static let object = k("object"), embed = k("embed"), frameset = k("frameset"), noframes = k("noframes")
    public static let frame = k("frame"), applet = k("applet"), map = k("map"), area = k("area")
    public static let em = k("em"), strong = k("strong"), b = k("b"), i = k("i")
    public static let rt = k("rt"), rp = k("rp"), datalist = k("datalist"), output = k("output")

    /// True for the heading elements h1 to h6.
    public var isHeading: Bool { rawValue >= Tag.h1.rawValue && rawValue <= Tag.h6.rawValue }
    /// Heading level 1-6, or 0.
    public var headingLevel: Int { isHeading ? Int(rawValue - Tag.h1.rawValue) + 1 : 0 }
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
