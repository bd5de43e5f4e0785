import WinnowCore

/// The tables main-text extraction reads: class/id patterns, tag weights, boilerplate phrases and
/// thresholds. Each entry says why it is there.
enum ExtractRules {
    /// Substrings of class/id (lowercased) that mark containers of the main text.
    static let positiveClassID: [String] = [
        "article", // article, article-body, articleBody
        "story", // story-body, storytext
        "entry", // WordPress entry-content
        "post", // post-content, post-body
        "content", // content, main-content
        "body", // article-body, story-body
        "text", // article-text, body-text
        "main", // main, main-column
        "blog",
        "itemprop-articlebody",
        "artikel", "inhalt", "beitrag", "contenu", "contenido", "contenuto", // German, French, Spanish, Italian
    ]

    /// Substrings of class/id that mark boilerplate inside or around the main text.
    static let negativeClassID: [String] = [
        "share", "sharing", "social", "sociable", // share bars
        "related", "recommend", "more-from", "read-more", "readmore", "also", "trending", "popular", "outbrain", "taboola",
        "newsletter", "subscribe", "signup", "sign-up", "subscription", "paywall", "registration", "regwall",
        "promo", "sponsor", "advert", "-ad-", "ad-", "-ad", "ads", "banner", "dfp", "gpt",
        "sidebar", "widget", "rail", "aside",
        "footer", "masthead", "breadcrumb", "pagination", "pager", "toolbar", "tools", "print",
        "byline", "author", "dateline", "timestamp", "date", "published", "updated", "meta",
        "caption", "credit", "photo", "image", "img", "gallery", "media", "video", "figure", "slideshow",
        "tags", "tag-", "topics", "categories", "keywords",
        "nav", "menu", "header", "cookie", "consent", "gdpr", "modal", "popup", "overlay",
        "hidden", "visually-hidden", "sr-only", "screen-reader",
        "bio", "about-the-author", "contributor",
        "rating", "review-", "skip", "jump", "toc", "table-of-contents",
        // The same in the languages of most non-English pages (German, French, Spanish, Italian,
        // Dutch): ads, sharing, related items, a table of contents. Comments are strong patterns, below.
        "werbung", "anzeige", "publicite", "publicidad", "pubblicita", "advertentie",
        "teilen", "partage", "compartir", "condividi",
        "verwandt", "similaire", "relacionad", "correlati", "gerelateerd", "inhaltsverzeichnis",
    ]

    /// Negative patterns that hold even for an element with most of the page's prose: reader
    /// comments can outweigh the article. (The others, "ad", "rail", "media", ... also appear
    /// in class names of layout wrappers around the article, so they do not count there.)
    static let strongNegativeClassID: [String] = [
        "comment", "disqus", "respond", "reply",
        "kommentar", "commentaire", "comentario", "commento", "commenti", "reactie",
    ]

    /// An element holding at least this share of the page's prose is boilerplate only by a
    /// strong pattern.
    static let weakNegativeProseShare = 0.2
    /// ... and at least this many characters of it.
    static let weakNegativeProseChars = 500.0

    /// Substrings of class/id that look negative but name content ("article-meta" is negative,
    /// "post-body" is positive; these override a negative match on the same element).
    static let contentOverrides: [String] = [
        "articlebody", "article-body", "article__body", "article_body", "story-body", "storybody", "entry-content",
        "post-content", "post-body", "postbody", "main-content", "article-content", "articlecontent", "body-text",
        "story-content", "article-text", "articletext", "rich-text", "richtext", "itemprop-articlebody", "page-content",
    ]

    /// All class/id patterns in one automaton; the group bits say which table matched.
    static let classMatcher = PatternMatcher(groups: [positiveClassID, negativeClassID, contentOverrides, strongNegativeClassID, embedClasses])
    static let positiveGroup: UInt32 = 1 << 0
    static let negativeGroup: UInt32 = 1 << 1
    static let overrideGroup: UInt32 = 1 << 2
    static let strongNegativeGroup: UInt32 = 1 << 3
    static let embedGroup: UInt32 = 1 << 4

    /// Tags whose blocks are boilerplate wherever they occur in the chosen region.
    static let boilerplateTags: Set<String> = ["header", "footer", "aside", "address", "figcaption", "caption", "figure", "summary"]

    /// Tags that hold the paragraphs of a text; scores of paragraph blocks go to the nearest one.
    static let containerTags: Set<String> = [
        "div", "section", "article", "main", "body", "td", "form", "center", "blockquote", "header", "footer", "aside", "details",
    ]

    /// Whole-block texts (lowercased, trimmed of punctuation) that are page furniture, not prose.
    static let boilerplatePhrases: Set<String> = [
        "advertisement", "advertisements", "ad", "sponsored", "sponsored content", "story continues below advertisement",
        "continue reading", "continue reading below", "read more", "read more below", "see more", "show more", "load more",
        "share", "share this", "share this article", "share this story", "share on facebook", "share on twitter", "tweet", "email", "print",
        "related", "related articles", "related stories", "related content", "related coverage", "recommended", "more from",
        "subscribe", "sign up", "newsletter", "follow us", "comments", "leave a comment", "skip to content", "back to top",
        "image", "photo", "video", "close", "menu", "click here", "listen", "listen to this article",
        "this article is more than 1 year old", "this article is more than 2 years old",
        // The same furniture in German, French, Spanish, Italian, Dutch and Portuguese.
        "anzeige", "werbung", "weiterlesen", "mehr lesen", "mehr anzeigen", "mehr laden", "teilen", "artikel teilen",
        "drucken", "kommentare", "kommentieren", "newsletter abonnieren", "abonnieren", "zum inhalt springen", "nach oben",
        "schließen", "menü", "bild", "foto",
        "publicité", "lire la suite", "partager", "imprimer", "commentaires", "fermer", "voir plus", "aller au contenu",
        "retour en haut",
        "publicidad", "anuncio", "leer más", "compartir", "imprimir", "comentarios", "cerrar", "ver más", "suscríbete",
        "ir al contenido", "volver arriba",
        "pubblicità", "leggi tutto", "condividi", "commenti", "chiudi",
        "advertentie", "lees meer", "lees verder", "delen", "reacties", "sluiten",
        "publicidade", "leia mais", "compartilhar", "comentários", "fechar",
    ]

    /// The ASCII entries of `boilerplatePhrases` as bytes, by their length.
    static let asciiBoilerplatePhrasesByLength: [[[UInt8]]] = {
        var table = [[[UInt8]]](repeating: [], count: longestBoilerplatePhrase + 1)
        for phrase in boilerplatePhrases where phrase.utf8.allSatisfy({ $0 < 0x80 }) { table[phrase.utf8.count].append(Array(phrase.utf8)) }
        return table
    }()
    /// The byte length of the longest entry of `boilerplatePhrases`.
    static let longestBoilerplatePhrase = boilerplatePhrases.map(\.utf8.count).max() ?? 0
    /// The first two bytes of each entry of `boilerplatePhrases` (all have two or more).
    static let boilerplatePhraseStarts = Set(boilerplatePhrases.map { p in UInt16(Array(p.utf8)[0]) << 8 | UInt16(Array(p.utf8)[1]) })

    /// Substrings that make a short block (under `shortBlockChars`) a call to action, wherever they stand.
    static let furnitureSubstrings: [String] = [
        "share this", "share it with", "share with a friend", "like this story", "like this article", "liked this article",
        "sign up for our", "subscribe to our", "subscribe now", "follow us on", "join our newsletter", "get our newsletter",
        "click here to", "download our app", "download the app", "turn on notifications", "all rights reserved",
        "newsletter", "advertisement", "please enable javascript", "you must be logged in", "log in to comment",
        "alle rechte vorbehalten", "tous droits réservés", "todos los derechos reservados", "tutti i diritti riservati",
        "alle rechten voorbehouden", "todos os direitos reservados", "folgen sie uns", "suivez-nous", "síguenos",
    ]

    static let furnitureMatcher = PatternMatcher(groups: [furnitureSubstrings])

    /// Embedded social posts: their text belongs to the article when the author quoted them,
    /// whatever the wrapper around them (often called "video" or "media").
    static let embedClasses: [String] = [
        "twitter-tweet", "instagram-media", "tiktok-embed", "fb-post", "reddit-embed", "bluesky-embed", "mastodon-embed",
        "tumblr-post", "threads-post",
    ]

    /// A sibling of the core with prose blocks at least this long and few links joins the text
    /// (a lead paragraph or summary kept apart from the body).
    static let siblingProseChars = 100

    /// Prefixes (lowercased) of short blocks that are bylines, credits or calls to action.
    static let boilerplatePrefixes: [String] = [
        "by ", "photo:", "photo by", "photograph:", "image:", "image by", "credit:", "source:", "illustration:", "video:",
        "posted by", "written by", "published", "updated", "last updated", "read more:", "read more about", "related:", "see also:",
        "follow ", "sign up", "subscribe", "click here", "copyright", "©", "all rights reserved",
        "getty images", "ap photo", "reuters/", "(ap photo", "(reuters",
        // German, French, Spanish, Italian, Dutch, Portuguese: credits, update lines, "read also".
        "foto:", "fotos:", "bild:", "quelle:", "grafik:", "aktualisiert", "zuletzt aktualisiert", "veröffentlicht",
        "lesen sie auch", "mehr zum thema:", "photo :", "crédit photo", "crédits photo", "crédit :", "source :", "mis à jour", "publié le",
        "lire aussi",
        "fuente:", "actualizado", "publicado el", "lee también", "fonte:", "aggiornato", "pubblicato il", "leggi anche",
        "bijgewerkt", "gepubliceerd", "lees ook", "atualizado", "publicado em", "leia também",
    ]

    static let boilerplatePrefixTable = FoldedPrefixes(boilerplatePrefixes)

    /// Heading starts (lowercased) that introduce link lists, teasers, comments or sign-up boxes;
    /// the heading and what follows it, up to the next heading of the same rank, are dropped.
    static let boilerplateHeadings: [String] = [
        "related", "more from", "more great", "more stories", "more on ", "more in ", "more news", "more like this",
        "recommended", "you may also like", "you might also like", "you may be interested", "also read", "read more",
        "read next", "read this next", "further reading", "most popular", "most read", "popular", "trending", "latest news",
        "latest stories", "top stories", "editor's picks", "editors' picks", "what to read next", "don't miss",
        "comments", "leave a comment", "leave a reply", "join the conversation", "discussion",
        "sign up", "subscribe", "newsletter", "get our newsletter", "follow us", "share this", "share on",
        "about the author", "about us", "advertisement", "sponsored", "tags", "topics",
        // German, French, Spanish, Italian, Dutch, Portuguese. Not their words for advertising
        // ("Werbung", "Publicidad"): unlike "Advertisement", each also heads sections about it.
        "das könnte sie auch interessieren", "das könnte dich auch interessieren", "mehr zum thema", "weitere artikel",
        "weitere nachrichten", "ähnliche artikel", "ähnliche beiträge", "verwandte artikel", "verwandte beiträge",
        "auch interessant", "lesen sie auch", "meistgelesen", "meist gelesen", "kommentare", "kommentar schreiben",
        "über den autor", "über die autorin",
        "à lire aussi", "lire aussi", "sur le même sujet", "articles similaires", "articles liés", "vous aimerez aussi",
        "les plus lus", "commentaires", "laisser un commentaire",
        "te puede interesar", "también te puede interesar", "noticias relacionadas", "artículos relacionados",
        "lo más leído", "comentarios", "deja un comentario",
        "leggi anche", "articoli correlati", "potrebbe interessarti", "i più letti", "commenti", "lascia un commento",
        "lees ook", "gerelateerde artikelen", "meest gelezen", "reacties",
        "leia também", "veja também", "notícias relacionadas", "mais lidas", "comentários", "deixe um comentário",
    ]

    static let boilerplateHeadingTable = FoldedPrefixes(boilerplateHeadings)

    /// The main-text core grows to an ancestor whose other children hold chunks of prose (each at
    /// least this many characters and this share of the core's prose)...
    static let expansionMinChars = 150.0
    static let expansionChunkShare = 0.15
    /// A chunk of a core without class names must have fewer links than this to count.
    static let chunkMaxLinkDensity = 0.1
    /// ...adding up to at least this multiple of the core's prose.
    static let expansionRatio = 1.25

    /// Full-content mode: the main element is the deepest one with this share of the page's text
    /// (outside boilerplate elements). Product, listing and service pages spread their content
    /// over several sections, so the share is high: 0.6 gave WCXB F1 0.636, 0.85 gives 0.662.
    static let fullContentShare = 0.85

    /// A short block (fewer visible characters) that starts with a boilerplate prefix is dropped.
    static let shortBlockChars = 120

    /// Link density above which a block is navigation, not prose.
    static let maxLinkDensity = 0.5

    /// Pages with fewer blocks are left to the rules: the block model was trained on whole pages
    /// (on the development sets, rules and model agree on all nine pages that small).
    static let modelMinBlocks = 6

    /// Blocks shorter than this add nothing to container scores (they are labels, not paragraphs).
    static let minScoringChars = 25
}
