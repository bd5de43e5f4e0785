/// Writes JSON into a byte buffer, with keys in the order given: output bytes depend only on the
/// values, which is what byte-identical shards need (and is several times faster than JSONEncoder).
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    public init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    public mutating func beginObject() {
        separator()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma.removeLast()
    }

    public mutating func beginArray() {
        separator()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma.removeLast()
    }

    /// Writes `"name":` inside an object; the value call that follows does not add a comma.
    public mutating func key(_ name: String) {
        separator()
        Self.appendQuoted(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    /// `"name":value` in one call, for each kind of value.
    public mutating func field(_ name: String, _ value: String?) {
        key(name)
        string(value)
    }

    public mutating func field(_ name: String, _ value: Int?) {
        key(name)
        int(value)
    }

    public mutating func field(_ name: String, _ value: Bool?) {
        key(name)
        bool(value)
    }

    public mutating func field(_ name: String, _ value: Double?, digits: Int = 4) {
        key(name)
        double(value, digits: digits)
    }

    /// `"name":[...]` of whole numbers.
    public mutating func field(_ name: String, ints values: [Int]) {
        key(name)
        beginArray()
        for v in values { int(v) }
        endArray()
    }

    /// `"name":[...]` of strings.
    public mutating func field(_ name: String, strings values: [String]) {
        key(name)
        beginArray()
        for v in values { string(v) }
        endArray()
    }

    private mutating func afterValue() { needsComma[needsComma.count - 1] = true }

    public mutating func string(_ value: String?) {
        separator()
        if let value { Self.appendQuoted(value, to: &bytes) } else { bytes.append(contentsOf: Self.null) }
    }

    public mutating func int(_ value: Int?) {
        separator()
        if let value { bytes.append(contentsOf: String(value).utf8) } else { bytes.append(contentsOf: Self.null) }
    }

    /// Writes a number with at most `digits` decimals, without exponent (stable across platforms).
    public mutating func double(_ value: Double?, digits: Int = 4) {
        separator()
        guard let value, value.isFinite else {
            bytes.append(contentsOf: Self.null)
            return
        }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value * scale).rounded()
        let negative = scaled < 0
        let magnitude = Int64(abs(scaled))
        let whole = magnitude / Int64(scale)
        let fraction = magnitude % Int64(scale)
        if negative && magnitude != 0 { bytes.append(UInt8(ascii: "-")) }
        bytes.append(contentsOf: String(whole).utf8)
        if fraction != 0 {
            var f = String(fraction)
            f = String(repeating: "0", count: digits - f.count) + f
            while f.hasSuffix("0") { f.removeLast() }
            bytes.append(UInt8(ascii: "."))
            bytes.append(contentsOf: f.utf8)
        }
    }

    public mutating func bool(_ value: Bool?) {
        separator()
        guard let value else {
            bytes.append(contentsOf: Self.null)
            return
        }
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Writes an already-encoded JSON value as is.
    public mutating func raw(_ json: [UInt8]) {
        separator()
        bytes.append(contentsOf: json)
    }

    static let null = Array("null".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends a JSON string literal. Non-ASCII stays as UTF-8; control characters, quotes,
    /// backslashes and U+2028/U+2029 (which break JavaScript-based readers) are escaped.
    public static func appendQuoted(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var copy = value
        copy.withUTF8 { utf8 in
            var runStart = 0
            var i = 0
            while i < utf8.count {
                let b = utf8[i]
                var escape: [UInt8]? = nil
                var width = 1
                if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                    switch b {
                    case UInt8(ascii: "\""): escape = [0x5c, 0x22]
                    case UInt8(ascii: "\\"): escape = [0x5c, 0x5c]
                    case 0x0a: escape = [0x5c, UInt8(ascii: "n")]
                    case 0x0d: escape = [0x5c, UInt8(ascii: "r")]
                    case 0x09: escape = [0x5c, UInt8(ascii: "t")]
                    default:
                        escape = Array("\\u00".utf8) + [hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]]
                    }
                } else if b == 0xe2 && i + 2 < utf8.count && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xa8 || utf8[i + 2] == 0xa9) {
                    escape = Array((utf8[i + 2] == 0xa8 ? "\\u2028" : "\\u2029").utf8)
                    width = 3
                }
                if let escape {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                    out.append(contentsOf: escape)
                    i += width
                    runStart = i
                } else {
                    i += 1
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        out.append(UInt8(ascii: "\""))
    }
}
