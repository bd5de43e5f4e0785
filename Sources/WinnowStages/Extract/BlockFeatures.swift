import Foundation
import WinnowCore

/// The numbers the learned block model (`BlockModel`) reads for each block of a page.
///
/// Every feature is generic: the block's own text and links, where it sits (position, tags on its
/// path, the share of the page's text its containers hold, repeated sibling structures), words of
/// class/id names grouped into families and matched as whole tokens, the page's declared types,
/// and what the rule-based extractor decided. No feature names a site, and none reads the URL:
/// folders of saved pages have none (on the development sets URL features added nothing
/// measurable to the cross-validated figure).
/// `winnow features` writes them for `make train-extract`, so training and run time read the
/// very same numbers.
package struct BlockFeatures {
    /// Names of the features, in vector order (written beside the model so a mismatch is caught).
    package static let names: [String] = {
        var n: [String] = []
        n += BlockKindIndex.allCases.map { "kind_\($0)" }
        n += [
            "heading_level", "log_chars", "link_density", "sentences", "punctuation_per_100", "ends_sentence",
            "digit_share", "upper_start", "has_currency", "furniture", "in_quote", "in_list", "in_table", "in_figure",
            "position", "char_position", "depth",
        ]
        n += [
            "rule_article_kept", "rule_full_kept", "rule_kind_article", "rule_kind_discussion", "rule_kind_other",
            "rule_negative_path", "rule_positive_path",
        ]
        n += PathTag.allCases.map { "path_\($0)" }
        n += TokenFamily.allCases.map { "near_\($0)" } + TokenFamily.allCases.map { "path_tok_\($0)" }
        n += [
            "container_share", "container_link_density", "container_log_blocks", "parent_share",
            "in_half_element", "in_most_element", "repeat_log", "repeat_depth",
        ]
        n += [
            "prev_link_density", "prev_log_chars", "prev_heading", "prev_rule_kept",
            "next_link_density", "next_log_chars", "next_heading", "next_rule_kept",
        ]
        n += ["page_log_chars", "page_log_blocks", "page_link_density", "page_prose_share"]
        n += LDFamily.allCases.map { "ld_\($0)" } + ["og_article", "og_product", "og_other"]
        return n
    }()

    enum BlockKindIndex: Int, CaseIterable { case heading, paragraph, listItem, tableCell, quote, pre, caption }

    /// What the path from an element up to the top of the page holds (see `vectors`).
    struct PathSummary {
        var negative = false, positive = false
        var tagBits = 0, near = 0, anywhere = 0
        /// The nearest container element (itself included), -1 for none.
        var container: Int32 = -1
        /// The nearest element within six levels (itself level 1) whose tag and class/id recur
        /// three times or more, and its level; 0 for none.
        var repeatCount = 0, repeatDepth = 0
        var inHalf = false, inMost = false
    }

    static let pathTagCount = PathTag.allCases.count
    static let familyCount = TokenFamily.allCases.count
    static let blockKindCount = BlockKindIndex.allCases.count

    /// Tags on the block's path (the cleaned tree's block-level elements).
    enum PathTag: String, CaseIterable {
        case article, main, section, header, footer, aside, form, li, table, blockquote, details, figure, dl, center
    }

    /// Families of class/id words, matched as whole tokens (split on anything but letters and
    /// digits; a word of five letters or more also matches as a prefix: "comments", "sharing").
    enum TokenFamily: String, CaseIterable {
        case navigation, share, promo, related, comment, post, content, meta, media, hidden, product, docs, title
        var words: [String] {
            switch self {
            case .navigation:
                return [
                    "nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "pagination", "pager", "toolbar",
                    "header", "masthead", "footer", "sidebar", "aside", "widget", "rail", "topbar", "skip",
                    "kopfzeile", "fusszeile", "seitenleiste", "inhaltsverzeichnis",
                ]
            case .share:
                return [
                    "share", "sharing", "social", "follow", "sharethis", "addthis", "teilen", "partage", "partager", "compartir", "condividi",
                    "delen",
                ]
            case .promo:
                return [
                    "ad", "ads", "advert", "advertisement", "promo", "promotion", "sponsor", "sponsored", "banner",
                    "newsletter", "subscribe", "subscription", "signup", "cta", "paywall", "dfp", "gpt",
                    "werbung", "anzeige", "publicite", "publicidad", "pubblicita", "advertentie", "reclame",
                ]
            case .related:
                return [
                    "related", "recommend", "recommended", "trending", "popular", "more", "teaser", "card", "cards",
                    "tile", "tiles", "grid", "carousel", "slider", "swiper", "feed", "latest",
                    "verwandt", "verwandte", "weitere", "similaire", "similaires", "relacionados", "relacionadas", "correlati",
                    "gerelateerd",
                ]
            case .comment:
                return [
                    "comment", "comments", "reply", "replies", "respond", "discussion", "disqus",
                    "kommentar", "kommentare", "commentaire", "commentaires", "comentario", "comentarios", "commento", "commenti",
                    "reactie", "reacties",
                ]
            case .post:
                return [
                    "post", "posts", "message", "messages", "thread", "topic", "answer", "answers", "question", "review",
                    "reviews", "forum", "userpost", "bbcode",
                ]
            case .content:
                return [
                    "article", "content", "body", "text", "story", "entry", "main", "prose", "rich", "richtext",
                    "markdown", "description", "detail", "details", "copy", "wysiwyg", "editorial",
                    "artikel", "inhalt", "beitrag", "contenu", "contenido", "contenuto", "articulo", "articolo",
                ]
            case .meta:
                return [
                    "meta", "byline", "author", "date", "time", "timestamp", "tags", "tag", "category", "categories",
                    "dateline", "published", "updated", "info", "auteur", "datum", "fecha",
                ]
            case .media: return ["caption", "credit", "photo", "image", "img", "gallery", "figure", "video", "media", "thumbnail", "thumb"]
            case .hidden:
                return [
                    "hidden", "hide", "sr", "visually", "collapse", "collapsed", "dropdown", "modal", "popup", "overlay",
                    "tooltip", "offcanvas", "drawer", "cookie", "consent", "gdpr",
                ]
            case .product:
                return [
                    "product", "products", "price", "cart", "buy", "variant", "variants", "sku", "rating", "stars",
                    "qty", "quantity", "shipping", "shop", "checkout", "specs", "specification", "specifications",
                ]
            case .docs: return ["doc", "docs", "documentation", "api", "code", "highlight", "toc", "reference", "manual", "sphinx", "md"]
            case .title: return ["title", "headline", "heading", "h1", "name", "subtitle", "dek", "lede", "lead", "intro", "summary", "excerpt"]
            }
        }
    }

    /// One row of `names.count` values per block, in one array.
    package struct FeatureMatrix {
        var rows: Int
        var values: [Double]
        static var columns: Int { BlockFeatures.names.count }
        package subscript(row: Int) -> ArraySlice<Double> { values[(row * Self.columns)..<((row + 1) * Self.columns)] }
    }

    /// Families of JSON-LD `@type`s.
    enum LDFamily: String, CaseIterable {
        case article, product, discussion, listing, faq, howto, organization, webpage, event, software
        var types: Set<String> {
            switch self {
            case .article: return PageKind.articleTypes
            case .product: return ["product", "productgroup", "offer", "aggregateoffer", "car", "vehicle", "book"]
            case .discussion: return ["discussionforumposting", "comment", "question", "answer", "qapage"]
            case .listing: return ["itemlist", "collectionpage", "searchresultspage", "listitem", "offercatalog"]
            case .faq: return ["faqpage"]
            case .howto: return ["howto", "recipe", "course"]
            case .organization: return ["organization", "localbusiness", "corporation", "service", "store", "restaurant", "professionalservice"]
            case .webpage: return ["webpage", "website", "aboutpage", "contactpage", "itempage", "medicalwebpage"]
            case .event: return ["event", "place", "jobposting"]
            case .software: return ["softwareapplication", "softwaresourcecode", "mobileapplication", "webapplication", "apireference"]
            }
        }
    }

    /// The rule-based decisions the features include.
    struct Rules {
        var kind: PageKind
        var articleKept: Set<Int>
        var fullKept: Set<Int>
        var negative: [Bool]
        var positive: [Bool]
        /// Per block: furniture by its words (`MainTextFinder.isFurnitureText`).
        var furniture: [Bool]
        /// Per element: the number of its class/id string (`MainTextFinder.classOf`), -1 without one.
        var classOf: [Int32]
        var classCount: Int
        /// Per element: the number of its tag (`MainTextFinder.tagOf`), and the tags by number.
        var tagOf: [Int32]
        var tagNames: [String]
        /// Per element: its parent's index (`MainTextFinder.parents`).
        var parents: [Int32]
    }

    let page: SegmentedPage
    let ldTypes: Set<String>
    let rules: Rules

    /// One row of features per block, in block order.
    func vectors() -> FeatureMatrix {
        let blocks = page.blocks
        guard !blocks.isEmpty else { return FeatureMatrix(rows: 0, values: []) }
        let page = PageContext(self)
        var out: [Double] = []
        out.reserveCapacity(blocks.count * Self.names.count)
        var charsBefore = 0.0
        for (index, block) in blocks.enumerated() {
            appendOwn(block, index: index, charsBefore: charsBefore, page: page, to: &out)
            charsBefore += Double(block.chars)
            appendPath(block, page: page, to: &out)
            appendNeighbours(index, page: page, to: &out)
            out.append(contentsOf: page.pageFeatures)
        }
        return FeatureMatrix(rows: blocks.count, values: out)
    }

    /// What the features of every block read of the page: the text below each element, the
    /// elements holding half and most of it, each element's path summary, the page's own features.
    struct PageContext {
        var chars: [Double]
        var linkChars: [Double]
        var blockCount: [Double]
        var totalChars = 0.0
        var totalLinks = 0.0
        var proseChars = 0.0
        var total: Double { max(totalChars, 1) }
        var articleKept: [Bool]
        var fullKept: [Bool]
        var paths: [PathSummary] = []
        var pageFeatures: [Double] = []

        init(_ f: BlockFeatures) {
            let blocks = f.page.blocks
            let count = f.page.elements.count
            articleKept = [Bool](repeating: false, count: blocks.count)
            fullKept = [Bool](repeating: false, count: blocks.count)
            for i in f.rules.articleKept where i < blocks.count { articleKept[i] = true }
            for i in f.rules.fullKept where i < blocks.count { fullKept[i] = true }
            // Text below each element: all characters, link characters, blocks.
            chars = [Double](repeating: 0, count: count)
            linkChars = [Double](repeating: 0, count: count)
            blockCount = [Double](repeating: 0, count: count)
            let parents = f.rules.parents
            for i in blocks.indices {
                let blockChars = Double(blocks[i].chars)
                let blockLinks = Double(blocks[i].linkChars)
                totalChars += blockChars
                totalLinks += blockLinks
                if MainTextFinder.isProse(blocks[i]) { proseChars += blockChars }
                var e = blocks[i].element
                while e >= 0 {
                    chars[Int(e)] += blockChars
                    linkChars[Int(e)] += blockLinks
                    blockCount[Int(e)] += 1
                    e = parents[Int(e)]
                }
            }
            paths = f.pathSummaries(parents: parents, half: deepest(f, holding: 0.5), most: deepest(f, holding: ExtractRules.fullContentShare))
            pageFeatures = f.pageFeatures(totalChars: totalChars, totalLinks: totalLinks, proseChars: proseChars, total: total)
        }

        /// The deepest element holding `share` of the page's non-link text.
        private func deepest(_ f: BlockFeatures, holding share: Double) -> Int32 {
            var best: Int32 = -1
            var bestDepth: Int32 = -1
            let elements = f.page.elements
            for i in 0..<elements.count where chars[i] - linkChars[i] >= share * (totalChars - totalLinks) && elements[i].depth > bestDepth {
                best = Int32(i)
                bestDepth = elements[i].depth
            }
            return best
        }
    }

    /// What each element's path up to the top says, built top-down (a parent always comes before
    /// its children in `elements`), so a block reads its element's summary.
    func pathSummaries(parents: [Int32], half: Int32, most: Int32) -> [PathSummary] {
        let elements = page.elements
        let (tagBits, isContainer, families, repeats) = elementSummaries()
        var paths = [PathSummary](repeating: PathSummary(), count: elements.count)
        for i in 0..<elements.count {
            let p = Int(parents[i])
            var s = p >= 0 ? paths[p] : PathSummary()
            s.negative = s.negative || rules.negative[i]
            s.positive = s.positive || rules.positive[i]
            s.tagBits |= tagBits[i]
            s.anywhere |= families[i]
            // The element itself and its two nearest ancestors.
            s.near = families[i] | (p >= 0 ? families[p] : 0) | (p >= 0 && parents[p] >= 0 ? families[Int(parents[p])] : 0)
            if isContainer[i] { s.container = Int32(i) }
            if repeats[i] >= 3 {
                s.repeatCount = repeats[i]
                s.repeatDepth = 1
            } else if s.repeatDepth > 0 && s.repeatDepth < 6 {
                s.repeatDepth += 1
            } else {
                s.repeatCount = 0
                s.repeatDepth = 0
            }
            s.inHalf = s.inHalf || Int32(i) == half
            s.inMost = s.inMost || Int32(i) == most
            paths[i] = s
        }
        return paths
    }

    /// Per element: its tag's path bits, whether its tag is a container's, its class/id's token
    /// families, and how many elements share its tag and class/id (0 without one).
    private func elementSummaries() -> (tagBits: [Int], isContainer: [Bool], families: [Int], repeats: [Int]) {
        let elements = page.elements
        // Each distinct tag and class/id string of the page looked up once (a page has thousands
        // of elements and a few dozen tags and hundreds of class strings: cards, list items),
        // both numbered by the rules (`Rules.tagOf`, `Rules.classOf`).
        let tagBits = rules.tagNames.map(Self.pathTagBits)
        let tagIsContainer = rules.tagNames.map { ExtractRules.containerTags.contains($0) }
        var classFamilies = [Int](repeating: -1, count: rules.classCount)
        // Elements sharing tag and class/id with others: cards, posts, list items. Per class
        // string, the (tag, count) pairs it appears with (nearly always one).
        var classTags = [[(tag: Int, count: Int)]](repeating: [], count: rules.classCount)
        let tagOf = rules.tagOf.map { Int($0) }
        for (i, e) in elements.enumerated() {
            let t = tagOf[i]
            let c = Int(rules.classOf[i])
            guard c >= 0 else { continue }
            if classFamilies[c] < 0 { classFamilies[c] = Self.tokenFamilies(e.classID) }
            if let k = classTags[c].firstIndex(where: { $0.tag == t }) {
                classTags[c][k].count += 1
            } else {
                classTags[c].append((t, 1))
            }
        }
        let repeats = elements.indices.map { i in
            rules.classOf[i] < 0 ? 0 : classTags[Int(rules.classOf[i])].first(where: { $0.tag == tagOf[i] })?.count ?? 0
        }
        let families = rules.classOf.map { $0 < 0 ? 0 : classFamilies[Int($0)] }
        return (tagOf.map { tagBits[$0] }, tagOf.map { tagIsContainer[$0] }, families, repeats)
    }

    /// The features every block of the page shares: size, links, prose, JSON-LD and OpenGraph types.
    func pageFeatures(totalChars: Double, totalLinks: Double, proseChars: Double, total: Double) -> [Double] {
        var features: [Double] = [
            log1p(totalChars), log1p(Double(page.blocks.count)), totalLinks / total, proseChars / total,
        ]
        features += LDFamily.allCases.map { ldTypes.isDisjoint(with: $0.types) ? 0 : 1 }
        let og = page.info.meta("og:type")?.lowercased() ?? ""
        features += [
            og == "article" ? 1 : 0, og.hasPrefix("product") ? 1 : 0, !og.isEmpty && og != "article" && !og.hasPrefix("product") ? 1 : 0,
        ]
        return features
    }

    /// The block's own text, its place, and the rules' decisions.
    func appendOwn(_ block: Block, index: Int, charsBefore: Double, page context: PageContext, to out: inout [Double]) {
        let kindIndex = Self.kindIndex(block.kind).rawValue
        for k in 0..<Self.blockKindCount { out.append(k == kindIndex ? 1 : 0) }
        out.append(Double(block.level))
        out.append(log1p(Double(block.chars)))
        out.append(block.linkDensity)
        out.append(Double(min(block.sentenceEnds.count, 20)))
        let text = Self.textStats(block.text)
        out.append(block.chars == 0 ? 0 : 100 * text.punctuation / Double(block.chars))
        out.append(text.endsSentence ? 1 : 0)
        out.append(block.chars == 0 ? 0 : text.digits / Double(block.chars))
        out.append(text.upperStart ? 1 : 0)
        out.append(text.currency ? 1 : 0)
        out.append(rules.furniture[index] ? 1 : 0)
        out.append(block.inQuote ? 1 : 0)
        out.append(block.inList ? 1 : 0)
        out.append(block.inTable ? 1 : 0)
        out.append(block.inFigure ? 1 : 0)
        out.append(Double(index) / Double(page.blocks.count))
        out.append(charsBefore / context.total)
        out.append(Double(block.element >= 0 ? page.elements[Int(block.element)].depth : 0))
        out.append(context.articleKept[index] ? 1 : 0)
        out.append(context.fullKept[index] ? 1 : 0)
        out.append(rules.kind == .article ? 1 : 0)
        out.append(rules.kind == .discussion ? 1 : 0)
        out.append(rules.kind == .other ? 1 : 0)
    }

    /// What the block's path says: rule classes, tags, class/id families, its container's and
    /// parent's share of the text, the page's main elements, repeated structures.
    func appendPath(_ block: Block, page context: PageContext, to out: inout [Double]) {
        let path = block.element >= 0 ? context.paths[Int(block.element)] : PathSummary()
        out.append(path.negative ? 1 : 0)
        out.append(path.positive ? 1 : 0)
        for k in 0..<Self.pathTagCount { out.append(path.tagBits & (1 << k) != 0 ? 1 : 0) }
        for k in 0..<Self.familyCount { out.append(path.near & (1 << k) != 0 ? 1 : 0) }
        for k in 0..<Self.familyCount { out.append(path.anywhere & (1 << k) != 0 ? 1 : 0) }
        let total = context.total
        if path.container >= 0 {
            let c = Int(path.container)
            out.append(context.chars[c] / total)
            out.append(context.chars[c] == 0 ? 0 : context.linkChars[c] / context.chars[c])
            out.append(log1p(context.blockCount[c]))
        } else {
            out.append(1)
            out.append(context.totalLinks / total)
            out.append(log1p(Double(page.blocks.count)))
        }
        let parent = block.element >= 0 ? page.elements[Int(block.element)].parent : -1
        out.append(parent >= 0 ? context.chars[Int(parent)] / total : 1)
        out.append(path.inHalf ? 1 : 0)
        out.append(path.inMost ? 1 : 0)
        out.append(log1p(Double(path.repeatCount)))
        out.append(Double(path.repeatDepth))
    }

    /// The blocks before and after: links, size, heading, the article rules' choice.
    func appendNeighbours(_ index: Int, page context: PageContext, to out: inout [Double]) {
        let blocks = page.blocks
        for neighbour in stride(from: index - 1, through: index + 1, by: 2) {
            if neighbour >= 0 && neighbour < blocks.count {
                out.append(blocks[neighbour].linkDensity)
                out.append(log1p(Double(blocks[neighbour].chars)))
                out.append(blocks[neighbour].kind == .heading ? 1 : 0)
                out.append(context.articleKept[neighbour] ? 1 : 0)
            } else {
                out.append(0)
                out.append(0)
                out.append(0)
                out.append(0)
            }
        }
    }

    static func kindIndex(_ kind: BlockKind) -> BlockKindIndex {
        switch kind {
        case .heading: return .heading
        case .paragraph: return .paragraph
        case .listItem: return .listItem
        case .tableCell: return .tableCell
        case .quote: return .quote
        case .pre: return .pre
        case .caption: return .caption
        }
    }

    static func pathTagBits(_ tag: String) -> Int { pathTagTable[tag] ?? 0 }

    /// Tag name → its `PathTag` bit; lists count as `li`, table parts as `table`.
    private static let pathTagTable: [String: Int] = {
        var table: [String: Int] = [:]
        for (k, t) in PathTag.allCases.enumerated() { table[t.rawValue] = 1 << k }
        for tag in ["ul", "ol"] { table[tag] = table[PathTag.li.rawValue] }
        for tag in ["td", "th", "tr"] { table[tag] = table[PathTag.table.rawValue] }
        return table
    }()

    /// Whole-word token → family bits, and the prefixes of five letters or more.
    private static let tokenTable: [String: Int] = {
        var table: [String: Int] = [:]
        for (k, family) in TokenFamily.allCases.enumerated() {
            for word in family.words { table[word, default: 0] |= 1 << k }
        }
        return table
    }()
    private static let prefixWords: [(String, Int)] = tokenTable.filter { $0.key.count >= 5 }.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
    /// `prefixWords` as bytes, grouped by first byte.
    private static let prefixesByFirstByte: [[([UInt8], Int)]] = {
        var table = [[([UInt8], Int)]](repeating: [], count: 256)
        for (word, bits) in prefixWords { table[Int(word.utf8.first!)].append((Array(word.utf8), bits)) }
        return table
    }()

    /// `tokenTable` as an open-addressing table on the token's bytes (FNV-1a), for the ASCII path:
    /// no String is made per token. Slots hold an index into `tokenEntries`, or -1.
    private static let tokenEntries: [(word: [UInt8], bits: Int)] = tokenTable.map { (Array($0.key.utf8), $0.value) }.sorted {
        $0.word.lexicographicallyPrecedes($1.word)
    }
    private static let tokenSlots: [Int32] = {
        var slots = [Int32](repeating: -1, count: tokenSlotCount)
        for (index, entry) in tokenEntries.enumerated() {
            var slot = Int(entry.word.withUnsafeBufferPointer(fnv1a) & UInt64(tokenSlotCount - 1))
            while slots[slot] >= 0 { slot = (slot + 1) & (tokenSlotCount - 1) }
            slots[slot] = Int32(index)
        }
        return slots
    }()
    private static let tokenSlotCount = 1024

    private static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    private static func tokenBits(_ token: UnsafeBufferPointer<UInt8>) -> Int? {
        var slot = Int(fnv1a(token) & UInt64(tokenSlotCount - 1))
        while true {
            let index = Int(tokenSlots[slot])
            if index < 0 { return nil }
            if tokenEntries[index].word.elementsEqual(token) { return tokenEntries[index].bits }
            slot = (slot + 1) & (tokenSlotCount - 1)
        }
    }

    /// The token families of a lowercased class/id string: tokens split on anything but letters
    /// and digits, each looked up whole, and a token of more than five letters also by the
    /// family words of five letters or more it starts with.
    static func tokenFamilies(_ classID: String) -> Int {
        guard !classID.isEmpty else { return 0 }
        var id = classID
        return id.withUTF8 { utf8 in
            guard utf8.allSatisfy({ $0 < 0x80 }) else { return tokenFamiliesOfScalars(classID) }
            // ASCII: letters and digits by byte, the same split as Character's isLetter/isNumber.
            var bits = 0
            var start = -1
            for i in 0...utf8.count {
                let b = i < utf8.count ? utf8[i] : 0x20
                let wordByte = (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39)
                if wordByte {
                    if start < 0 { start = i }
                    continue
                }
                guard start >= 0 else { continue }
                let token = UnsafeBufferPointer(rebasing: utf8[start..<i])
                start = -1
                if let b = tokenBits(token) {
                    bits |= b
                    continue
                }
                if token.count > 5 {
                    for (prefix, b) in prefixesByFirstByte[Int(token[0])] where token.starts(with: prefix) { bits |= b }
                }
            }
            return bits
        }
    }

    private static func tokenFamiliesOfScalars(_ classID: String) -> Int {
        var bits = 0
        for token in classID.split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
            let word = String(token)
            if let b = tokenTable[word] {
                bits |= b
                continue
            }
            if word.count > 5 {
                for (prefix, b) in prefixWords where word.hasPrefix(prefix) { bits |= b }
            }
        }
        return bits
    }

    struct TextStats {
        var punctuation = 0.0
        var digits = 0.0
        var endsSentence = false
        var upperStart = false
        var currency = false
    }

    static func textStats(_ text: String) -> TextStats {
        if FastCase.isASCII(text) { return asciiTextStats(text) }
        // By UTF-8 byte: ASCII through the table, other scalars decoded (the string is valid UTF-8).
        var s = TextStats()
        var last: Unicode.Scalar = " "
        var first = true
        var punctuation = 0
        var digits = 0
        var text = text
        let classes = asciiClasses // read once: a static's every read checks its initialisation
        text.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                let scalar: Unicode.Scalar
                if b < 0x80 {
                    let c = classes[Int(b)]
                    punctuation += Int(c & 1)
                    digits += Int((c >> 1) & 1)
                    if c >= 4 { s.currency = true }
                    i += 1
                    if b == 0x20 { continue }
                    scalar = Unicode.Scalar(b)
                } else {
                    let (value, length) = decodeUTF8(bytes, at: i)
                    i += length
                    switch value {
                    case 0x3002, 0x3001, 0xFF0C, 0xFF01, 0xFF1F: punctuation += 1 // 。、，！？
                    case 0x20AC, 0xA3, 0xA5, 0x20B9, 0x20A9: s.currency = true // € £ ¥ ₹ ₩
                    default: break
                    }
                    scalar = Unicode.Scalar(value) ?? " "
                }
                if first {
                    s.upperStart = scalar.properties.isUppercase
                    first = false
                }
                last = scalar
            }
        }
        s.punctuation = Double(punctuation)
        s.digits = Double(digits)
        s.endsSentence = ".!?。！？\"”'’:)".unicodeScalars.contains(last)
        return s
    }

    /// The scalar value whose UTF-8 sequence starts at `i` (a lead byte of valid UTF-8), and its length.
    private static func decodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let b = UInt32(bytes[i])
        if b < 0xE0 { return ((b & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F), 2) }
        if b < 0xF0 { return ((b & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F), 3) }
        return ((b & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F), 4)
    }

    /// `textStats` of ASCII text, by byte (the same counts: no other scalar can occur).
    private static func asciiTextStats(_ text: String) -> TextStats {
        var s = TextStats()
        var last: UInt8 = 0x20
        var first = true
        var punctuation = 0
        var digits = 0
        var currency = 0
        let classes = asciiClasses // read once: a static's every read checks its initialisation
        text.utf8.withContiguousStorageIfAvailable { bytes in
            for b in bytes {
                let c = classes[Int(b)]
                punctuation += Int(c & 1)
                digits += Int((c >> 1) & 1)
                currency |= Int(c >> 2)
                if b != 0x20 {
                    if first {
                        s.upperStart = b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")
                        first = false
                    }
                    last = b
                }
            }
        }
        s.punctuation = Double(punctuation)
        s.digits = Double(digits)
        s.currency = currency != 0
        switch last {
        case UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ":"), UInt8(ascii: ")"):
            s.endsSentence = true
        default: s.endsSentence = false
        }
        return s
    }

    /// Per ASCII byte: 1 sentence punctuation, 2 digit, 4 currency sign.
    private static let asciiClasses: [UInt8] = (0..<128).map { v in
        switch UInt8(v) {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "!"), UInt8(ascii: "?"): return 1
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return 2
        case UInt8(ascii: "$"): return 4
        default: return 0
        }
    }
}

/// Numbers for the distinct strings it is given, in the order first seen (the tags and the
/// class/id strings of a page: each looked up once, then read by number). An open-addressing
/// table over a multiplicative hash of the UTF-8 bytes: a page has thousands of elements, and
/// `Dictionary`'s seeded SipHash cost more than the rest of the lookup.
struct Slots {
    private var keys: [String] = []
    private var hashes: [UInt64] = []
    /// Key numbers by hash (-1: empty); its size a power of two, at least twice the keys.
    private var table = [Int32](repeating: -1, count: 64)

    /// The number of `key`, and whether `key` was new.
    mutating func slot(_ key: String) -> (number: Int, new: Bool) {
        let hash = Self.hash(key)
        let mask = table.count - 1
        var i = Int(truncatingIfNeeded: hash >> 32) & mask
        while table[i] >= 0 {
            let known = Int(table[i])
            if hashes[known] == hash && keys[known] == key { return (known, false) }
            i = (i + 1) & mask
        }
        let number = keys.count
        keys.append(key)
        hashes.append(hash)
        table[i] = Int32(number)
        if keys.count * 2 > table.count { grow() }
        return (number, true)
    }

    private mutating func grow() {
        table = [Int32](repeating: -1, count: table.count * 2)
        let mask = table.count - 1
        for (number, hash) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: hash >> 32) & mask
            while table[i] >= 0 { i = (i + 1) & mask }
            table[i] = Int32(number)
        }
    }

    /// A hash of the string's UTF-8 bytes, eight at a time (not seeded: the same on every run).
    static func hash(_ key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { bytes in
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
            var offset = 0
            while offset + 8 <= bytes.count {
                h = (h ^ UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 29
                offset += 8
            }
            var tail: UInt64 = 0
            while offset < bytes.count {
                tail = tail << 8 | UInt64(bytes[offset])
                offset += 1
            }
            h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
            return h ^ (h >> 32)
        }
    }
}
