import Foundation
import WinnowCore

/// Page metadata from the sources a page offers, most trusted first: JSON-LD (`NewsArticle`,
/// `Article` and kin), OpenGraph and `article:*` meta, other `<meta>` names, `<time>`, the URL.
/// A field no source gives is nil, never guessed.
struct MetadataExtractor {
    /// JSON-LD types whose fields describe the page's text: the article types page kinds use,
    /// and the generic page types that still carry a headline, author and date.
    static let articleTypes: Set<String> = PageKind.articleTypes.union([
        "posting", "webpage", "medicalwebpage", "qapage", "howto", "discussionforumposting", "question",
    ])

    struct LD {
        var headline: String?
        var authors: [String] = []
        /// The authors are organisations (`@type` Organization), not people.
        var authorsAreOrganizations = false
        var datePublished: String?
        var publisher: String?
        var description: String?
        var url: String?
        var language: String?
        /// Every `@type` in the page's JSON-LD, lowercased.
        var types = Set<String>()
        /// The longest `description` of a `Product` or `ProductGroup`, as text (markup taken out).
        var productDescription: String?
    }

    /// The most article-like JSON-LD object's fields.
    static func jsonLD(_ scripts: [String]) -> LD {
        var candidates: [JSONValue] = []
        for script in scripts {
            // Winnow's own JSON reader (through JSONSerialization, JSON-LD was 1.6% of a run's
            // instructions), not strict: a template's raw line break in a string (12 of the
            // development pages' 1,328 scripts) loses the script to a strict reader only.
            var bytes = script
            guard let value = bytes.withUTF8({ try? JSONReader.parse($0, strict: false) }) else { continue }
            collect(value, into: &candidates, depth: 0)
        }
        // Prefer real article types over WebPage.
        func rank(_ o: JSONValue) -> Int {
            let types = typeNames(o)
            if types.contains(where: { $0 != "webpage" && articleTypes.contains($0) }) { return 2 }
            if types.contains("webpage") { return 1 }
            return 0
        }
        var ld = LD()
        for o in candidates { ld.types.formUnion(typeNames(o)) }
        let sorted = candidates.enumerated().sorted { (a, b) in
            let ra = rank(a.element)
            let rb = rank(b.element)
            return ra != rb ? ra > rb : a.offset < b.offset
        }.map(\.element)
        // Nodes of a `@graph` named by their `@id`: an article's author is often only a
        // reference to a `Person` node elsewhere in the graph (what Yoast SEO writes).
        var nodes: [String: JSONValue] = [:]
        for o in candidates {
            if case .string(let id) = member(o, "@id"), member(o, "name") != nil, nodes[id] == nil { nodes[id] = o }
        }
        for o in sorted where rank(o) > 0 {
            if ld.headline == nil { ld.headline = string(member(o, "headline")) ?? string(member(o, "name")) }
            if ld.authors.isEmpty {
                let author = resolved(member(o, "author"), nodes)
                ld.authors = names(author)
                // An author object's types, or those of the objects in an author list (typeNames
                // gives none for anything but an object).
                var types: [String] = []
                if case .array(let items) = author {
                    types = items.flatMap(typeNames)
                } else if let author {
                    types = typeNames(author)
                }
                ld.authorsAreOrganizations = !types.isEmpty && types.allSatisfy { $0.contains("organization") }
            }
            if ld.datePublished == nil { ld.datePublished = string(member(o, "datePublished")) ?? string(member(o, "dateCreated")) }
            if ld.publisher == nil { ld.publisher = names(member(o, "publisher")).first }
            if ld.description == nil { ld.description = string(member(o, "description")) }
            if ld.url == nil { ld.url = string(member(o, "url")) ?? string(member(o, "mainEntityOfPage")) }
            if ld.language == nil { ld.language = string(member(o, "inLanguage")) }
        }
        ld.productDescription = productDescription(candidates)
        if ld.publisher == nil {
            for o in candidates where typeNames(o).contains("organization") || typeNames(o).contains("newsmediaorganization") {
                ld.publisher = string(member(o, "name"))
                break
            }
        }
        return ld
    }

    typealias JSONValue = JSONReader.Value

    /// The longest `description` of a `Product` or `ProductGroup` among `candidates`, as text.
    private static func productDescription(_ candidates: [JSONValue]) -> String? {
        var longest: String?
        for o in candidates where typeNames(o).contains(where: { $0 == "product" || $0 == "productgroup" }) {
            if case .string(let raw) = member(o, "description"), raw.utf8.count > longest?.utf8.count ?? 0 { longest = raw }
        }
        return longest.flatMap { string(.string(withoutMarkup($0))) }
    }

    /// `text` less its markup: each tag (a shop's description is often HTML) becomes a space.
    static func withoutMarkup(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "<")) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var inTag = false
        for byte in text.utf8 {
            if inTag {
                if byte == UInt8(ascii: ">") { inTag = false }
            } else if byte == UInt8(ascii: "<") {
                inTag = true
                out.append(UInt8(ascii: " "))
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// An object's member: the last of repeated keys, as a dictionary built from the object keeps.
    private static func member(_ value: JSONValue?, _ key: String) -> JSONValue? {
        guard case .object(let members) = value else { return nil }
        return members.last { $0.key == key }?.value
    }

    private static func collect(_ value: JSONValue, into out: inout [JSONValue], depth: Int) {
        guard depth < 6, out.count < 64 else { return }
        switch value {
        case .array(let items):
            for item in items { collect(item, into: &out, depth: depth + 1) }
        case .object:
            out.append(value)
            if let graph = member(value, "@graph") { collect(graph, into: &out, depth: depth + 1) }
            if let main = member(value, "mainEntity"), case .object = main { collect(main, into: &out, depth: depth + 1) }
        default:
            break
        }
    }

    private static func typeNames(_ o: JSONValue) -> [String] {
        switch member(o, "@type") {
        case .string(let t): return [t.lowercased()]
        case .array(let items): return items.compactMap { $0.string?.lowercased() }
        default: return []
        }
    }

    private static func string(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s):
            let t = TextNormalizer.normalize(Array(HTMLEntities.decode(s).utf8))
            return t.isEmpty ? nil : t
        case .object:
            return string(member(value, "@id")) ?? string(member(value, "url")) ?? string(member(value, "name"))
        case .array(let items):
            return items.first.flatMap { string($0) }
        default:
            return nil
        }
    }

    /// A reference (an object whose only member is `@id`) replaced by the node it names; in a
    /// list, each item so.
    private static func resolved(_ value: JSONValue?, _ nodes: [String: JSONValue]) -> JSONValue? {
        switch value {
        case .object(let members):
            guard members.count == 1, case .string(let id) = member(value, "@id"), let node = nodes[id] else { return value }
            return node
        case .array(let items):
            return .array(items.map { resolved($0, nodes) ?? $0 })
        default:
            return value
        }
    }

    private static func names(_ value: JSONValue?) -> [String] {
        switch value {
        case .string: return string(value).map { [$0] } ?? []
        case .object: return string(member(value, "name")).map { [$0] } ?? []
        case .array(let items): return items.flatMap { names($0) }
        default: return []
        }
    }

    /// Fills the metadata fields of `extraction` from the page, its visible header (the blocks
    /// before `mainStart`, the first block of the main text) and the URL. `candidates`, when
    /// given, receives the scored title and date candidates the fields were chosen among (for
    /// `winnow features`).
    static func fill(
        _ extraction: inout Extraction, page: SegmentedPage, ld: LD, url: String?, mainStart: Int?, kind: PageKind,
        candidates: ((_ titles: [ScoredCandidate], _ dates: [ScoredCandidate]) -> Void)? = nil
    ) {
        let info = page.info
        let siteName = info.meta("og:site_name", "application-name") ?? ld.publisher
        let siteNames = siteNames(siteName: siteName, title: info.title, url: url)
        let header = headerBlocks(page, mainStart: mainStart)

        let titles = TitleChooser.scored(page: page, ld: ld, siteNames: siteNames, mainStart: mainStart, kind: kind, url: url)
        extraction.title = ScoredCandidate.best(titles)

        let byline = Byline.find(around: header, page: page)
        var authors = ld.authors
        if authors.isEmpty,
            let meta = info.meta(
                "author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author", "cxenseparse:author")
        {
            if !meta.lowercased().hasPrefix("http") { authors = [meta] }
        }
        authors = authors.map(cleanAuthor).filter(isName)
        // An organisation or the site itself as author gives way to people named in a byline.
        let onlySite = !authors.isEmpty && authors.allSatisfy { siteNames.contains(comparable($0)) }
        // A discussion's author is its first post's: the name the thread's page labels as its
        // starter or poster (forum names are often lower case, which a byline's names are not).
        var starterDate: Byline.Shown?
        if authors.isEmpty, let starter = Byline.starter(in: page, header: header) {
            authors = [starter.name]
            starterDate = starter.date
        }
        if authors.isEmpty || ((ld.authorsAreOrganizations || onlySite) && !byline.names.isEmpty) {
            authors = byline.names
        }
        // Microdata (schema.org's other syntax): a forum's first post, an article's author box.
        if authors.isEmpty, let name = info.microdataAuthor, isName(name) { authors = [name] }
        // Then what the page says of its author apart from its visible byline: a scholarly
        // citation's author, a Twitter card's "Written by" field, a link marked rel=author or
        // spelling its author-page address (`/author/jane-doe/`); on articles and discussions, an
        // element whose class names the author (elsewhere as often a reviewer's or a testimonial's).
        if authors.isEmpty {
            let marked = [info.meta("citation_author"), labelledAuthor(info), info.relAuthor, info.linkAuthor]
            let sources = marked + [kind == .other ? nil : info.classAuthor]
            authors = sources.lazy.compactMap { $0.map(cleanAuthor) }.first(where: isName).map { [$0] } ?? []
        }
        // Last, an author box anywhere on the page ("Written by Jane Doe" under the article).
        if authors.isEmpty { authors = Byline.writtenBy(in: page) }
        // A thread's post header, found once for both the author's and the date's last resort.
        lazy var firstPost = Byline.firstPostHeader(in: page)
        if authors.isEmpty, let post = firstPost, let poster = Byline.poster(of: post.index, in: page) { authors = [poster] }
        var unique: [String] = []
        for a in authors where !unique.contains(a) { unique.append(a) }
        extraction.author = unique.isEmpty ? nil : unique.joined(separator: "; ")

        let dates = DateChooser.scored(
            dateInputs(
                page: page, ld: ld, byline: byline, starterDate: starterDate, header: header, url: url, kind: kind, firstPostDate: firstPost?.date))
        extraction.datePublished = publicationDate(ScoredCandidate.best(dates), url: url)
        fillDeclared(&extraction, info: info, ld: ld, url: url, siteName: siteName)
        candidates?(titles, dates)
    }

    /// The fields the page declares outright: language, canonical address, site name, description.
    static func fillDeclared(_ extraction: inout Extraction, info: PageInfo, ld: LD, url: String?, siteName: String?) {
        extraction.languageDeclared = LanguageTag.primary(
            info.htmlLang ?? ld.language ?? info.meta("og:locale", "content-language", "language", "dc.language"))
        extraction.canonicalURL = resolve(info.canonical ?? info.meta("og:url") ?? ld.url, against: url)
        extraction.siteName = siteName ?? info.meta("twitter:site")
        extraction.description = info.meta("og:description", "description", "twitter:description") ?? ld.description
    }

    /// The names a page's site goes by, comparable: its stated name, its `<title>`'s suffix, its
    /// host without `www.` and that host's first label.
    static func siteNames(siteName: String?, title: String?, url: String?) -> Set<String> {
        var names = Set([siteName, title.flatMap(siteSuffix)].compactMap { $0.map(comparable) })
        if let host = url.flatMap({ URL(string: $0)?.host }) {
            let bare = comparable(host.removingBytes("www."))
            names.insert(bare)
            if let name = bare.split(separator: ".").first { names.insert(String(name)) }
        }
        return names
    }

    /// The dates the page gives, for `DateChooser`: JSON-LD's, the date metas', the first
    /// `<time>`'s, one the page labels "Published", a thread's first post header's, the URL's; the
    /// date on a thread's starter line, the byline's and one shown by the headline (beside its
    /// `<h1>` on a page of kind `.other`, near it elsewhere); the modified date and the later
    /// `<time>`s.
    static func dateInputs(
        page: SegmentedPage, ld: LD, byline: Byline.Found, starterDate: Byline.Shown?, header: ArraySlice<Block>, url: String?,
        kind: PageKind, firstPostDate: String?
    ) -> DateChooser.Inputs {
        let info = page.info
        let metaDate = info.meta(
            "article:published_time", "og:published_time", "datepublished",
            "date", "dc.date", "dc.date.issued", "pubdate", "publishdate",
            "publish-date", "sailthru.date", "parsely-pub-date", "article.published",
            "published_time", "dcterms.created", "original-publish-date", "published-date", "published")
        var inputs = DateChooser.Inputs(kind: kind)
        let given: [(DateChooser.Source, String?)] = [
            (.ld, ld.datePublished.flatMap(DateParser.iso8601)), (.meta, metaDate.flatMap(DateParser.iso8601)),
            (.time, info.times.first.flatMap(DateParser.iso8601)), (.labelled, Byline.labelledDate(in: page)),
            (.post, firstPostDate), (.url, url.flatMap(DateParser.fromURL)),
        ]
        inputs.given = given.compactMap { source, value in value.map { (source, $0) } }
        let headline = kind == .other ? Byline.date(besideHeadline: header, in: page) : Byline.date(near: header, in: page)
        let shown: [(DateChooser.Source, Byline.Shown?)] = [(.starter, starterDate), (.byline, byline.date), (.headline, headline)]
        inputs.shown = shown.compactMap { source, value in value.map { (source, $0) } }
        inputs.modified = info.meta("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified").flatMap(DateParser.iso8601)
        inputs.laterTimes = info.times.dropFirst().prefix(4).compactMap(DateParser.iso8601)
        return inputs
    }

    /// The publication date written for the date the model chose: the URL's day where it is one
    /// day from it (a timestamp in UTC crosses midnight where the site's clock did not: the URL
    /// has the publisher's own day), else the chosen date.
    static func publicationDate(_ chosen: String?, url: String?) -> String? {
        if let chosen, let urlDay = url.flatMap(DateParser.fromURL), let apart = DateParser.daysBetween(chosen, urlDay), abs(apart) == 1 {
            return urlDay
        }
        return chosen
    }

    /// The blocks a reader sees around the headline (bylines, dates): from the headline's `<h1>`
    /// (the last one before the main text, else the first) a few blocks on; without an `<h1>`,
    /// the blocks just before the main text.
    static func headerBlocks(_ page: SegmentedPage, mainStart: Int?) -> ArraySlice<Block> {
        let blocks = page.blocks
        guard !blocks.isEmpty else { return [] }
        let end = min(mainStart ?? blocks.count, blocks.count)
        let isH1: (Block) -> Bool = { $0.kind == .heading && $0.level == 1 }
        if let h1 = blocks[0..<end].lastIndex(where: isH1) ?? blocks.firstIndex(where: isH1) {
            return blocks[h1..<min(blocks.count, h1 + 10)]
        }
        return blocks[max(0, end - 8)..<min(blocks.count, end + 2)]
    }

    /// The `<h1>` blocks with their index; the lines of one `<h1>` broken by `<br>` (one block
    /// each) are one headline, joined by a space.
    static func headlines(_ page: SegmentedPage) -> [(offset: Int, element: Block)] {
        var out: [(offset: Int, element: Block)] = []
        for index in page.blocks.indices where page.blocks[index].kind == .heading && page.blocks[index].level == 1 {
            let block = page.blocks[index]
            if let last = out.last, last.offset == index - 1, last.element.element == block.element {
                var merged = last.element
                merged.text += " " + block.text
                merged.chars += 1 + block.chars
                out[out.count - 1] = (index, merged)
            } else {
                out.append((index, block))
            }
        }
        return out
    }

    static func comparable(_ s: String) -> String {
        let lower = s.lowercased()
        return (lower.containsBytes("’") ? lower.replacingOccurrences(of: "’", with: "'") : lower).trimmingSpaces()
    }

    /// The part after the last " | ", " - " ... of a `<title>`: usually the site's name.
    static func siteSuffix(_ title: String) -> String? {
        for separator in [" | ", " – ", " — ", " - ", " :: ", " » ", " : "] {
            if let (_, rest) = title.splitAtLast(separator) {
                let tail = rest.trimmingSpaces()
                if !tail.isEmpty && tail.split(separator: " ").count <= 6 { return tail }
            }
        }
        return nil
    }

    /// "Headline | Site" loses the site part when the part is a known site name.
    static func stripSiteSuffix(_ title: String, siteNames: Set<String>) -> String {
        var t = title
        for separator in [" | ", " – ", " — ", " - ", " :: ", " » ", " : "] {
            if let (head, rest) = t.splitAtLast(separator) {
                let tail = comparable(rest)
                if siteNames.contains(where: { tail == $0 || tail.hasPrefix($0) || $0.hasPrefix(tail) }) {
                    t = head.trimmingSpaces()
                }
            }
        }
        // "Opinion | Headline": a short section label before the headline.
        if let offset = t.byteOffset(of: " | ") {
            let u = Array(t.utf8)
            let head = String(decoding: u[0..<offset], as: UTF8.self)
            if head.split(separator: " ").count <= 2 { t = String(decoding: u[(offset + 3)...], as: UTF8.self).trimmingSpaces() }
        }
        return t
    }

    static func resolve(_ link: String?, against base: String?) -> String? {
        guard let link = link?.trimmingSpaces(), !link.isEmpty else { return nil }
        if link.hasPrefix("http://") || link.hasPrefix("https://") { return link }
        guard let base, let baseURL = URL(string: base), let resolved = URL(string: link, relativeTo: baseURL) else {
            return nil
        }
        return resolved.absoluteString
    }

    /// The author a page states as a labelled pair of Twitter card fields (`twitter:label1`
    /// "Written by", `twitter:data1` the name; what Yoast SEO writes on WordPress pages).
    static func labelledAuthor(_ info: PageInfo) -> String? {
        for n in 1...4 {
            guard let label = info.meta("twitter:label\(n)")?.lowercased() else { break }
            if label.hasPrefix("written by") || label.hasPrefix("author") || label == "by" { return info.meta("twitter:data\(n)") }
        }
        return nil
    }

    /// Whether a cleaned author reads as someone's name: not empty, not a link, not a date
    /// ("Updated March 13, 2024": a word all digits), not a label ("The Author") or a CMS's
    /// default account ("admin").
    static func isName(_ author: String) -> Bool {
        let lower = author.lowercased()
        // A template's name field left empty before the affiliation (", USA TODAY").
        if author.first.map({ $0.isPunctuation }) == true { return false }
        if lower.isEmpty || lower.hasPrefix("http") || ["admin", "administrator", "author", "the author", "about the author"].contains(lower) {
            return false
        }
        // A byline's label or date read as its name ("Written" of "Written by", "March" of
        // "March 17, 2025"), a template's unfilled field ("page.head.author", "{{ author }}").
        if notNames.contains(lower) || lower.hasSuffix(" by") || lower.contains("{{")
            || (!lower.contains(" ") && lower.split(separator: ".").count >= 3)
        {
            return false
        }
        return !author.split(separator: " ").contains { word in
            word.allSatisfy { $0.isNumber || $0.isPunctuation } && word.contains(where: \.isNumber)
        }
    }

    /// Single words that are a byline's label or a month, never an author.
    static let notNames: Set<String> = [
        "by", "written", "authored", "researched", "reviewed", "edited", "posted", "published", "updated", "article",
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
    ]

    static func cleanAuthor(_ raw: String) -> String {
        var a = raw.trimmingSpaces()
        for prefix in ["By ", "by ", "BY "] where a.hasPrefix(prefix) { a = String(a.dropFirst(prefix.count)) }
        return a.trimmingSpaces()
    }
}

/// Bylines and dates as the page shows them under its headline.
enum Byline {
    struct Found {
        var names: [String] = []
        var date: Shown?
    }

    /// A date as the page shows it, with the text of the block that shows it.
    struct Shown {
        var date: String
        var text: String
    }

    /// Words that make a shown date some other event's than the publication: an update, an
    /// edit, a review, a poster's joining, a release, an offer's end.
    static let otherDateWords: Set<Substring> = [
        "updated", "update", "edited", "modified", "last", "joined", "registered", "reviewed", "release", "released", "since",
        "expires", "ends", "valid",
        "aktualisiert", "geändert", "actualisé", "modifié", "actualizado", "modificado", "aggiornato", "modificato", "bijgewerkt",
        "gewijzigd", "atualizado",
    ]

    /// The labels of `otherDateWords` that are also told at the end of a longer word.
    private static let runTogetherDateWords = ["updated", "edited", "modified"]

    /// Whether a date shown by the headline is the page's original publication where its
    /// metadata declares a later one (a republication, a move to a new system, a refresh stamped
    /// as the publication): at least two days earlier (a day apart is a time zone's doing), the
    /// only date in its block, and not labelled as some other event's. htmldate's
    /// `original_date` prefers the earliest date for the same reason. On the WCXB development
    /// pages with a truth date, 10 pages got the truth's date and 1 lost it.
    static func isOriginal(_ shown: Shown, declared: String) -> Bool {
        guard let apart = DateParser.daysBetween(shown.date, declared), apart >= 2 else { return false }
        let lower = shown.text.lowercased()
        let words = lower.split { !$0.isLetter }
        // "Updated" run into the name before it ("Senior AnalystUpdated Sep 17") counts too.
        let labelled = words.contains { word in otherDateWords.contains(word) || runTogetherDateWords.contains { word.hasSuffix($0) } }
        return !labelled && DateParser.yearCount(lower) <= 1
    }

    /// Words that end a name in a byline ("Tom Davies Associated Press", "Jane Doe, Staff Writer").
    static let stopWords: Set<String> = [
        "updated", "published", "posted", "on", "at", "in", "for", "staff", "writer", "reporter", "correspondent",
        "editor", "contributor", "columnist", "associated", "press", "ap", "reuters", "view", "more", "articles", "-", "|", "•", "·",
    ]

    /// News agencies credited in place of a person.
    static let agencies = ["Associated Press", "The Associated Press", "Reuters", "AFP", "Agence France-Presse", "Bloomberg", "dpa", "ANSA", "EFE"]

    /// A byline's label standing alone, its name in the next block ("Written by" / "Jane Doe").
    static let labels: Set<String> = ["by", "written by", "author", "authors", "posted by", "words by", "von", "par", "por", "autor", "auteur"]

    private static let agenciesLowercased = agencies.map { $0.lowercased() }
    private static let labelTrimmed: Set<Unicode.Scalar> = [" ", ":", "\u{a0}"]
    /// Starts of a byline block before the names ("By Jane Doe", "Written by Jane Doe").
    private static let namePrefixes = [
        "by ", "by: ", "written by ", "written by: ", "text: ", "текст: ", "posted by ", "posted by: ", "von ", "par ", "por ",
    ]

    /// The name after a "By" or "Written by" run into it, as inline markup without a space between
    /// the label's element and the name's prints them ("ByJane Doe", "Written byJane Doe"): the
    /// label in its usual case and a capital letter right after it.
    static func runTogetherName(_ text: String) -> Substring? {
        for label in ["By", "by", "Written by", "Written By"] where text.hasPrefix(label) {
            let rest = text.dropFirst(label.count)
            if rest.first?.isUppercase == true, rest.first?.isLetter == true { return rest }
        }
        return nil
    }

    /// A block's lowercased text without the spaces, colons and no-break spaces around it (a
    /// label such as "Written by:").
    private static func labelText(_ lower: String) -> String {
        let scalars = lower.unicodeScalars
        let trimmed = labelTrimmed
        guard let first = scalars.firstIndex(where: { !trimmed.contains($0) }), let last = scalars.lastIndex(where: { !trimmed.contains($0) })
        else { return "" }
        return String(scalars[first...last])
    }

    static func find(in header: ArraySlice<Block>, page: SegmentedPage) -> Found {
        var found = Found()
        for (position, block) in zip(header.indices, header) where block.chars < 120 && (block.kind != .heading || block.level > 1) {
            let text = block.text
            let lower = text.lowercased()
            if found.names.isEmpty, labels.contains(labelText(lower)) {
                if position + 1 < header.endIndex, header[position + 1].chars < 80 {
                    found.names = names(in: Substring(header[position + 1].text))
                }
                continue
            }
            if found.names.isEmpty, let agency = zip(agencies, agenciesLowercased).first(where: { lower.hasPrefix($0.1) }) {
                found.names = [agency.0]
            }
            if found.date == nil, block.chars < 100, let date = DateParser.iso8601(text) {
                found.date = Shown(date: date, text: text)
            }
            guard found.names.isEmpty else { continue }
            var rest: Substring?
            for prefix in namePrefixes where lower.hasPrefix(prefix) {
                rest = text.dropFirst(prefix.count)
                break
            }
            if rest == nil { rest = runTogetherName(text) }
            if rest == nil, let offset = lower.byteOffset(of: " by ") ?? lower.byteOffset(of: "| by: ") {
                // The same offset in the original text (lowercasing keeps the length of ASCII " by ").
                let after =
                    text.utf8.count == lower.utf8.count
                    ? Substring(text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: offset + 4)...]) : Substring("")
                if after.first?.isUppercase == true { rest = after }
            }
            if rest == nil, block.kind != .heading {
                let classes = elementClasses(block, page)
                if classes.containsBytes("byline") || classes.containsBytes("author"), !classes.containsBytes("bio") { rest = Substring(text) }
            }
            if let rest { found.names = names(in: rest) }
        }
        return found
    }

    /// A date shown a little above the headline or further below it than the byline is looked
    /// for (a category line over the title, an "Updated" line under the lead): the first short
    /// block that holds one. `fill` asks only on pages known to be articles or posts: elsewhere
    /// (shops, listings, service pages) the dates shown are as often a review's or an item's as
    /// the page's (on the WCXB development pages, asking everywhere found 11 more right dates and
    /// gave 16 more pages a date their truth says they do not have).
    static func date(near header: ArraySlice<Block>, in page: SegmentedPage) -> Shown? {
        guard !header.isEmpty else { return nil }
        return firstDate(in: page, around: header.startIndex, before: 4, after: 24, under: 60)
    }

    /// On pages of other kinds, only a date right beside the headline: a short block (under 40
    /// characters) at most two blocks before or after the `<h1>` that starts `header`. On the
    /// WCXB development pages given no date otherwise, a prototype of this found 5 right dates
    /// and 1 a page's truth does not have (a wider window, or longer blocks, added more wrong
    /// and unwanted dates than right ones).
    static func date(besideHeadline header: ArraySlice<Block>, in page: SegmentedPage) -> Shown? {
        guard let h1 = header.first, h1.kind == .heading, h1.level == 1 else { return nil }
        return firstDate(in: page, around: header.startIndex, before: 2, after: 2, under: 40)
    }

    /// The first date in a block that is not an `<h1>` and has fewer than `under` characters, from
    /// `before` blocks before the block at `index` to `after` blocks after it. A small heading
    /// may hold it: a date set above the headline as an `<h5>` (+1 WCXB date, none lost).
    private static func firstDate(in page: SegmentedPage, around index: Int, before: Int, after: Int, under chars: Int) -> Shown? {
        let blocks = page.blocks
        let window = blocks[max(0, index - before)..<min(blocks.count, index + after + 1)]
        for block in window where block.chars < chars && (block.kind != .heading || block.level > 1) {
            if let date = DateParser.iso8601(block.text) { return Shown(date: date, text: block.text) }
        }
        return nil
    }

    /// Labels a page puts before its own publication date ("Published: July 8, 2025", "Posted
    /// on"), lowercase. Not "Updated" or "Last updated": on the WCXB development pages those found
    /// 3 more right dates, 1 wrong, and gave 14 pages (documentation's) a date their truth lacks.
    static let dateLabels = [
        "published", "posted on", "posted:", "date published", "publication date", "publish date",
        "veröffentlicht", "publié le", "publicado el", "publicado em", "pubblicato il", "gepubliceerd op",
    ]
    /// `dateLabels` by first byte, and each alone (as `labelText` leaves it).
    private static let dateLabelTable = FoldedPrefixes(dateLabels)
    private static let dateLabelsAlone = dateLabels.map(labelText)

    /// The first date the page labels as its publication's, anywhere on the page: in a
    /// short block that starts with such a label, or in the short block after a block that is
    /// only the label ("Published" / "July 8, 2025").
    static func labelledDate(in page: SegmentedPage) -> String? {
        let blocks = page.blocks
        for (index, block) in blocks.enumerated() where block.chars < 60 && (block.kind != .heading || block.level > 1) {
            // The first label in the list's order the block starts with.
            var label = -1
            let labelled = dateLabelTable.startsAny(block.text) {
                label = $0
                return true
            }
            guard labelled else { continue }
            if let date = DateParser.iso8601(block.text) { return date }
            // The label alone in its block (the spaces, colons and no-break spaces around it aside).
            guard labelText(block.text.lowercased()) == dateLabelsAlone[label], index + 1 < blocks.count, blocks[index + 1].chars < 40 else {
                continue
            }
            if let date = DateParser.iso8601(blocks[index + 1].text) { return date }
        }
        return nil
    }

    /// Labels of a poster's profile dates beside each post ("Joined: Sun Dec 17, 2023 11:18 am").
    static let profileDateLabels = ["joined", "registered", "member since", "last edited", "last seen"].map { Array($0.utf8) }

    /// A thread's first post header, as forum software prints one on each post, and its date:
    /// the first of at least two short blocks of the same tag and class/id that hold a date with
    /// a time of day ("Sun Dec 17, 2023 11:23 am", "#1 2025-11-01 15:14:37"), profile dates left out.
    static func firstPostHeader(in page: SegmentedPage) -> (index: Int, date: String)? {
        var first: [String: (index: Int, date: String)] = [:]
        for (index, block) in page.blocks.enumerated()
        where block.chars < 60 && (block.kind != .heading || block.level > 1) && hasTimeOfDay(block.text) {
            let bytes = block.text.utf8
            if profileDateLabels.contains(where: { bytes.startsFoldingASCII(with: $0) }) { continue }
            guard let date = DateParser.iso8601(block.text) else { continue }
            let element = page.elements[Int(block.element)]
            let key = element.tag + " " + element.classID
            if let earlier = first[key] { return earlier }
            first[key] = (index, date)
        }
        return nil
    }

    /// The poster of a thread's first post, its header the block at `header`: on its header's line after "by" ("by jdoe » Tue Aug
    /// 27, 2019"), else a block within four of the header (the four after it first, nearest
    /// first) that is a name alone: one to three words, under 30 characters, no label or sentence
    /// punctuation (forum software prints the poster's name in its own element).
    static func poster(of header: Int, in page: SegmentedPage) -> String? {
        let blocks = page.blocks
        let text = blocks[header].text
        if text.lowercased().hasPrefix("by ") {
            let cleaned = posterName(Substring(text.dropFirst(3)))
            if MetadataExtractor.isName(cleaned) { return cleaned }
        }
        // After the header first (where most forum software prints the poster), then before it.
        let after = (header + 1)...(header + 4)
        let before = stride(from: header - 1, through: header - 4, by: -1)
        for index in Array(after) + Array(before) where index >= 0 && index < blocks.count {
            let block = blocks[index]
            guard block.chars < 30, block.kind != .heading || block.level > 2 else { continue }
            let candidate = block.text.trimmingCharacters(in: .whitespaces)
            let words = candidate.split(separator: " ")
            guard (1...3).contains(words.count), !candidate.contains(where: { ":,;!?|#".contains($0) }), MetadataExtractor.isName(candidate)
            else { continue }
            return candidate
        }
        return nil
    }

    /// Whether the text holds a time of day: one or two digits, a colon, two digits.
    static func hasTimeOfDay(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            let isDigit: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
            guard bytes.count >= 4 else { return false }
            for i in 1..<(bytes.count - 2) where bytes[i] == UInt8(ascii: ":") {
                if isDigit(bytes[i - 1]) && isDigit(bytes[i + 1]) && isDigit(bytes[i + 2]) && (i + 3 == bytes.count || !isDigit(bytes[i + 3])) {
                    return true
                }
            }
            return false
        }
    }

    private static func elementClasses(_ block: Block, _ page: SegmentedPage) -> String {
        var out = ""
        var e = block.element
        var steps = 0
        while e >= 0 && steps < 3 {
            out += " " + page.elements[Int(e)].classID
            e = page.elements[Int(e)].parent
            steps += 1
        }
        return out
    }

    /// Labels forum software puts before or after the name of a thread's first poster ("Thread
    /// starter", "Post by", "Started by"; "Discussion starter" after it).
    static let starterPrefixes = ["thread starter ", "discussion starter ", "started by ", "post by ", "posted by ", "original poster "]
        .map { Array($0.utf8) }
    static let starterSuffixes = [" discussion starter", " thread starter", " original poster"].map { Array($0.utf8) }
    /// Where a poster's name ends in such a line ("Post by jdoe » Sat Feb 24, 2024").
    static let starterEnds = [" on ", " at ", " » ", "»", " - ", " | ", ",", " • ", " · ", " wrote"]

    /// The name of a discussion's first poster, and the date on the same line ("Post by jdoe »
    /// Sat Feb 24, 2024"): in the first short block, from the page's start to 20 blocks past its
    /// headline, that labels it so.
    static func starter(in page: SegmentedPage, header: ArraySlice<Block>) -> (name: String, date: Shown?)? {
        let end = min(page.blocks.count, (header.isEmpty ? 20 : header.startIndex) + 20)
        for block in page.blocks[0..<end] where block.chars < 100 && (block.kind != .heading || block.level > 1) {
            let bytes = block.text.utf8
            var rest: Substring?
            if let prefix = starterPrefixes.first(where: { bytes.startsFoldingASCII(with: $0) }) {
                rest = Substring(bytes.dropFirst(prefix.count))
            } else if let suffix = starterSuffixes.first(where: { bytes.endsFoldingASCII(with: $0) }) {
                rest = Substring(bytes.dropLast(suffix.count))
            }
            guard let rest else { continue }
            let cleaned = posterName(rest)
            if cleaned.count >= 2, cleaned.count <= 40, cleaned.split(separator: " ").count <= 4, MetadataExtractor.isName(cleaned) {
                return (cleaned, DateParser.iso8601(block.text).map { Shown(date: $0, text: block.text) })
            }
        }
        return nil
    }

    /// The poster's name at the start of `line`: cut at the first of `starterEnds`, spaces trimmed.
    private static func posterName(_ line: Substring) -> String {
        var name = line
        for stop in starterEnds {
            if let range = name.range(of: stop) { name = name[..<range.lowerBound] }
        }
        return name.trimmingCharacters(in: .whitespaces)
    }

    /// The byline under the headline (`header`) or, on many templates, in the line just above it.
    static func find(around header: ArraySlice<Block>, page: SegmentedPage) -> Found {
        var byline = find(in: header, page: page)
        if byline.names.isEmpty, let headline = header.first, headline.kind == .heading, headline.level == 1 {
            byline.names = namesAbove(headline: header.startIndex, in: page)
        }
        return byline
    }

    /// A byline in the three blocks just above the headline, where many templates put the
    /// "Published July 8, 2025 by Jane Doe" line: only a block that starts as a byline does ("By
    /// Jane Doe") or holds a date (there, category and menu lines stand: "Filter By Topic").
    static func namesAbove(headline index: Int, in page: SegmentedPage) -> [String] {
        for position in max(0, index - 3)..<index {
            let block = page.blocks[position]
            let lower = block.text.lowercased()
            guard block.chars < 120,
                namePrefixes.contains(where: lower.hasPrefix) || runTogetherName(block.text) != nil || DateParser.iso8601(block.text) != nil
            else { continue }
            let names = find(in: page.blocks[position...position], page: page).names
            if !names.isEmpty { return names }
        }
        return []
    }

    /// Labels that say the name after them wrote the page (a plain "By" is as often "By category"
    /// or a review's "by sam on ...", and "Posted by" a comment's, away from the headline).
    static let writerPrefixes = ["written by ", "written by: ", "authored by ", "authored by: ", "article by ", "article by: "].map {
        Array($0.utf8)
    }

    /// The names of the first short block of the page that starts with a writer's label, or that
    /// is the label alone with the name in the next block.
    static func writtenBy(in page: SegmentedPage) -> [String] {
        let blocks = page.blocks
        for (index, block) in blocks.enumerated() where block.chars < 80 && (block.kind != .heading || block.level > 2) {
            if block.chars < 12, writerLabels.contains(labelText(block.text.lowercased())), index + 1 < blocks.count,
                let name = nameAlone(blocks[index + 1])
            {
                return [name]
            }
            let bytes = block.text.utf8
            guard let prefix = writerPrefixes.first(where: { bytes.startsFoldingASCII(with: $0) }) else { continue }
            let found = names(in: Substring(bytes.dropFirst(prefix.count)))
            if !found.isEmpty { return found }
        }
        return []
    }

    /// A writer's label standing alone in its block, anywhere on the page (the name in the next).
    static let writerLabels: Set<String> = ["author", "written by", "authors", "authored by", "article by"]

    /// The name a short block after a writer's label starts with, when nothing but a separator
    /// follows it ("Lisa D. Ellis", "Eliz - Product marketer"; not "Read more of ..."), and it is
    /// not an avatar's initials ("CP") before the name's own block.
    private static func nameAlone(_ block: Block) -> String? {
        guard block.chars < 40, block.kind != .heading else { return nil }
        let text = block.text.trimmingSpaces()
        guard let name = names(in: Substring(text)).first, text.hasPrefix(name), !(name.count <= 3 && name.allSatisfy(\.isUppercase))
        else { return nil }
        let rest = text.dropFirst(name.count).drop { $0 == " " }
        return rest.first.map { "-–—|,·•(".contains($0) } ?? true ? name : nil
    }

    /// "Mike Wuerthele and Malcolm Owen" → two names; stops at roles, dates and separators; only
    /// what reads as a name (`MetadataExtractor.isName`).
    static func names(in text: Substring) -> [String] {
        var names: [String] = []
        var current: [Substring] = []
        func close() {
            // Longer runs of capitalised words are a name followed by a place or an outlet.
            if !current.isEmpty { names.append(current.prefix(current.count > 4 ? 3 : 4).joined(separator: " ")) }
            current = []
        }
        let cut = text.split(whereSeparator: { $0 == "," || $0 == "|" || $0 == "•" || $0 == "·" || $0 == "@" || $0 == "\n" }).first ?? text
        for word in cut.split(separator: " ") {
            let lower = word.lowercased()
            if lower == "and" || lower == "&" || lower == "und" || lower == "et" || lower == "y" {
                close()
                continue
            }
            if stopWords.contains(lower) || word.first?.isNumber == true { break }
            guard word.first?.isUppercase == true || word.first?.isLetter == false && word.count > 1 else { break }
            current.append(word)
        }
        close()
        return names.filter { $0.count >= 2 && $0.count <= 60 && MetadataExtractor.isName($0) }
    }

}

/// Dates from the many ways pages write them, to ISO 8601 (`YYYY-MM-DD`, or with time as given).
enum DateParser {
    /// The words that name a month, lowercase: each month's name in English, German, French,
    /// Spanish, Italian, Dutch and Portuguese, and the short forms in use ("Nov", "Sept", "Okt",
    /// "déc"); none that is also a common word ("set", "out", "ago" are left out).
    private static let monthWords: [String: Int] = {
        let names = [
            "january february march april may june july august september october november december",
            "januar februar märz april mai juni juli august september oktober november dezember",
            "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
            "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
            "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
            "januari februari maart april mei juni juli augustus september oktober november december",
            "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
            "jan feb mar apr may jun jul aug sep oct nov dec",
            "jan feb mär apr mai jun jul aug sep okt nov dez",
            "janv févr mars avr mai juin juil août sept oct nov déc",
            "ene feb mar abr may jun jul ago sep oct nov dic",
        ]
        var words: [String: Int] = ["sept": 9, "jänner": 1, "setiembre": 9]
        for line in names {
            for (index, word) in line.split(separator: " ").enumerated() { words[String(word)] = index + 1 }
        }
        words["ago"] = nil // Spanish "agosto" cut short, and an English word
        return words
    }()

    /// Words between the day, the month and the year ("3 de marzo de 2025"), left out before reading them.
    private static func isDateConnector(_ word: String) -> Bool { word == "de" || word == "del" || word == "do" || word == "da" }

    /// An ISO 8601 date (with the time and offset when the source has them), or nil.
    static func iso8601(_ raw: String) -> String? {
        // Every form below has a year of four ASCII digits in a row: a text without one has no date.
        guard hasFourDigits(raw) else { return nil }
        let s = raw.trimmingSpaces()
        let bytes = Array(s.utf8)
        if let iso = isoForm(bytes) { return iso }
        // "November 19, 2019", "Nov. 19 2019", "19 November 2019", "Tue, 19 Nov 2019 10:00:00 GMT"
        if let date = writtenOut(words(s).filter { !isDateConnector($0) }) { return date }
        return numeric(bytes)
    }

    /// A date with its month written as a word: the first month name (`monthWords`) with a day
    /// beside it ("Nov 19", "19 November") and the year right after the pair, so that one date's
    /// year is never another's ("December 22, 2022 Updated: January 02, 2026"); failing that, a
    /// month and day with the text's first year ("Nov 19 10:00 2019").
    private static func writtenOut(_ words: [String]) -> String? {
        let isYear: (Int) -> Int? = { i in
            guard i >= 0, i < words.count, words[i].count == 4, let n = Int(words[i]), n >= 1900, n <= 2100 else { return nil }
            return n
        }
        let dayAt: (Int) -> Int? = { i in i >= 0 && i < words.count ? dayOfMonth(words[i]) : nil }
        var loose: (month: Int, day: Int)?
        for (i, word) in words.enumerated() {
            guard let m = monthWords[word] else { continue }
            if let d = dayAt(i + 1), let y = isYear(i + 2), valid(y, m, d) { return Self.day(y, m, d) }
            if let d = dayAt(i - 1), let y = isYear(i + 1), valid(y, m, d) { return Self.day(y, m, d) }
            if loose == nil, let d = dayAt(i + 1) ?? dayAt(i - 1) { loose = (m, d) }
        }
        guard let (m, d) = loose, let y = words.indices.lazy.compactMap(isYear).first, valid(y, m, d) else { return nil }
        return Self.day(y, m, d)
    }

    /// The words of a text (runs of letters and digits), lowercased; what two inline elements
    /// without a space run together is cut apart: a year and the next word ("Dec 17, 2025Julian K.
    /// Arni"), letters and a number ("Dec17"), a lowercase letter and a capital ("Mental
    /// HealthDECEMBER 22, 2022"); an ordinal's suffix stays with its number ("30th").
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var word = ""
        var wordIsDigits = false
        var lastIsLower = false
        var hasCapital = false
        func end() {
            if !word.isEmpty { words.append(hasCapital ? word.lowercased() : word) }
            word = ""
            hasCapital = false
        }
        for c in text {
            // ASCII by its byte (most text); Unicode's properties only for the rest.
            let ascii = c.asciiValue
            let upper = ascii.map { $0 >= 0x41 && $0 <= 0x5a } ?? false
            let lower = ascii.map { $0 >= 0x61 && $0 <= 0x7a } ?? false
            let digit = ascii.map { $0 >= 0x30 && $0 <= 0x39 } ?? c.isNumber
            guard digit || upper || lower || (ascii == nil && c.isLetter) else {
                end()
                continue
            }
            // Not an ordinal's suffix ("30th"): only four digits end before a letter.
            let digitsEnd = digit != wordIsDigits && (digit || word.count == 4)
            if !word.isEmpty, ascii != nil, word.last?.isASCII == true, digitsEnd || (lastIsLower && upper) { end() }
            word.append(c)
            wordIsDigits = digit
            lastIsLower = lower
            // A word with a letter outside ASCII is lowercased whatever its case.
            hasCapital = hasCapital || upper || ascii == nil
        }
        end()
        return words
    }

    /// A date written in digits inside a text: `YYYY-MM-DD` ("by Jon Foster - 2025-09-13"),
    /// day, month and year with dots ("12.12.2025", the European way), or with slashes when the
    /// order is plain: one of the first two parts over 12 is the day ("10/31/2024",
    /// "31/10/2024"); `03/04/2025` is March or April depending on the writer and is left alone.
    private static func numeric(_ bytes: [UInt8]) -> String? {
        let isDigit: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
        var i = 0
        while i + 8 <= bytes.count {
            defer { i += 1 }
            // A number that starts here, not one continuing a version or an address ("1.2.3").
            guard isDigit(bytes[i]), i == 0 || !(isDigit(bytes[i - 1]) || bytes[i - 1] == UInt8(ascii: ".")) else { continue }
            let endsThere: (Int) -> Bool = { end in
                end == bytes.count || !(isDigit(bytes[end]) || (bytes[end] == UInt8(ascii: ".") && end + 1 < bytes.count && isDigit(bytes[end + 1])))
            }
            var run = i
            while run < bytes.count && isDigit(bytes[run]) { run += 1 }
            if run - i == 4, run + 6 <= bytes.count, bytes[run] == UInt8(ascii: "-"), let y = number(bytes, i, 4),
                let m = number(bytes, run + 1, 2), bytes[run + 3] == UInt8(ascii: "-"), let d = number(bytes, run + 4, 2),
                endsThere(run + 6), valid(y, m, d)
            {
                return Self.day(y, m, d)
            }
            // Day, month and year with dots; with slashes, only when a part over 12 is the day.
            let separator = run < bytes.count ? bytes[run] : 0
            if (1...2).contains(run - i), separator == UInt8(ascii: ".") || separator == UInt8(ascii: "/"), let a = number(bytes, i, run - i) {
                var mEnd = run + 1
                while mEnd < bytes.count && isDigit(bytes[mEnd]) { mEnd += 1 }
                if (1...2).contains(mEnd - run - 1), mEnd + 5 <= bytes.count, bytes[mEnd] == separator,
                    let b = number(bytes, run + 1, mEnd - run - 1), let y = number(bytes, mEnd + 1, 4), endsThere(mEnd + 5)
                {
                    let plain = separator == UInt8(ascii: ".") || (a > 12) != (b > 12)
                    let (m, d) = separator == UInt8(ascii: ".") || a > 12 ? (b, a) : (a, b)
                    if plain, valid(y, m, d) { return Self.day(y, m, d) }
                }
            }
        }
        return nil
    }

    /// A date in the URL path: /2019/11/19/, /2019-11-19, or with the month as a word, as some
    /// news sites write it: /2019/nov/19/.
    static func fromURL(_ url: String) -> String? {
        let parts = url.split { $0 == "/" || $0 == "-" || $0 == "_" }.map(String.init)
        guard parts.count >= 3 else { return nil }
        for i in 0..<(parts.count - 2) {
            if parts[i].count == 4, let y = Int(parts[i]), y >= 1995, y <= 2100,
                let m = parts[i + 1].count == 2 ? Int(parts[i + 1]) : monthWords[parts[i + 1].lowercased()],
                parts[i + 2].count == 2, let d = Int(parts[i + 2]), valid(y, m, d)
            {
                return Self.day(y, m, d)
            }
        }
        return nil
    }

    /// `YYYY-MM-DD[THH:MM[:SS][.fff][Z|±HH:MM]]` at the start of `bytes` (`/` for `-` too), or nil.
    private static func isoForm(_ bytes: [UInt8]) -> String? {
        if bytes.count >= 10, let y = number(bytes, 0, 4), bytes[4] == UInt8(ascii: "-") || bytes[4] == UInt8(ascii: "/"),
            let m = number(bytes, 5, 2), bytes[7] == bytes[4], let d = number(bytes, 8, 2), valid(y, m, d)
        {
            let date = day(y, m, d)
            if bytes.count >= 16, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
                let hh = number(bytes, 11, 2), bytes[13] == UInt8(ascii: ":"), let mm = number(bytes, 14, 2), hh < 24, mm < 60
            {
                var out = date + "T" + twoDigits(hh) + ":" + twoDigits(mm)
                var i = 16
                if bytes.count >= 19, bytes[16] == UInt8(ascii: ":"), let ss = number(bytes, 17, 2), ss < 61 {
                    out += ":" + twoDigits(ss)
                    i = 19
                }
                while i < bytes.count, bytes[i] == UInt8(ascii: ".") || (bytes[i] >= 0x30 && bytes[i] <= 0x39) { i += 1 }
                if i < bytes.count {
                    if bytes[i] == UInt8(ascii: "Z") {
                        out += "Z"
                    } else if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-"), i + 3 <= bytes.count,
                        let oh = number(bytes, i + 1, 2)
                    {
                        var om = 0
                        if i + 6 <= bytes.count, bytes[i + 3] == UInt8(ascii: ":"), let m2 = number(bytes, i + 4, 2) {
                            om = m2
                        } else if i + 5 <= bytes.count, let m2 = number(bytes, i + 3, 2) {
                            om = m2
                        }
                        out += String(UnicodeScalar(bytes[i])) + twoDigits(oh) + ":" + twoDigits(om)
                    }
                }
                return out
            }
            return date
        }
        return nil
    }

    /// A day of the month as a word: "19", or with its ordinal suffix, "22nd" (French "1er").
    private static func dayOfMonth(_ word: String) -> Int? {
        var digits = Substring(word)
        for suffix in ["st", "nd", "rd", "th", "er"] where word.hasSuffix(suffix) {
            digits = digits.dropLast(2)
            break
        }
        guard digits.count <= 2, let n = Int(digits), n >= 1, n <= 31 else { return nil }
        return n
    }

    /// How many years (four digits in a row from 1900 to 2100, no digit beside them) a text holds.
    static func yearCount(_ text: String) -> Int {
        var count = 0
        var run = 0
        var value = 0
        for byte in text.utf8 {
            if byte >= 0x30 && byte <= 0x39 {
                run += 1
                value = value &* 10 &+ Int(byte - 0x30)
                continue
            }
            if run == 4, (1900...2100).contains(value) { count += 1 }
            run = 0
            value = 0
        }
        if run == 4, (1900...2100).contains(value) { count += 1 }
        return count
    }

    /// Days from `a` to `b`, both starting `YYYY-MM-DD`, or nil.
    static func daysBetween(_ a: String, _ b: String) -> Int? {
        guard let x = dayNumber(a), let y = dayNumber(b) else { return nil }
        return y - x
    }

    /// Days since 1970-01-01 of a string starting `YYYY-MM-DD` (the proleptic Gregorian
    /// calendar's day count, as in Howard Hinnant's `days_from_civil`).
    private static func dayNumber(_ text: String) -> Int? {
        let bytes = Array(text.utf8.prefix(10))
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), let y0 = number(bytes, 0, 4),
            let m = number(bytes, 5, 2), let d = number(bytes, 8, 2), valid(y0, m, d)
        else { return nil }
        let y = m <= 2 ? y0 - 1 : y0
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func hasFourDigits(_ text: String) -> Bool {
        var run = 0
        for b in text.utf8 {
            run = b >= 0x30 && b <= 0x39 ? run + 1 : 0
            if run == 4 { return true }
        }
        return false
    }

    /// `YYYY-MM-DD` of a valid day (a year of four digits, as `valid` requires).
    private static func day(_ y: Int, _ m: Int, _ d: Int) -> String { "\(y)-" + twoDigits(m) + "-" + twoDigits(d) }

    /// 0 to 99 as two digits.
    private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var n = 0
        for b in bytes[start..<(start + count)] {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            n = n * 10 + Int(b - 0x30)
        }
        return n
    }

    private static func valid(_ y: Int, _ m: Int, _ d: Int) -> Bool {
        guard y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 else { return false }
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
        return d <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    }
}

/// Language tags to their primary subtag, lowercased ("en-US" → "en", "en_GB" → "en").
enum LanguageTag {
    static func primary(_ tag: String?) -> String? {
        guard let tag = tag?.trimmingSpaces().lowercased(), !tag.isEmpty else { return nil }
        let primary = tag.split { $0 == "-" || $0 == "_" }.first.map(String.init) ?? tag
        guard (2...3).contains(primary.count), primary.allSatisfy({ $0 >= "a" && $0 <= "z" }) else { return nil }
        return primary
    }
}
