import Foundation

/// What kind of page this is, which decides how much of it is main content: an article is one
/// text among boilerplate; a discussion (forum thread, Q&A) is its posts and replies; any other
/// page (product, listing, service, documentation) is everything in its main area.
enum PageKind: Equatable {
    case article, discussion, other

    static let articleTypes: Set<String> = [
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
        "reviewnewsarticle", "backgroundnewsarticle", "scholarlyarticle", "techarticle", "report", "liveblogposting",
        "socialmediaposting", "review", "recipe",
    ]
    static let discussionTypes: Set<String> = ["discussionforumposting", "qapage", "question", "comment"]
    /// Path fragments of forum software (Discourse `/t/`, vBulletin and XenForo `/threads/`, Reddit `/comments/`).
    static let discussionPaths = ["/t/", "/threads/", "/thread/", "/comments/", "/topic/", "/forum/", "/forums/", "/questions/", "/d/"]

    static func classify(_ page: SegmentedPage, url: String?) -> PageKind {
        let types = jsonLDTypes(page.info.jsonLD)
        if !types.isDisjoint(with: discussionTypes) { return .discussion }
        if let path = url.flatMap({ URL(string: $0)?.path.lowercased() }), discussionPaths.contains(where: { path.contains($0) }) {
            return .discussion
        }
        if !types.isDisjoint(with: articleTypes) { return .article }
        if page.info.meta("og:type")?.lowercased() == "article" { return .article }
        if page.info.meta("article:published_time") != nil { return .article }
        return .other
    }

    /// Every `@type` named in the page's JSON-LD, lowercased (a cheap scan, no full parse).
    static func jsonLDTypes(_ scripts: [String]) -> Set<String> {
        var out = Set<String>()
        for script in scripts {
            var rest = Substring(script)
            while let r = rest.range(of: "\"@type\"") {
                rest = rest[r.upperBound...]
                // "@type": "X" or "@type": ["X", "Y"]
                let value = rest.drop { $0 == " " || $0 == ":" || $0 == "\n" || $0 == "\t" || $0 == "\r" }
                if value.first == "[" {
                    let end = value.firstIndex(of: "]") ?? value.endIndex
                    for part in value[value.startIndex..<end].split(separator: "\"") where part.first?.isLetter == true {
                        out.insert(part.lowercased())
                    }
                } else if value.first == "\"" {
                    let inner = value.dropFirst()
                    if let end = inner.firstIndex(of: "\"") { out.insert(inner[..<end].lowercased()) }
                }
            }
        }
        return out
    }
}
