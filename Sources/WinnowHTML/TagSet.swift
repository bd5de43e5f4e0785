/// A set of tags as a bit table: membership is one load, no hashing (for per-element checks).
public struct TagSet: Sendable {
    private var bits: [UInt64] = [UInt64](repeating: 0, count: 8)

    public init(_ tags: [Tag]) {
        for tag in tags { insert(tag) }
    }

    public mutating func insert(_ tag: Tag) {
        let raw = Int(tag.rawValue)
        guard raw < 512 else { return }
        bits[raw >> 6] |= 1 << UInt64(raw & 63)
    }

    @inline(__always)
    public func contains(_ tag: Tag) -> Bool {
        let raw = Int(tag.rawValue)
        return raw < 512 && bits[raw >> 6] & (1 << UInt64(raw & 63)) != 0
    }
}
