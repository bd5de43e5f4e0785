/// Settings of the extract stage.
public struct ExtractSettings: Sendable {
    /// Documents whose main text has fewer visible characters are dropped as `no_main_text`.
    public var minTextChars: Int = 1
    public init() {}
}

/// The extract stage: the main text of a page (paragraphs separated by `\n`) and its metadata.
public struct Extractor: Sendable {
    public let settings: ExtractSettings

    public init(settings: ExtractSettings = ExtractSettings()) { self.settings = settings }

    public func extract(_ page: SegmentedPage, url: String?) throws(Drop) -> Extraction {
        let indices = MainTextFinder(page: page).mainBlocks()
        var text = ""
        var visible = 0
        for i in indices {
            let block = page.blocks[i]
            if !text.isEmpty { text += "\n" }
            text += block.text
            visible += block.chars
        }
        guard visible >= max(1, settings.minTextChars) else {
            throw Drop(.extract, .noMainText, "no main text found")
        }
        var extraction = Extraction(text: text)
        MetadataExtractor.fill(&extraction, page: page, url: url, mainStart: indices.first)
        return extraction
    }
}
