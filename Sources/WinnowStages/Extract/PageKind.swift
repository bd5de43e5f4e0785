import Foundation
import WinnowCore

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
    /// Not `Question`: an FAQ (`FAQPage`) lists its questions as `Question`s as a Q&A thread
    /// (`QAPage`) does, so the page's type, not the question's, tells a thread.
    static let discussionTypes: Set<String> = ["discussionforumposting", "qapage", "comment"]
    /// Path fragments of forum software (Discourse `/t/`, vBulletin and XenForo `/threads/`, Reddit `/comments/`).
    static let discussionPaths = ["/t/", "/threads/", "/thread/", "/comments/", "/topic/", "/forum/", "/forums/", "/questions/", "/d/"]

    static func classify(_ page: SegmentedPage, url: String?, jsonLDTypes types: Set<String>) -> PageKind {
        if !types.isDisjoint(with: discussionTypes) { return .discussion }
        if let path = url.flatMap({ URL(string: $0)?.path.lowercased() }), discussionPaths.contains(where: { path.containsBytes($0) }) {
            return .discussion
        }
        if !types.isDisjoint(with: articleTypes) { return .article }
        if page.info.meta("og:type")?.lowercased() == "article" { return .article }
        if page.info.meta("article:published_time") != nil { return .article }
        return .other
    }
}
