import Foundation
import WinnowCore

/// Turns a text into hashed word shingles for near-duplicate detection. Normalisation: Unicode
/// NFKC (only for text that needs it), case folded, punctuation and whitespace dropped: words
/// are runs of letters and digits. Each word is hashed once; a shingle of `size` words is a
/// mix of its words' hashes, so no string is built per shingle.
///
/// Shingles stay within a paragraph (line), and a long paragraph contributes a hash-chosen
/// sample of at most about `paragraphCap` shingles: one very long paragraph shared by two
/// otherwise different documents does not make them duplicates, and the same paragraph is
/// sampled alike in every document.
public struct Shingler: Sendable {
    public let size: Int
    public let paragraphCap: Int
    /// Marks a paragraph break in the word stream.
    static let paragraphBreak: UInt64 = 0

    public init(size: Int, paragraphCap: Int = 64) {
        self.size = max(1, size)
        self.paragraphCap = max(1, paragraphCap)
    }

    /// For every scalar of the Basic Multilingual Plane: its lowercase form when it is a letter or
    /// digit that is its own NFKC form, 0 for a separator, `needsNFKC` for a combining mark or a
    /// compatibility character (text with one goes through Foundation's NFKC first). Built once.
    static let bmpTable: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 0x10000)
        for v in 0..<0x10000 {
            guard let s = Unicode.Scalar(UInt32(v)) else { continue }
            let p = s.properties
            switch p.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                table[v] = needsNFKC
                continue
            default:
                break
            }
            guard p.isAlphabetic || p.numericType != nil else { continue }
            if compatibilityRanges.contains(where: { $0.contains(v) }) {
                table[v] = needsNFKC
                continue
            }
            let lower = FastCase.lowercaseTable[v]
            table[v] = lower == FastCase.multiScalar ? UInt32(v) : lower
        }
        return table
    }()

    static let needsNFKC: UInt32 = 0xFFFF_FFFF

    /// Where the letters and digits with compatibility decompositions live (superscripts, ligatures,
    /// modifier letters, letterlike symbols, enclosed and full-width forms, CJK compatibility).
    static let compatibilityRanges: [ClosedRange<Int>] = [
        0x00AA...0x00BE, 0x0132...0x0133, 0x013F...0x0140, 0x0149...0x0149, 0x017F...0x017F, 0x01C4...0x01CC,
        0x01F1...0x01F3, 0x02B0...0x02FF, 0x037A...0x037A, 0x03D0...0x03F9, 0x0587...0x0587, 0x0E33...0x0E33,
        0x0EB3...0x0EB3, 0x0EDC...0x0EDD, 0x0F0C...0x0F0C, 0x10FC...0x10FC, 0x1D2C...0x1DBF, 0x1E9A...0x1E9B,
        0x2070...0x209F, 0x2100...0x2189, 0x2460...0x24FF, 0x2C7C...0x2C7D, 0x2D6F...0x2D6F, 0x2E9F...0x2FDF,
        0x3131...0x318E, 0x3192...0x319F, 0x3200...0x33FF, 0xA69C...0xA69D, 0xA770...0xA770, 0xA7F8...0xA7F9,
        0xAB5C...0xAB5F, 0xF900...0xFAFF, 0xFB00...0xFDFF, 0xFE10...0xFE6F, 0xFE70...0xFEFF, 0xFF00...0xFFEF,
    ]

    /// Hashes of the words of `text`, in order.
    public func wordHashes(_ text: String) -> [UInt64] {
        if let hashes = fastWordHashes(text) { return hashes }
        var out: [UInt64] = []
        collectSlow(text.precomposedStringWithCompatibilityMapping, into: &out)
        return out
    }

    /// `wordHashes` by table lookups on the UTF-8, or nil when the text needs NFKC first (a
    /// combining mark, a compatibility character, a letter beyond the BMP).
    private func fastWordHashes(_ text: String) -> [UInt64]? {
        var out: [UInt64] = []
        out.reserveCapacity(text.utf8.count / 5)
        var needsSlowPath = false
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var inWord = false
        let table = Self.bmpTable
        var copy = text
        // A word ends: its hash goes out.
        @inline(__always) func endWord() {
            guard inWord else { return }
            out.append(Self.word(h))
            h = 0xcbf2_9ce4_8422_2325
            inWord = false
        }
        copy.withUTF8 { bytes in
            var i = 0
            let n = bytes.count
            while i < n {
                let b = bytes[i]
                // ASCII, nearly all bytes: one table load gives the folded letter or digit, or 0.
                if b < 0x80 {
                    let folded = table[Int(b)]
                    i += 1
                    if folded != 0 {
                        h = (h ^ UInt64(folded)) &* 0x100_0000_01b3
                        inWord = true
                        continue
                    }
                    endWord()
                    if b == 0x0a && out.last != Self.paragraphBreak { out.append(Self.paragraphBreak) }
                    continue
                }
                guard let v = Self.decodeMultibyte(bytes, at: &i) else { continue }
                // A combining mark, a compatibility character or a letter beyond the BMP: NFKC first.
                if v >= 0x10000 {
                    if let scalar = Unicode.Scalar(v), scalar.properties.isAlphabetic {
                        needsSlowPath = true
                        return
                    }
                    continue
                }
                let folded = table[Int(v)]
                if folded == Self.needsNFKC {
                    needsSlowPath = true
                    return
                }
                if folded != 0 {
                    h = (h ^ UInt64(folded)) &* 0x100_0000_01b3
                    inWord = true
                } else {
                    endWord()
                    if v == 0x0a && out.last != Self.paragraphBreak { out.append(Self.paragraphBreak) }
                }
            }
        }
        if needsSlowPath { return nil }
        endWord()
        return out
    }

    /// Decodes the multi-byte scalar at `i` (the text is valid UTF-8) and moves past it; nil for
    /// a four-byte lead cut short at the end.
    @inline(__always)
    static func decodeMultibyte(_ bytes: UnsafeBufferPointer<UInt8>, at i: inout Int) -> UInt32? {
        let b = bytes[i]
        if b < 0xe0 {
            defer { i += 2 }
            return (UInt32(b & 0x1f) << 6) | UInt32(bytes[i + 1] & 0x3f)
        }
        if b < 0xf0 {
            defer { i += 3 }
            return (UInt32(b & 0x0f) << 12) | (UInt32(bytes[i + 1] & 0x3f) << 6) | UInt32(bytes[i + 2] & 0x3f)
        }
        defer { i += 4 }
        guard i + 3 < bytes.count else { return nil }
        return (UInt32(b & 0x07) << 18) | (UInt32(bytes[i + 1] & 0x3f) << 12) | (UInt32(bytes[i + 2] & 0x3f) << 6) | UInt32(bytes[i + 3] & 0x3f)
    }

    /// A word's final hash, never the paragraph-break mark.
    @inline(__always)
    static func word(_ h: UInt64) -> UInt64 {
        let x = finish(h)
        return x == paragraphBreak ? 1 : x
    }

    /// Words of NFKC-normalised text, lowercased here scalar by scalar (as `String.lowercased()`
    /// does, without building that String). Each scalar is a word character, a separator, or a
    /// nonspacing mark (part of its word but not hashed, so accents do not split words).
    private func collectSlow(_ text: String, into out: inout [UInt64]) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var inWord = false
        let classes = Self.slowClassTable
        let lower = FastCase.lowercaseTable
        func take(_ v: UInt32) {
            let kind = v < 0x10000 ? classes[Int(v)] : Unicode.Scalar(v).map(Self.slowClass) ?? Self.separatorScalar
            if kind == Self.wordScalar {
                h = (h ^ UInt64(v)) &* 0x100_0000_01b3
                inWord = true
            } else if kind == Self.separatorScalar {
                if inWord {
                    out.append(Self.word(h))
                    h = 0xcbf2_9ce4_8422_2325
                    inWord = false
                }
                if v == 0x0a && out.last != Self.paragraphBreak { out.append(Self.paragraphBreak) }
            }
        }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x10000 && lower[Int(v)] != FastCase.multiScalar {
                take(lower[Int(v)])
            } else {
                for l in scalar.properties.lowercaseMapping.unicodeScalars { take(l.value) }
            }
        }
        if inWord { out.append(Self.word(h)) }
    }

    static let separatorScalar: UInt8 = 0
    static let wordScalar: UInt8 = 1
    static let markScalar: UInt8 = 2

    static func slowClass(_ scalar: Unicode.Scalar) -> UInt8 {
        let p = scalar.properties
        guard p.isAlphabetic || p.numericType != nil else { return separatorScalar }
        return p.generalCategory == .nonspacingMark ? markScalar : wordScalar
    }

    /// `slowClass` of every scalar of the Basic Multilingual Plane. Built once.
    static let slowClassTable: [UInt8] = (0..<0x10000).map { v in
        guard let scalar = Unicode.Scalar(UInt32(v)) else { return separatorScalar }
        return slowClass(scalar)
    }

    @inline(__always)
    static func finish(_ h: UInt64) -> UInt64 { Hash128.fmix(h) }

    /// Calls `body` with the hash of each shingle (each run of `size` consecutive words within a
    /// paragraph; a shorter paragraph is one shingle), long paragraphs sampled down to about
    /// `paragraphCap` shingles. Returns the number of shingles passed to `body`.
    @discardableResult
    public func forEachShingle(_ words: [UInt64], _ body: (UInt64) -> Void) -> Int {
        var emitted = 0
        var start = 0
        while start < words.count {
            var end = start
            while end < words.count && words[end] != Self.paragraphBreak { end += 1 }
            emitted += paragraphShingles(words, start, end, body)
            start = end + 1
        }
        return emitted
    }

    private func paragraphShingles(_ words: [UInt64], _ start: Int, _ end: Int, _ body: (UInt64) -> Void) -> Int {
        let m = end - start
        if m <= 0 { return 0 }
        if m <= size {
            var h: UInt64 = 0x9e37_79b9_7f4a_7c15
            for i in start..<end { h = Self.finish(h &* 31 ^ words[i]) }
            body(h)
            return 1
        }
        let count = m - size + 1
        let rate = UInt64((count + paragraphCap - 1) / paragraphCap)
        var emitted = 0
        for i in start...(end - size) {
            var h: UInt64 = 0x9e37_79b9_7f4a_7c15
            for j in i..<(i + size) { h = (h ^ words[j]) &* 0x0000_0100_0000_01b3 &+ UInt64(j - i) }
            let shingle = Self.finish(h)
            if rate == 1 || shingle % rate == 0 {
                body(shingle)
                emitted += 1
            }
        }
        return emitted
    }
}
