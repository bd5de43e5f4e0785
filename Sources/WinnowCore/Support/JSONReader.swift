/// A small JSON parser over UTF-8 bytes, for reading NDJSON documents quickly (Foundation's
/// JSONSerialization builds bridged dictionaries and costs more than deduplicating the text).
/// Values keep their byte range, so a value can be passed through exactly as it was written.
package struct JSONReader {
    package indirect enum Value {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
        case array([Value])
        case object([(key: String, value: Value, range: Range<Int>)])

        package var string: String? { if case .string(let s) = self { return s } else { return nil } }

        package subscript(_ key: String) -> Value? {
            guard case .object(let members) = self else { return nil }
            return members.first { $0.key == key }?.value
        }
    }

    struct Failure: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private let strict: Bool
    private var i = 0
    private var depth = 0

    /// Parses one JSON value that fills `bytes` (whitespace around it allowed). Not `strict`:
    /// control characters (a raw line break, say) are taken into strings as they are, as
    /// Python's `json.loads(strict=False)` takes them; JSON forbids them, and pages' JSON-LD
    /// written by templates has them (extruct reads JSON-LD so).
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>, strict: Bool = true) throws -> Value {
        var reader = JSONReader(bytes: bytes, strict: strict)
        let value = try reader.value()
        reader.skipSpace()
        guard reader.i == bytes.count else { throw Failure() }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, strict: Bool) {
        self.bytes = bytes
        self.strict = strict
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0a || bytes[i] == 0x0d || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func expect(_ word: String) throws {
        for b in word.utf8 {
            guard i < bytes.count, bytes[i] == b else { throw Failure() }
            i += 1
        }
    }

    mutating func value() throws -> Value {
        skipSpace()
        guard i < bytes.count else { throw Failure() }
        switch bytes[i] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        default:
            return .number(try number())
        }
    }

    private mutating func object() throws -> Value {
        depth += 1
        guard depth < 512 else { throw Failure() }
        defer { depth -= 1 }
        i += 1
        var members: [(String, Value, Range<Int>)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Failure() }
            let key = try string()
            skipSpace()
            try expect(":")
            skipSpace()
            let start = i
            let v = try value()
            members.append((key, v, start..<i))
            if try endOfList("}") { return .object(members) }
        }
    }

    private mutating func array() throws -> Value {
        depth += 1
        guard depth < 512 else { throw Failure() }
        defer { depth -= 1 }
        i += 1
        var items: [Value] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            return .array(items)
        }
        while true {
            items.append(try value())
            if try endOfList("]") { return .array(items) }
        }
    }

    /// After a member or an item: true at the closing bracket, false after a comma.
    private mutating func endOfList(_ close: Unicode.Scalar) throws -> Bool {
        skipSpace()
        guard i < bytes.count else { throw Failure() }
        if bytes[i] == UInt8(ascii: ",") {
            i += 1
            return false
        }
        if bytes[i] == UInt8(ascii: close) {
            i += 1
            return true
        }
        throw Failure()
    }

    private mutating func number() throws -> Double {
        let start = i
        while i < bytes.count,
            (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == UInt8(ascii: "-")
                || bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "e")
                || bytes[i] == UInt8(ascii: "E")
        {
            i += 1
        }
        guard i > start, let number = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)) else {
            throw Failure()
        }
        return number
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw Failure() }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            i += 1
            switch b {
            case 0x30...0x39: v = v << 4 | UInt32(b - 0x30)
            case 0x41...0x46: v = v << 4 | UInt32(b - 0x37)
            case 0x61...0x66: v = v << 4 | UInt32(b - 0x57)
            default: throw Failure()
            }
        }
        return v
    }

    private mutating func string() throws -> String {
        i += 1 // the opening quote
        let start = i
        // Fast path: no escapes.
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\") {
            guard bytes[i] >= 0x20 || !strict else { throw Failure() }
            i += 1
        }
        guard i < bytes.count else { throw Failure() }
        if bytes[i] == UInt8(ascii: "\"") {
            defer { i += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b != UInt8(ascii: "\\") {
                guard b >= 0x20 || !strict else { throw Failure() }
                out.append(b)
                i += 1
                continue
            }
            i += 1
            guard i < bytes.count else { throw Failure() }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00, i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let low = try hex4()
                    scalar = (low >= 0xDC00 && low < 0xE000) ? 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                }
                out.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
            default: throw Failure()
            }
        }
        throw Failure()
    }
}
