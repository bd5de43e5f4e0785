/// Finds which of several groups of substrings occur in a text, in one pass over its bytes
/// (an Aho-Corasick automaton compiled to a dense table). Built once per rule table; scanning
/// a class/id string costs one table lookup per byte, whatever the number of patterns.
public struct PatternMatcher: Sendable {
    /// Transition table: `table[state * 256 + byte]` is the next state.
    private let table: [Int32]
    /// Per state: bit `g` is set when a pattern of group `g` ends here.
    private let output: [UInt32]

    /// - Parameter groups: up to 32 groups of patterns; matching is ASCII case-insensitive.
    public init(groups: [[String]]) {
        precondition(groups.count <= 32, "at most 32 pattern groups")
        var goto: [[UInt8: Int32]] = [[:]]
        var out: [UInt32] = [0]
        for (g, patterns) in groups.enumerated() {
            for pattern in patterns {
                var state: Int32 = 0
                for var b in pattern.utf8 {
                    if b >= 0x41 && b <= 0x5a { b |= 0x20 }
                    if let next = goto[Int(state)][b] {
                        state = next
                    } else {
                        goto.append([:])
                        out.append(0)
                        let next = Int32(goto.count - 1)
                        goto[Int(state)][b] = next
                        state = next
                    }
                }
                out[Int(state)] |= 1 << UInt32(g)
            }
        }
        // Breadth-first: failure links, folded into a complete transition table.
        let count = goto.count
        var table = [Int32](repeating: 0, count: count * 256)
        var fail = [Int32](repeating: 0, count: count)
        var queue: [Int32] = []
        for (b, next) in goto[0] {
            table[Int(b)] = next
            queue.append(next)
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            out[Int(state)] |= out[Int(fail[Int(state)])]
            for b in 0..<256 {
                if let next = goto[Int(state)][UInt8(b)] {
                    fail[Int(next)] = table[Int(fail[Int(state)]) * 256 + b]
                    table[Int(state) * 256 + b] = next
                    queue.append(next)
                } else {
                    table[Int(state) * 256 + b] = table[Int(fail[Int(state)]) * 256 + b]
                }
            }
        }
        self.table = table
        self.output = out
    }

    /// The groups with at least one pattern in the UTF-8 of `text`, as a bit set (over the
    /// contiguous bytes, without bounds checks: class and id lists of every element go through here).
    public func groups(in text: String) -> UInt32 {
        var text = text
        return text.withUTF8 { groups(in: $0) }
    }

    /// The groups with at least one pattern in `bytes` (an attribute's value as the tree holds it).
    public func groups(in bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { groups(in: $0) }
    }

    @inline(__always)
    private func groups(in bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        table.withUnsafeBufferPointer { table in
            output.withUnsafeBufferPointer { output in
                var state = 0
                var found: UInt32 = 0
                for var b in bytes {
                    if b >= 0x41 && b <= 0x5a { b |= 0x20 }
                    state = Int(table[state &* 256 &+ Int(b)])
                    found |= output[state]
                }
                return found
            }
        }
    }
}
