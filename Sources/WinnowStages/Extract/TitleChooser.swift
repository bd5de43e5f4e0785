import Foundation
import WinnowCore

/// The page's title, chosen among what the page offers by a learned model.
///
/// A page names itself in several places: its `<h1>`s, JSON-LD's `headline`, OpenGraph's and
/// other meta titles, and its `<title>` (the last three without the site's name). Which of them is
/// the title depends on the page: an article's headline is the `<h1>` over its text, where a
/// product or service page's `<h1>` is often a slogan and its `<title>` what it is called, and a
/// catalogue's `<h1>` is the shelf's name while its `<title>` adds selling words. The candidates
/// (one for each different wording) are scored by gradient-boosted trees (`TitleModel`, trained
/// by `scripts/train_title.py` on the development sets' labelled titles) over where each comes
/// from, how many sources say it, where its `<h1>` stands against the main text, how it relates
/// to the other candidates and to the address's last segment, and the page's kind; the best
/// scored is the title.
///
/// Until 2026-12-03 a rule chose: on articles and discussions the last `<h1>` before the main
/// text, elsewhere an `<h1>` sharing half its words with a meta title, else the meta title. On
/// the 1,358 WCXB development pages that rule is right on 0.831; the model, cross-validated by
/// domain, on 0.851 (README, "The title chosen by a model").
package enum TitleChooser {
    /// One wording of the title and the places the page gives it.
    struct Candidate: Equatable {
        var text: String
        /// Its words (letters and digits), lowercased and joined by single spaces: the same wording
        /// from two places is one candidate.
        var key: String
        /// Those words, once each.
        var words: Set<String>
        var fromH1 = false
        var fromLD = false
        var fromMeta = false
        var fromTitle = false
        /// For an `<h1>`: its rank among the page's `<h1>`s and its block index.
        var h1: (rank: Int, offset: Int)?

        static func == (a: Candidate, b: Candidate) -> Bool { a.key == b.key }
    }

    /// At most this many `<h1>`s are candidates (a page styling every heading as `<h1>`).
    static let maxHeadlines = 10

    static let separators = [" | ", " – ", " — ", " - ", " :: ", " » ", " : ", " · "]

    /// The feature names, in vector order (`features`).
    package static let featureNames = [
        "from_h1", "from_ld", "from_meta", "from_title", "sources", "kind_article", "kind_discussion", "kind_other",
        "h1_before_main", "h1_distance", "h1_first", "h1_nearest_before_main", "h1_count", "words", "has_separator",
        "overlap_others", "inside_other", "holds_other", "upper_case", "url_root", "url_depth", "log_blocks", "main_start",
        "slug_share_of_text", "slug_share_of_slug", "extends_h1",
    ]

    /// Every candidate with its feature vector and score; the best scored is the title (`ScoredCandidate.best`).
    static func scored(page: SegmentedPage, ld: MetadataExtractor.LD, siteNames: Set<String>, mainStart: Int?, kind: PageKind, url: String?)
        -> [ScoredCandidate]
    {
        let all = candidates(page: page, ld: ld, siteNames: siteNames)
        let context = Context(page: page, kind: kind, mainStart: mainStart, url: url, candidates: all)
        return all.map { ScoredCandidate(text: $0.text, features: features($0, context), model: TitleModel.rawScore) }
    }

    /// The page's `<h1>`s that are not the site's name, then JSON-LD's headline, the meta title and
    /// the `<title>`, each without the site's name; one candidate for each wording.
    static func candidates(page: SegmentedPage, ld: MetadataExtractor.LD, siteNames: Set<String>) -> [Candidate] {
        var out: [Candidate] = []
        func add(_ raw: String?, _ mark: (inout Candidate) -> Void) {
            guard let text = raw?.trimmingSpaces(), !text.isEmpty else { return }
            let words = self.words(text, digits: true)
            guard !words.isEmpty else { return }
            let key = words.joined(separator: " ")
            if let index = out.firstIndex(where: { $0.key == key }) {
                mark(&out[index])
            } else {
                var candidate = Candidate(text: text, key: key, words: Set(words))
                mark(&candidate)
                out.append(candidate)
            }
        }
        let h1s = MetadataExtractor.headlines(page).filter { !siteNames.contains(MetadataExtractor.comparable($0.element.text)) }
        for (rank, h1) in h1s.prefix(maxHeadlines).enumerated() {
            add(h1.element.text) { c in
                c.fromH1 = true
                if c.h1 == nil { c.h1 = (rank, h1.offset) }
            }
        }
        let info = page.info
        let strip = { (title: String?) in title.map { MetadataExtractor.stripSiteSuffix($0, siteNames: siteNames) } }
        add(strip(ld.headline)) { $0.fromLD = true }
        add(strip(info.meta("og:title", "twitter:title", "dc.title", "headline"))) { $0.fromMeta = true }
        add(strip(info.title)) { $0.fromTitle = true }
        return out
    }

    /// What the features read besides the candidate itself.
    struct Context {
        var kind: PageKind
        var blockCount: Int
        /// The index of the main text's first block (the block count when there is none).
        var end: Int
        var urlDepth: Int
        var slugWords: Set<String>
        var candidates: [Candidate]
        var h1Offsets: [Int]

        init(page: SegmentedPage, kind: PageKind, mainStart: Int?, url: String?, candidates: [Candidate]) {
            self.kind = kind
            blockCount = page.blocks.count
            end = min(mainStart ?? page.blocks.count, page.blocks.count)
            let segments = (url.flatMap { URL(string: $0)?.path } ?? "").split(separator: "/")
            urlDepth = segments.count
            slugWords = Set(TitleChooser.words(segments.last.map(String.init) ?? "", digits: false))
            self.candidates = candidates
            h1Offsets = candidates.compactMap { $0.h1?.offset }
        }
    }

    static func features(_ c: Candidate, _ context: Context) -> [Double] {
        var x: [Double] = []
        x.reserveCapacity(featureNames.count)
        let flags = [c.fromH1, c.fromLD, c.fromMeta, c.fromTitle]
        x += flags.map { $0 ? 1 : 0 }
        x.append(Double(flags.filter { $0 }.count))
        x += [context.kind == .article, context.kind == .discussion, context.kind == .other].map { $0 ? 1 : 0 }
        let end = context.end
        if let h1 = c.h1 {
            let nearest = !context.h1Offsets.contains { $0 < end && $0 > h1.offset }
            x += [h1.offset < end ? 1 : 0, Double(min(abs(end - h1.offset), 50)), h1.rank == 0 ? 1 : 0, h1.offset < end && nearest ? 1 : 0]
        } else {
            x += [0, -1, 0, 0]
        }
        x.append(Double(min(context.h1Offsets.count, 5)))
        x.append(Double(min(c.key.split(separator: " ").count, 20)))
        x.append(separators.contains { c.text.containsBytes($0) } ? 1 : 0)
        let others = context.candidates.filter { $0 != c }
        x.append(others.map { overlap($0.words, c.words) }.max() ?? 0)
        x.append(others.contains { $0.key.containsBytes(c.key) } ? 1 : 0)
        x.append(others.contains { c.key.containsBytes($0.key) } ? 1 : 0)
        x.append(c.text.contains { $0.isLetter } && c.text == c.text.uppercased() ? 1 : 0)
        x.append(context.urlDepth == 0 ? 1 : 0)
        x.append(Double(min(context.urlDepth, 5)))
        x.append(log(1 + Double(context.blockCount)))
        x.append(Double(min(end, 100)))
        let words = Set(c.words.flatMap { self.words($0, digits: false) })
        let shared = Double(words.intersection(context.slugWords).count)
        x.append(shared / Double(max(1, words.count)))
        x.append(shared / Double(max(1, context.slugWords.count)))
        x.append(!c.fromH1 && others.contains { $0.fromH1 && c.key.hasPrefix($0.key) } ? 1 : 0)
        return x
    }

    /// Shared words over the words of the smaller set (neither is empty: a candidate has words).
    static func overlap(_ a: Set<String>, _ b: Set<String>) -> Double {
        Double(a.intersection(b).count) / Double(min(a.count, b.count))
    }

    /// Runs of letters (and of digits with `digits`), lowercased: `Character.isLetter` and
    /// `isNumber` after `lowercased()`, read byte by byte when the text is ASCII (the same runs;
    /// the `Character` walk was most of the chooser's cost).
    static func words(_ text: String, digits: Bool) -> [String] {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
            return text.lowercased().split { !$0.isLetter && !(digits && $0.isNumber) }.map(String.init)
        }
        var out: [String] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            if (lower >= 0x61 && lower <= 0x7A) || (digits && byte >= 0x30 && byte <= 0x39) {
                current.append(lower)
            } else if !current.isEmpty {
                out.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { out.append(String(decoding: current, as: UTF8.self)) }
        return out
    }
}

/// The title model's trees: `TitleModelParameters.swift`, generated by `scripts/train_title.py`.
enum TitleModel {}
