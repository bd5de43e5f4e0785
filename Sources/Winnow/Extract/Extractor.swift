/// Settings of the extract stage.
public struct ExtractSettings: Sendable {
    /// Documents whose main text has fewer visible characters are dropped as `no_main_text`.
    public var minTextChars: Int = 1
    /// The form of `text`.
    public var format: TextFormat = .text
    /// Keep image captions and credits (off by default: they are not the article's prose).
    public var includeCaptions = false
    public init() {}
}

/// The form of the extracted text.
public enum TextFormat: String, Sendable, CaseIterable {
    /// Paragraphs separated by `\n`.
    case text
    /// Headings, lists, block quotes, tables and code as Markdown; blocks separated by a blank line.
    case markdown
}

/// The extract stage: the main text of a page (paragraphs separated by `\n`) and its metadata.
public struct Extractor: Sendable {
    public let settings: ExtractSettings

    public init(settings: ExtractSettings = ExtractSettings()) { self.settings = settings }

    public func extract(_ page: SegmentedPage, url: String?) throws(Drop) -> Extraction {
        let ld = MetadataExtractor.jsonLD(page.info.jsonLD)
        let (indices, _, _) = mainBlocks(page, url: url, types: ld.types, trace: nil)
        let visible = indices.reduce(0) { $0 + page.blocks[$1].chars }
        guard visible >= max(1, settings.minTextChars) else {
            throw Drop(.extract, .noMainText, "no main text found")
        }
        let text: String
        switch settings.format {
        case .text:
            text = indices.map { page.blocks[$0].text }.joined(separator: "\n")
        case .markdown:
            text = MarkdownRenderer(page: page).render(indices)
        }
        var extraction = Extraction(text: text)
        MetadataExtractor.fill(&extraction, page: page, ld: ld, url: url, mainStart: indices.first)
        return extraction
    }

    private func mainBlocks(_ page: SegmentedPage, url: String?, types: Set<String>, trace: BlockTrace?) -> ([Int], PageKind, MainTextFinder) {
        let kind = PageKind.classify(page, url: url, jsonLDTypes: types)
        var finder = MainTextFinder(page: page, commentsAreContent: kind == .discussion)
        finder.includeCaptions = settings.includeCaptions
        finder.trace = trace
        var indices: [Int]
        switch kind {
        case .article:
            indices = finder.mainBlocks()
        case .discussion, .other:
            indices = finder.fullContentBlocks()
            if indices.isEmpty {
                trace?.reasons = [:]
                indices = finder.mainBlocks()
            }
        }
        return (indices, kind, finder)
    }

    /// Each block of a page, kept or left out and why: what `winnow inspect --html` shows.
    public func explain(_ page: SegmentedPage, url: String?) -> BlockExplanation {
        let ld = MetadataExtractor.jsonLD(page.info.jsonLD)
        let trace = BlockTrace()
        let (indices, kind, finder) = mainBlocks(page, url: url, types: ld.types, trace: trace)
        let kept = Set(indices)
        let blocks = page.blocks.enumerated().map { i, block in
            BlockExplanation.Entry(kind: block.kind.rawValue, element: finder.describe(block.element), text: block.text,
                                   value: finder.value(of: block), linkDensity: block.linkDensity, kept: kept.contains(i),
                                   reason: kept.contains(i) ? "kept" : (trace.reasons[i] ?? "not selected"))
        }
        return BlockExplanation(pageKind: "\(kind)", mode: trace.mode, blocks: blocks)
    }
}

/// The extraction's decisions on one page.
public struct BlockExplanation: Sendable {
    public struct Entry: Sendable {
        public var kind: String
        public var element: String
        public var text: String
        /// The score the block gives its containers (prose blocks; 0 for others).
        public var value: Double
        public var linkDensity: Double
        public var kept: Bool
        public var reason: String
    }
    public var pageKind: String
    public var mode: String
    public var blocks: [Entry]
}
