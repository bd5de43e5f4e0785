import CLD2Shim
import WinnowCore

/// Settings of the language stage.
public struct LanguageSettings: Sendable, Equatable {
    /// `annotate` writes the language only; `filter` also drops documents outside `languages` or
    /// under `minScore`.
    public var mode: FilterMode = .annotate
    /// ISO 639-1 codes to keep (empty: every language).
    public var languages: [String] = []
    /// The smallest share of the text in its top language (0...1) a kept document has.
    public var minScore = 0.0
    /// Bytes of text given to the detector (the start of the text; CLD2's verdict settles long
    /// before a page ends).
    public var maxBytes = 32_768

    public init() {}
}

/// The language of a text as CLD2 sees it.
public struct LanguageGuess: Sendable, Equatable {
    /// ISO 639-1 where one exists (CLD2's code otherwise); nil when CLD2 cannot tell.
    public var code: String?
    /// The share of the text's letters in that language, 0...1.
    public var score: Double
    /// CLD2's own reliability verdict (false for short or mixed texts).
    public var reliable: Bool
}

/// Language identification with CLD2, the detector behind Common Crawl's language annotations.
/// The page's declared language is never used: it is wrong or a site-wide default often enough.
public enum LanguageIdentifier {
    /// Identifies the language of the start of `text`.
    public static func identify(_ text: String, maxBytes: Int = 32_768) -> LanguageGuess {
        var text = text
        return text.withUTF8 { utf8 in
            // Cut at a character boundary: CLD2 reads past a cut multi-byte sequence.
            var n = min(utf8.count, max(0, maxBytes))
            while n > 0 && n < utf8.count && utf8[n] & 0xC0 == 0x80 { n -= 1 }
            guard n > 0 else { return LanguageGuess(code: nil, score: 0, reliable: false) }
            let result = utf8.withMemoryRebound(to: CChar.self) { winnow_cld2_detect($0.baseAddress, Int32(n)) }
            let raw = result.code.map { String(cString: $0) } ?? "un"
            let code = isoCode(raw)
            return LanguageGuess(code: code, score: code == nil ? 0 : Double(result.percent) / 100, reliable: result.reliable != 0)
        }
    }

    /// CLD2's codes are ISO 639-1 but for a few old or regional ones; script-only verdicts
    /// (`xx-Latn`) and `un` mean unknown.
    static func isoCode(_ raw: String) -> String? {
        if raw == "un" || raw.hasPrefix("xx") || raw.isEmpty { return nil }
        switch raw {
        case "iw": return "he"
        case "jw": return "jv"
        case "in": return "id"
        case "mo": return "ro"
        case "sh": return "sr"
        default: break
        }
        // zh-Hant, sr-ME, ...: the language without its script or region.
        if let dash = raw.firstIndex(of: "-") { return String(raw[..<dash]) }
        return raw
    }

    /// Applies the stage to an extraction: sets the language and score, or returns why the
    /// document is dropped.
    public static func apply(_ settings: LanguageSettings, to extraction: inout Extraction) -> Drop? {
        let guess = identify(extraction.text, maxBytes: settings.maxBytes)
        extraction.language = guess.code
        extraction.languageScore = guess.score
        guard settings.mode == .filter else { return nil }
        guard let code = guess.code else {
            return settings.languages.isEmpty && settings.minScore <= 0
                ? nil : Drop(.language, .languageUnknown, "CLD2 cannot tell the language")
        }
        if !settings.languages.isEmpty && !settings.languages.contains(code) {
            return Drop(.language, .languageNotKept, "language \(code), not one of \(settings.languages.joined(separator: ", "))")
        }
        if guess.score < settings.minScore {
            return Drop(.language, .languageLowScore, "\(Int(guess.score * 100))% of the text in \(code), under \(Int(settings.minScore * 100))%")
        }
        return nil
    }
}

/// The language stage: CLD2's language and score on every extraction; drops by `LanguageSettings`.
public struct LanguageStage: ExtractionFilter {
    public let settings: LanguageSettings
    public init(settings: LanguageSettings) { self.settings = settings }
    public var name: StageName { .language }
    public func filter(_ extraction: inout Extraction) -> Drop? { LanguageIdentifier.apply(settings, to: &extraction) }
}
