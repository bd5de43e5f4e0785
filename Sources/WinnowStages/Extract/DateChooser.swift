import Foundation
import WinnowCore

/// The publication date, chosen among the dates the page gives by a learned model.
///
/// A page can state its date in several places that disagree: JSON-LD's `datePublished`, the
/// date metas, its first `<time>`, a thread starter's line, the byline, a date shown by the
/// headline, a date it labels "Published", a thread's first post, its address. Where a byline
/// shows a date other than the declared one, the development pages' truth takes the declared
/// one about as often as the shown one (41 against 39 articles), depending on whether the shown
/// date is later, whether it is the page's modified date, and where each comes from. Each day
/// the page gives is a candidate (one for each day, with every source that gives it), scored by
/// gradient-boosted trees (`DateModel`, trained by `scripts/train_title.py --field date`, `make
/// train-date`) over its sources and their count, whether the page's modified date or a later
/// `<time>` says it too, the page's kind, whether it is the earliest or latest candidate, its
/// distance from the declared date and whether the byline marks it as the original
/// publication's (`Byline.isOriginal`), and whether it is the date the rules before the model
/// chose; the best is the date, written as its most trusted source gives it.
package enum DateChooser {
    /// The sources, most trusted first.
    enum Source: Int, CaseIterable {
        case ld, meta, time, starter, byline, headline, labelled, post, url
    }

    struct Candidate {
        /// The date as its most trusted source gives it, and its day (`YYYY-MM-DD`).
        var value: String
        var day: String
        var sources = Set<Source>()
        var original = false
    }

    package static let featureNames =
        Source.allCases.map { "from_\($0)" } + [
            "sources", "modified", "later_time", "kind_article", "kind_discussion", "kind_other", "earliest", "latest", "candidates",
            "days_from_declared", "has_declared", "original", "rules_choice",
        ]

    /// What the page gives, gathered by `MetadataExtractor.dateInputs`.
    struct Inputs {
        /// The dates the page states, most trusted first (`Source` order).
        var given: [(Source, String)] = []
        /// The dates the page shows by its starter line, byline and headline, in that order.
        var shown: [(Source, Byline.Shown)] = []
        var modified: String?
        var laterTimes: [String] = []
        var kind: PageKind

        /// The date the page's metadata declares: JSON-LD's, the date metas', the first `<time>`'s.
        var declared: String? { given.first { $0.0 == .ld || $0.0 == .meta || $0.0 == .time }?.1 }

        /// The rules' date before the model (a feature of the candidates): the declared date, or an
        /// earlier one the page shows as the original publication's (not on a thread, whose
        /// shown dates are its posts'), else the shown, labelled, first post's or URL's date.
        var rules: String? {
            let firstShown = shown.first?.1
            if kind != .discussion, let declared, let firstShown, Byline.isOriginal(firstShown, declared: declared) {
                return firstShown.date
            }
            return declared ?? firstShown?.date ?? given.first { $0.0 == .labelled || $0.0 == .post || $0.0 == .url }?.1
        }
    }

    static func candidates(_ inputs: Inputs) -> [Candidate] {
        var out: [Candidate] = []
        func add(_ source: Source, _ value: String, original: Bool) {
            guard value.utf8.count >= 10 else { return }
            let day = String(value.prefix(10))
            if let i = out.firstIndex(where: { $0.day == day }) {
                out[i].sources.insert(source)
                out[i].original = out[i].original || original
            } else {
                out.append(Candidate(value: value, day: day, sources: [source], original: original))
            }
        }
        let declared = inputs.declared
        var all = inputs.given.map { ($0.0, $0.1, false) }
        for (source, shown) in inputs.shown {
            all.append((source, shown.date, declared.map { Byline.isOriginal(shown, declared: $0) } ?? false))
        }
        for (source, value, original) in all.sorted(by: { $0.0.rawValue < $1.0.rawValue }) { add(source, value, original: original) }
        return out
    }

    /// `declared` and `rules` are the inputs' own, read once for all candidates.
    static func features(_ c: Candidate, _ all: [Candidate], _ inputs: Inputs, declared: String?, rules: String?) -> [Double] {
        var x = Source.allCases.map { c.sources.contains($0) ? 1.0 : 0 }
        x.append(Double(c.sources.count))
        x.append(inputs.modified.map { $0.hasPrefix(c.day) } ?? false ? 1 : 0)
        x.append(inputs.laterTimes.contains { $0.hasPrefix(c.day) } ? 1 : 0)
        x += [inputs.kind == .article, inputs.kind == .discussion, inputs.kind == .other].map { $0 ? 1 : 0 }
        let days = all.map(\.day)
        x.append(days.allSatisfy { $0 >= c.day } ? 1 : 0)
        x.append(days.allSatisfy { $0 <= c.day } ? 1 : 0)
        x.append(Double(all.count))
        let apart = declared.flatMap { DateParser.daysBetween($0, c.day) }
        x.append(Double(max(-400, min(400, apart ?? 0))))
        x.append(declared == nil ? 0 : 1)
        x.append(c.original ? 1 : 0)
        x.append(rules.map { $0.hasPrefix(c.day) } ?? false ? 1 : 0)
        return x
    }

    /// Every candidate with its features and score.
    static func scored(_ inputs: Inputs) -> [ScoredCandidate] {
        let all = candidates(inputs)
        let declared = inputs.declared
        let rules = inputs.rules
        return all.map {
            ScoredCandidate(text: $0.value, features: features($0, all, inputs, declared: declared, rules: rules), model: DateModel.rawScore)
        }
    }
}

/// The date model's trees: `DateModelParameters.swift`, generated by `scripts/train_title.py --field date`.
enum DateModel {}
