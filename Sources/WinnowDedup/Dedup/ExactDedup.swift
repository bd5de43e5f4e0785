import WinnowCore

/// Exact-duplicate removal within a run: the key is a 128-bit hash of the text with ASCII case
/// folded and whitespace collapsed; the first document in input order is kept. Memory: the 16-byte key
/// plus the hash set's overhead per kept document.
public struct ExactDedup {
    private var seen: [Hash128: String] = [:]
    private let keepIDs: Bool

    /// - Parameter keepIDs: remember the kept document's id for each key (for `--explain`).
    public init(keepIDs: Bool = false) { self.keepIDs = keepIDs }

    /// Documents kept so far.
    public var keptCount: Int { seen.count }

    /// The duplicate key of a text: two 64-bit FNV-1a hashes (different offsets) of its bytes with
    /// ASCII case folded and whitespace runs collapsed, computed on the fly without a copy. (Full
    /// Unicode lowercasing would cost more than the rest of the stage; near-duplicate detection
    /// normalises further.)
    public static func key(_ text: String) -> Hash128 {
        if let key = text.utf8.withContiguousStorageIfAvailable({ key(utf8: $0) }) { return key }
        return key(utf8: Array(text.utf8))
    }

    private static func key<C: Collection>(utf8: C) -> Hash128 where C.Element == UInt8 {
        var h1: UInt64 = 0xcbf2_9ce4_8422_2325
        var h2: UInt64 = 0x6c62_272e_07bb_0142
        var space = false
        var started = false
        for var b in utf8 {
            if b == 0x20 || b == 0x0a || b == 0x09 || b == 0x0d || b == 0x0c {
                space = true
                continue
            }
            if space && started {
                h1 = (h1 ^ 0x20) &* 0x100_0000_01b3
                h2 = (h2 ^ 0x20) &* 0x100_0000_01b3
            }
            space = false
            started = true
            if b >= 0x41 && b <= 0x5a { b |= 0x20 }
            h1 = (h1 ^ UInt64(b)) &* 0x100_0000_01b3
            h2 = (h2 ^ UInt64(b)) &* 0x100_0000_01b3
        }
        return Hash128(high: Shingler.finish(h1), low: Shingler.finish(h2 ^ 0x9e37_79b9_7f4a_7c15))
    }

    /// True when the text was not seen before (and remembers it).
    public mutating func admit(_ text: String, id: String = "") -> Bool {
        keeper(of: text, id: id) == nil
    }

    /// The id of the earlier document with the same text (empty when ids are not kept), or nil
    /// when the text is new (and is remembered under `id`).
    public mutating func keeper(of text: String, id: String) -> String? {
        let key = Self.key(text)
        if let earlier = seen[key] { return earlier }
        seen[key] = keepIDs ? id : ""
        return nil
    }
}
