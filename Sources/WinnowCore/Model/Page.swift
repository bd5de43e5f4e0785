import WinnowHTML

/// What the `<head>` and the markup say about a page, gathered while cleaning (before scripts,
/// which hold JSON-LD, are removed) and used by metadata extraction.
public struct PageInfo: Sendable, Equatable {
    /// `<title>` text, whitespace-normalised.
    public var title: String?
    /// The `lang` of `<html>` as written.
    public var htmlLang: String?
    /// `<meta>` elements as (name or property or itemprop, lowercased; content).
    public var metas: [Meta] = []
    /// `<link rel=canonical href>`.
    public var canonical: String?
    /// The raw text of each `<script type="application/ld+json">`.
    public var jsonLD: [String] = []
    /// `datetime` values of `<time>` elements, in document order (at most a few).
    public var times: [String] = []
    /// The name of the page's first schema.org microdata author (`itemprop="author"`: its
    /// `itemprop="name"`, else its text), when short enough to be a name.
    public var microdataAuthor: String?
    /// The text of the page's first link marked `rel="author"` that reads as a name.
    public var relAuthor: String?
    /// The text of the page's first element whose class or id marks an author's name
    /// (`author`, `byline`, `username` as a word) and that reads as a name.
    public var classAuthor: String?
    /// The text of the page's first link that reads as a name and whose words are those of an
    /// author page's address on the same page (`/author/jane-doe/` and "Jane Doe": WordPress's
    /// author archives and the like).
    public var linkAuthor: String?
    /// The charset the page was decoded from.
    public var charset: String = "utf-8"

    public struct Meta: Sendable, Equatable {
        public var key: String
        public var content: String
        public init(key: String, content: String) {
            self.key = key
            self.content = content
        }
    }

    public init() {}

    /// The content of the first meta with one of `keys` (in the order of `keys`), non-empty.
    public func meta(_ keys: String...) -> String? {
        for key in keys {
            if let m = metas.first(where: { $0.key == key && !$0.content.isEmpty }) { return m.content }
        }
        return nil
    }
}

/// A page after cleaning: the tree with non-content removed, and what its markup said.
public struct CleanedPage: Sendable {
    public var tree: HTMLTree
    public var info: PageInfo

    package init(tree: HTMLTree, info: PageInfo) {
        self.tree = tree
        self.info = info
    }
}

/// The kind of text block, from the element that holds it.
public enum BlockKind: String, Sendable, Codable {
    case heading, paragraph
    case listItem = "list_item"
    case tableCell = "table_cell"
    case quote, pre, caption
}

/// An element on the path of some block, kept so extraction can reason about containers.
public struct ElementInfo: Sendable, Equatable {
    /// Index of the parent in `SegmentedPage.elements`, -1 for the top.
    public var parent: Int32
    public var tag: String
    /// `class` and `id` values, lowercased, space-separated.
    public var classID: String
    public var depth: Int32

    package init(parent: Int32, tag: String, classID: String, depth: Int32) {
        self.parent = parent
        self.tag = tag
        self.classID = classID
        self.depth = depth
    }
}

/// One block of text: a paragraph, heading, list item, table cell, quote, pre or caption.
public struct Block: Sendable, Equatable {
    public var kind: BlockKind
    /// Heading level 1-6 for headings, else 0.
    public var level: Int
    /// Normalised text (whitespace collapsed, NFC); `pre` keeps its line breaks.
    public var text: String
    /// Characters of `text` inside links.
    public var linkChars: Int
    /// Characters of `text` (Unicode scalars).
    public var chars: Int
    /// The innermost element holding the block, an index into `SegmentedPage.elements`.
    public var element: Int32
    /// Sentence boundaries: the UTF-8 end offset of each sentence in `text`.
    public var sentenceEnds: [Int]
    /// Inside `<blockquote>`, a list, a table, a figure.
    public var inQuote: Bool
    public var inList: Bool
    public var inTable: Bool
    public var inFigure: Bool

    /// Link characters per character, 0 to 1.
    public var linkDensity: Double { chars == 0 ? 0 : Double(linkChars) / Double(chars) }

    /// The sentences of the block.
    public var sentences: [Substring] {
        var out: [Substring] = []
        var start = text.utf8.startIndex
        for end in sentenceEnds {
            let e = text.utf8.index(text.utf8.startIndex, offsetBy: end)
            out.append(Substring(text.utf8[start..<e]).drop { $0 == " " })
            start = e
        }
        return out
    }

    package init(
        kind: BlockKind, level: Int, text: String, linkChars: Int, chars: Int, element: Int32, sentenceEnds: [Int], inQuote: Bool, inList: Bool,
        inTable: Bool, inFigure: Bool
    ) {
        self.kind = kind
        self.level = level
        self.text = text
        self.linkChars = linkChars
        self.chars = chars
        self.element = element
        self.sentenceEnds = sentenceEnds
        self.inQuote = inQuote
        self.inList = inList
        self.inTable = inTable
        self.inFigure = inFigure
    }
}

/// A page cut into ordered text blocks, with the elements on their paths.
public struct SegmentedPage: Sendable {
    public var info: PageInfo
    public var elements: [ElementInfo]
    public var blocks: [Block]

    package init(info: PageInfo, elements: [ElementInfo], blocks: [Block]) {
        self.info = info
        self.elements = elements
        self.blocks = blocks
    }
}

/// The result of extraction: the main text and the metadata of the page.
public struct Extraction: Sendable {
    public var text: String
    public var title: String?
    public var author: String?
    public var datePublished: String?
    /// The language CLD2 found in the text (the language stage), ISO 639-1 where one exists.
    public var language: String?
    /// The share of the text in `language`, 0...1 (the language stage).
    public var languageScore: Double?
    /// The language the page declares (`<html lang>`, JSON-LD, meta), never trusted over the text.
    public var languageDeclared: String?
    /// Scores of the quality rules run in annotate mode, in rule order (the quality stage).
    public var qualityScores: [(String, Double)]?
    /// The annotate-mode rules the document would fail.
    public var qualityFlags: [String]?
    /// The block-list entry the URL matches (the url_filter stage in annotate mode): list, entry, kind.
    public var urlBlocklist: String?
    /// Personal data found by the pii stage, per kind (`emails`, `ips`, `phones`), in that order.
    public var pii: [(String, Int)]?
    public var canonicalURL: String?
    public var siteName: String?
    public var description: String?

    public init(text: String) { self.text = text }
}
