import WinnowCore

/// Settings of near-duplicate detection.
public struct NearDedupSettings: Sendable, Equatable {
    /// Words per shingle.
    public var shingleSize = 5
    /// MinHash values per document (bins of one-permutation hashing); must equal bands × rows.
    public var hashes = 128
    public var bands = 32
    public var rows = 4
    /// Estimated Jaccard similarity at or above which a candidate pair is a duplicate.
    public var threshold = 0.58
    /// Estimated containment (shared shingles over the smaller document's) at or above which a
    /// candidate pair is a duplicate too: a truncated copy is contained in its original even when
    /// their Jaccard similarity is low.
    public var containment = 0.9
    /// At most about this many shingles per paragraph (a hash-chosen sample of longer ones).
    public var paragraphCap = 64
    public init() {}

    public var isValid: Bool {
        hashes == bands * rows && hashes >= 8 && hashes <= 1024 && shingleSize >= 1 && threshold > 0 && threshold <= 1 && containment > 0
            && containment <= 1 && paragraphCap >= 1
    }
}

/// A MinHash signature by one-permutation hashing: each shingle is hashed once and lands in one of
/// `hashes` bins, which keep their minimum; empty bins borrow from the next full one
/// (densification), so a signature costs one hash per shingle instead of one per shingle and bin.
public struct MinHasher: Sendable {
    public let settings: NearDedupSettings
    let shingler: Shingler

    public init(settings: NearDedupSettings) {
        self.settings = settings
        self.shingler = Shingler(size: settings.shingleSize, paragraphCap: settings.paragraphCap)
    }

    /// The signature of `text` (`hashes` values) into `out`, and its distinct shingles (32-bit
    /// hashes, sorted) into `shingles`, for exact verification of candidates.
    public func signature(_ text: String, into out: inout [UInt32], shingles: inout [UInt32]) {
        shingles.removeAll(keepingCapacity: true)
        signature(text, into: &out) { shingles.append(UInt32(truncatingIfNeeded: $0 >> 16)) }
        Self.radixSort(&shingles)
        var unique = 0
        for i in shingles.indices where i == 0 || shingles[i] != shingles[unique - 1] {
            shingles[unique] = shingles[i]
            unique += 1
        }
        shingles.removeSubrange(unique...)
    }

    /// Sorts 32-bit values in four passes of 8 bits (several times faster than a comparison sort
    /// for the few hundred to few thousand shingles of a document).
    static func radixSort(_ values: inout [UInt32]) {
        let n = values.count
        if n < 64 {
            values.sort()
            return
        }
        var scratch = [UInt32](repeating: 0, count: n)
        values.withUnsafeMutableBufferPointer { a in
            scratch.withUnsafeMutableBufferPointer { b in
                var src = a
                var dst = b
                var counts = [Int](repeating: 0, count: 256)
                for shift in stride(from: 0, to: 32, by: 8) {
                    for i in 0..<256 { counts[i] = 0 }
                    for v in src { counts[Int((v >> UInt32(shift)) & 0xff)] += 1 }
                    var total = 0
                    for i in 0..<256 {
                        let c = counts[i]
                        counts[i] = total
                        total += c
                    }
                    for v in src {
                        let d = Int((v >> UInt32(shift)) & 0xff)
                        dst[counts[d]] = v
                        counts[d] += 1
                    }
                    swap(&src, &dst)
                }
                // Four passes: the sorted values are back in `a`.
            }
        }
    }

    /// The signature of `text` (`hashes` values) into `out`; returns the number of shingles.
    @discardableResult
    public func signature(_ text: String, into out: inout [UInt32], each: (UInt64) -> Void = { _ in }) -> Int {
        let k = settings.hashes
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: repeatElement(UInt32.max, count: k))
        let words = shingler.wordHashes(text)
        let shingles = out.withUnsafeMutableBufferPointer { bins in
            shingler.forEachShingle(words) { h in
                each(h)
                // The bin from the high half (multiply-shift, no division), the value from the low half.
                let bin = Int((UInt64(UInt32(truncatingIfNeeded: h >> 32)) &* UInt64(k)) >> 32)
                let value = UInt32(truncatingIfNeeded: h)
                if value < bins[bin] { bins[bin] = value }
            }
        }
        // Densify: an empty bin (still UInt32.max) takes the value of the next full bin to its
        // right (circularly), mixed with the distance, so that two documents fill empty bins alike.
        return out.withUnsafeMutableBufferPointer { bins -> Int in
            guard bins.contains(where: { $0 != UInt32.max }) else { return shingles }
            var filled = [Bool](repeating: false, count: k)
            for i in 0..<k { filled[i] = bins[i] != UInt32.max }
            for i in 0..<k where !filled[i] {
                var j = (i + 1) % k
                var distance: UInt32 = 1
                while !filled[j] {
                    j = (j + 1) % k
                    distance += 1
                }
                bins[i] = bins[j] &+ distance &* 0x9e37_79b9
            }
            return shingles
        }
    }

    /// Whether `a`, the later document, is a near-duplicate of `b`, an earlier one, from their exact
    /// shingle sets (sorted, distinct): Jaccard similarity at or above the threshold, or `a`
    /// contained in `b` at or above the containment threshold.
    public func isDuplicate(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Bool {
        guard !a.isEmpty, !b.isEmpty else { return false }
        var i = 0
        var j = 0
        var shared = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                shared += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        let union = a.count + b.count - shared
        if Double(shared) >= settings.threshold * Double(union) { return true }
        // Containment counts one way: the later document inside the earlier (a truncated copy),
        // not an earlier short text inside a later, longer one that adds its own.
        return Double(shared) >= settings.containment * Double(a.count)
    }

    /// Share of equal values of two signatures: an estimate of the Jaccard similarity.
    public static func similarity(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Double {
        var equal = 0
        for i in 0..<min(a.count, b.count) where a[i] == b[i] { equal += 1 }
        return a.isEmpty ? 0 : Double(equal) / Double(a.count)
    }

    /// The key of band `band` of a signature (its `rows` values and the band number, hashed).
    @inline(__always)
    public func bandKey(_ signature: UnsafeBufferPointer<UInt32>, band: Int) -> UInt64 {
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15 &+ UInt64(band) &* 0xbf58_476d_1ce4_e5b9
        let start = band * settings.rows
        for i in start..<(start + settings.rows) {
            h = Shingler.finish(h ^ UInt64(signature[i]))
        }
        return h
    }
}
