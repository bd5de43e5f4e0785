/// Finds the main text of a segmented page.
///
/// 1. Each prose-like block (paragraph, quote, list item, pre; few links) scores its nearest
///    container element fully, the container's parent by half and the grandparent by a third.
/// 2. Each container's score is scaled by its class/id (article-like up, boilerplate-like down)
///    and by its link density; the best container is the core of the main text.
/// 3. Siblings of the core that score well join it (articles split in several `<div>`s).
/// 4. Within that region, blocks are kept unless they are boilerplate: inside a boilerplate
///    element below the region (share bars, bylines, captions, related links, comments), the
///    headline (`h1`), link lists, or short furniture ("Advertisement", "By ...").
struct MainTextFinder {
    let page: SegmentedPage

    /// Per element: whether its own class/id (not its ancestors') marks it boilerplate or content.
    private var negative: [Bool] = []
    private var positive: [Bool] = []

    init(page: SegmentedPage) {
        self.page = page
        negative = page.elements.map { Self.isNegative($0) }
        positive = page.elements.map { Self.isPositive($0) }
    }

    static func isNegative(_ e: ElementInfo) -> Bool {
        if ExtractRules.boilerplateTags.contains(e.tag) { return true }
        if e.classID.isEmpty { return false }
        let found = ExtractRules.classMatcher.groups(in: e.classID)
        if found & ExtractRules.overrideGroup != 0 { return false }
        return found & ExtractRules.negativeGroup != 0
    }

    static func isPositive(_ e: ElementInfo) -> Bool {
        if e.tag == "article" || e.tag == "main" { return true }
        if e.classID.isEmpty { return false }
        return ExtractRules.classMatcher.groups(in: e.classID) & (ExtractRules.overrideGroup | ExtractRules.positiveGroup) != 0
    }

    /// Indices of the blocks that make up the main text, in order.
    func mainBlocks() -> [Int] {
        let blocks = page.blocks
        let elements = page.elements
        guard !blocks.isEmpty else { return [] }
        var score = [Double](repeating: 0, count: elements.count)
        var chars = [Int](repeating: 0, count: elements.count)
        var linkChars = [Int](repeating: 0, count: elements.count)

        for block in blocks {
            // Text totals up the whole path, for link density of containers.
            var e = block.element
            while e >= 0 {
                chars[Int(e)] += block.chars
                linkChars[Int(e)] += block.linkChars
                e = elements[Int(e)].parent
            }
            guard isProse(block) else { continue }
            let value = blockValue(block)
            var container = block.element
            while container >= 0 && !ExtractRules.containerTags.contains(elements[Int(container)].tag) {
                container = elements[Int(container)].parent
            }
            var weight = 1.0
            var level = 0
            while container >= 0 && level < 3 {
                score[Int(container)] += value * weight
                level += 1
                weight = level == 1 ? 0.5 : 1.0 / 3.0
                container = elements[Int(container)].parent
            }
        }

        var best: Int32 = -1
        var bestScore = 0.0
        for i in elements.indices where score[i] > 0 {
            var s = score[i]
            if positive[i] { s *= 1.25 }
            if negative[i] { s *= 0.3 }
            let density = chars[i] == 0 ? 0 : Double(linkChars[i]) / Double(chars[i])
            s *= 1 - density
            if s > bestScore {
                bestScore = s
                best = Int32(i)
            }
        }
        guard best >= 0 else { return fallback() }

        // Region: the core and its siblings that score well (or hold long, link-poor prose).
        var region = Set<Int32>([best])
        let parent = elements[Int(best)].parent
        if parent >= 0 {
            let threshold = max(10, bestScore * 0.2)
            for i in elements.indices where elements[i].parent == parent && Int32(i) != best && !negative[i] {
                let density = chars[i] == 0 ? 0 : Double(linkChars[i]) / Double(chars[i])
                if score[i] * (1 - density) >= threshold { region.insert(Int32(i)) }
            }
            // Prose blocks owned directly by the parent, next to the core.
            for block in blocks where block.element == parent && isProse(block) && block.chars >= 80 && block.linkDensity < 0.25 {
                _ = block
                region.insert(parent)
                break
            }
        }

        var kept: [Int] = []
        for (index, block) in blocks.enumerated() {
            guard let root = regionRoot(of: block, in: region, parent: parent) else { continue }
            if keep(block, below: root) { kept.append(index) }
        }
        return kept.isEmpty ? fallback() : kept
    }

    /// The region element the block sits in (itself or an ancestor), or nil when outside.
    /// A block owned by the core's parent counts only when the parent joined the region.
    private func regionRoot(of block: Block, in region: Set<Int32>, parent: Int32) -> Int32? {
        var e = block.element
        while e >= 0 {
            if region.contains(e) {
                if e == parent && block.element != parent { return nil }
                return e
            }
            e = page.elements[Int(e)].parent
        }
        return nil
    }

    private func isProse(_ block: Block) -> Bool {
        switch block.kind {
        case .paragraph, .quote, .pre, .listItem, .tableCell:
            return block.chars >= ExtractRules.minScoringChars && block.linkDensity < ExtractRules.maxLinkDensity
        case .heading, .caption:
            return false
        }
    }

    /// What a prose block adds to its containers: its length, with a bonus for sentence punctuation.
    private func blockValue(_ block: Block) -> Double {
        var commas = 0
        for b in block.text.utf8 where b == UInt8(ascii: ",") || b == UInt8(ascii: ".") { commas += 1 }
        return (1 + Double(min(commas, 10)) * 0.5 + min(Double(block.chars) / 100, 3)) * (1 - block.linkDensity)
    }

    private func keep(_ block: Block, below root: Int32) -> Bool {
        // Boilerplate elements between the block and the region root.
        var e = block.element
        while e >= 0 && e != root {
            if negative[Int(e)] { return false }
            e = page.elements[Int(e)].parent
        }
        if block.kind == .heading && block.level == 1 { return false }
        if block.kind == .caption || block.inFigure { return false }
        if block.linkDensity > ExtractRules.maxLinkDensity && !(block.kind == .heading) { return false }
        if block.kind == .heading && block.linkDensity > 0.9 { return false }
        if isFurniture(block) { return false }
        return true
    }

    /// Short blocks that are page furniture by their words.
    private func isFurniture(_ block: Block) -> Bool {
        guard block.chars < ExtractRules.shortBlockChars else { return false }
        let lower = block.text.lowercased()
        let trimmed = String(lower.unicodeScalars.filter { !CharacterSetLite.isPunctuationOrSpace($0) || $0 == " " })
            .trimmingSpaces()
        if ExtractRules.boilerplatePhrases.contains(trimmed) { return true }
        if block.chars < 60 || block.sentenceEnds.count <= 1 {
            for prefix in ExtractRules.boilerplatePrefixes where lower.hasPrefix(prefix) { return true }
        }
        return false
    }

    /// When no container stands out: every prose block with few links.
    private func fallback() -> [Int] {
        var kept: [Int] = []
        for (i, block) in page.blocks.enumerated() where isProse(block) && block.chars >= 40 && !isFurniture(block) {
            kept.append(i)
        }
        return kept
    }
}

/// Punctuation tests on Unicode scalars without Foundation's CharacterSet.
enum CharacterSetLite {
    static func isPunctuationOrSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .spaceSeparator, .mathSymbol, .otherSymbol:
            return true
        default:
            return s == "\t" || s == "\n"
        }
    }
}
