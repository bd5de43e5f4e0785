/// Exact-duplicate removal within a run: the key is a 128-bit hash of the text with ASCII case
/// folded and whitespace collapsed; the first document in input order is kept. Memory: the 16-byte key
/// plus the hash set's overhead per kept document.
public struct ExactDedup {
    private var seen = Set<Hash128>()

    public init() {}

    /// Documents kept so far.
    public var keptCount: Int { seen.count }

    /// The duplicate key of a text.
    public static func key(_ text: String) -> Hash128 {
        // ASCII case folding on bytes (full Unicode lowercasing costs more than the rest of the
        // stage; near-duplicate detection normalises further).
        var normalized: [UInt8] = []
        normalized.reserveCapacity(text.utf8.count)
        var space = false
        for var b in text.utf8 {
            if b >= 0x41 && b <= 0x5a { b |= 0x20 }
            if b == 0x20 || b == 0x0a || b == 0x09 || b == 0x0d || b == 0x0c {
                space = true
                continue
            }
            if space && !normalized.isEmpty { normalized.append(0x20) }
            space = false
            normalized.append(b)
        }
        return Hash128(normalized)
    }

    /// True when the text was not seen before (and remembers it).
    public mutating func admit(_ text: String) -> Bool {
        seen.insert(Self.key(text)).inserted
    }
}
