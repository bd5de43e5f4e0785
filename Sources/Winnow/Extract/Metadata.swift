import Foundation

/// Page metadata from the sources a page offers, most trusted first: JSON-LD (`NewsArticle`,
/// `Article` and kin), OpenGraph and `article:*` meta, other `<meta>` names, `<time>`, the URL.
/// A field no source gives is nil, never guessed.
struct MetadataExtractor {
    static let articleTypes: Set<String> = [
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
        "reviewnewsarticle", "backgroundnewsarticle", "scholarlyarticle", "techarticle", "report", "liveblogposting",
        "posting", "socialmediaposting", "webpage", "review", "medicalwebpage", "qapage", "howto", "recipe",
    ]

    struct LD {
        var headline: String?
        var authors: [String] = []
        var datePublished: String?
        var publisher: String?
        var description: String?
        var url: String?
        var language: String?
    }

    /// The most article-like JSON-LD object's fields.
    static func jsonLD(_ scripts: [String]) -> LD {
        var candidates: [[String: Any]] = []
        for script in scripts {
            guard let data = script.data(using: .utf8),
                  let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { continue }
            collect(value, into: &candidates, depth: 0)
        }
        // Prefer real article types over WebPage.
        func rank(_ o: [String: Any]) -> Int {
            let types = typeNames(o)
            if types.contains(where: { $0 != "webpage" && articleTypes.contains($0) }) { return 2 }
            if types.contains("webpage") { return 1 }
            return 0
        }
        var ld = LD()
        let sorted = candidates.enumerated().sorted { (a, b) in
            let ra = rank(a.element), rb = rank(b.element)
            return ra != rb ? ra > rb : a.offset < b.offset
        }.map(\.element)
        for o in sorted where rank(o) > 0 {
            if ld.headline == nil { ld.headline = string(o["headline"]) ?? string(o["name"]) }
            if ld.authors.isEmpty { ld.authors = names(o["author"]) }
            if ld.datePublished == nil { ld.datePublished = string(o["datePublished"]) ?? string(o["dateCreated"]) }
            if ld.publisher == nil { ld.publisher = names(o["publisher"]).first }
            if ld.description == nil { ld.description = string(o["description"]) }
            if ld.url == nil { ld.url = string(o["url"]) ?? string(o["mainEntityOfPage"]) }
            if ld.language == nil { ld.language = string(o["inLanguage"]) }
        }
        if ld.publisher == nil {
            for o in candidates where typeNames(o).contains("organization") || typeNames(o).contains("newsmediaorganization") {
                ld.publisher = string(o["name"])
                break
            }
        }
        return ld
    }

    private static func collect(_ value: Any, into out: inout [[String: Any]], depth: Int) {
        guard depth < 6, out.count < 64 else { return }
        if let array = value as? [Any] {
            for item in array { collect(item, into: &out, depth: depth + 1) }
        } else if let object = value as? [String: Any] {
            out.append(object)
            if let graph = object["@graph"] { collect(graph, into: &out, depth: depth + 1) }
            if let main = object["mainEntity"] as? [String: Any] { collect(main, into: &out, depth: depth + 1) }
        }
    }

    private static func typeNames(_ o: [String: Any]) -> [String] {
        if let t = o["@type"] as? String { return [t.lowercased()] }
        if let ts = o["@type"] as? [Any] { return ts.compactMap { ($0 as? String)?.lowercased() } }
        return []
    }

    private static func string(_ value: Any?) -> String? {
        if let s = value as? String {
            let t = TextNormalizer.normalize(Array(s.utf8))
            return t.isEmpty ? nil : t
        }
        if let o = value as? [String: Any] { return string(o["@id"]) ?? string(o["url"]) ?? string(o["name"]) }
        if let a = value as? [Any], let first = a.first { return string(first) }
        return nil
    }

    private static func names(_ value: Any?) -> [String] {
        if let s = value as? String { return string(s).map { [$0] } ?? [] }
        if let o = value as? [String: Any] { return string(o["name"]).map { [$0] } ?? [] }
        if let a = value as? [Any] { return a.flatMap { names($0) } }
        return []
    }

    /// Fills the metadata fields of `extraction` from the page, the first headline and the URL.
    static func fill(_ extraction: inout Extraction, page: SegmentedPage, url: String?) {
        let info = page.info
        let ld = jsonLD(info.jsonLD)

        let h1 = page.blocks.first { $0.kind == .heading && $0.level == 1 }?.text
        extraction.title = ld.headline ?? info.meta("og:title", "twitter:title", "dc.title", "headline")
            ?? h1 ?? info.title.map(stripSiteSuffix)

        var authors = ld.authors
        if authors.isEmpty, let meta = info.meta("author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author", "cxenseparse:author") {
            if !meta.lowercased().hasPrefix("http") { authors = [meta] }
        }
        authors = authors.map(cleanAuthor).filter { !$0.isEmpty && !$0.lowercased().hasPrefix("http") }
        var unique: [String] = []
        for a in authors where !unique.contains(a) { unique.append(a) }
        extraction.author = unique.isEmpty ? nil : unique.joined(separator: "; ")

        let dateCandidates = [ld.datePublished, info.meta("article:published_time", "og:published_time", "datepublished",
                                                         "date", "dc.date", "dc.date.issued", "pubdate", "publishdate",
                                                         "publish-date", "sailthru.date", "parsely-pub-date", "article.published",
                                                         "published_time", "dcterms.created", "original-publish-date"),
                              info.times.first]
        extraction.datePublished = dateCandidates.lazy.compactMap { $0.flatMap(DateParser.iso8601) }.first
            ?? url.flatMap(DateParser.fromURL)

        extraction.language = LanguageTag.primary(info.htmlLang ?? ld.language ?? info.meta("og:locale", "content-language", "language", "dc.language"))
        extraction.canonicalURL = resolve(info.canonical ?? info.meta("og:url") ?? ld.url, against: url)
        extraction.siteName = info.meta("og:site_name", "application-name", "twitter:site") ?? ld.publisher
        extraction.description = info.meta("og:description", "description", "twitter:description") ?? ld.description
    }

    /// "Headline | Site" and "Headline - Site" lose the site part.
    static func stripSiteSuffix(_ title: String) -> String {
        for separator in [" | ", " – ", " — ", " - ", " :: ", " » "] {
            if let range = title.range(of: separator, options: .backwards) {
                let head = String(title[..<range.lowerBound])
                if head.count >= 15 { return head.trimmingSpaces() }
            }
        }
        return title
    }

    static func cleanAuthor(_ raw: String) -> String {
        var a = raw.trimmingSpaces()
        for prefix in ["By ", "by ", "BY "] where a.hasPrefix(prefix) { a = String(a.dropFirst(prefix.count)) }
        return a.trimmingSpaces()
    }

    static func resolve(_ link: String?, against base: String?) -> String? {
        guard let link = link?.trimmingSpaces(), !link.isEmpty else { return nil }
        if link.hasPrefix("http://") || link.hasPrefix("https://") { return link }
        guard let base, let baseURL = URL(string: base), let resolved = URL(string: link, relativeTo: baseURL) else {
            return nil
        }
        return resolved.absoluteString
    }
}

/// Dates from the many ways pages write them, to ISO 8601 (`YYYY-MM-DD`, or with time as given).
enum DateParser {
    private static let months: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ]

    /// An ISO 8601 date (with the time and offset when the source has them), or nil.
    static func iso8601(_ raw: String) -> String? {
        let s = raw.trimmingSpaces()
        let bytes = Array(s.utf8)
        // YYYY-MM-DD[THH:MM[:SS][.fff][Z|±HH:MM]]
        if bytes.count >= 10, let y = number(bytes, 0, 4), bytes[4] == UInt8(ascii: "-") || bytes[4] == UInt8(ascii: "/"),
           let m = number(bytes, 5, 2), bytes[7] == bytes[4], let d = number(bytes, 8, 2), valid(y, m, d) {
            let date = String(format: "%04d-%02d-%02d", y, m, d)
            if bytes.count >= 16, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
               let hh = number(bytes, 11, 2), bytes[13] == UInt8(ascii: ":"), let mm = number(bytes, 14, 2), hh < 24, mm < 60 {
                var out = date + String(format: "T%02d:%02d", hh, mm)
                var i = 16
                if bytes.count >= 19, bytes[16] == UInt8(ascii: ":"), let ss = number(bytes, 17, 2), ss < 61 {
                    out += String(format: ":%02d", ss)
                    i = 19
                }
                while i < bytes.count, bytes[i] == UInt8(ascii: ".") || (bytes[i] >= 0x30 && bytes[i] <= 0x39) { i += 1 }
                if i < bytes.count {
                    if bytes[i] == UInt8(ascii: "Z") { out += "Z" }
                    else if (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")), i + 3 <= bytes.count,
                            let oh = number(bytes, i + 1, 2) {
                        var om = 0
                        if i + 6 <= bytes.count, bytes[i + 3] == UInt8(ascii: ":"), let m2 = number(bytes, i + 4, 2) { om = m2 }
                        else if i + 5 <= bytes.count, let m2 = number(bytes, i + 3, 2) { om = m2 }
                        out += String(format: "%@%02d:%02d", String(UnicodeScalar(bytes[i])), oh, om)
                    }
                }
                return out
            }
            return date
        }
        // "November 19, 2019", "Nov. 19 2019", "19 November 2019", "Tue, 19 Nov 2019 10:00:00 GMT"
        let words = s.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
        var year: Int?, month: Int?, day: Int?
        for w in words {
            if let n = Int(w) {
                if n >= 1900 && n <= 2100 && year == nil { year = n }
                else if n >= 1 && n <= 31 && day == nil && w.count <= 2 { day = n }
            } else if month == nil, w.count >= 3, let m = months[String(w.prefix(3))] {
                month = m
            }
        }
        if let y = year, let m = month, let d = day, valid(y, m, d) {
            return String(format: "%04d-%02d-%02d", y, m, d)
        }
        return nil
    }

    /// A date in the URL path: /2019/11/19/ or /2019-11-19.
    static func fromURL(_ url: String) -> String? {
        let parts = url.split { $0 == "/" || $0 == "-" || $0 == "_" }.map(String.init)
        guard parts.count >= 3 else { return nil }
        for i in 0..<(parts.count - 2) {
            if parts[i].count == 4, let y = Int(parts[i]), y >= 1995, y <= 2100,
               parts[i + 1].count == 2, let m = Int(parts[i + 1]),
               parts[i + 2].count == 2, let d = Int(parts[i + 2]), valid(y, m, d) {
                return String(format: "%04d-%02d-%02d", y, m, d)
            }
        }
        return nil
    }

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
        y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31
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
