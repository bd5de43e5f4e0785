import WinnowCore
import WinnowHTML

/// The segment stage: cuts a cleaned page into ordered text blocks with the features extraction
/// reads (element path, text and link-text length, class/id tokens, context flags), and each
/// block into sentences.
public struct Segmenter: Sendable {
    /// Elements that start and end a block; all others are inline and add to the current block.
    static let blockTags = TagSet([
        .html, .body, .p, .h1, .h2, .h3, .h4, .h5, .h6, .hgroup, .ul, .ol, .li, .dl, .dt, .dd,
        .table_, .thead, .tbody, .tfoot, .tr, .td, .th, .caption, .blockquote, .pre, .figure, .figcaption,
        .div, .section, .article, .main, .header, .footer, .aside, .address, .form, .fieldset,
        .details, .summary, Tag.known("center")!, .hr, Tag.known("legend")!, .noscript,
    ])

    public init() {}

    public func segment(_ page: CleanedPage) -> SegmentedPage {
        var state = State(tree: page.tree)
        let start = page.tree.first(.body) ?? HTMLTree.root
        // Every block has an element: text outside any block-level element (a page without
        // <body>, text before <html>) belongs to the document itself.
        if start == HTMLTree.root { state.stack.append((HTMLTree.root, -1)) }
        state.visit(start)
        state.flush()
        return SegmentedPage(info: page.info, elements: state.elements, blocks: state.blocks)
    }

    struct State {
        let tree: HTMLTree
        var elements: [ElementInfo] = []
        var blocks: [Block] = []
        /// Open block-level elements: tree index, and index in `elements` once materialised.
        var stack: [(tree: Int32, element: Int32)] = []
        var buffer: [UInt8] = []
        var linkChars = 0
        /// An inline element of two or more bytes of text just ended (`wordEnded`), and the next
        /// element began right after it (`spaceDue`): its words are separate from the last ones
        /// (`<span>Name</span><span>Student</span>`, which a page lays out apart with CSS).
        var wordEnded = false
        var spaceDue = false
        var linkDepth = 0
        var preDepth = 0
        var quoteDepth = 0
        var listDepth = 0
        var tableDepth = 0
        var figureDepth = 0

        init(tree: HTMLTree) {
            self.tree = tree
            buffer.reserveCapacity(4096)
        }

        mutating func visit(_ index: Int32) {
            let node = tree[index]
            if node.isText {
                appendText(of: index)
                return
            }
            let tag = node.tag
            if tag == .br || tag == .hr {
                flush()
                return
            }
            if tag == .img {
                // Images separate words on either side.
                buffer.append(0x20)
                return
            }
            let isBlock = Segmenter.blockTags.contains(tag)
            if isBlock {
                flush()
                stack.append((index, -1))
            } else {
                // Inline elements still separate words when the page has no space between them.
                if tag == .td || tag == .th { buffer.append(0x20) }
                if wordEnded { spaceDue = true }
                wordEnded = false
            }
            let start = buffer.count
            if tag == .a { linkDepth += 1 }
            if tag == .pre { preDepth += 1 }
            if tag == .blockquote { quoteDepth += 1 }
            if tag == .ul || tag == .ol || tag == .dl { listDepth += 1 }
            if tag == .table_ { tableDepth += 1 }
            if tag == .figure || tag == .figcaption { figureDepth += 1 }
            var child = node.firstChild
            while child >= 0 {
                visit(child)
                child = tree[child].nextSibling
            }
            // A block ends before the counters change, so its last text still sees its context.
            if isBlock {
                flush()
            } else {
                // One letter in an element of its own is a word's piece (a drop cap, a heading
                // animated letter by letter), not a word.
                wordEnded = buffer.count - start >= 2
            }
            if tag == .a { linkDepth -= 1 }
            if tag == .pre { preDepth -= 1 }
            if tag == .blockquote { quoteDepth -= 1 }
            if tag == .ul || tag == .ol || tag == .dl { listDepth -= 1 }
            if tag == .table_ { tableDepth -= 1 }
            if tag == .figure || tag == .figcaption { figureDepth -= 1 }
            if isBlock { stack.removeLast() }
        }

        /// Adds the open block-level elements to `elements` (those not yet there) and returns the innermost.
        mutating func materialise() -> Int32 {
            var parent: Int32 = -1
            for i in stack.indices {
                if stack[i].element < 0 {
                    let index = stack[i].tree
                    // class, id, role and itemprop, lowercased, in one String made once.
                    var bytes: [UInt8] = []
                    func add(_ prefix: StaticString, _ value: ArraySlice<UInt8>?) {
                        guard let value else { return }
                        if !bytes.isEmpty { bytes.append(0x20) }
                        bytes.append(contentsOf: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
                        for b in value {
                            bytes.append(b >= 0x41 && b <= 0x5a ? b | 0x20 : b)
                        }
                    }
                    add("", tree.attribute(.class, of: index))
                    add("", tree.attribute(.id, of: index))
                    add("role-", tree.attribute(.role, of: index))
                    add("itemprop-", tree.attribute(.itemprop, of: index))
                    let joined = String(decoding: bytes, as: UTF8.self)
                    // Beyond ASCII, the full lowercasing (class names are short: one more pass costs nothing).
                    let ascii = !bytes.contains { $0 >= 0x80 }
                    elements.append(
                        ElementInfo(
                            parent: parent, tag: tree.name(of: tree[index].tag),
                            classID: ascii ? joined : FastCase.lowercased(joined), depth: Int32(i)))
                    stack[i].element = Int32(elements.count - 1)
                }
                parent = stack[i].element
            }
            return parent
        }

        mutating func appendText(of index: Int32) {
            let bytes = tree.textBytes(of: index)
            if spaceDue, let last = buffer.last, let first = bytes.first, Self.startsWord(after: last, first) {
                buffer.append(0x20)
            }
            wordEnded = false
            spaceDue = false
            buffer.append(contentsOf: bytes)
            if linkDepth > 0 { linkChars += TextNormalizer.visibleCount(bytes) }
        }

        /// Whether text starting with `first` after text ending with `last`, in elements side by
        /// side, starts a word: a capital after a small letter or a digit ("LinkedIn" "Patrick",
        /// "2026" "Drama"), or a digit after a digit ("2026" "1h 54m"). Not a small letter after a
        /// letter: word processors split words over elements of their own ("child" "ren").
        @inline(__always)
        static func startsWord(after last: UInt8, _ first: UInt8) -> Bool {
            let lastDigit = last >= 0x30 && last <= 0x39
            if first >= 0x41 && first <= 0x5a { return lastDigit || (last >= 0x61 && last <= 0x7a) }
            return lastDigit && first >= 0x30 && first <= 0x39
        }

        mutating func flush() {
            defer {
                buffer.removeAll(keepingCapacity: true)
                linkChars = 0
                wordEnded = false
                spaceDue = false
            }
            guard !buffer.isEmpty else { return }
            let text = TextNormalizer.normalize(buffer, keepNewlines: preDepth > 0)
            guard !text.isEmpty else { return }
            let element = materialise()
            let ownerTag = stack.last.map { tree[$0.tree].tag } ?? .body
            var kind: BlockKind = .paragraph
            var level = 0
            // The innermost open heading, the block's own element or one around it: a block-level
            // element inside a heading (`<h1><div>Title</div></h1>`, `<h1><center>`) is still the
            // heading's text, at its level.
            if let heading = stack.last(where: { tree[$0.tree].tag.isHeading }) {
                kind = .heading
                level = tree[heading.tree].tag.headingLevel
            } else if preDepth > 0 {
                kind = .pre
            } else if quoteDepth > 0 {
                kind = .quote
            } else if ownerTag == .li || ownerTag == .dt || ownerTag == .dd {
                kind = .listItem
            } else if ownerTag == .td || ownerTag == .th {
                kind = .tableCell
            } else if ownerTag == .figcaption || ownerTag == .caption {
                kind = .caption
            }
            let chars = TextNormalizer.visibleCount(text.utf8)
            blocks.append(
                Block(
                    kind: kind, level: level, text: text, linkChars: min(linkChars, chars), chars: chars,
                    element: element, sentenceEnds: SentenceSplitter.sentenceEnds(text),
                    inQuote: quoteDepth > 0, inList: listDepth > 0, inTable: tableDepth > 0,
                    inFigure: figureDepth > 0))
        }
    }
}

extension Segmenter: Stage {
    public var name: StageName { .segment }
    public var input: StageName { .clean }

    public func process(_ content: WorkItem.Content, origin: DocumentOrigin) -> Disposition {
        guard case .cleaned(let page) = content else { return .kept(content) }
        return .kept(.segmented(segment(page)))
    }
}
