#if canImport(Glibc)
    import Glibc
#endif

/// Removes from a page, before libxml2 reads it, what the tree would not keep: the bodies of
/// `<script>` and `<style>` elements and of comments, and the attributes `TreeBuilder` does not read.
///
/// On real pages a third to a half of the bytes are script and style bodies, and two thirds of
/// the rest are inside start tags (`class`, `href`, `data-*`, SVG path data...). The tree keeps
/// none of the bodies (only JSON-LD scripts are read) and only the attributes in `AttributeName`,
/// but libxml2 still walks all of it character by character. Cutting them first makes parsing
/// about twice as fast.
///
/// The cut must leave libxml2 building exactly the tree it builds from the whole page, so this
/// scanner follows libxml2 2.9's HTML tokenizer (`htmlParseContentInternal`, `htmlParseStartTag`,
/// `htmlParseAttValue`, `htmlParseEndTag`, `htmlParseComment`, `htmlParsePI`,
/// `htmlParseDocTypeDecl`, `htmlParseScript`) for the tokens that decide where a tag ends, and
/// gives up (copying the rest of the page untouched) wherever the page does something those
/// functions handle in a way it does not follow. Giving up costs speed, never correctness; the
/// tests parse real and random pages both ways and compare the trees.
enum InputTrimmer {
    /// The page with the cuts made, or nil when there was nothing to cut.
    static func strip(_ page: UnsafeBufferPointer<UInt8>, keeping selection: AttributeSelection = .all) -> [UInt8]? {
        guard let base = page.baseAddress, page.count > 0 else { return nil }
        // libxml2 stops at a NUL byte; such pages are left as they are.
        if memchr(base, 0, page.count) != nil { return nil }
        return byteClasses.withUnsafeBufferPointer { classes in
            var scanner = Scanner(bytes: page, classes: classes.baseAddress!, selection: selection)
            return scanner.run()
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        let end: Int
        /// Where the bytes not yet copied to `out` begin.
        var copied = 0
        var out: [UInt8] = []
        var removed = false
        /// Attributes of the start tag being read that the tree does not keep.
        var unread: [Range<Int>] = []

        /// `byteClasses` as a pointer for the page's scan: no bounds checks or retains per byte.
        let classes: UnsafePointer<UInt8>

        /// The attributes the tree keeps; the others are cut.
        let selection: AttributeSelection

        init(bytes: UnsafeBufferPointer<UInt8>, classes: UnsafePointer<UInt8>, selection: AttributeSelection) {
            self.bytes = bytes
            self.end = bytes.count
            self.classes = classes
            self.selection = selection
        }

        mutating func run() -> [UInt8]? {
            var i = 0
            while let lt = next(UInt8(ascii: "<"), from: i) {
                guard let after = token(at: lt) else { break } // give up: the rest stays as it is
                i = after
            }
            guard removed else { return nil }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<end]))
            return out
        }

        /// Reads the token starting with `<` at `lt`; returns where scanning goes on, or nil to give up.
        mutating func token(at lt: Int) -> Int? {
            let c1 = at(lt + 1)
            if c1 == UInt8(ascii: "/") { return endTag(at: lt) }
            if isASCIILetter(c1) { return startTag(at: lt) }
            if c1 == UInt8(ascii: "!") {
                if at(lt + 2) == UInt8(ascii: "-") && at(lt + 3) == UInt8(ascii: "-") { return comment(at: lt) }
                if matchesCaseless("doctype", at: lt + 2) { return doctype(at: lt) }
                return lt + 1 // "<!" of anything else: the "<" is text
            }
            if c1 == UInt8(ascii: "?") { return processingInstruction(at: lt) }
            return lt + 1 // a "<" not starting a tag is text
        }

        /// `</name ...>`: up to the next `>` (libxml2 ignores quotes here). Without a name, only
        /// the `</` is consumed.
        func endTag(at lt: Int) -> Int? {
            let nameStart = lt + 2
            guard isNameStart(at(nameStart)) else { return nameStart }
            guard let gt = next(UInt8(ascii: ">"), from: nameStart) else { return nil }
            return gt + 1
        }

        /// `<!--` to the first `-->` or `--!>` whose dashes come after the opening ones. The body
        /// of one closed by `-->` is cut (`<!---->` is an empty comment to libxml2 too).
        mutating func comment(at lt: Int) -> Int? {
            var i = lt + 4
            while let dash = next(UInt8(ascii: "-"), from: i) {
                if at(dash + 1) == UInt8(ascii: "-") {
                    if at(dash + 2) == UInt8(ascii: ">") {
                        if dash > lt + 4 {
                            flush(upTo: lt + 4)
                            copied = dash
                            removed = true
                        }
                        return dash + 3
                    }
                    if at(dash + 2) == UInt8(ascii: "!") && at(dash + 3) == UInt8(ascii: ">") { return dash + 4 }
                }
                i = dash + 1
            }
            return nil // unterminated: libxml2 takes the rest of the page as the comment
        }

        /// `<!DOCTYPE ...>`: up to the first `>` when the quoting before it is plain (double quotes
        /// in pairs, no single quotes); a system literal may hold a `>`, so anything else gives up.
        func doctype(at lt: Int) -> Int? {
            guard let gt = next(UInt8(ascii: ">"), from: lt + 9) else { return nil }
            var doubleQuotes = 0
            for i in (lt + 9)..<gt {
                if bytes[i] == UInt8(ascii: "'") { return nil }
                if bytes[i] == UInt8(ascii: "\"") { doubleQuotes += 1 }
            }
            return doubleQuotes % 2 == 0 ? gt + 1 : nil
        }

        /// `<?target ...>` ends at the first `>`; a target libxml2 might read otherwise gives up.
        func processingInstruction(at lt: Int) -> Int? {
            let c = at(lt + 2)
            guard isASCIILetter(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: ":") else { return nil }
            guard let gt = next(UInt8(ascii: ">"), from: lt + 2) else { return nil }
            return gt + 1
        }

        /// A start tag as `htmlParseStartTag` reads it; for `<script>` and `<style>` also the body.
        mutating func startTag(at lt: Int) -> Int? {
            var i = lt + 1
            let nameStart = i
            i = nameEnd(from: i)
            let isScript = i - nameStart == 6 && matchesCaseless("script", at: nameStart)
            let isStyle = i - nameStart == 5 && matchesCaseless("style", at: nameStart)
            // The attribute selection only tells `<link>` and `<a>` from other elements.
            let tag: Tag =
                i - nameStart == 4 && matchesCaseless("link", at: nameStart)
                ? .link
                : i - nameStart == 1 && matchesCaseless("a", at: nameStart) ? .a : .span
            var sawHref = false
            // A name cut at libxml2's 100 bytes goes on as an attribute: such tags stay whole.
            var plain = i - nameStart < 100
            unread.removeAll(keepingCapacity: true)
            i = skipBlanks(from: i)
            // Attributes, until '>' or "/>" (the end of the page gives up).
            while true {
                guard i < end else { return nil }
                let c = bytes[i]
                if c == UInt8(ascii: ">") { break }
                if c == UInt8(ascii: "/") && at(i + 1) == UInt8(ascii: ">") { // an empty element
                    dropUnread()
                    return i + 2
                }
                if isNameStart(c) {
                    let attributeStart = i
                    let attributeNameEnd = nameEnd(from: i)
                    if attributeNameEnd - attributeStart >= 100 { plain = false }
                    i = skipBlanks(from: attributeNameEnd)
                    var valueStart = i
                    if at(i) == UInt8(ascii: "=") {
                        i = skipBlanks(from: i + 1)
                        valueStart = i
                        guard let valueEnd = attributeValueEnd(from: i) else { return nil }
                        i = valueEnd
                    }
                    let kept = InputTrimmer.attribute(bytes, from: attributeStart, to: attributeNameEnd)
                    var keep = kept.map { selection.keeps($0, on: tag) } ?? false
                    if tag == .a, kept == .href {
                        // libxml2 keeps the first of two: cutting one could hand it the other.
                        if sawHref { plain = false }
                        sawHref = true
                        // Kept by its value as the tree builder keeps it; a numeric character
                        // reference may decode to such a value: the tree builder decides.
                        keep =
                            selection.keeps(.href, on: .a, value: UnsafeBufferPointer(rebasing: bytes[valueStart..<i]))
                            || hasCharacterReference(valueStart..<i)
                    }
                    if plain && !keep {
                        unread.append(attributeStart..<i)
                    }
                } else {
                    // A bogus attribute: dropped up to the next blank, '>' or "/>".
                    while i < end && !isBlank(bytes[i]) && bytes[i] != UInt8(ascii: ">")
                        && !(bytes[i] == UInt8(ascii: "/") && at(i + 1) == UInt8(ascii: ">"))
                    { i += 1 }
                }
                i = skipBlanks(from: i)
            }
            let bodyStart = i + 1
            if plain { dropUnread() }
            guard isScript || isStyle else { return bodyStart }
            return rawBody(from: bodyStart, tagStart: lt, isScript: isScript)
        }

        /// Whether the raw value in `range` holds a numeric character reference (`&#47;`).
        /// libxml2's named entities (HTML 4's) give no ASCII letter or slash, so `&amp;` is no matter.
        func hasCharacterReference(_ range: Range<Int>) -> Bool {
            var from = range.lowerBound
            while let amp = next(UInt8(ascii: "&"), from: from, before: range.upperBound) {
                if amp + 1 < range.upperBound, bytes[amp + 1] == UInt8(ascii: "#") { return true }
                from = amp + 1
            }
            return false
        }

        /// The body of a script or style element, from after its start tag to `</script` or `</style`.
        mutating func rawBody(from bodyStart: Int, tagStart: Int, isScript: Bool) -> Int? {
            guard bodyStart < end else { return nil }
            let name: StaticString = isScript ? "script" : "style"
            let nameLength = name.utf8CodeUnitCount
            // A body opening with "<" meets libxml2's end-tag and auto-close checks before its
            // raw-text reading: an end tag there is read as one (and the raw text resumes after
            // it, unless it is this element's), and `<noscript>` closes a script, `<body>` and
            // `<frameset>` a style. Only the empty body is followed among those.
            if bytes[bodyStart] == UInt8(ascii: "<") {
                let c = at(bodyStart + 1)
                if c == UInt8(ascii: "/") {
                    let closesAtOnce = matchesCaseless(name, at: bodyStart + 2) && !isNameChar(at(bodyStart + 2 + nameLength))
                    return closesAtOnce ? bodyStart : nil
                }
                if isASCIILetter(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: ":") {
                    let tagLength = nameEnd(from: bodyStart + 1) - (bodyStart + 1)
                    func opens(_ tag: StaticString) -> Bool {
                        tagLength == tag.utf8CodeUnitCount && matchesCaseless(tag, at: bodyStart + 1)
                    }
                    if isScript ? opens("noscript") : (opens("body") || opens("frameset")) { return nil }
                }
            }
            var i = bodyStart
            var close = -1
            while let lt = next(UInt8(ascii: "<"), from: i) {
                if at(lt + 1) == UInt8(ascii: "/") && matchesCaseless(name, at: lt + 2) {
                    close = lt
                    break
                }
                i = lt + 1
            }
            // No end tag: libxml2 reads the rest of the page as the body; leave it.
            guard close >= 0 else { return nil }
            // "</scripts>" ends libxml2's raw reading but not the element; leave such pages be.
            guard !isNameChar(at(close + 2 + nameLength)) else { return nil }
            // JSON-LD scripts are read by the extractor: keep any body whose tag mentions it, or
            // might once its character references are decoded (`type="application/ld&#x2B;json"`:
            // the tree sees the decoded value). Scripts with a `&` in their tag are mostly
            // `src=` ones with empty bodies, so keeping them all costs little.
            if isScript
                && (tagContains("ld+json", from: tagStart, to: bodyStart)
                    || next(UInt8(ascii: "&"), from: tagStart).map { $0 < bodyStart } ?? false)
            {
                return close
            }
            flush(upTo: bodyStart)
            copied = close
            removed = true
            return close
        }

        /// Where an attribute value starting at `i` ends, as `htmlParseAttValue` reads it.
        func attributeValueEnd(from i: Int) -> Int? {
            guard i < end else { return nil }
            let q = bytes[i]
            if q == UInt8(ascii: "\"") || q == UInt8(ascii: "'") {
                guard let close = next(q, from: i + 1) else { return nil }
                return close + 1
            }
            var j = i
            while j < end && classes[Int(bytes[j])] & ByteClass.endsUnquoted == 0 { j += 1 }
            return j
        }

        /// Cuts the attributes of the tag just read that the tree does not keep. Each range runs
        /// from a name to the end of its value; what comes before and after (blanks, a closing
        /// quote, the next name) reads the same to libxml2 without it.
        mutating func dropUnread() {
            for range in unread {
                flush(upTo: range.lowerBound)
                copied = range.upperBound
                removed = true
            }
        }

        mutating func flush(upTo index: Int) {
            if out.isEmpty { out.reserveCapacity(end) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<index]))
            copied = index
        }

        // MARK: bytes

        func at(_ i: Int) -> UInt8 { i < end ? bytes[i] : 0 }

        func next(_ byte: UInt8, from i: Int) -> Int? { next(byte, from: i, before: end) }

        func next(_ byte: UInt8, from i: Int, before stop: Int) -> Int? {
            guard i < stop, let base = bytes.baseAddress else { return nil }
            guard let p = memchr(base + i, Int32(byte), stop - i) else { return nil }
            return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
        }

        /// `htmlParseHTMLName`: ASCII letters, digits, ':', '-', '_', '.'; at most 100 of them.
        func nameEnd(from start: Int) -> Int {
            var i = start
            while i < end && i - start < 100 && classes[Int(bytes[i])] & ByteClass.name != 0 { i += 1 }
            return i
        }

        func skipBlanks(from start: Int) -> Int {
            var i = start
            while i < end && classes[Int(bytes[i])] & ByteClass.blank != 0 { i += 1 }
            return i
        }

        func matchesCaseless(_ word: StaticString, at i: Int) -> Bool {
            let n = word.utf8CodeUnitCount
            guard i + n <= end else { return false }
            let w = word.utf8Start
            for k in 0..<n where bytes[i + k] | 0x20 != w[k] { return false }
            return true
        }

        func tagContains(_ word: StaticString, from start: Int, to stop: Int) -> Bool {
            let n = word.utf8CodeUnitCount
            guard stop - start >= n else { return false }
            return (start...(stop - n)).contains { matchesCaseless(word, at: $0) }
        }
    }

    /// The names of the attributes `TreeBuilder` can keep, as bytes, by length.
    static let namesByLength: [[(name: [UInt8], attribute: AttributeName)]] = {
        let names = AttributeName.allCases.map { (name: Array($0.html.utf8), attribute: $0) }
        var table = [[(name: [UInt8], attribute: AttributeName)]](repeating: [], count: (names.map(\.name.count).max() ?? 0) + 1)
        for entry in names { table[entry.name.count].append(entry) }
        return table
    }()

    /// The attribute named by `bytes[start..<stop]` (any case), when it is one the tree can keep.
    static func attribute(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to stop: Int) -> AttributeName? {
        let count = stop - start
        guard count > 0, count < namesByLength.count else { return nil }
        let first = bytes[start] | 0x20
        names: for entry in namesByLength[count] where entry.name[0] == first {
            for k in 1..<count where bytes[start + k] | 0x20 != entry.name[k] | 0x20 { continue names }
            return entry.attribute
        }
        return nil
    }

    static func isASCIILetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a }
    static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d }
    static func isNameStart(_ c: UInt8) -> Bool {
        isASCIILetter(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: ":") || c == UInt8(ascii: ".")
    }
    static func isNameChar(_ c: UInt8) -> Bool {
        isNameStart(c) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-")
    }
}

/// Bits of `byteClasses`.
private enum ByteClass {
    /// A byte of an HTML name (`htmlParseHTMLName`).
    static let name: UInt8 = 1
    /// A blank: space, tab, line feed, carriage return.
    static let blank: UInt8 = 2
    /// Ends an unquoted attribute value: a blank or `>`.
    static let endsUnquoted: UInt8 = 4
}

/// The class bits of every byte value, for the scanner's hot loops (which read it through a
/// pointer, `Scanner.classes`).
private let byteClasses: [UInt8] = (0..<256).map { value in
    let c = UInt8(value)
    var bits: UInt8 = 0
    if InputTrimmer.isNameChar(c) { bits |= ByteClass.name }
    if InputTrimmer.isBlank(c) { bits |= ByteClass.blank | ByteClass.endsUnquoted }
    if c == UInt8(ascii: ">") { bits |= ByteClass.endsUnquoted }
    return bits
}

private func isASCIILetter(_ c: UInt8) -> Bool { InputTrimmer.isASCIILetter(c) }
private func isBlank(_ c: UInt8) -> Bool { InputTrimmer.isBlank(c) }
private func isNameStart(_ c: UInt8) -> Bool { InputTrimmer.isNameStart(c) }
private func isNameChar(_ c: UInt8) -> Bool { InputTrimmer.isNameChar(c) }
