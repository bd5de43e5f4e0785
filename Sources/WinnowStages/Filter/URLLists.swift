import Foundation
import WinnowCompression
import WinnowCore

/// Block- or allowlists of URLs, read from the user's files: domains (a listed domain covers its
/// subdomains), full URLs (a listed URL covers the pages under it), banned words (a whole word of
/// the URL), banned sub-words (anywhere in the URL's letters and digits) and soft-banned words
/// (`softWordThreshold` of them in one URL), as FineWeb's URL filter defines them.
///
/// A file's kind comes from its name, as UT1's blacklists and datatrove's assets name them:
/// `domains`, `urls`, `banned_words`, `banned_subwords`, `soft_banned_words` (also `words`,
/// `subwords`, `soft_words`; each plain, `.txt` or `.gz`). In any other file each line says its own
/// kind: `word:`, `subword:` or `softword:` before the entry, a URL has a `/`, the rest are
/// domains. A directory is read for the files of those names under it (UT1's layout: one folder a
/// category). Lines starting with `#` and blank lines are skipped.
///
/// Entries are kept as sorted 64-bit hashes (UT1's adult list, 4.6 million domains, in 55 MB):
/// a match names the URL's text that hit.
public struct URLLists: Sendable {
    public enum Kind: String, Sendable {
        case domain, url, word, subword
        case softWord = "soft word"
    }

    /// A URL's match: which list, which kind of entry, and the entry.
    public struct Match: Sendable, CustomStringConvertible {
        public let list: String
        public let kind: Kind
        public let entry: String
        public var description: String { "\(list): \(entry) (\(kind.rawValue))" }
    }

    /// The lists' names (their paths as given, or relative to a given directory).
    private(set) var names: [String] = []
    private var domains = HashedEntries()
    private var urls = HashedEntries()
    private var words = HashedEntries()
    private var softWords = HashedEntries()
    /// Banned sub-words by their first byte.
    private var subwords = [[(bytes: [UInt8], list: UInt32)]](repeating: [], count: 256)
    private var shortestSubword = Int.max
    /// Entries read, for the log.
    public private(set) var entries = 0
    public let softWordThreshold: Int

    public var isEmpty: Bool { entries == 0 }

    public init(softWordThreshold: Int = 2) { self.softWordThreshold = softWordThreshold }

    /// Reads the lists at `paths` (files or directories).
    public static func load(_ paths: [String], softWordThreshold: Int = 2) throws -> URLLists {
        var lists = URLLists(softWordThreshold: softWordThreshold)
        for path in paths { try lists.add(path: path) }
        for k in [\URLLists.domains, \.urls, \.words, \.softWords] { lists[keyPath: k].seal() }
        return lists
    }

    mutating func add(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ListFile.Problem(description: "\(path): no such URL list")
        }
        guard isDirectory.boolValue else {
            try add(file: path, name: path, kind: Self.kind(ofFileNamed: (path as NSString).lastPathComponent))
            return
        }
        let base = (path as NSString).lastPathComponent
        var found = 0
        let walker = FileManager.default.enumerator(atPath: path)
        var files: [String] = []
        while let relative = walker?.nextObject() as? String { files.append(relative) }
        for relative in files.sorted() {
            guard let kind = Self.kind(ofFileNamed: (relative as NSString).lastPathComponent) else { continue }
            try add(file: path + "/" + relative, name: base + "/" + relative, kind: kind)
            found += 1
        }
        if found == 0 {
            throw ListFile.Problem(description: "\(path): a directory of URL lists holds files named domains, urls or banned_words; found none")
        }
    }

    /// The kind a file's name gives, nil for a file whose lines say their own.
    static func kind(ofFileNamed name: String) -> Kind? {
        var stem = name
        for suffix in [".gz", ".txt"] where stem.hasSuffix(suffix) { stem = String(stem.dropLast(suffix.count)) }
        switch stem {
        case "domains": return .domain
        case "urls": return .url
        case "banned_words", "words": return .word
        case "banned_subwords", "subwords": return .subword
        case "soft_banned_words", "soft_words": return .softWord
        default: return nil
        }
    }

    private mutating func add(file path: String, name: String, kind: Kind?) throws {
        let list = UInt32(names.count)
        names.append(name)
        try ListFile.forEachLine(path) { addLine($0, kind: kind, list: list) }
    }

    private mutating func addLine(_ raw: ArraySlice<UInt8>, kind given: Kind?, list: UInt32) {
        var lo = raw.startIndex
        var hi = raw.endIndex
        while lo < hi && raw[lo] <= 0x20 { lo += 1 }
        while hi > lo && raw[hi - 1] <= 0x20 { hi -= 1 }
        guard lo < hi, raw[lo] != UInt8(ascii: "#") else { return }
        var line = raw[lo..<hi]
        var kind = given
        if kind == nil {
            for (prefix, k) in [("word:", Kind.word), ("subword:", .subword), ("softword:", .softWord)] where line.starts(with: prefix.utf8) {
                kind = k
                line = line.dropFirst(prefix.utf8.count)
            }
        }
        let resolved = kind ?? (line.contains(UInt8(ascii: "/")) ? .url : .domain)
        switch resolved {
        case .domain:
            // Millions of lines (UT1's adult list): hashed as they are read, nothing copied.
            domains.insert(Self.hash(line.lazy.filter { $0 != UInt8(ascii: "/") }.map(Self.lower)), list: list)
        case .url:
            urls.insert(Self.hash(Self.urlKey(Self.lowercased(line))), list: list)
        case .word, .softWord, .subword:
            let normal = Self.alphanumeric(line)
            guard !normal.isEmpty else { return }
            switch resolved {
            case .word: words.insert(Self.hash(normal), list: list)
            case .softWord: softWords.insert(Self.hash(normal), list: list)
            default:
                subwords[Int(normal[0])].append((normal, list))
                shortestSubword = min(shortestSubword, normal.count)
            }
        }
        entries += 1
    }

    // MARK: matching

    /// The first entry `url` matches, in FineWeb's order: domain, URL, banned word, soft-banned
    /// words, sub-word.
    public func match(_ url: String) -> Match? {
        guard !isEmpty else { return nil }
        var bytes = Self.lowercased(Array(url.utf8))
        if let hash = bytes.firstIndex(of: UInt8(ascii: "#")) { bytes.removeSubrange(hash...) }
        let parts = Self.split(bytes)
        return matchDomain(parts.host) ?? matchURL(Self.urlKey(parts.host + parts.rest)) ?? matchWords(bytes)
            ?? matchSubword(Self.alphanumeric(bytes))
    }

    private func found(_ list: UInt32?, _ kind: Kind, _ entry: [UInt8]) -> Match? {
        list.map { Match(list: names[Int($0)], kind: kind, entry: String(decoding: entry, as: UTF8.self)) }
    }

    /// The host and each domain it is under (`a.b.example.com`, `b.example.com`, `example.com`,
    /// `com`); an IP address only as itself.
    private func matchDomain(_ host: [UInt8]) -> Match? {
        guard !host.isEmpty, !domains.isEmpty else { return nil }
        if let hit = found(domains[Self.hash(host)], .domain, host) { return hit }
        if host.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }) { return nil }
        var i = 0
        while let dot = host[i...].firstIndex(of: UInt8(ascii: ".")) {
            let parent = Array(host[(dot + 1)...])
            if let hit = found(domains[Self.hash(parent)], .domain, parent) { return hit }
            i = dot + 1
        }
        return nil
    }

    /// The URL without its scheme and `www.`, and each of its prefixes that ends where a path
    /// segment or the query starts.
    private func matchURL(_ key: [UInt8]) -> Match? {
        guard !urls.isEmpty else { return nil }
        if let hit = found(urls[Self.hash(key)], .url, key) { return hit }
        for i in stride(from: key.count - 1, to: 0, by: -1) where key[i] == UInt8(ascii: "/") || key[i] == UInt8(ascii: "?") {
            let prefix = Array(key[..<i])
            if let hit = found(urls[Self.hash(prefix)], .url, prefix) { return hit }
        }
        return nil
    }

    /// The URL's words (its runs of ASCII letters and digits) against the banned and soft-banned words.
    private func matchWords(_ url: [UInt8]) -> Match? {
        guard !words.isEmpty || !softWords.isEmpty else { return nil }
        var soft: [(UInt32, [UInt8])] = []
        var seen = Set<UInt64>()
        var i = 0
        while i < url.count {
            guard Self.isAlphanumeric(url[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < url.count && Self.isAlphanumeric(url[j]) { j += 1 }
            let word = Array(url[i..<j])
            let h = Self.hash(word)
            if let hit = found(words[h], .word, word) { return hit }
            if let list = softWords[h], seen.insert(h).inserted { soft.append((list, word)) }
            i = j
        }
        guard soft.count >= softWordThreshold else { return nil }
        let entry = soft.map { String(decoding: $0.1, as: UTF8.self) }.joined(separator: ", ")
        return Match(list: names[Int(soft[0].0)], kind: .softWord, entry: entry)
    }

    /// Any banned sub-word within the URL's letters and digits.
    private func matchSubword(_ normal: [UInt8]) -> Match? {
        guard normal.count >= shortestSubword else { return nil }
        for i in 0..<normal.count {
            for (word, list) in subwords[Int(normal[i])] where normal[i...].starts(with: word) {
                return found(list, .subword, word)
            }
        }
        return nil
    }

    // MARK: normal forms

    /// The host (without a port, user or final dot) and the rest (path and query) of a lowercased URL.
    static func split(_ url: [UInt8]) -> (host: [UInt8], rest: [UInt8]) {
        var start = 0
        if let colon = url.firstIndex(of: UInt8(ascii: ":")), url[colon...].starts(with: "://".utf8) { start = colon + 3 }
        let end = url[start...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? url.count
        var host = url[start..<end]
        if let at = host.lastIndex(of: UInt8(ascii: "@")) { host = host[(at + 1)...] }
        if host.first == UInt8(ascii: "[") {
            if let close = host.firstIndex(of: UInt8(ascii: "]")) { host = host[...close] } // an IPv6 address
        } else if let colon = host.lastIndex(of: UInt8(ascii: ":")) {
            host = host[..<colon]
        }
        while host.last == UInt8(ascii: ".") { host = host.dropLast() }
        return (Array(host), Array(url[end...]))
    }

    /// A URL as URL entries are compared: no scheme, no leading `www.`, no final `/`.
    static func urlKey(_ url: [UInt8]) -> [UInt8] {
        var key = ArraySlice(url)
        if let colon = key.firstIndex(of: UInt8(ascii: ":")), key[colon...].starts(with: "://".utf8) { key = key[(colon + 3)...] }
        if key.starts(with: "www.".utf8) { key = key.dropFirst(4) }
        while key.last == UInt8(ascii: "/") { key = key.dropLast() }
        return Array(key)
    }

    static func isAlphanumeric(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) }

    /// The ASCII letters and digits, lowercased (FineWeb's normal form for sub-words and words).
    static func alphanumeric<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        lowercased(bytes.filter(isAlphanumeric))
    }

    static func lowercased<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 { bytes.map(lower) }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5a ? b | 0x20 : b }

    static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 { FNV1a.hash(bytes) }
}

/// Entries as sorted 64-bit hashes, each with the list it came from (16 bytes an entry, sorted in
/// place), and where each run of hashes with the same top bits starts (about four entries a run,
/// up to 20 bits), so a lookup searches a handful of entries: a cache miss or two, even with
/// millions of entries. When two lists hold an entry, the first list given names it.
struct HashedEntries: Sendable {
    private var entries: [(key: UInt64, list: UInt32)] = []
    private var starts: [UInt32] = [0, 0]
    private var topBits: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }

    mutating func insert(_ key: UInt64, list: UInt32) { entries.append((key, list)) }

    /// Sorts the entries once they are all in and indexes them by their top bits.
    mutating func seal() {
        entries.sort { $0.key != $1.key ? $0.key < $1.key : $0.list < $1.list }
        topBits = UInt64(min(20, max(0, (UInt64.bitWidth - UInt64(entries.count).leadingZeroBitCount) - 2)))
        starts = [UInt32](repeating: 0, count: (1 << topBits) + 1)
        for e in entries { starts[bucket(e.key) + 1] += 1 }
        for i in 1..<starts.count { starts[i] += starts[i - 1] }
    }

    private func bucket(_ key: UInt64) -> Int { topBits == 0 ? 0 : Int(key >> (64 - topBits)) }

    /// The list of the first entry with this hash, if any.
    subscript(key: UInt64) -> UInt32? {
        guard !entries.isEmpty else { return nil }
        let top = bucket(key)
        var lo = Int(starts[top])
        var hi = Int(starts[top + 1])
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].key < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < Int(starts[top + 1]) && entries[lo].key == key ? entries[lo].list : nil
    }
}

/// A list file of the user's (URL lists, bad words): plain or gzip.
public enum ListFile {
    /// A list that cannot be read or holds nothing usable.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Each line of the file (without its line break), decompressed when its name ends in `.gz`,
    /// streamed (`ByteReader`).
    static func forEachLine(_ path: String, _ body: (ArraySlice<UInt8>) -> Void) throws {
        do {
            try ByteReader.forEachLine(ofFile: path, limit: 1 << 20, body)
        } catch {
            throw Problem(description: "\(path): \(error)")
        }
    }
}
