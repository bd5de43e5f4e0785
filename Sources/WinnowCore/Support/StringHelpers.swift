extension String {
    /// Whether `needle` occurs in the string, by a byte search of the UTF-8 (Foundation's
    /// `contains` goes through NSString and costs far more on hot paths).
    package func containsBytes(_ needle: String) -> Bool {
        byteOffset(of: needle) != nil
    }

    /// The UTF-8 offset of the first occurrence of `needle` at or after the offset `start`, or nil.
    package func byteOffset(of needle: String, from start: Int = 0) -> Int? {
        var haystack = self
        var pattern = needle
        return haystack.withUTF8 { h in
            pattern.withUTF8 { p -> Int? in
                guard !p.isEmpty else { return start }
                guard p.count <= h.count else { return nil }
                let first = p[0]
                var i = start
                let last = h.count - p.count
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < p.count && h[i + j] == p[j] { j += 1 }
                        if j == p.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }

    /// The string with every occurrence of `needle` removed, left to right, by a byte search of the
    /// UTF-8 (what `replacingOccurrences(of: needle, with: "")` gives for an ASCII needle, without
    /// going through NSString).
    package func removingBytes(_ needle: String) -> String {
        guard !needle.isEmpty else { return self }
        let bytes = Array(utf8)
        var out: [UInt8] = []
        var start = 0
        while let offset = byteOffset(of: needle, from: start) {
            out.append(contentsOf: bytes[start..<offset])
            start = offset + needle.utf8.count
        }
        out.append(contentsOf: bytes[start...])
        return String(decoding: out, as: UTF8.self)
    }

    /// The text after the first occurrence of `needle`, or nil.
    func suffix(after needle: String) -> Substring? {
        guard let offset = byteOffset(of: needle) else { return nil }
        let index = utf8.index(utf8.startIndex, offsetBy: offset + needle.utf8.count)
        return self[index...]
    }

    /// The UTF-8 offset of the last occurrence of `needle`, or nil.
    func lastByteOffset(of needle: String) -> Int? {
        var haystack = self
        var pattern = needle
        return haystack.withUTF8 { h in
            pattern.withUTF8 { p -> Int? in
                guard !p.isEmpty, p.count <= h.count else { return nil }
                var i = h.count - p.count
                while i >= 0 {
                    if h[i] == p[0] {
                        var j = 1
                        while j < p.count && h[i + j] == p[j] { j += 1 }
                        if j == p.count { return i }
                    }
                    i -= 1
                }
                return nil
            }
        }
    }

    /// The text before and after the last occurrence of `separator`, or nil.
    package func splitAtLast(_ separator: String) -> (head: String, tail: String)? {
        guard let offset = lastByteOffset(of: separator) else { return nil }
        let u = Array(utf8)
        return (String(decoding: u[0..<offset], as: UTF8.self), String(decoding: u[(offset + separator.utf8.count)...], as: UTF8.self))
    }

    /// The string without leading and trailing ASCII spaces, tabs and line breaks.
    package func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}

/// Case folding without `String.lowercased()`'s per-scalar String building on non-ASCII text.
package enum FastCase {
    /// The same String as `text.lowercased()` (each scalar's full lowercase mapping, in order).
    package static func lowercased(_ text: String) -> String {
        if isASCII(text) {
            return text.lowercased() // the standard library's ASCII fast path
        }
        let table = lowercaseTable
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x10000 && table[Int(v)] != multiScalar, let lower = Unicode.Scalar(table[Int(v)]) {
                UTF8.encode(lower) { out.append($0) }
            } else {
                for l in scalar.properties.lowercaseMapping.unicodeScalars { UTF8.encode(l) { out.append($0) } }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether the text is all ASCII, by a scan of its contiguous UTF-8 (false for a string
    /// without contiguous storage: the caller's general path then runs).
    package static func isASCII(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { !$0.contains { $0 >= 0x80 } } ?? false
    }

    /// For every scalar of the Basic Multilingual Plane, its lowercase mapping when that is one
    /// scalar, else `multiScalar`. Built once.
    package static let lowercaseTable: [UInt32] = (0..<0x10000).map { v -> UInt32 in
        guard let scalar = Unicode.Scalar(UInt32(v)), scalar.properties.changesWhenLowercased else { return UInt32(v) }
        let mapping = scalar.properties.lowercaseMapping.unicodeScalars
        return mapping.count == 1 ? mapping.first!.value : multiScalar
    }

    package static let multiScalar: UInt32 = 0xFFFF_FFFF
}

// Inlinable: called from other modules on buffers and slices, where an unspecialized generic
// walk costs a metadata lookup per byte (this once made the extract stage four times slower).
extension Collection<UInt8> {
    /// Whether the bytes, ASCII capitals folded to lowercase, start with `prefix` (lowercase).
    @inlinable
    package func startsFoldingASCII(with prefix: [UInt8]) -> Bool {
        guard count >= prefix.count else { return false }
        var index = startIndex
        for p in prefix {
            let b = self[index]
            if (b >= 0x41 && b <= 0x5a ? b | 0x20 : b) != p { return false }
            formIndex(after: &index)
        }
        return true
    }
}

/// Lowercase byte prefixes grouped by their first byte, so that asking whether a text starts with
/// any of them (ASCII capitals folded) tries only the entries that can match. Flat arrays of
/// plain numbers: no reference counting while it is read.
package struct FoldedPrefixes: Sendable {
    /// All entries' bytes, one after another, grouped by first byte.
    private let bytes: [UInt8]
    /// Per entry, in the same order: where its bytes start, how many, its index in the list given.
    private let starts: [Int32]
    private let lengths: [Int32]
    private let indices: [Int32]
    /// Per first byte (and one past the last): the first entry with it.
    private let firstEntry: [Int32]

    /// `prefixes`: lowercase and not empty.
    package init(_ prefixes: [String]) {
        let entries = prefixes.enumerated().map { (index: $0.offset, bytes: Array($0.element.utf8)) }
        precondition(entries.allSatisfy { !$0.bytes.isEmpty }, "an empty prefix")
        let ordered = entries.sorted { ($0.bytes[0], $0.index) < ($1.bytes[0], $1.index) }
        // The entries with a first byte below b come first: their count is where b's start.
        var firstEntry = [Int32](repeating: 0, count: 257)
        for entry in ordered { firstEntry[Int(entry.bytes[0]) + 1] += 1 }
        for b in 1...256 { firstEntry[b] += firstEntry[b - 1] }
        var bytes: [UInt8] = []
        var starts: [Int32] = []
        for entry in ordered {
            starts.append(Int32(bytes.count))
            bytes += entry.bytes
        }
        self.bytes = bytes
        self.starts = starts
        lengths = ordered.map { Int32($0.bytes.count) }
        indices = ordered.map { Int32($0.index) }
        self.firstEntry = firstEntry
    }

    /// Whether `text` starts with an entry (ASCII capitals folded) whose index in the list given
    /// passes `test`.
    package func startsAny(_ text: UnsafeBufferPointer<UInt8>, where test: (Int) -> Bool = { _ in true }) -> Bool {
        guard let first = text.first else { return false }
        let key = Int(first >= 0x41 && first <= 0x5a ? first | 0x20 : first)
        var entry = Int(firstEntry[key])
        let last = Int(firstEntry[key + 1])
        while entry < last {
            defer { entry += 1 }
            let length = Int(lengths[entry])
            guard length <= text.count else { continue }
            let start = Int(starts[entry])
            var i = 1
            while i < length {
                let b = text[i]
                if (b >= 0x41 && b <= 0x5a ? b | 0x20 : b) != bytes[start + i] { break }
                i += 1
            }
            if i == length && test(Int(indices[entry])) { return true }
        }
        return false
    }

    /// `startsAny` on the UTF-8 of `text` (a native string's own bytes: no copy).
    package func startsAny(_ text: String, where test: (Int) -> Bool = { _ in true }) -> Bool {
        var text = text
        return text.withUTF8 { startsAny($0, where: test) }
    }
}

extension BidirectionalCollection<UInt8> {
    /// Whether the bytes, ASCII capitals folded to lowercase, end with `suffix` (lowercase).
    @inlinable
    package func endsFoldingASCII(with suffix: [UInt8]) -> Bool {
        guard count >= suffix.count else { return false }
        var index = endIndex
        for p in suffix.reversed() {
            formIndex(before: &index)
            let b = self[index]
            if (b >= 0x41 && b <= 0x5a ? b | 0x20 : b) != p { return false }
        }
        return true
    }
}
