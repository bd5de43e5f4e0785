import Foundation
import WinnowCore

/// What the pii stage does with what it finds.
public enum PIIMode: String, Sendable, CaseIterable {
    /// Replace each address (and phone number, when on) and count them in `metadata.pii`.
    case redact
    /// Count them in `metadata.pii`; the text is left as it is.
    case annotate
}

/// The pii stage's settings. The defaults are FineWeb's: e-mail addresses and public IP addresses
/// replaced, phone numbers left.
public struct PIISettings: Sendable {
    public var mode: PIIMode = .redact
    public var emails = true
    public var ips = true
    public var phones = false
    /// An address is replaced by one of these, chosen by its hash (the same address, the same
    /// replacement). FineWeb's: example.com and example.org are reserved for examples (RFC 2606).
    public var emailReplacements = ["email@example.com", "firstname.lastname@example.org"]
    /// Addresses of the ranges reserved for documentation (RFC 5737, RFC 3849): no host has them,
    /// and the stage does not take them for public addresses, so redacting twice changes nothing.
    public var ipReplacements = ["192.0.2.1", "198.51.100.2", "203.0.113.3"]
    public var phoneReplacements = ["555-0100"]
    /// Drop documents with more than this many findings per 1,000 words (0: never).
    public var maxPerThousandWords: Double = 0

    public init() {}
}

/// Finds e-mail addresses, public IP addresses and phone numbers in text, by a scan of its bytes
/// (no regular expressions: the stage runs on every kept document).
///
/// Not taken: addresses at example.com/.org/.net; IPv4 addresses of private, loopback,
/// link-local, shared, multicast, reserved and documentation ranges, and numbers that continue
/// (`1.2.3.4.5`), follow a letter or a dot (`v1.2.3.4`), or follow a word saying they are a version
/// (`version 10.0.0.1`); IPv6 addresses outside global unicast (2000::/3) or in its documentation,
/// IETF and 6to4 blocks. Phone numbers: `+` and 8 to 15 digits, or North American 3-3-4 digits.
public struct PIIFinder: Sendable {
    public enum Kind: Int, Sendable, CaseIterable {
        case email, ip, phone
        /// The key in `metadata.pii`.
        public var key: String { ["emails", "ips", "phones"][rawValue] }
    }

    public struct Finding: Sendable, Equatable {
        public let range: Range<Int>
        public let kind: Kind
    }

    public var emails = true
    public var ips = true
    public var phones = false

    public init(emails: Bool = true, ips: Bool = true, phones: Bool = false) {
        self.emails = emails
        self.ips = ips
        self.phones = phones
    }

    /// The findings in `text`'s UTF-8 bytes, in order, not overlapping.
    public func find(_ b: [UInt8]) -> [Finding] {
        var found: [Finding] = []
        if emails {
            var i = 0
            while let at = b[i...].firstIndex(of: UInt8(ascii: "@")) {
                if let r = Self.email(b, at: at), r.lowerBound >= (found.last?.range.upperBound ?? 0) {
                    found.append(Finding(range: r, kind: .email))
                }
                i = at + 1
            }
        }
        guard ips || phones else { return found }
        var others: [Finding] = []
        var e = 0 // the next e-mail finding, whose bytes are not looked at again
        var i = 0
        while i < b.count {
            while e < found.count && found[e].range.upperBound <= i { e += 1 }
            if e < found.count && found[e].range.contains(i) {
                i = found[e].range.upperBound
                continue
            }
            let c = b[i]
            if ips && Self.isDigit(c), let r = Self.ipv4(b, at: i) {
                others.append(Finding(range: r, kind: .ip))
                i = r.upperBound
            } else if ips && c == UInt8(ascii: ":"), let r = Self.ipv6(b, around: i) {
                if r.lowerBound >= (others.last?.range.upperBound ?? 0) { others.append(Finding(range: r, kind: .ip)) }
                i = max(i + 1, r.upperBound)
            } else if phones && (Self.isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "(")), let r = Self.phone(b, at: i) {
                others.append(Finding(range: r, kind: .phone))
                i = r.upperBound
            } else if Self.isDigit(c) || Self.isLetter(c) {
                // The rest of a number or a word cannot start a finding.
                while i < b.count && (Self.isDigit(b[i]) || Self.isLetter(b[i])) { i += 1 }
            } else {
                i += 1
            }
        }
        return (found + others).sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    // MARK: e-mail

    private static let localPart: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~.-".utf8 { table[Int(c)] = true }
        return table
    }()

    /// The address around the `@` at `at`: a local part before it, two or more domain labels
    /// after it, the last starting with a letter.
    static func email(_ b: [UInt8], at: Int) -> Range<Int>? {
        var s = at
        while s > 0 && localPart[Int(b[s - 1])] { s -= 1 }
        while s < at && b[s] == UInt8(ascii: ".") { s += 1 }
        guard s < at else { return nil }
        var e = at + 1
        var labels = 0
        var end = e
        var lastLabel = e
        while true {
            let start = e
            while e < b.count && (isDigit(b[e]) || isLetter(b[e]) || b[e] == UInt8(ascii: "-")) { e += 1 }
            guard e > start, b[start] != UInt8(ascii: "-"), b[e - 1] != UInt8(ascii: "-") else { break }
            labels += 1
            end = e
            lastLabel = start
            guard e + 1 < b.count, b[e] == UInt8(ascii: "."), isDigit(b[e + 1]) || isLetter(b[e + 1]) else { break }
            e += 1
        }
        guard labels >= 2, isLetter(b[lastLabel]), end - lastLabel >= 2 else { return nil }
        let domain = String(decoding: b[(at + 1)..<end], as: UTF8.self).lowercased()
        for reserved in ["example.com", "example.org", "example.net"] where domain == reserved || domain.hasSuffix("." + reserved) {
            return nil
        }
        return s..<end
    }

    // MARK: IP addresses

    /// Words after which a dotted number is a version or a section, not an address.
    private static let versionWords: Set<String> = [
        "v", "ver", "version", "versions", "release", "build", "firmware", "rev", "revision", "update", "patch", "driver", "kernel",
        "section", "sec", "chapter", "figure", "fig", "table", "step", "paragraph", "clause", "article", "rule", "item", "no",
    ]

    /// A dotted-quad public IPv4 address starting at `i`.
    static func ipv4(_ b: [UInt8], at i: Int) -> Range<Int>? {
        if i > 0 && (isDigit(b[i - 1]) || isLetter(b[i - 1]) || b[i - 1] == UInt8(ascii: ".") || (b[i - 1] >= 0x80 && !followsSpace(b, i))) {
            return nil
        }
        // `name/1.2.3.4` is a product's version (openresty/1.9.7.1); `http://1.2.3.4` an address.
        if i > 1 && b[i - 1] == UInt8(ascii: "/") && b[i - 2] != UInt8(ascii: "/") { return nil }
        var octets: [Int] = []
        var j = i
        while octets.count < 4 {
            if octets.count > 0 {
                guard j + 1 < b.count, b[j] == UInt8(ascii: "."), isDigit(b[j + 1]) else { return nil }
                j += 1
            }
            var value = 0
            let start = j
            while j < b.count && isDigit(b[j]) && j - start < 4 {
                value = value * 10 + Int(b[j] - 0x30)
                j += 1
            }
            guard j - start <= 3, value <= 255 else { return nil }
            octets.append(value)
        }
        if j < b.count {
            let c = b[j]
            let next = j + 1 < b.count ? b[j + 1] : 0
            if isDigit(c) || isLetter(c) || c >= 0x80 { return nil }
            if (c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")) && (isDigit(next) || isLetter(next)) { return nil }
        }
        guard isPublic(octets), !followsVersionWord(b, i) else { return nil }
        return i..<j
    }

    static func isPublic(_ o: [Int]) -> Bool {
        switch (o[0], o[1], o[2]) {
        case (0, _, _), (10, _, _), (127, _, _), (224...255, _, _): return false
        case (100, 64...127, _), (169, 254, _), (172, 16...31, _), (192, 168, _), (198, 18...19, _): return false
        case (192, 0, 0), (192, 0, 2), (192, 88, 99), (198, 51, 100), (203, 0, 113): return false
        default: return true
        }
    }

    /// Whether the bytes before `i` end in a no-break space.
    private static func followsSpace(_ b: [UInt8], _ i: Int) -> Bool { i >= 2 && b[i - 2] == 0xc2 && b[i - 1] == 0xa0 }

    private static func followsVersionWord(_ b: [UInt8], _ i: Int) -> Bool {
        var j = i
        while j > 0 {
            if b[j - 1] == 0x20 || b[j - 1] == UInt8(ascii: ":") || b[j - 1] == UInt8(ascii: "#") {
                j -= 1
            } else if followsSpace(b, j) {
                j -= 2
            } else {
                break
            }
        }
        var s = j
        while s > 0 && isLetter(b[s - 1]) && j - s < 12 { s -= 1 }
        guard s < j else { return false }
        return versionWords.contains(String(decoding: b[s..<j], as: UTF8.self).lowercased())
    }

    /// The global unicast IPv6 address whose text holds the `:` at `i`.
    static func ipv6(_ b: [UInt8], around i: Int) -> Range<Int>? {
        func part(_ c: UInt8) -> Bool { isHexDigit(c) || c == UInt8(ascii: ":") || c == UInt8(ascii: ".") }
        var s = i
        while s > 0 && part(b[s - 1]) { s -= 1 }
        var e = i
        while e < b.count && part(b[e]) { e += 1 }
        while e > s && (b[e - 1] == UInt8(ascii: ".") || (b[e - 1] == UInt8(ascii: ":") && (e - 2 < s || b[e - 2] != UInt8(ascii: ":")))) {
            e -= 1
        }
        if s > 0 && (isLetter(b[s - 1]) || isDigit(b[s - 1])) { return nil }
        if e < b.count && (isLetter(b[e]) || b[e] >= 0x80) { return nil }
        guard e - s >= 6, e - s <= 45, b[s..<e].filter({ $0 == UInt8(ascii: ":") }).count >= 2 else { return nil }
        var address = in6_addr()
        let text = String(decoding: b[s..<e], as: UTF8.self)
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &address) { Array($0) }
        guard bytes[0] & 0xe0 == 0x20 else { return nil } // global unicast
        if bytes[0] == 0x20 && bytes[1] == 0x01 && (bytes[2] < 0x02 || (bytes[2] == 0x0d && bytes[3] == 0xb8)) { return nil }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return nil } // 6to4
        return s..<e
    }

    // MARK: phone numbers

    /// `+` and 8 to 15 digits in groups, or a North American number (3-3-4 digits, a leading 1
    /// allowed, the area code in parentheses or not), starting at `i`.
    static func phone(_ b: [UInt8], at i: Int) -> Range<Int>? {
        if i > 0 && (isDigit(b[i - 1]) || isLetter(b[i - 1]) || b[i - 1] == UInt8(ascii: ".") || b[i - 1] == UInt8(ascii: "-")) { return nil }
        var j = i
        let plus = b[j] == UInt8(ascii: "+")
        if plus { j += 1 }
        var groups: [Int] = []
        var end = j
        while j < b.count {
            let paren = b[j] == UInt8(ascii: "(")
            if paren { j += 1 }
            let start = j
            while j < b.count && isDigit(b[j]) { j += 1 }
            guard j > start else { break }
            groups.append(j - start)
            if paren {
                guard j < b.count, b[j] == UInt8(ascii: ")") else { return nil }
                j += 1
            }
            end = j
            let separator = j < b.count && (b[j] == 0x20 || b[j] == UInt8(ascii: "-") || b[j] == UInt8(ascii: "."))
            if separator && j + 1 < b.count && (isDigit(b[j + 1]) || b[j + 1] == UInt8(ascii: "(")) {
                j += 1
            } else if !(paren && j < b.count && isDigit(b[j])) {
                break
            }
        }
        if end < b.count && (isLetter(b[end]) || b[end] >= 0x80) { return nil }
        let digits = groups.reduce(0, +)
        if plus { return (8...15).contains(digits) && (groups.count >= 2 || digits >= 10) ? i..<end : nil }
        if groups == [3, 3, 4] || (groups == [1, 3, 3, 4] && b[i] == UInt8(ascii: "1")) { return i..<end }
        return nil
    }

    // MARK: bytes

    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a }
    static func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) }
}

/// The pii stage: after dedup, as FineWeb orders it (duplicates are found on the text as written),
/// it replaces what `PIIFinder` finds, counts each kind in `metadata.pii`, and drops documents
/// dense with it when `maxPerThousandWords` is set.
public struct PIIStage: ExtractionFilter {
    public let name = StageName.pii
    public let settings: PIISettings
    private let finder: PIIFinder

    public init(settings: PIISettings) {
        self.settings = settings
        finder = PIIFinder(emails: settings.emails, ips: settings.ips, phones: settings.phones)
    }

    public func filter(_ extraction: inout Extraction) -> Drop? {
        let bytes = Array(extraction.text.utf8)
        let found = finder.find(bytes)
        var counts = [Int](repeating: 0, count: PIIFinder.Kind.allCases.count)
        for f in found { counts[f.kind.rawValue] += 1 }
        let enabled = [settings.emails, settings.ips, settings.phones]
        extraction.pii = PIIFinder.Kind.allCases.filter { enabled[$0.rawValue] }.map { ($0.key, counts[$0.rawValue]) }
        if settings.maxPerThousandWords > 0 && !found.isEmpty {
            let words = Self.wordCount(bytes)
            let density = Double(found.count) * 1000 / Double(max(words, 1))
            if density > settings.maxPerThousandWords {
                return Drop(
                    .pii, .piiDensity,
                    "\(found.count) e-mail/IP/phone findings in \(words) words (more than \(settings.maxPerThousandWords) per 1,000)")
            }
        }
        if settings.mode == .redact && !found.isEmpty { extraction.text = redacted(bytes, found) }
        return nil
    }

    /// The text with each finding replaced.
    func redacted(_ bytes: [UInt8], _ found: [PIIFinder.Finding]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var at = 0
        for f in found {
            out.append(contentsOf: bytes[at..<f.range.lowerBound])
            let choices: [String]
            switch f.kind {
            case .email: choices = settings.emailReplacements
            case .ip: choices = settings.ipReplacements
            case .phone: choices = settings.phoneReplacements
            }
            let pick = Int(FNV1a.hash(bytes[f.range]) % UInt64(max(choices.count, 1)))
            out.append(contentsOf: choices.isEmpty ? [] : Array(choices[pick].utf8))
            at = f.range.upperBound
        }
        out.append(contentsOf: bytes[at...])
        return String(decoding: out, as: UTF8.self)
    }

    static func wordCount(_ bytes: [UInt8]) -> Int {
        var count = 0
        var inWord = false
        for c in bytes {
            let space = c == 0x20 || c == 0x0a || c == 0x09 || c == 0x0d
            if !space && !inWord { count += 1 }
            inWord = !space
        }
        return count
    }
}
