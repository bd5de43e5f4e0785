import CLibXML2

#if canImport(Glibc)
    import Glibc
#endif

/// Limits that keep one hostile page from costing the run more than a normal one.
public struct ParseLimits: Sendable {
    /// Elements nested deeper than this are not kept as nodes; their text goes to the deepest kept one.
    public var maxDepth: Int
    /// Parsing stops after this many seconds (`HTMLTree.timedOut` tells).
    public var maxSeconds: Double
    public init(maxDepth: Int = 256, maxSeconds: Double = 10) {
        self.maxDepth = maxDepth
        self.maxSeconds = maxSeconds
    }
}

/// Parses HTML with libxml2's error-tolerant HTML parser into an `HTMLTree`.
///
/// libxml2 does the tokenising, entity decoding and the implied opening and closing of elements
/// (`<p>` closes `<p>`, a missing `<body>` is added); its SAX events build only the tree the
/// pipeline needs, which is faster than building libxml2's own DOM and walking it.
/// Network access is off, errors are silenced and the input is always UTF-8 (charset decoding is
/// the caller's job, done before parsing).
public enum HTMLParser {
    /// Call once before any parsing, from one thread (the corresponding C function is `xmlInitParser`).
    public static func initialize() {
        _ = initialized
    }

    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Parses UTF-8 HTML. Returns nil only when libxml2 cannot create a parser for the input.
    ///
    /// With `trim` (the default) what the tree does not keep (script, style and comment bodies,
    /// attributes outside `attributes`) is cut before libxml2 reads the page (see
    /// `InputTrimmer`); the tree is the same either way.
    /// `attributes` chooses which attributes the tree keeps (and so which the cut may remove).
    public static func parse(
        utf8 bytes: [UInt8], limits: ParseLimits = ParseLimits(), trim: Bool = true,
        attributes: AttributeSelection = .all
    ) -> HTMLTree? {
        initialize()
        if bytes.isEmpty { return HTMLTree() }
        guard bytes.count < Int(Int32.max) else { return nil }
        if trim, let cut = trimmed(utf8: bytes, attributes: attributes) {
            return parseWhole(cut, limits: limits, attributes: attributes)
        }
        return parseWhole(bytes, limits: limits, attributes: attributes)
    }

    /// The page as `parse` hands it to libxml2 (script, style and comment bodies and unread
    /// attributes cut), or nil when nothing is cut. For measuring the cut (`winnow benchmark`).
    public static func trimmed(utf8 bytes: [UInt8], attributes: AttributeSelection = .all) -> [UInt8]? {
        bytes.withUnsafeBufferPointer { InputTrimmer.strip($0, keeping: attributes) }
    }

    private static func parseWhole(_ bytes: [UInt8], limits: ParseLimits, attributes: AttributeSelection) -> HTMLTree? {
        let builder = TreeBuilder(limits: limits, attributes: attributes)
        let ok: Bool = bytes.withUnsafeBufferPointer { buffer -> Bool in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            guard let ctxt = htmlCreateMemoryParserCtxt(base, Int32(buffer.count)) else { return false }
            defer { htmlFreeParserCtxt(ctxt) }
            guard let sax = ctxt.pointee.sax else { return false }
            CLibXML2_clearSAX(sax)
            sax.pointee.initialized = CLibXML2_sax2Magic()
            sax.pointee.startElement = saxStartElement
            sax.pointee.endElement = saxEndElement
            sax.pointee.characters = saxCharacters
            sax.pointee.ignorableWhitespace = saxCharacters
            sax.pointee.cdataBlock = saxCDATA
            sax.pointee.serror = saxIgnoreError
            ctxt.pointee.userData = Unmanaged.passUnretained(builder).toOpaque()
            builder.context = ctxt
            let options = Int32(
                HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
                    | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue
                    | HTML_PARSE_NOIMPLIED.rawValue | HTML_PARSE_IGNORE_ENC.rawValue
                    | HTML_PARSE_COMPACT.rawValue)
            htmlCtxtUseOptions(ctxt, options)
            // htmlCtxtUseOptions resets the error callbacks it owns; ours is structured, set again.
            sax.pointee.serror = saxIgnoreError
            xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8)
            htmlParseDocument(ctxt)
            if let doc = ctxt.pointee.myDoc { xmlFreeDoc(doc) }
            return true
        }
        return ok ? builder.tree : nil
    }

    /// Parses a `String` of HTML (a convenience for tests and small inputs).
    public static func parse(_ html: String, limits: ParseLimits = ParseLimits()) -> HTMLTree? {
        parse(utf8: Array(html.utf8), limits: limits)
    }
}

// MARK: - SAX callbacks

private func builder(_ ctx: UnsafeMutableRawPointer?) -> TreeBuilder? {
    guard let ctx else { return nil }
    return Unmanaged<TreeBuilder>.fromOpaque(ctx).takeUnretainedValue()
}

private let saxStartElement: startElementSAXFunc = { ctx, name, atts in
    guard let b = builder(ctx), let name else { return }
    b.start(name: name, attributes: atts)
}

private let saxEndElement: endElementSAXFunc = { ctx, name in
    guard let b = builder(ctx), let name else { return }
    b.end(name: name)
}

private let saxCharacters: charactersSAXFunc = { ctx, ch, len in
    guard let b = builder(ctx), let ch, len > 0 else { return }
    b.characters(UnsafeBufferPointer(start: ch, count: Int(len)), raw: false)
}

private let saxCDATA: cdataBlockSAXFunc = { ctx, ch, len in
    guard let b = builder(ctx), let ch, len > 0 else { return }
    b.characters(UnsafeBufferPointer(start: ch, count: Int(len)), raw: true)
}

private let saxIgnoreError: xmlStructuredErrorFunc = { _, _ in }

// MARK: - Tree building

/// Name lookups by a hash of the bytes, so no String is made per element or attribute.
private enum NameTables {
    static let tags: NameTable<Tag> = NameTable(Tag.knownNames.enumerated().map { (hash(Array($0.element.utf8)), Tag(rawValue: UInt16($0.offset))) })

    static let attributes: NameTable<AttributeName> = NameTable(AttributeName.allCases.map { (hash(Array($0.html.utf8)), $0) })

    /// FNV-1a over ASCII-lowercased bytes.
    static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for var b in bytes {
            if b >= 0x41 && b <= 0x5a { b |= 0x20 }
            h = (h ^ UInt64(b)) &* 0x100_0000_01b3
        }
        return h
    }
}

/// A fixed set of names by their 64-bit hash, in an open-addressing table: one multiply and a
/// probe or two per lookup, where a `Dictionary` would run SipHash over the key every time.
struct NameTable<Value: Sendable>: Sendable {
    private var keys: [UInt64]
    private var values: [Value?]
    private let mask: Int

    init(_ entries: [(UInt64, Value)]) {
        var size = 16
        while size < entries.count * 4 { size *= 2 }
        keys = [UInt64](repeating: 0, count: size)
        values = [Value?](repeating: nil, count: size)
        mask = size - 1
        for (key, value) in entries { insert(key, value) }
    }

    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9e37_79b9_7f4a_7c15) >> 40) & mask }

    mutating func insert(_ key: UInt64, _ value: Value) {
        var i = slot(key)
        while values[i] != nil && keys[i] != key { i = (i + 1) & mask }
        keys[i] = key
        values[i] = value
    }

    subscript(_ key: UInt64) -> Value? {
        var i = slot(key)
        while let value = values[i] {
            if keys[i] == key { return value }
            i = (i + 1) & mask
        }
        return nil
    }
}

private func cStringBytes(_ p: UnsafePointer<xmlChar>) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: p, count: strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self)))
}

final class TreeBuilder {
    /// Only ever touched from libxml2's callbacks on one thread: the runtime's exclusivity checks
    /// on each access (a tenth of the callbacks' time) buy nothing here.
    @exclusivity(unchecked) var tree = HTMLTree()
    let limits: ParseLimits
    /// The open element's index; the root when none is open.
    @exclusivity(unchecked) private var current: Int32 = HTMLTree.root
    @exclusivity(unchecked) private var depth: Int32 = 0
    /// Elements opened past the depth limit and not yet closed.
    private var suppressed = 0
    private var extraTags: [UInt64: Tag] = [:]
    /// Inside `<script>`/`<style>` whose text is not kept (only JSON-LD scripts are).
    private var discardingRaw = false
    /// The parser, stopped when the time limit passes.
    var context: htmlParserCtxtPtr?
    @exclusivity(unchecked) private var events = 0
    private let deadline: timespec

    /// Checks the clock every few thousand events; past the deadline, stops libxml2.
    @inline(__always)
    private func tick() {
        events &+= 1
        guard events & 4095 == 0 else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        if now.tv_sec > deadline.tv_sec || (now.tv_sec == deadline.tv_sec && now.tv_nsec > deadline.tv_nsec) {
            tree.timedOut = true
            if let context { xmlStopParser(context) }
        }
    }

    /// The attributes kept.
    let selection: AttributeSelection

    init(limits: ParseLimits, attributes: AttributeSelection) {
        self.limits = limits
        self.selection = attributes
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let whole = Int(limits.maxSeconds)
        let nanos = Int((limits.maxSeconds - Double(whole)) * 1e9) + now.tv_nsec
        deadline = timespec(tv_sec: now.tv_sec + whole + nanos / 1_000_000_000, tv_nsec: nanos % 1_000_000_000)
        tree.nodes.reserveCapacity(2048)
        tree.text.reserveCapacity(64 * 1024)
    }

    private func tag(for name: UnsafeBufferPointer<UInt8>) -> Tag {
        let h = NameTables.hash(name)
        if let known = NameTables.tags[h] { return known }
        if let extra = extraTags[h] { return extra }
        let next = Tag(rawValue: UInt16(truncatingIfNeeded: Tag.knownNames.count + tree.extraTagNames.count))
        if tree.extraTagNames.count < 4096 {
            extraTags[h] = next
            tree.extraTagNames.append(String(decoding: name, as: UTF8.self).lowercased())
            return next
        }
        return Tag.span
    }

    func start(name: UnsafePointer<xmlChar>, attributes atts: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        tick()
        if depth >= Int32(limits.maxDepth) {
            suppressed += 1
            tree.flattenedElements += 1
            return
        }
        let tag = tag(for: cStringBytes(name))
        if reenter(tag) { return }
        let attrStart = Int32(tree.attributes.count)
        if let atts {
            var i = 0
            while let key = atts[i] {
                let value = atts[i + 1]
                i += 2
                guard let attr = NameTables.attributes[NameTables.hash(cStringBytes(key))],
                    selection.keeps(attr, on: tag, value: value.map(cStringBytes) ?? UnsafeBufferPointer(start: nil, count: 0))
                else { continue }
                let valueStart = Int32(tree.text.count)
                if let value { tree.text.append(contentsOf: cStringBytes(value)) }
                tree.attributes.append(.init(name: attr, start: valueStart, count: Int32(tree.text.count) - valueStart))
            }
        }
        var node = HTMLTree.Node(tag: tag, parent: current, depth: depth + 1)
        node.start = attrStart
        node.count = Int32(tree.attributes.count) - attrStart
        current = tree.appendChild(node)
        depth += 1
        if tag == .template { tree.templates += 1 }
        if tag == .script || tag == .style {
            // Only JSON-LD is read from scripts; the rest is never stored.
            let type = tree.attribute(.type, of: current)
            discardingRaw = !(tag == .script && type.map { containsLDJSON($0) } ?? false)
        }
    }

    /// Markup after `</body>` or `</html>` (a page that closes its document after the header and
    /// goes on): libxml2 opens an implied `<html>` and `<body>` again, or none. As browsers do, it
    /// goes into the page's own body instead of a second document nobody reads. True when `tag`
    /// was that implied element (nothing to add).
    private func reenter(_ tag: Tag) -> Bool {
        let top = tree.nodes[Int(current)].tag
        guard current == HTMLTree.root || (top == .html && tag == .body) else { return false }
        guard let html = current == HTMLTree.root ? child(of: HTMLTree.root, tagged: .html) : current else { return false }
        if tag == .html {
            move(to: html)
            return true
        }
        guard let body = child(of: html, tagged: .body) else { return false }
        move(to: body)
        return tag == .body
    }

    private func child(of parent: Int32, tagged tag: Tag) -> Int32? {
        tree.children(of: parent).first { tree.nodes[Int($0)].tag == tag }
    }

    private func move(to index: Int32) {
        current = index
        depth = tree.nodes[Int(index)].depth
    }

    private func containsLDJSON(_ bytes: ArraySlice<UInt8>) -> Bool {
        let needle = Array("ld+json".utf8)
        guard bytes.count >= needle.count else { return false }
        let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 }
        for i in 0...(lower.count - needle.count) where lower[i..<(i + needle.count)].elementsEqual(needle) { return true }
        return false
    }

    func end(name: UnsafePointer<xmlChar>) {
        if suppressed > 0 {
            suppressed -= 1
            return
        }
        guard current != HTMLTree.root else { return }
        let tag = tag(for: cStringBytes(name))
        // libxml2 balances its events; if a name ever mismatches, close up to the matching element.
        var index = current
        while index != HTMLTree.root && tree.nodes[Int(index)].tag != tag { index = tree.nodes[Int(index)].parent }
        if index == HTMLTree.root { return }
        current = tree.nodes[Int(index)].parent
        depth = tree.nodes[Int(index)].depth - 1
        discardingRaw = false
    }

    func characters(_ bytes: UnsafeBufferPointer<UInt8>, raw: Bool) {
        tick()
        let parentTag = tree.nodes[Int(current)].tag
        if (parentTag == .script || parentTag == .style) && discardingRaw { return }
        let last = tree.nodes[Int(current)].lastChild
        if last >= 0 && tree.nodes[Int(last)].isText
            && Int(tree.nodes[Int(last)].start + tree.nodes[Int(last)].count) == tree.text.count
        {
            tree.text.append(contentsOf: bytes)
            tree.nodes[Int(last)].count += Int32(bytes.count)
            return
        }
        let start = Int32(tree.text.count)
        tree.text.append(contentsOf: bytes)
        var node = HTMLTree.Node(tag: .text, parent: current, depth: depth + 1)
        node.start = start
        node.count = Int32(bytes.count)
        _ = tree.appendChild(node)
    }
}
