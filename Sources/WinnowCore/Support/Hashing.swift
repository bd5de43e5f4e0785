/// A 128-bit hash of bytes (MurmurHash3, x64 variant): fast, well mixed, not cryptographic.
/// Used for stable document ids and exact-duplicate keys, where 64 bits would collide at scale.
public struct Hash128: Hashable, Sendable, Comparable {
    public var high: UInt64
    public var low: UInt64

    public static func < (a: Hash128, b: Hash128) -> Bool { (a.high, a.low) < (b.high, b.low) }

    /// 32 lowercase hex digits.
    public var hex: String {
        var out = [UInt8](repeating: 0, count: 32)
        let digits = Array("0123456789abcdef".utf8)
        for i in 0..<16 {
            let word = i < 8 ? high : low
            let byte = UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * (i % 8)))
            out[2 * i] = digits[Int(byte >> 4)]
            out[2 * i + 1] = digits[Int(byte & 15)]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Hashes `bytes` with `seed`.
    public init<C: Collection>(_ bytes: C, seed: UInt64 = 0) where C.Element == UInt8 {
        if let result = bytes.withContiguousStorageIfAvailable({ Hash128.murmur(UnsafeRawBufferPointer($0), seed: seed) }) {
            self = result
        } else {
            self = Array(bytes).withUnsafeBytes { Hash128.murmur($0, seed: seed) }
        }
    }

    /// Hashes the UTF-8 of a string.
    public init(_ string: String, seed: UInt64 = 0) {
        var s = string
        self = s.withUTF8 { Hash128.murmur(UnsafeRawBufferPointer($0), seed: seed) }
    }

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// MurmurHash3's 64-bit finaliser: spreads every input bit over the output (also used to
    /// finish the word and shingle hashes of near-duplicate detection).
    @inline(__always)
    package static func fmix(_ k: UInt64) -> UInt64 {
        var k = k
        k ^= k >> 33
        k &*= 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k &*= 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    package static func murmur(_ data: UnsafeRawBufferPointer, seed: UInt64) -> Hash128 {
        let c1: UInt64 = 0x87c3_7b91_1142_53d5
        let c2: UInt64 = 0x4cf5_ad43_2745_937f
        var h1 = seed
        var h2 = seed
        let n = data.count
        let blocks = n / 16
        for i in 0..<blocks {
            var k1 = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self))
            var k2 = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt64.self))
            k1 &*= c1
            k1 = rotl(k1, 31)
            k1 &*= c2
            h1 ^= k1
            h1 = rotl(h1, 27)
            h1 &+= h2
            h1 = h1 &* 5 &+ 0x52dc_e729
            k2 &*= c2
            k2 = rotl(k2, 33)
            k2 &*= c1
            h2 ^= k2
            h2 = rotl(h2, 31)
            h2 &+= h1
            h2 = h2 &* 5 &+ 0x3849_5ab5
        }
        let tail = blocks * 16
        var k1: UInt64 = 0
        var k2: UInt64 = 0
        let rest = n & 15
        if rest > 8 {
            for i in stride(from: rest - 1, through: 8, by: -1) { k2 ^= UInt64(data[tail + i]) << UInt64((i - 8) * 8) }
            k2 &*= c2
            k2 = rotl(k2, 33)
            k2 &*= c1
            h2 ^= k2
        }
        if rest > 0 {
            for i in stride(from: min(rest, 8) - 1, through: 0, by: -1) { k1 ^= UInt64(data[tail + i]) << UInt64(i * 8) }
            k1 &*= c1
            k1 = rotl(k1, 31)
            k1 &*= c2
            h1 ^= k1
        }
        h1 ^= UInt64(n)
        h2 ^= UInt64(n)
        h1 &+= h2
        h2 &+= h1
        h1 = fmix(h1)
        h2 = fmix(h2)
        h1 &+= h2
        h2 &+= h1
        return Hash128(high: h1, low: h2)
    }
}

/// FNV-1a, 64 bits: a short key's hash without allocating (list entries, words, addresses).
public enum FNV1a {
    @inlinable
    public static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
