import WinnowCore
import WinnowHTML

/// What the clean stage removes, in one place so tuning is a change of data.
enum CleanRules {
    /// Elements removed with everything inside them.
    static let removedTags = TagSet([
        .script, // code, never text (JSON-LD is read into PageInfo first)
        .style, // CSS
        .template, // inert markup for scripts to clone
        .nav, // navigation menus
        .iframe, .frame, .frameset, .noframes, .object, .embed, .applet, // embedded documents and plugins
        .svg, .math, .canvas, .video, .audio, .map, // graphics and media: no prose inside
        .input, .button, .select, .option, .textarea, .datalist, .output, // form controls
        .dialog, // modals: cookie banners, sign-up prompts
        .menu,
        .rp, // ruby fallback parentheses
    ])

    /// Removed elements that can never hold the page's text, whatever they hold: the others are
    /// kept when they hold most of the page's text or its `<main>` or `<article>`.
    static let neverText = TagSet([
        .script, .style, .template, .iframe, .frame, .frameset, .noframes, .object, .embed, .applet,
        .svg, .math, .canvas, .video, .audio, .map, .input, .select, .option, .textarea, .datalist, .output, .rp, .head,
        .noscript, .form, .dialog, // these have rules of their own (text thresholds), or hold banners on app shells
    ])

    /// ARIA roles whose elements are removed like `<nav>`.
    static let removedRoles: Set<String> = [
        "navigation", "menu", "menubar", "search", "dialog", "alertdialog", "tooltip", "toolbar",
    ]

    /// Words of class and id names that mark a cookie or consent notice (a consent manager's
    /// banner and preference centre, a plugin's cookie bar): `consent`, `gdpr` and any word that
    /// starts with `cookie` (`cookie-notice`, `CookieBanner`, `cookiebot`). Matched as whole
    /// words, split at anything but letters and digits and where a capital follows a small
    /// letter, and only in names of two words or more: a name of one word (`<section
    /// id="cookies">`) is a heading's anchor on a page about cookies. Many banners are
    /// `role="region"` or unmarked, so `removedRoles` does not reach them.
    static let consentWords = ["consent", "gdpr"]
    static let consentPrefix = "cookie"
    static let consentWordBytes = consentWords.map { Array($0.utf8) }
    static let consentPrefixBytes = Array(consentPrefix.utf8)
    /// The same words anywhere in a name, to pass over the names that hold none of them before
    /// splitting any into words.
    static let consentMatcher = PatternMatcher(groups: [consentWords + [consentPrefix]])
    /// The elements such a notice is built of, the only ones whose names are read for it: in the
    /// WCXB HTML, `<div>`s hold 163,000 of the 180,000 characters under such names outside
    /// scripts; links, list items and paragraphs so named (a footer's "Cookie settings", a
    /// comment form's consent box) are left to the other rules. Reading every element's names
    /// cost the clean stage 2.5–3.0% of its instructions (callgrind, every 5th WCXB page); these', 1.1%.
    static let consentContainers = TagSet([.div, .section, .aside, .form, .fieldset])

    /// A `<noscript>` is removed unless it holds at least this many characters of text: most hold
    /// a tracking pixel or "please enable JavaScript", but single-page apps (Discourse forums
    /// among them) put the whole page there for crawlers.
    static let noscriptTextToKeep = 200

    /// A `<form>` is removed unless it holds at least this many characters of text (some sites,
    /// ASP.NET ones above all, wrap the whole page in one form).
    static let formTextToKeep = 1000
}
