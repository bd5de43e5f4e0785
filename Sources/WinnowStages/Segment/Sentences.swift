import WinnowCore

/// Splits a block's text into sentences with punctuation rules: a sentence ends at `.`, `!`, `?`
/// or `…` (with closing quotes and brackets) before a space and a capital, digit or opening
/// quote, unless the word before is a known abbreviation or an initial; and at `。！？` always.
public enum SentenceSplitter {
    /// Abbreviations (lowercased, without the dot) after which a period does not end a sentence.
    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "gov", "sen", "rep", "rev", "hon",
        "lt", "col", "capt", "sgt", "cmdr", "adm", "pres", "vs", "etc", "e.g", "i.e", "approx", "dept", "est",
        "fig", "inc", "ltd", "co", "corp", "no", "vol", "pp", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "a.m", "p.m", "ph.d", "al", "cf", "ca",
    ]

    /// UTF-8 end offsets of the sentences of `text` (the last is `text.utf8.count`).
    public static func sentenceEnds(_ text: String) -> [Int] {
        var copy = text
        return copy.withUTF8 { sentenceEnds(utf8: $0) }
    }

    private static func sentenceEnds(utf8 bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        var ends: [Int] = []
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            var end = -1
            if b == UInt8(ascii: ".") || b == UInt8(ascii: "!") || b == UInt8(ascii: "?") {
                end = i + 1
            } else if b == 0xe2 && i + 2 < n && bytes[i + 1] == 0x80 && bytes[i + 2] == 0xa6 {
                end = i + 3 // …
            } else if b == 0xe3 && i + 2 < n && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x82 {
                ends.append(i + 3)
                i += 3
                continue // 。
            } else if b == 0xef && i + 2 < n && bytes[i + 1] == 0xbc && (bytes[i + 2] == 0x81 || bytes[i + 2] == 0x9f) {
                ends.append(i + 3)
                i += 3
                continue // ！ ？
            }
            guard end > 0 else {
                i += 1
                continue
            }
            // Closing quotes and brackets belong to the sentence.
            var j = end
            while j < n {
                if bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "'") || bytes[j] == UInt8(ascii: ")") || bytes[j] == UInt8(ascii: "]") {
                    j += 1
                } else if bytes[j] == 0xe2 && j + 2 < n && bytes[j + 1] == 0x80 && (bytes[j + 2] == 0x9d || bytes[j + 2] == 0x99) {
                    j += 3 // ” ’
                } else if bytes[j] == UInt8(ascii: ".") || bytes[j] == UInt8(ascii: "!") || bytes[j] == UInt8(ascii: "?") {
                    j += 1
                } else {
                    break
                }
            }
            guard j < n, bytes[j] == 0x20, j + 1 < n else {
                i = j
                continue
            }
            let next = bytes[j + 1]
            let startsSentence =
                (next >= 0x41 && next <= 0x5a) || (next >= 0x30 && next <= 0x39)
                || next == UInt8(ascii: "\"") || next == UInt8(ascii: "(") || next == 0xe2 || next >= 0xc3
            if startsSentence && !(b == UInt8(ascii: ".") && endsWithAbbreviation(bytes, dot: i)) {
                ends.append(j)
            }
            i = j
        }
        if ends.last != n { ends.append(n) }
        return ends.filter { $0 > 0 }
    }

    private static func endsWithAbbreviation(_ bytes: UnsafeBufferPointer<UInt8>, dot: Int) -> Bool {
        var start = dot
        while start > 0 && bytes[start - 1] != 0x20 && bytes[start - 1] != UInt8(ascii: "(") { start -= 1 }
        let word = bytes[start..<dot]
        if word.isEmpty { return false }
        // A single capital letter is an initial ("J. Smith").
        if word.count == 1, let c = word.first, c >= 0x41 && c <= 0x5a { return true }
        let lower = String(decoding: word.map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 }, as: UTF8.self)
        return abbreviations.contains(lower)
    }
}
