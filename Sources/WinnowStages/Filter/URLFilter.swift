import WinnowCore

/// The url_filter stage's settings: the user's list files, and what a match does.
public struct URLFilterSettings: Sendable {
    /// filter drops a blocked page before it is parsed; annotate writes the match to
    /// `metadata.url_blocklist` and drops nothing.
    public var mode: FilterMode = .filter
    /// Files or directories of blocked domains, URLs and words (`URLLists`).
    public var blocklists: [String] = []
    /// Lists in the same form whose matches are never blocked.
    public var allowlists: [String] = []
    /// Soft-banned words a URL needs to be blocked by them (FineWeb: 2).
    public var softWordThreshold = 2

    public init() {}
}

/// The url_filter stage: a page whose URL matches a blocklist and no allowlist is dropped as
/// `url_blocklist`, the list and entry in the drop's detail (`--keep-dropped`, `inspect`,
/// `--explain`). In filter mode it runs first, on the URL alone, so a blocked page costs no
/// parse; documents without a URL pass. In annotate mode it runs after extraction and writes the
/// match into the document instead.
public struct URLFilterStage: Stage {
    public let name = StageName.urlFilter
    public let mode: FilterMode
    public let blocked: URLLists
    public let allowed: URLLists

    /// Reads the lists (an unreadable or missing list is an error of the run's configuration).
    public init(settings: URLFilterSettings) throws {
        mode = settings.mode
        blocked = try URLLists.load(settings.blocklists, softWordThreshold: settings.softWordThreshold)
        allowed = try URLLists.load(settings.allowlists)
    }

    /// Filter mode: the page as read (or an NDJSON document, which arrives extracted); annotate
    /// mode: the extraction.
    public var input: StageName { mode == .filter ? .read : .extract }

    public func takes(_ stage: StageName) -> Bool { stage == input || (mode == .filter && stage == .extract) }

    /// The blocklist entry the URL matches, nil when none does or an allowlist entry does too.
    public func match(_ url: String?) -> URLLists.Match? {
        guard let url, let hit = blocked.match(url) else { return nil }
        return allowed.match(url) == nil ? hit : nil
    }

    public func process(_ content: WorkItem.Content, origin: DocumentOrigin) -> Disposition {
        guard let hit = match(origin.url) else { return .kept(content) }
        switch (mode, content) {
        case (.annotate, .extracted(var extraction)):
            extraction.urlBlocklist = hit.description
            return .kept(.extracted(extraction))
        case (.annotate, _):
            return .kept(content)
        case (.filter, _):
            var drop = Drop(.urlFilter, .urlBlocklist, hit.description)
            if case .extracted(let extraction) = content { drop.extraction = extraction }
            return .dropped(drop)
        }
    }
}
