import Foundation
import WinnowCompression
import WinnowCore

/// C4's bad-words list (Raffel et al. 2020: "List of Dirty, Naughty, Obscene or Otherwise Bad
/// Words"), read from the user's file: one word or phrase a line, plain or `.gz`, `#` comments.
/// An entry matches where it stands as whole words in the lowercased text, as C4's expression
/// `(?:\W|^)(entry|...)(?:\W|$)` does: words are runs of letters, digits, marks and `_`; a phrase
/// matches words separated by single spaces; an entry with other characters (`a$$`) matches as
/// written, between non-word characters.
public struct BadWords: Sendable, Equatable {
    /// The file it was read from (for messages and `validate`).
    public let path: String
    /// Hashes of the entries of one or more words, by their number of words.
    private var entries: [Int: Set<UInt64>] = [:]
    /// Entries with characters other than word characters and single spaces.
    private var literal: [[UInt8]] = []
    public private(set) var count = 0

    public static func load(_ path: String) throws -> BadWords {
        var lines: [String] = []
        try ListFile.forEachLine(path) { lines.append(String(decoding: $0, as: UTF8.self)) }
        let list = BadWords(entries: lines, path: path)
        guard list.count > 0 else { throw ListFile.Problem(description: "\(path): the bad-words list has no entry") }
        return list
    }

    /// The list of these lines (blank lines and `#` comments skipped).
    public init(entries lines: [String], path: String = "") {
        self.path = path
        for line in lines {
            let entry = line.lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
            guard !entry.isEmpty, !entry.hasPrefix("#") else { continue }
            let b = Array(entry.utf8)
            let words = Self.words(b)
            // A plain entry is its words joined by single spaces; anything else is matched as written.
            if !words.isEmpty && words.map({ String(decoding: b[$0], as: UTF8.self) }).joined(separator: " ") == entry {
                entries[words.count, default: []].insert(FNV1a.hash(b))
            } else {
                literal.append(b)
            }
            count += 1
        }
    }

    /// How many times an entry occurs in `text`.
    public func matches(in text: String) -> Int {
        var b = Array(text.utf8)
        // ASCII text is lowercased byte by byte; other text by Unicode's rules.
        if b.allSatisfy({ $0 < 0x80 }) {
            for i in b.indices where b[i] >= 0x41 && b[i] <= 0x5a { b[i] |= 0x20 }
        } else {
            b = Array(FastCase.lowercased(text).utf8)
        }
        let words = Self.words(b)
        var found = 0
        for (n, hashes) in entries {
            guard words.count >= n else { continue }
            for i in 0...(words.count - n) {
                let first = words[i]
                let last = words[i + n - 1]
                // The words of a phrase are separated by one space each.
                if n > 1
                    && (1..<n).contains(where: {
                        words[i + $0].lowerBound != words[i + $0 - 1].upperBound + 1 || b[words[i + $0 - 1].upperBound] != 0x20
                    })
                {
                    continue
                }
                if hashes.contains(FNV1a.hash(b[first.lowerBound..<last.upperBound])) { found += 1 }
            }
        }
        for entry in literal { found += Self.occurrences(of: entry, in: b) }
        return found
    }

    /// Occurrences of `entry` between non-word characters.
    private static func occurrences(of entry: [UInt8], in b: [UInt8]) -> Int {
        guard let first = entry.first, entry.count <= b.count else { return 0 }
        var found = 0
        var i = 0
        while let at = b[i...].firstIndex(of: first) {
            i = at + 1
            guard at + entry.count <= b.count, b[at..<(at + entry.count)].elementsEqual(entry) else { continue }
            let before = at == 0 || !isWordByteBefore(b, at)
            let after = at + entry.count == b.count || !isWordScalar(b, at + entry.count)
            if before && after { found += 1 }
        }
        return found
    }

    /// The ranges of the words (runs of word characters) in UTF-8 bytes.
    static func words(_ b: [UInt8]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = -1
        var i = 0
        while i < b.count {
            let length = scalarLength(b[i])
            if isWordScalar(b, i) {
                if start < 0 { start = i }
            } else if start >= 0 {
                result.append(start..<i)
                start = -1
            }
            i += length
        }
        if start >= 0 { result.append(start..<b.count) }
        return result
    }

    private static func scalarLength(_ lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4
    }

    /// Whether the scalar starting at `i` is a word character (`\w`: letters, digits, marks, `_`).
    static func isWordScalar(_ b: [UInt8], _ i: Int) -> Bool {
        let c = b[i]
        if c < 0x80 {
            return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c == UInt8(ascii: "_")
        }
        let n = min(scalarLength(c), b.count - i)
        var value = UInt32(c) & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07)
        for k in 1..<max(n, 1) { value = value << 6 | UInt32(b[i + k] & 0x3f) }
        if value < 0x10000 { return wordTable[Int(value)] }
        guard let scalar = Unicode.Scalar(value) else { return false }
        return isWord(scalar)
    }

    private static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        let p = scalar.properties
        return p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark || p.generalCategory == .spacingMark
    }

    /// Whether each scalar of the Basic Multilingual Plane is a word character. Built once.
    private static let wordTable: [Bool] = (0..<0x10000).map { v in
        guard let scalar = Unicode.Scalar(UInt32(v)) else { return false }
        return v == 0x5f || isWord(scalar)
    }

    /// Whether the scalar ending just before `i` is a word character.
    private static func isWordByteBefore(_ b: [UInt8], _ i: Int) -> Bool {
        var s = i - 1
        while s > 0 && b[s] & 0xc0 == 0x80 { s -= 1 }
        return isWordScalar(b, s)
    }
}
