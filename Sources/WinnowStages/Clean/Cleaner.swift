import WinnowCore
import WinnowHTML

/// Settings of the clean stage.
public struct CleanSettings: Sendable {
    /// Pages with elements nested deeper than this are dropped as `too_deep`.
    public var maxDepth: Int = 256
    /// Pages whose parse takes longer are dropped as `parse_timeout`.
    public var maxParseSeconds: Double = 10
    /// The attributes kept in the tree: what the later stages read, unless the cleaned page is
    /// the output (`winnow clean` writes it back as HTML, with links and images).
    public var attributes: AttributeSelection = .read
    public init() {}
}

/// The clean stage: decodes the charset, parses with libxml2, gathers head metadata, then
/// removes scripts, styles, navigation, forms, elements a style hides and embedded objects.
public struct Cleaner: Sendable {
    public let settings: CleanSettings

    public init(settings: CleanSettings = CleanSettings()) { self.settings = settings }

    /// Cleans raw page bytes; `contentType` is the HTTP header value, when known.
    public func clean(_ bytes: [UInt8], contentType: String?) throws(Drop) -> CleanedPage {
        if looksBinary(bytes) {
            throw Drop(.clean, .binaryContent, "binary data, not HTML")
        }
        let (encoding, _, valid) = Charset.detectAndValidate(contentType: contentType, bytes: bytes)
        let utf8 = Charset.decode(bytes, encoding: encoding, knownValid: valid)
        var tree = try parse(utf8)
        var info = collectInfo(tree)
        info.charset = encoding.lowercased()
        placeStreamedSegments(&tree)
        removeNonContent(&tree)
        return CleanedPage(tree: tree, info: info)
    }

    /// A page a clean stage cleaned before (its intermediate record): parsed, not cleaned again,
    /// with the head information that stage gathered.
    public func reparse(_ utf8: [UInt8], info: PageInfo) throws(Drop) -> CleanedPage {
        CleanedPage(tree: try parse(utf8), info: info)
    }

    /// libxml2's tree of UTF-8 HTML, within the depth and time limits.
    private func parse(_ utf8: [UInt8]) throws(Drop) -> HTMLTree {
        guard
            let tree = HTMLParser.parse(
                utf8: utf8, limits: ParseLimits(maxDepth: settings.maxDepth, maxSeconds: settings.maxParseSeconds),
                attributes: settings.attributes)
        else {
            throw Drop(.clean, .parseError, "libxml2 could not parse the page")
        }
        if tree.timedOut {
            throw Drop(.clean, .parseTimeout, "parsing took over \(settings.maxParseSeconds) s")
        }
        if tree.flattenedElements > 0 {
            throw Drop(.clean, .tooDeep, "elements nested deeper than \(settings.maxDepth)")
        }
        return tree
    }

    /// Control bytes in the first 4 KiB say "binary", except in UTF-16 (which has a BOM).
    func looksBinary(_ bytes: [UInt8]) -> Bool {
        if bytes.starts(with: [0xff, 0xfe]) || bytes.starts(with: [0xfe, 0xff]) { return false }
        let head = bytes.prefix(4096)
        if head.isEmpty { return false }
        var control = 0
        for b in head where b < 0x09 || (b > 0x0d && b < 0x20 && b != 0x1b) { control += 1 }
        return control * 100 > head.count * 5
    }

    /// Reads title, lang, meta, canonical link, JSON-LD, `<time>` values and the authors the markup names.
    func collectInfo(_ tree: HTMLTree) -> PageInfo {
        var info = PageInfo()
        if let html = tree.first(.html) {
            info.htmlLang = tree.attributeString(.lang, of: html)
        }
        var bytes: [UInt8] = []
        var sawAuthor = false
        tree.walk { index, node in
            switch node.tag {
            case .title where info.title == nil:
                bytes.removeAll(keepingCapacity: true)
                tree.appendText(of: index, to: &bytes)
                let title = TextNormalizer.normalize(bytes)
                if !title.isEmpty { info.title = title }
                return false
            case .meta:
                let key =
                    tree.attributeString(.property, of: index) ?? tree.attributeString(.name, of: index)
                    ?? tree.attributeString(.itemprop, of: index) ?? tree.attributeString(.httpEquiv, of: index)
                if let key, let content = tree.attributeString(.content, of: index), info.metas.count < 512 {
                    info.metas.append(.init(key: key.trimmingSpaces().lowercased(), content: TextNormalizer.normalize(Array(content.utf8))))
                }
                return false
            case .link:
                if info.canonical == nil, let rel = tree.attribute(.rel, of: index), Self.hasToken(rel, "canonical"),
                    let href = tree.attributeString(.href, of: index), !href.isEmpty
                {
                    info.canonical = href.trimmingSpaces()
                }
                return false
            case .script:
                if info.jsonLD.count < 32 {
                    bytes.removeAll(keepingCapacity: true)
                    tree.appendText(of: index, to: &bytes)
                    if !bytes.isEmpty { info.jsonLD.append(String(decoding: bytes, as: UTF8.self)) }
                }
                return false
            case .time:
                if info.times.count < 8, let value = tree.attributeString(.datetime, of: index) {
                    info.times.append(value.trimmingSpaces())
                }
                return true
            default:
                if node.count > 0 { readAuthorMarkup(index, tree, into: &info, sawMicrodata: &sawAuthor, &bytes) }
                return true
            }
        }
        return info
    }

    /// What an element's attributes say of the page's author: the first microdata author, the
    /// first link marked rel=author, the first link whose text is the name its author-page
    /// address spells, and the first element whose class or id names the author.
    /// One pass over the attributes (asked of every element of the page).
    private func readAuthorMarkup(_ index: Int32, _ tree: HTMLTree, into info: inout PageInfo, sawMicrodata: inout Bool, _ bytes: inout [UInt8]) {
        var itemprop: ArraySlice<UInt8>?
        var rel: ArraySlice<UInt8>?
        var classes: ArraySlice<UInt8>?
        var id: ArraySlice<UInt8>?
        var href: ArraySlice<UInt8>?
        for a in tree.attributes(of: index) {
            let value = tree.text[Int(a.start)..<Int(a.start + a.count)]
            switch a.name {
            case .itemprop: itemprop = value
            case .rel: rel = value
            case .class: classes = value
            case .id: id = value
            case .href: href = value
            default: break
            }
        }
        if !sawMicrodata, let itemprop, Self.hasToken(itemprop, "author") {
            sawMicrodata = true
            info.microdataAuthor = Self.microdataName(tree, index)
        }
        if info.relAuthor == nil, let rel, Self.hasToken(rel, "author") {
            info.relAuthor = AuthorMarkup.name(tree, index, &bytes)
        }
        // The `read` tree keeps an `<a>`'s href only when it is an author page's address.
        if info.linkAuthor == nil, let href, tree[index].tag == .a, let slug = AuthorMarkup.authorSlug(href),
            let name = AuthorMarkup.name(tree, index, &bytes), AuthorMarkup.slug(name) == slug
        {
            info.linkAuthor = name
        }
        // A byte scan of class and id first; their words split only where it finds a marker's start.
        if info.classAuthor == nil, classes.map(AuthorMarkup.mayMark) == true || id.map(AuthorMarkup.mayMark) == true,
            AuthorMarkup.marksAuthor(classes, id)
        {
            info.classAuthor = AuthorMarkup.name(tree, index, &bytes)
        }
    }

    /// Whether a space-separated attribute value holds `token` (ASCII case aside).
    static func hasToken(_ value: ArraySlice<UInt8>, _ token: StaticString) -> Bool {
        let want = UnsafeBufferPointer(start: token.utf8Start, count: token.utf8CodeUnitCount)
        return value.split(separator: 0x20).contains { word in
            word.count == want.count && zip(word, want).allSatisfy { ($0 | 0x20) == $1 }
        }
    }

    /// A microdata item's name: its `itemprop="name"` (a `<meta>`'s content or the element's
    /// text), else its own text; nil when that is empty or longer than a name (60 characters).
    static func microdataName(_ tree: HTMLTree, _ item: Int32) -> String? {
        var named: Int32?
        tree.walk(from: item) { index, node in
            guard named == nil, !node.isText else { return false }
            if index != item, let itemprop = tree.attribute(.itemprop, of: index), hasToken(itemprop, "name") {
                named = index
                return false
            }
            return true
        }
        let source = named ?? item
        var bytes: [UInt8] = []
        if tree[source].tag == .meta {
            bytes = Array(tree.attribute(.content, of: source) ?? [])
        } else {
            tree.appendText(of: source, to: &bytes)
        }
        let name = TextNormalizer.normalize(bytes)
        return name.isEmpty || name.count > 60 ? nil : name
    }

    /// React's streamed server rendering sends a page's late parts at the end of the body, each in
    /// a hidden `<div id="S:n">`, for a script to move into the place its `<template id="B:n">`
    /// holds in the page: moved there, they are read where the reader sees them, not after the
    /// page's footer.
    func placeStreamedSegments(_ tree: inout HTMLTree) {
        guard tree.templates > 0 else { return }
        var placeholders: [ArraySlice<UInt8>: Int32] = [:]
        var segments: [(id: ArraySlice<UInt8>, index: Int32)] = []
        tree.walk { index, node in
            guard !node.isText, node.count > 0, let id = tree.attribute(.id, of: index), id.count > 2, id[id.startIndex + 1] == 0x3a
            else { return true }
            let prefix = id[id.startIndex]
            if prefix == 0x42, node.tag == .template, placeholders[id.dropFirst()] == nil { // B:
                placeholders[id.dropFirst()] = index
            } else if prefix == 0x53, node.tag == .div, tree.attribute(.hidden, of: index) != nil { // S:
                segments.append((id.dropFirst(), index))
            }
            return true
        }
        for segment in segments {
            if let placeholder = placeholders[segment.id] { tree.moveChildren(of: segment.index, replacing: placeholder) }
        }
    }

    /// Detaches every element the rules remove.
    ///
    /// Elements an inline style hides go too, unless together they hold most of the page's text:
    /// a page that sends its content hidden for a script to show (a shop's results streamed into
    /// `display:none` wrappers at the end of the body, each under half the page) is read as shown.
    func removeNonContent(_ tree: inout HTMLTree) {
        var removals = Removals()
        // Walked as an immutable copy (shares storage): reading the inout `tree` from inside the
        // closure made Swift retain and release its four arrays at every element.
        // The copy ends with the `do` block, before `detach` writes (no copy-on-write).
        do {
            let snapshot = tree
            collect(from: HTMLTree.root, snapshot, styleHides: true, into: &removals)
            // (The page's text is counted by then: an element the style hides was up for removal.)
            if removals.styleHidden.isEmpty || removals.hiddenText * 2 < (removals.pageText ?? 0) {
                removals.doomed += removals.styleHidden
            } else {
                for index in removals.styleHidden { collect(from: index, snapshot, styleHides: false, into: &removals) }
            }
        }
        for index in removals.doomed { tree.detach(index) }
    }

    /// What one walk of `removeNonContent` finds.
    private struct Removals {
        var doomed: [Int32] = []
        /// Elements removed by their inline style alone, and the text they hold.
        var styleHidden: [Int32] = []
        var hiddenText = 0
        /// The page's text, counted only when an element that might hold it is up for removal.
        var pageText: Int?
        var text: [UInt8] = []
    }

    /// Walks the elements from `start`, noting those to remove. (One function, its state passed
    /// inout: a local function capturing the walk's variables cost dynamic exclusivity checks
    /// on every element, 1.5% of the clean stage's instructions.)
    private func collect(from start: Int32, _ tree: HTMLTree, styleHides: Bool, into r: inout Removals) {
        tree.walk(from: start) { index, node in
            guard !node.isText else { return false }
            switch removal(index, node, tree, styleHides: styleHides, &r) {
            case .keep: return true
            case .remove: r.doomed.append(index)
            case .hiddenByStyle(let count):
                r.styleHidden.append(index)
                r.hiddenText += count
            }
            return false
        }
    }

    private enum Removal {
        case keep, remove
        /// Removed by its inline style alone, holding `count` characters of text.
        case hiddenByStyle(Int)
    }

    private func removal(_ index: Int32, _ node: HTMLTree.Node, _ tree: HTMLTree, styleHides: Bool, _ r: inout Removals) -> Removal {
        guard let reason = removalReason(index, node, tree, &r.text, styleHides: styleHides) else { return .keep }
        // Code, styles and media never hold the text; anything else that does (a <nav>, a menu
        // <button> or a hidden wrapper that swallowed the page after mis-nested markup, a tab
        // panel holding the article) stays: it holds most of the page's text, or its <main> or
        // <article>.
        if CleanRules.neverText.contains(node.tag) { return .remove }
        if tree.first(.main, under: index) != nil || tree.first(.article, under: index) != nil { return .keep }
        // A consent manager's preference centre can hold more text than a listing page's own
        // (vendor lists, purposes): it goes whatever its share, unless it holds the headline (a
        // wrapper of the page named for the banner's state, "has-cookie-banner").
        if reason == .consent { return tree.first(.h1, under: index) != nil ? .keep : .remove }
        let total = r.pageText ?? textCount(tree.first(.body) ?? HTMLTree.root, tree, &r.text)
        r.pageText = total
        let count = textCount(index, tree, &r.text)
        if count * 2 >= total { return .keep }
        return reason == .style ? .hiddenByStyle(count) : .remove
    }

    /// Why the rules remove an element: its tag, role or size, its inline style alone, or its
    /// class and id naming a cookie or consent notice.
    private enum Reason { case rules, style, consent }

    /// Why the rules remove this element, or nil when they keep it.
    private func removalReason(_ index: Int32, _ node: HTMLTree.Node, _ tree: HTMLTree, _ text: inout [UInt8], styleHides hides: Bool) -> Reason? {
        if CleanRules.removedTags.contains(node.tag) {
            // An accordion's header: a `<button>` in a heading or holding one (the WAI-ARIA
            // pattern), whose text names the section it opens.
            if node.tag == .button && isHeadingToggle(index, tree, &text) { return nil }
            return .rules
        }
        if node.tag == .head { return .rules }
        if node.tag == .noscript { return textCount(index, tree, &text) < CleanRules.noscriptTextToKeep ? .rules : nil }
        if node.count == 0 {
            // No kept attributes: only the tag decides.
            if node.tag == .form && formIsSmall(index, tree, &text) { return .rules }
            return nil
        }
        // Neither `aria-hidden` nor the `hidden` attribute is here. `aria-hidden` hides an element
        // from screen readers, not from the eye (icons, a carousel's copies, and the FAQ answers
        // and panels a page shows on a click, which the truth of the WCXB pages has): kept,
        // cross-validated WCXB 0.846 -> 0.849 (collections 0.599 -> 0.627), news 0.970 -> 0.975.
        // `hidden` marks what scripts reveal (tabs, "read more", late parts): kept, WCXB 0.849 ->
        // 0.851, no news page changed. An inline `display:none` stays removed: kept, it moved
        // WCXB by nothing and news pages down (0.975 -> 0.969). (So the parser keeps `hidden`
        // only for React's segments below, and `aria-hidden` not at all.)
        if let role = tree.attributeString(.role, of: index), CleanRules.removedRoles.contains(role.lowercased()) { return .rules }
        if CleanRules.consentContainers.contains(node.tag) && isConsentNotice(index, tree) { return .consent }
        if hides, let style = tree.attribute(.style, of: index), styleHides(style) { return .style }
        if node.tag == .form && formIsSmall(index, tree, &text) { return .rules }
        return nil
    }

    /// Whether the `<button>` at `index` is all of a heading's text (up to two elements between
    /// them) or holds a heading: a section's title that opens and closes it, not a control (a
    /// "Copy item path" button beside a heading's words is one).
    private func isHeadingToggle(_ index: Int32, _ tree: HTMLTree, _ text: inout [UInt8]) -> Bool {
        var up = tree[index].parent
        for _ in 0..<3 where up >= 0 {
            if tree[up].tag.isHeading { return textCount(up, tree, &text) == textCount(index, tree, &text) }
            up = tree[up].parent
        }
        var holdsHeading = false
        tree.walk(from: index) { _, node in
            if node.tag.isHeading { holdsHeading = true }
            return !holdsHeading && !node.isText
        }
        return holdsHeading
    }

    /// A form to remove: little text, and not a wrapper that only sends hidden fields.
    private func formIsSmall(_ index: Int32, _ tree: HTMLTree, _ text: inout [UInt8]) -> Bool {
        !onlyHiddenFields(index, tree) && textCount(index, tree, &text) < CleanRules.formTextToKeep
    }

    /// Whether the controls below `index` are hidden inputs, one at least: old Reddit wraps
    /// each comment in such a form (to post its votes); a form a reader fills in has a visible
    /// `<input>`, a `<select>`, a `<textarea>` or a `<button>`. A form with no input at all is
    /// not one of these: on the development pages those were menus and footers (a forum's
    /// "Thread Tools", its "Powered by" line).
    private func onlyHiddenFields(_ index: Int32, _ tree: HTMLTree) -> Bool {
        var hidden = false
        var visible = false
        tree.walk(from: index) { child, node in
            switch node.tag {
            case .select, .textarea, .button: visible = true
            case .input:
                if tree.attributeString(.type, of: child)?.lowercased() == "hidden" { hidden = true } else { visible = true }
            default: break
            }
            return !visible
        }
        return hidden && !visible
    }

    /// Whether the element's class and id name a cookie or consent notice (see
    /// `CleanRules.consentWords`).
    func isConsentNotice(_ index: Int32, _ tree: HTMLTree) -> Bool {
        let classValue = tree.attribute(.class, of: index)
        let idValue = tree.attribute(.id, of: index)
        // Most names hold none of the words anywhere: one pass over their bytes settles them.
        let matcher = CleanRules.consentMatcher
        let mayName = { (value: ArraySlice<UInt8>?) in value.map { matcher.groups(in: $0) != 0 } ?? false }
        guard mayName(classValue) || mayName(idValue) else { return false }
        let none = (words: 0, matched: false)
        let named = classValue.map(Self.consentWords) ?? none
        let identified = idValue.map(Self.consentWords) ?? none
        return (named.matched || identified.matched) && named.words + identified.words >= 2
    }

    /// A class or id value's words, and whether one of them is a consent notice's.
    private static func consentWords(_ value: ArraySlice<UInt8>) -> (words: Int, matched: Bool) {
        var words = 0
        var matched = false
        forEachNameWord(value) { word in
            words += 1
            if !matched { matched = isConsentWord(word) }
        }
        return (words, matched)
    }

    static func isConsentWord(_ word: ArraySlice<UInt8>) -> Bool {
        if word.startsFoldingASCII(with: CleanRules.consentPrefixBytes) { return true }
        return CleanRules.consentWordBytes.contains { word.count == $0.count && word.startsFoldingASCII(with: $0) }
    }

    /// The words of a class or id value: split at anything but ASCII letters and digits, and
    /// where a capital follows a small letter (`CookieBanner`: `Cookie`, `Banner`).
    static func forEachNameWord(_ value: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>) -> Void) {
        var start = value.startIndex
        var previous: UInt8 = 0
        for i in value.indices {
            let b = value[i]
            let isLower = b >= 0x61 && b <= 0x7a
            let isUpper = b >= 0x41 && b <= 0x5a
            let isWordByte = isLower || isUpper || (b >= 0x30 && b <= 0x39) || b >= 0x80
            if !isWordByte {
                if start < i { body(value[start..<i]) }
                start = i + 1
            } else if isUpper && previous >= 0x61 && previous <= 0x7a {
                if start < i { body(value[start..<i]) }
                start = i
            }
            previous = b
        }
        if start < value.endIndex { body(value[start..<value.endIndex]) }
    }

    /// Visible characters of the text below `index` (a JSON-LD script's text, kept in the tree
    /// for the metadata, is not counted).
    private func textCount(_ index: Int32, _ tree: HTMLTree, _ text: inout [UInt8]) -> Int {
        text.removeAll(keepingCapacity: true)
        tree.appendText(of: index, to: &text, skipping: .script)
        return TextNormalizer.visibleCount(text)
    }

    /// `display:none` or `visibility:hidden` in an inline style.
    private func styleHides(_ style: ArraySlice<UInt8>) -> Bool {
        var compact: [UInt8] = []
        compact.reserveCapacity(style.count)
        for b in style where b != 0x20 && b != 0x09 && b != 0x0a && b != 0x0d { compact.append(b >= 0x41 && b <= 0x5a ? b | 0x20 : b) }
        return contains(compact, Self.displayNone) || contains(compact, Self.visibilityHidden)
    }

    private static let displayNone = Array("display:none".utf8)
    private static let visibilityHidden = Array("visibility:hidden".utf8)

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}

extension Cleaner: Stage {
    public var name: StageName { .clean }
    public var input: StageName { .read }

    public func process(_ content: WorkItem.Content, origin: DocumentOrigin) -> Disposition {
        do {
            switch content {
            case .raw(let bytes): return .kept(.cleaned(try clean(bytes, contentType: origin.contentType)))
            case .cleanedHTML(let html, let info): return .kept(.cleaned(try reparse(html, info: info)))
            default: return .kept(content)
            }
        } catch {
            return .dropped(error)
        }
    }
}
