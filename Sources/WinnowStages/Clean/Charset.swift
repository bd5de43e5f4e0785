import CUchardet

#if canImport(Glibc)
    import Glibc
    import WinnowCore
#endif

/// Where a page's charset was learnt.
public enum CharsetSource: String, Sendable {
    case bom, http, meta, fallback
}

/// Finds a page's character encoding and decodes it to UTF-8.
///
/// Order: a byte-order mark (unambiguous, and browsers let it win), the HTTP `Content-Type`
/// charset, a `<meta charset>` or `http-equiv` in the first 4 KiB, then a fallback: UTF-8 when the
/// bytes are valid UTF-8, else windows-1252 (the web's most common legacy encoding and the
/// WHATWG default). Labels are mapped as the WHATWG Encoding Standard does (`iso-8859-1` and
/// `ascii` mean windows-1252, `gb2312` means GB18030, ...). Conversion uses the C library's iconv;
/// bytes that are invalid in the charset become U+FFFD, never a failure.
public enum Charset {
    /// The encoding to decode `bytes` with, and how it was found.
    public static func detect(contentType: String?, bytes: [UInt8]) -> (name: String, source: CharsetSource) {
        let (name, source, _) = detectAndValidate(contentType: contentType, bytes: bytes)
        return (name, source)
    }

    /// `detect`, also telling whether the bytes were found to be valid UTF-8 on the way (so
    /// decoding need not check them again).
    static func detectAndValidate(contentType: String?, bytes: [UInt8]) -> (name: String, source: CharsetSource, validUTF8: Bool) {
        if bytes.starts(with: [0xef, 0xbb, 0xbf]) { return ("UTF-8", .bom, false) }
        if bytes.starts(with: [0xff, 0xfe]) { return ("UTF-16LE", .bom, false) }
        if bytes.starts(with: [0xfe, 0xff]) { return ("UTF-16BE", .bom, false) }
        if let label = contentType.flatMap(charsetParameter), let name = canonicalName(label) {
            return (name, .http, false)
        }
        if let label = metaCharset(bytes), let name = canonicalName(label) {
            // A page cannot declare UTF-16 in ASCII-compatible markup; the WHATWG rule reads it as UTF-8.
            return (name.hasPrefix("UTF-16") ? "UTF-8" : name, .meta, false)
        }
        if isValidUTF8(bytes) { return ("UTF-8", .fallback, true) }
        if looksLikeUTF8(bytes) { return ("UTF-8", .fallback, false) }
        return (universalDetector(bytes) ?? guessLegacy(bytes), .fallback, false)
    }

    /// uchardet's guess (Mozilla's universal charset detector: byte-sequence models of each
    /// encoding and letter-pair frequencies of each language) over the page's first 64 KiB, as
    /// the encoding its label names; nil when it cannot tell or names one Winnow does not decode.
    /// On 336 undeclared pages in 20 encodings it decodes 96% to the right text where the
    /// hand-made scorer below managed 44% (Benchmarks/charset_eval.py, README "Charsets").
    static func universalDetector(_ bytes: [UInt8]) -> String? {
        let sample = bytes.prefix(64 * 1024)
        // A handful of non-ASCII bytes is too little for its statistics: the scorer below then
        // keeps windows-1252 on a tie, as WHATWG's default does.
        guard sample.reduce(0, { $0 + ($1 >= 0x80 ? 1 : 0) }) >= 8, let detector = uchardet_new() else { return nil }
        defer { uchardet_delete(detector) }
        let status = sample.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { uchardet_handle_data(detector, $0.baseAddress, $0.count) }
        }
        guard status == 0 else { return nil }
        uchardet_data_end(detector)
        guard let label = uchardet_get_charset(detector).map({ String(cString: $0) }), !label.isEmpty, label.uppercased() != "ASCII" else {
            return nil
        }
        return canonicalName(label)
    }

    /// Legacy encodings an undeclared page may be in, and the scripts their text should be in.
    static let legacyCandidates: [(name: String, script: @Sendable (UInt32) -> Bool)] = [
        ("WINDOWS-1252", { ($0 >= 0xC0 && $0 <= 0x24F) }),
        ("CP932", { ($0 >= 0x3040 && $0 <= 0x30FF) || ($0 >= 0x4E00 && $0 <= 0x9FFF) }),
        ("EUC-JP", { ($0 >= 0x3040 && $0 <= 0x30FF) || ($0 >= 0x4E00 && $0 <= 0x9FFF) }),
        ("GB18030", { ($0 >= 0x4E00 && $0 <= 0x9FFF) }),
        ("BIG5-HKSCS", { ($0 >= 0x4E00 && $0 <= 0x9FFF) }),
        ("CP949", { ($0 >= 0xAC00 && $0 <= 0xD7AF) }),
        ("KOI8-R", { ($0 >= 0x430 && $0 <= 0x44F) }), // Russian text is mostly lowercase:
        ("WINDOWS-1251", { ($0 >= 0x430 && $0 <= 0x44F) }), // the case tells KOI8-R from 1251
    ]

    /// Guesses the encoding of a page that declares none and is not UTF-8: each candidate decodes
    /// a sample; the one with the fewest invalid sequences and the most characters of its own
    /// script wins (ties go to windows-1252, the WHATWG default).
    static func guessLegacy(_ bytes: [UInt8]) -> String {
        // Only the non-ASCII bytes carry evidence; a sample around them is enough.
        guard let first = bytes.firstIndex(where: { $0 >= 0x80 }) else { return "WINDOWS-1252" }
        let sample = Array(bytes[first..<min(bytes.count, first + 32 * 1024)])
        var best = "WINDOWS-1252"
        var bestScore = -Double.infinity
        let asciiLetters = bytes.prefix(64 * 1024).reduce(0) { $0 + ((($1 | 0x20) >= 0x61 && ($1 | 0x20) <= 0x7a) ? 1 : 0) }
        for (name, script) in legacyCandidates {
            guard let decoded = iconvToUTF8(sample, from: name) else { continue }
            var invalid = 0
            var inScript = 0
            var nonASCII = 0
            var kana = 0
            for scalar in String(decoding: decoded, as: UTF8.self).unicodeScalars where scalar.value >= 0x80 {
                nonASCII += 1
                if scalar.value == 0xFFFD { invalid += 1 } else if script(scalar.value) { inScript += 1 }
                if scalar.value >= 0x3040 && scalar.value <= 0x30FF { kana += 1 }
            }
            guard nonASCII > 0 else { continue }
            var score = Double(inScript) / Double(nonASCII) - 4 * Double(invalid) / Double(nonASCII)
            // Japanese text always has kana, which no other candidate produces from the same bytes.
            if name == "CP932" || name == "EUC-JP" { score += 2 * Double(kana) / Double(nonASCII) }
            // Accented letters are a small share of a Latin-script text's letters; text in another
            // script read as windows-1252 is mostly accented letters.
            if name == "WINDOWS-1252" && Double(nonASCII) > 0.4 * Double(max(asciiLetters, 1)) { score -= 1 }
            if score > bestScore + 0.01 {
                bestScore = score
                best = name
            }
        }
        return best
    }

    /// For bytes that are not valid UTF-8: UTF-8 all the same when valid multi-byte sequences far
    /// outnumber invalid bytes (a UTF-8 page with a few damaged bytes is still UTF-8; a legacy
    /// page rarely forms valid UTF-8 sequences by chance).
    static func looksLikeUTF8(_ bytes: [UInt8]) -> Bool {
        var valid = 0
        var invalid = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let need = b & 0xe0 == 0xc0 ? 1 : b & 0xf0 == 0xe0 ? 2 : b & 0xf8 == 0xf0 ? 3 : 0
            var ok = need > 0 && i + need < n
            if ok { for k in 1...need where bytes[i + k] & 0xc0 != 0x80 { ok = false } }
            if ok {
                valid += 1
                i += need + 1
            } else {
                invalid += 1
                i += 1
            }
        }
        return valid >= 4 * invalid && valid > 0
    }

    /// Decodes `bytes` in `encoding` to valid UTF-8 without NUL bytes (libxml2 stops at NUL).
    public static func decode(_ bytes: [UInt8], encoding: String, knownValid: Bool = false) -> [UInt8] {
        var out: [UInt8]
        if encoding == "UTF-8" {
            let body = bytes.starts(with: [0xef, 0xbb, 0xbf]) ? Array(bytes[3...]) : bytes
            if knownValid || isValidUTF8(body) {
                out = body
            } else {
                out = Array(String(decoding: body, as: UTF8.self).utf8)
            }
        } else {
            out = iconvToUTF8(bytes, from: encoding) ?? Array(String(decoding: bytes, as: UTF8.self).utf8)
            if out.starts(with: [0xef, 0xbb, 0xbf]) { out.removeFirst(3) }
        }
        // NUL bytes become spaces (libxml2 stops at them); memchr, since a byte loop over every
        // page showed in the profile.
        let hasNUL = out.withUnsafeBufferPointer { b in b.count > 0 && memchr(b.baseAddress!, 0, b.count) != nil }
        if hasNUL {
            for i in out.indices where out[i] == 0 { out[i] = 0x20 }
        }
        return out
    }

    /// True when `bytes` are well-formed UTF-8.
    public static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            let n = buffer.count
            while i < n {
                // Eight ASCII bytes at a time.
                if i + 8 <= n {
                    let word = UnsafeRawPointer(buffer.baseAddress! + i).loadUnaligned(as: UInt64.self)
                    if word & 0x8080_8080_8080_8080 == 0 {
                        i += 8
                        continue
                    }
                }
                let b = buffer[i]
                if b < 0x80 {
                    i += 1
                    continue
                }
                var need = 0
                var min: UInt32 = 0
                var cp: UInt32 = 0
                if b & 0xe0 == 0xc0 {
                    need = 1
                    min = 0x80
                    cp = UInt32(b & 0x1f)
                } else if b & 0xf0 == 0xe0 {
                    need = 2
                    min = 0x800
                    cp = UInt32(b & 0x0f)
                } else if b & 0xf8 == 0xf0 {
                    need = 3
                    min = 0x10000
                    cp = UInt32(b & 0x07)
                } else {
                    return false
                }
                if i + need >= n { return false }
                for k in 1...need {
                    let c = buffer[i + k]
                    guard c & 0xc0 == 0x80 else { return false }
                    cp = cp << 6 | UInt32(c & 0x3f)
                }
                if cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) { return false }
                i += need + 1
            }
            return true
        }
    }

    /// The `charset` parameter of a Content-Type value.
    static func charsetParameter(_ contentType: String) -> String? {
        let lower = contentType.lowercased()
        guard let range = lower.range(of: "charset=") else { return nil }
        var value = lower[range.upperBound...]
        value = value.drop { $0 == " " || $0 == "\"" || $0 == "'" }
        let end = value.firstIndex { $0 == ";" || $0 == "\"" || $0 == "'" || $0 == " " || $0 == "," } ?? value.endIndex
        let label = String(value[..<end])
        return label.isEmpty ? nil : label
    }

    /// Looks for a charset declaration in the `<meta>` elements of the first 4 KiB.
    static func metaCharset(_ bytes: [UInt8]) -> String? {
        let head = bytes.prefix(4096).map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 }
        let meta = Array("<meta".utf8)
        let charset = Array("charset".utf8)
        var i = 0
        while i + meta.count < head.count {
            guard head[i] == UInt8(ascii: "<"), head[i..<(i + meta.count)].elementsEqual(meta) else {
                i += 1
                continue
            }
            let end = head[i...].firstIndex(of: UInt8(ascii: ">")) ?? head.count
            let tag = head[i..<end]
            var j = tag.startIndex
            while j + charset.count <= tag.endIndex {
                if tag[j..<(j + charset.count)].elementsEqual(charset) {
                    var k = j + charset.count
                    while k < tag.endIndex, tag[k] == 0x20 { k += 1 }
                    if k < tag.endIndex, tag[k] == UInt8(ascii: "=") {
                        k += 1
                        while k < tag.endIndex, tag[k] == 0x20 || tag[k] == UInt8(ascii: "\"") || tag[k] == UInt8(ascii: "'") { k += 1 }
                        var e = k
                        while e < tag.endIndex, tag[e] != UInt8(ascii: "\""), tag[e] != UInt8(ascii: "'"), tag[e] != UInt8(ascii: ";"),
                            tag[e] != 0x20, tag[e] != UInt8(ascii: "/")
                        { e += 1 }
                        if e > k { return String(decoding: tag[k..<e], as: UTF8.self) }
                    }
                }
                j += 1
            }
            i = end
        }
        return nil
    }

    /// WHATWG labels (lowercased) to the iconv name Winnow decodes with.
    static let labels: [String: String] = {
        var table: [String: String] = [:]
        func add(_ name: String, _ labels: [String]) { for l in labels { table[l] = name } }
        add("UTF-8", ["utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"])
        add(
            "WINDOWS-1252",
            [
                "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1",
                "ascii", "us-ascii", "ansi_x3.4-1968", "cp819", "ibm819", "iso-ir-100", "csisolatin1", "iso88591",
            ])
        // WHATWG's Shift_JIS is Microsoft's superset, CP932 in iconv.
        add("CP932", ["shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "ms932", "windows-31j", "csshiftjis", "cp932"])
        add("EUC-JP", ["euc-jp", "x-euc-jp", "cseucpkdfmtjapanese"])
        add("ISO-2022-JP", ["iso-2022-jp", "csiso2022jp"])
        add(
            "GB18030",
            ["gb18030", "gbk", "gb2312", "x-gbk", "cp936", "chinese", "csgb2312", "gb_2312", "gb_2312-80", "iso-ir-58", "ms936", "windows-936"])
        add("BIG5-HKSCS", ["big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"])
        add("CP949", ["euc-kr", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949", "cp949", "korean", "csksc56011987"])
        // Names uchardet gives that are not WHATWG labels: UHC is CP949; the DOS and Mac codepages
        // by iconv's names.
        add("CP949", ["uhc"])
        add("IBM866", ["ibm866", "866", "cp866", "csibm866"])
        add("IBM855", ["ibm855"])
        add("IBM852", ["ibm852"])
        add("MACCYRILLIC", ["mac-cyrillic", "x-mac-cyrillic"])
        add("MACCENTRALEUROPE", ["mac-centraleurope"])
        add("VISCII", ["viscii"])
        add("EUC-TW", ["euc-tw"])
        add("KOI8-R", ["koi8-r", "koi8_r", "koi", "koi8", "cskoi8r"])
        add("KOI8-U", ["koi8-u", "koi8-ru"])
        add("UTF-16LE", ["utf-16", "utf-16le"])
        add("UTF-16BE", ["utf-16be"])
        for n in [1250, 1251, 1253, 1254, 1255, 1256, 1257, 1258] {
            add("WINDOWS-\(n)", ["windows-\(n)", "cp\(n)", "x-cp\(n)"])
        }
        add("WINDOWS-1254", ["iso-8859-9", "iso8859-9", "latin5", "l5", "iso_8859-9"])
        add("WINDOWS-874", ["windows-874", "tis-620", "iso-8859-11", "dos-874"])
        for n in [2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16] {
            add("ISO-8859-\(n)", ["iso-8859-\(n)", "iso8859-\(n)", "iso_8859-\(n)", "iso8859\(n)"])
        }
        table["iso-8859-8-i"] = "ISO-8859-8"
        table["latin2"] = "ISO-8859-2"
        table["mac"] = "MACINTOSH"
        table["macintosh"] = "MACINTOSH"
        table["x-mac-roman"] = "MACINTOSH"
        table["x-mac-cyrillic"] = "MAC-CYRILLIC"
        table["ibm866"] = "IBM866"
        table["cp866"] = "IBM866"
        return table
    }()

    /// The iconv name for a label, or nil for labels Winnow does not know.
    public static func canonicalName(_ label: String) -> String? {
        labels[label.trimmingSpaces().lowercased()]
    }

    /// Converts with iconv; invalid input bytes become U+FFFD. Nil when iconv lacks the encoding.
    static func iconvToUTF8(_ bytes: [UInt8], from encoding: String) -> [UInt8]? {
        let cd = iconv_open("UTF-8", encoding)
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        var out = [UInt8](repeating: 0, count: bytes.count * 3 + 16)
        var produced = 0
        var input = bytes
        input.withUnsafeMutableBufferPointer { inBuf in
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
            var inLeft = inBuf.count
            while inLeft > 0 {
                if out.count - produced < 64 { out.append(contentsOf: repeatElement(0, count: out.count)) }
                let result: Int = out.withUnsafeMutableBufferPointer { outBuf in
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress! + produced).assumingMemoryBound(
                        to: CChar.self)
                    var outLeft = outBuf.count - produced
                    let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    produced = outBuf.count - outLeft
                    return r
                }
                if result == -1 {
                    let code = errno
                    if code == E2BIG { continue }
                    // EILSEQ: an invalid byte; EINVAL: an incomplete sequence at the end.
                    if out.count - produced < 3 { out.append(contentsOf: repeatElement(0, count: 16)) }
                    out[produced] = 0xef
                    out[produced + 1] = 0xbf
                    out[produced + 2] = 0xbd
                    produced += 3
                    if code == EINVAL { break }
                    inPtr = inPtr.map { $0 + 1 }
                    inLeft -= 1
                }
            }
        }
        out.removeSubrange(produced...)
        return out
    }
}
