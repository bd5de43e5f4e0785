import Foundation
import WinnowCore

/// Whitespace and Unicode normalisation of text gathered from a page, on UTF-8 bytes.
public enum TextNormalizer {
    /// Collapses runs of whitespace (including no-break and other Unicode spaces) to one space,
    /// removes zero-width spaces, soft hyphens and BOMs, trims, and returns NFC text.
    /// With `keepNewlines` (for `<pre>`), spaces and line breaks are kept as written.
    public static func normalize(_ bytes: [UInt8], keepNewlines: Bool = false) -> String {
        if keepNewlines { return preformatted(bytes) }
        if bytes.isEmpty { return "" }
        var ascii = true
        // The output is never longer than the input: written straight into the String's storage.
        let text = bytes.withUnsafeBufferPointer { input in
            String(unsafeUninitializedCapacity: input.count) { out -> Int in
                var count = 0
                var pendingSpace = false
                @inline(__always) func put(_ b: UInt8) {
                    if pendingSpace {
                        if count > 0 {
                            out[count] = 0x20
                            count += 1
                        }
                        pendingSpace = false
                    }
                    out[count] = b
                    count += 1
                }
                var i = 0
                let n = input.count
                while i < n {
                    let b = input[i]
                    if b < 0x80 {
                        if b == 0x20 || b == 0x09 || b == 0x0a || b == 0x0c || b == 0x0d || b == 0x0b {
                            pendingSpace = true
                        } else if b >= 0x20 && b != 0x7f {
                            put(b)
                        }
                        i += 1
                        continue
                    }
                    // Multi-byte: a few code points are whitespace or invisible.
                    switch special(input, at: i) {
                    case .space(let length):
                        pendingSpace = true
                        i += length
                        continue
                    case .invisible(let length):
                        i += length
                        continue
                    case .none:
                        break
                    }
                    ascii = false
                    put(b)
                    i += 1
                }
                return count
            }
        }
        return ascii || !mayNeedNFC(text) ? text : text.precomposedStringWithCanonicalMapping
    }

    /// A multi-byte character that is whitespace or invisible, and its length in bytes.
    enum Special {
        case none
        /// NBSP, NEL, the spaces of U+2000 to U+200A, U+202F, U+2028/2029, U+205F, U+3000.
        case space(Int)
        /// Soft hyphen, zero-width space, BOM.
        case invisible(Int)
    }

    @inline(__always)
    static func special(_ input: UnsafeBufferPointer<UInt8>, at i: Int) -> Special {
        let b = input[i]
        let n = input.count
        if b == 0xc2 && i + 1 < n {
            let c = input[i + 1]
            if c == 0xa0 || c == 0x85 { return .space(2) } // NBSP, NEL
            if c == 0xad { return .invisible(2) } // soft hyphen
        } else if b == 0xe2 && i + 2 < n && input[i + 1] == 0x80 {
            let c = input[i + 2]
            if (c >= 0x80 && c <= 0x8a) || c == 0xaf || c == 0xa8 || c == 0xa9 { return .space(3) }
            if c == 0x8b { return .invisible(3) } // zero-width space
        } else if b == 0xe2 && i + 2 < n && input[i + 1] == 0x81 && input[i + 2] == 0x9f {
            return .space(3) // medium math space
        } else if b == 0xe3 && i + 2 < n && input[i + 1] == 0x80 && input[i + 2] == 0x80 {
            return .space(3) // ideographic space
        } else if b == 0xef && i + 2 < n && input[i + 1] == 0xbb && input[i + 2] == 0xbf {
            return .invisible(3) // BOM
        }
        return .none
    }

    /// False when `text` is certainly in NFC already: no combining mark, no conjoining Hangul jamo
    /// and no singleton that NFC replaces. Most web text passes, and skips Foundation's normaliser.
    /// Reads UTF-8 bytes: scalars below U+0300 (lead bytes below 0xCC) never need NFC, the
    /// others of the Basic Multilingual Plane are looked up in `nfcTable`.
    static func mayNeedNFC(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { bytes -> Bool in
            let n = bytes.count
            var i = 0
            while i < n {
                let b = bytes[i]
                if b < 0xcc {
                    i += 1
                    continue
                } // ASCII, a continuation byte, or a scalar below U+0300
                if b < 0xe0 {
                    guard i + 1 < n else { return false }
                    let v = (Int(b & 0x1f) << 6) | Int(bytes[i + 1] & 0x3f)
                    if nfcTable[v] != 0 { return true }
                    i += 2
                } else if b < 0xf0 {
                    guard i + 2 < n else { return false }
                    let v = (Int(b & 0x0f) << 12) | (Int(bytes[i + 1] & 0x3f) << 6) | Int(bytes[i + 2] & 0x3f)
                    if nfcTable[v] != 0 { return true }
                    i += 3
                } else {
                    guard i + 3 < n else { return false }
                    let v =
                        (UInt32(b & 0x07) << 18) | (UInt32(bytes[i + 1] & 0x3f) << 12)
                        | (UInt32(bytes[i + 2] & 0x3f) << 6) | UInt32(bytes[i + 3] & 0x3f)
                    if let scalar = Unicode.Scalar(v), scalarMayNeedNFC(scalar) { return true }
                    i += 4
                }
            }
            return false
        }
    }

    /// `scalarMayNeedNFC` for every scalar of the Basic Multilingual Plane, 1 where it may. Built once.
    static let nfcTable: [UInt8] = (0..<0x10000).map { v in
        guard let scalar = Unicode.Scalar(UInt32(v)) else { return 0 }
        return scalarMayNeedNFC(scalar) ? 1 : 0
    }

    static func scalarMayNeedNFC(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x300 { return false }
        // General punctuation (quotes, dashes, ellipsis) is common and never changes under NFC,
        // but for the two spaces below.
        if v >= 0x2002 && v <= 0x206F { return false }
        if scalar.properties.canonicalCombiningClass != .notReordered { return true }
        if (0x1100...0x11FF).contains(v) || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v) { return true }
        if (0x0340...0x0344).contains(v) || v == 0x0374 || v == 0x037E || v == 0x0387 || (0x1F71...0x1FFD).contains(v)
            || v == 0x2000 || v == 0x2001 || v == 0x2126 || v == 0x212A || v == 0x212B || v == 0x2329 || v == 0x232A
        {
            return true
        }
        // Vowel signs and other marks that compose without a combining class (Indic, Hangul syllable parts).
        return scalar.properties.generalCategory == .spacingMark
    }

    /// Preformatted text keeps its spaces and line breaks; only line ends and blank edges are trimmed.
    static func preformatted(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.filter { $0 != 0x0d }, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            var l = line
            while let last = l.last, last == " " || last == "\t" || last == "\u{00A0}" { l = l.dropLast() }
            return l
        }
        while lines.first?.isEmpty == true { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n").precomposedStringWithCanonicalMapping
    }

    /// Characters of UTF-8 text that are not spaces (Unicode scalars, counted on bytes).
    public static func visibleCount<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        bytes.withContiguousStorageIfAvailable { visibleCount(contiguous: $0) }
            ?? Array(bytes).withUnsafeBufferPointer { visibleCount(contiguous: $0) }
    }

    private static func visibleCount(contiguous bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        for b in bytes where b & 0xc0 != 0x80 && b > 0x20 { count += 1 }
        return count
    }
}
