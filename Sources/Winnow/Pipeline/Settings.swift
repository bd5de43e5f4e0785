import Foundation
import WinnowCore
import WinnowDedup
import WinnowStages

/// One setting of a run: its name in a pipeline file and on the command line, its type and bounds,
/// its default and help, and what it sets. `Settings.all` is the one table of them: the CLI's help
/// and checks, the pipeline file's reader and `winnow validate` all read it, so they cannot disagree.
public struct Setting: Sendable {
    /// The type and the accepted values.
    public enum Kind: Sendable {
        /// A whole number in the range.
        case int(ClosedRange<Int>)
        /// A number in the range; `aboveLower`: the lower bound itself is not accepted.
        case number(ClosedRange<Double>, aboveLower: Bool)
        case bool
        case text
        /// One of these words.
        case choice([String])
        /// A list of texts (a single text is a list of one).
        case texts
        /// A list of ISO 639-1 language codes (two or three letters).
        case languageCodes
    }

    /// A value as given, before it is checked.
    public enum Value: Sendable, Equatable {
        case int(Int)
        case number(Double)
        case bool(Bool)
        case text(String)
        case texts([String])
    }

    /// Where it sits in a pipeline file: a key of the file itself, of `output`, or of a stage's settings.
    public enum Place: Sendable, Equatable {
        case top
        case output
        case stage(StageName)
    }

    /// The key in its place in a pipeline file (nil: command line only).
    public let key: String?
    public let place: Place
    /// The command line's long option, without dashes (nil: pipeline file only).
    public let flag: String?
    public let kind: Kind
    /// The default as the help shows it.
    public let defaultText: String
    public let help: String
    let apply: @Sendable (inout PipelineConfig, Value) -> Void

    /// The setting's name in messages and the README: `jobs`, `output.compression_level`, `dedup.threshold`, or `--flag`.
    public var path: String {
        guard let key else { return "--" + (flag ?? "") }
        switch place {
        case .top: return key
        case .output: return "output." + key
        case .stage(let stage): return stage.rawValue + "." + key
        }
    }

    /// The command line's help: the text and the default.
    public var helpWithDefault: String {
        let text = help.hasSuffix(".") ? String(help.dropLast()) : help
        return defaultText.isEmpty ? text + "." : "\(text) (default \(defaultText))."
    }

    /// Nil when `value` is accepted, else what is wrong and what is accepted.
    public func problem(_ value: Value) -> String? {
        switch (kind, value) {
        case (.int(let range), .int(let n)):
            return range.contains(n) ? nil : "\(n) is out of range; accepted: \(range.lowerBound) to \(range.upperBound)"
        case (.number(let range, let above), .number(let x)):
            guard x.isFinite, range.contains(x), !(above && x == range.lowerBound) else {
                return
                    "\(Self.show(x)) is out of range; accepted: \(above ? "more than" : "from") \(Self.show(range.lowerBound)) to \(Self.show(range.upperBound))"
            }
            return nil
        case (.choice(let words), .text(let s)):
            return words.contains(s) ? nil : "\"\(s)\" is not accepted; accepted: \(words.joined(separator: ", "))"
        case (.languageCodes, .texts(let codes)):
            for code in codes where !(2...3).contains(code.count) || !code.allSatisfy({ $0.isASCII && $0.isLetter }) {
                return "\"\(code)\" is not an ISO 639-1 code (two letters, like en, de, zh)"
            }
            return nil
        case (.text, .text(let s)):
            return s.isEmpty ? "expected a text value, got nothing" : nil
        case (.bool, .bool), (.texts, .texts):
            return nil
        default:
            return "expected \(expected), got \(value)"
        }
    }

    /// What the kind accepts, in words.
    public var expected: String {
        switch kind {
        case .int(let r): return "a whole number from \(r.lowerBound) to \(r.upperBound)"
        case .number(let r, let above): return "a number \(above ? "more than" : "from") \(Self.show(r.lowerBound)) to \(Self.show(r.upperBound))"
        case .bool: return "true or false"
        case .text: return "a text value"
        case .choice(let words): return "one of \(words.joined(separator: ", "))"
        case .texts: return "a list of texts"
        case .languageCodes: return "a list of ISO 639-1 codes"
        }
    }

    /// Checks `value` and sets it in `config`; the message names the setting.
    public func set(_ value: Value, in config: inout PipelineConfig, as name: String? = nil) throws {
        if let problem = problem(value) { throw SettingError(description: "\(name ?? path): \(problem)") }
        apply(&config, value)
    }

    static func show(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
}

/// A value a setting does not accept.
public struct SettingError: Error, CustomStringConvertible {
    public let description: String
}

public enum Settings {
    /// The setting of a pipeline-file path (`dedup.threshold`) or of a command-line flag (`--threshold`).
    public static func named(_ name: String) -> Setting {
        guard let s = all.first(where: { $0.path == name || (name.hasPrefix("--") && $0.flag == String(name.dropFirst(2))) }) else {
            preconditionFailure("no setting \(name) in Settings.all")
        }
        return s
    }

    /// The settings of one place of a pipeline file, in table order.
    public static func at(_ place: Setting.Place) -> [Setting] { all.filter { $0.place == place && $0.key != nil } }

    private static func row(
        _ key: String?, _ place: Setting.Place, flag: String?, _ kind: Setting.Kind, default d: String, _ help: String,
        _ apply: @escaping @Sendable (inout PipelineConfig, Setting.Value) -> Void
    ) -> Setting {
        Setting(key: key, place: place, flag: flag, kind: kind, defaultText: d, help: help, apply: apply)
    }

    // A stage's settings, made with their defaults when the configuration has none yet (a stage
    // named by one of its settings runs).
    private static func pii(_ c: inout PipelineConfig, _ set: (inout PIISettings) -> Void) {
        var settings = c.pii ?? PIISettings()
        set(&settings)
        c.pii = settings
    }
    private static func urlFilter(_ c: inout PipelineConfig, _ set: (inout URLFilterSettings) -> Void) {
        var settings = c.urlFilter ?? URLFilterSettings()
        set(&settings)
        c.urlFilter = settings
    }
    private static func language(_ c: inout PipelineConfig, _ set: (inout LanguageSettings) -> Void) {
        var settings = c.language ?? LanguageSettings()
        set(&settings)
        c.language = settings
    }

    // The appliers take the value the kind guarantees.
    private static func int(_ v: Setting.Value) -> Int {
        if case .int(let n) = v { return n }
        return 0
    }
    private static func number(_ v: Setting.Value) -> Double {
        if case .number(let x) = v { return x }
        if case .int(let n) = v { return Double(n) }
        return 0
    }
    private static func bool(_ v: Setting.Value) -> Bool {
        if case .bool(let b) = v { return b }
        return false
    }
    private static func text(_ v: Setting.Value) -> String {
        if case .text(let s) = v { return s }
        return ""
    }
    private static func texts(_ v: Setting.Value) -> [String] {
        if case .texts(let l) = v { return l }
        return []
    }

    /// Every setting with bounds, in the order of a pipeline file. The quality stage's rules have a
    /// table of their own (`QualityRule.all`, each rule's parameters and defaults).
    public static let all: [Setting] = [
        row(
            "inputs", .top, flag: "input", .texts, default: "",
            "Input files, directories (searched recursively; hidden entries skipped) or http(s) URLs of files."
        ) {
            c, v in
            c.inputs = texts(v)
        },
        row(
            "input_list", .top, flag: "input-list", .texts, default: "",
            "Files listing inputs, one path or http(s) URL a line (plain or .gz, local or a URL; blank lines and # comments skipped), read in order after --input."
        ) { c, v in
            c.inputLists = texts(v)
        },
        row(
            "input_prefix", .top, flag: "input-prefix", .text, default: "",
            "Put before each line of the input lists that is a relative path (Common Crawl's warc.paths.gz lists paths under https://data.commoncrawl.org/)."
        ) { c, v in
            c.inputPrefix = text(v)
        },
        row("jobs", .top, flag: "jobs", .int(0...1024), default: "0: all cores", "Worker threads for clean, segment, extract and the filters.") {
            c, v in
            c.jobs = int(v) == 0 ? ProcessInfo.processInfo.activeProcessorCount : int(v)
        },
        row(
            "checkpoint_every", .top, flag: "checkpoint-every", .int(0...100_000_000), default: "1000",
            "Commit the run so far every this many documents, so a killed run's successor reads on from the last checkpoint's record (0: only at the end; not with --full, boilerplate paragraphs or --shard)."
        ) { c, v in
            c.checkpointEvery = int(v)
        },
        row(
            "metrics_file", .top, flag: "metrics-file", .text, default: "",
            "Write run metrics in Prometheus text format to this file (for node_exporter's textfile collector), atomically."
        ) { c, v in
            c.metricsFile = text(v)
        },
        row("directory", .output, flag: "output", .text, default: "", "Output directory for shards and summary.json.") { c, v in
            c.output = text(v)
        },
        row(
            "shard_size_mib", .output, flag: "shard-size", .number(0.001...65536, aboveLower: false), default: "128",
            "Close a shard after this many MiB of uncompressed JSON (fractions allowed)."
        ) { c, v in
            c.write.shardBytes = Int(number(v) * 1024 * 1024)
        },
        row("compression_level", .output, flag: "compression-level", .int(1...9), default: "6", "gzip level of the shards, 1 (fast) to 9 (small).") {
            c, v in
            c.write.compressionLevel = Int32(int(v))
        },
        row(
            "format", .output, flag: "format", .choice(TextFormat.allCases.map(\.rawValue)), default: "text",
            "Form of the extracted text: text (paragraphs separated by a line break) or markdown (headings, lists, quotes, tables)."
        ) { c, v in
            c.extract.format = TextFormat(rawValue: text(v)) ?? .text
        },
        row(
            "keep_dropped", .output, flag: "keep-dropped", .text, default: "",
            "Also write every dropped document, with its reason in metadata, to dropped-RRRRRR-NNNNN.jsonl.gz shards in this directory (for `winnow inspect`)."
        ) { c, v in
            c.keepDroppedDirectory = text(v)
        },
        row(
            "max_document_size_mib", .stage(.read), flag: "max-document-size", .int(1...4096), default: "16",
            "Drop documents larger than this many MiB (after decompression) as too_large."
        ) { c, v in
            c.read.maxDocumentBytes = int(v) * 1024 * 1024
        },
        row(
            "fetch_concurrency", .stage(.read), flag: "fetch-concurrency", .int(1...64), default: "4",
            "Remote inputs downloaded at once: the one being read and the next ones, each holding at most 8 MiB ahead of the reader."
        ) { c, v in
            c.read.remote.concurrency = int(v)
        },
        row(
            "fetch_retries", .stage(.read), flag: "fetch-retries", .int(0...100), default: "5",
            "Tries again after a remote input's connection error, stall, 429 or 5xx (with backoff and Retry-After; a cut download resumes with a Range request) before it counts as unreadable for this run."
        ) { c, v in
            c.read.remote.retries = int(v)
        },
        row(
            "fetch_timeout", .stage(.read), flag: "fetch-timeout", .number(0...3600, aboveLower: true), default: "60",
            "Seconds a remote input may send nothing while the reader waits for it (or a connection take to open) before it is tried again."
        ) { c, v in
            c.read.remote.stallTimeout = number(v)
            c.read.remote.connectTimeout = number(v)
        },
        row(
            "mode", .stage(.urlFilter), flag: nil, .choice(FilterMode.allCases.map(\.rawValue)), default: "filter",
            "filter drops a blocked page before it is parsed (url_blocklist); annotate writes the match to metadata.url_blocklist instead."
        ) { c, v in
            urlFilter(&c) { $0.mode = FilterMode(rawValue: text(v)) ?? .filter }
        },
        row(
            "blocklists", .stage(.urlFilter), flag: "url-blocklist", .texts, default: "",
            "Files or directories of blocked domains (subdomains included), URLs (the pages under them included), banned words, sub-words and soft words, plain or .gz; UT1's and datatrove's file names are understood (README, \"URL filter\"). On the command line repeatable, and it adds the url_filter stage."
        ) { c, v in
            urlFilter(&c) { $0.blocklists = texts(v) }
        },
        row(
            "allowlists", .stage(.urlFilter), flag: "url-allowlist", .texts, default: "",
            "Lists in the same form whose matches are never blocked (an allowlisted URL wins over the blocklists)."
        ) { c, v in
            urlFilter(&c) { $0.allowlists = texts(v) }
        },
        row(
            "soft_word_threshold", .stage(.urlFilter), flag: nil, .int(1...100), default: "2",
            "Soft-banned words a URL needs to be blocked by them (FineWeb: 2)."
        ) { c, v in
            urlFilter(&c) { $0.softWordThreshold = int(v) }
        },
        row(
            "max_depth", .stage(.clean), flag: "max-depth", .int(16...100_000), default: "256",
            "Drop pages with elements nested deeper than this (too_deep)."
        ) { c, v in
            c.clean.maxDepth = int(v)
        },
        row(
            "max_parse_seconds", .stage(.clean), flag: "max-parse-seconds", .number(0...3600, aboveLower: true), default: "10",
            "Drop pages whose parsing takes longer than this many seconds (parse_timeout)."
        ) { c, v in
            c.clean.maxParseSeconds = number(v)
        },
        row("captions", .stage(.extract), flag: "captions", .bool, default: "false", "Keep image captions and credits in the text.") { c, v in
            c.extract.includeCaptions = bool(v)
        },
        row(
            "method", .stage(.extract), flag: "extract-method", .choice(ExtractMethod.allCases.map(\.rawValue)), default: "model",
            "How the main text's blocks are chosen: model (the learned block model) or rules (the hand-written rules alone)."
        ) { c, v in
            c.extract.method = ExtractMethod(rawValue: text(v)) ?? .model
        },
        row(
            "mode", .stage(.language), flag: nil, .choice(FilterMode.allCases.map(\.rawValue)), default: "annotate",
            "annotate writes the language only; filter also drops documents outside `languages` or under `min_score`."
        ) { c, v in
            language(&c) { $0.mode = FilterMode(rawValue: text(v)) ?? .annotate }
        },
        row(
            "languages", .stage(.language), flag: "languages", .languageCodes, default: "every language",
            "Keep only documents whose text CLD2 finds in one of these languages (ISO 639-1 codes; on the command line comma-separated, and it sets the language stage to filter)."
        ) { c, v in
            language(&c) { $0.languages = texts(v).map { $0.lowercased() } }
        },
        row(
            "min_score", .stage(.language), flag: nil, .number(0...1, aboveLower: false), default: "0",
            "The smallest share of the text in its top language a kept document has (filter mode)."
        ) { c, v in
            language(&c) { $0.minScore = number(v) }
        },
        row("max_bytes", .stage(.language), flag: nil, .int(64...16_777_216), default: "32768", "Bytes of the text's start given to CLD2.") { c, v in
            language(&c) { $0.maxBytes = int(v) }
        },
        row("near", .stage(.dedup), flag: "near-dup", .bool, default: "true", "Near-duplicate detection (MinHash LSH) after the exact pass.") {
            c, v in
            c.dedup.near = bool(v)
        },
        row("shingle_size", .stage(.dedup), flag: "shingle-size", .int(1...64), default: "5", "Words per shingle for near-duplicate detection.") {
            c, v in
            c.dedup.minHash.shingleSize = int(v)
        },
        row("hashes", .stage(.dedup), flag: "hashes", .int(8...1024), default: "128", "MinHash values per document; must equal bands × rows.") {
            c, v in
            c.dedup.minHash.hashes = int(v)
        },
        row("bands", .stage(.dedup), flag: "bands", .int(1...1024), default: "32", "LSH bands.") { c, v in
            c.dedup.minHash.bands = int(v)
        },
        row("rows", .stage(.dedup), flag: "rows", .int(1...1024), default: "4", "Rows (values) per LSH band.") { c, v in
            c.dedup.minHash.rows = int(v)
        },
        row(
            "threshold", .stage(.dedup), flag: "threshold", .number(0...1, aboveLower: true), default: "0.58",
            "Jaccard similarity of the shingle sets at or above which two documents are near-duplicates."
        ) { c, v in
            c.dedup.minHash.threshold = number(v)
        },
        row(
            "containment", .stage(.dedup), flag: "containment", .number(0...1, aboveLower: true), default: "0.9",
            "Share of the later document's shingles found in the earlier one at or above which it is a near-duplicate too (truncated copies)."
        ) { c, v in
            c.dedup.minHash.containment = number(v)
        },
        row(
            "paragraph_cap", .stage(.dedup), flag: "paragraph-cap", .int(1...1_000_000), default: "64",
            "At most about this many shingles per paragraph (a hash-chosen sample of longer ones), so one long shared paragraph does not make two documents duplicates."
        ) { c, v in
            c.dedup.minHash.paragraphCap = int(v)
        },
        row(
            "index", .stage(.dedup), flag: "index", .text, default: "",
            "Cross-run index directory: documents duplicating an earlier run's kept documents are dropped (seen_in_earlier_run), and this run's kept documents are added."
        ) { c, v in
            c.dedup.indexDirectory = text(v)
        },
        row(
            "explain", .stage(.dedup), flag: "explain", .bool, default: "false",
            "Write explain-NNNNN.jsonl.gz: each dropped duplicate's id, reason and keeper id."
        ) { c, v in
            c.dedup.explain = bool(v)
        },
        row(
            "boilerplate_paragraphs", .stage(.dedup), flag: "boilerplate-paragraphs", .int(0...1_000_000), default: "0: off",
            "Remove paragraphs that this many earlier documents of the run held (cc_net-style boilerplate removal)."
        ) { c, v in
            c.dedup.boilerplateParagraphs = int(v)
        },
        row(
            "mode", .stage(.pii), flag: nil, .choice(PIIMode.allCases.map(\.rawValue)), default: "redact",
            "redact replaces what is found and counts it in metadata.pii; annotate only counts."
        ) { c, v in
            pii(&c) { $0.mode = PIIMode(rawValue: text(v)) ?? .redact }
        },
        row(
            nil, .stage(.pii), flag: "pii", .choice(PIIMode.allCases.map(\.rawValue) + ["off"]), default: "off, or the pipeline file's",
            "Add the pii stage after dedup (redact or annotate), or leave it out (off)."
        ) { c, v in
            let mode = text(v)
            if mode == "off" {
                c.pii = nil
            } else {
                pii(&c) { $0.mode = PIIMode(rawValue: mode) ?? .redact }
            }
        },
        row("emails", .stage(.pii), flag: nil, .bool, default: "true", "Find e-mail addresses.") { c, v in
            pii(&c) { $0.emails = bool(v) }
        },
        row(
            "ips", .stage(.pii), flag: nil, .bool, default: "true",
            "Find public IPv4 and IPv6 addresses (private, reserved and documentation ranges are left)."
        ) {
            c, v in
            pii(&c) { $0.ips = bool(v) }
        },
        row("phones", .stage(.pii), flag: nil, .bool, default: "false", "Find phone numbers (+ and 8 to 15 digits, or North American 3-3-4).") {
            c, v in
            pii(&c) { $0.phones = bool(v) }
        },
        row(
            "email_replacements", .stage(.pii), flag: nil, .texts, default: "email@example.com, firstname.lastname@example.org",
            "What an e-mail address becomes (one of these, chosen by the address's hash)."
        ) { c, v in
            pii(&c) { $0.emailReplacements = texts(v) }
        },
        row(
            "ip_replacements", .stage(.pii), flag: nil, .texts, default: "192.0.2.1, 198.51.100.2, 203.0.113.3",
            "What an IP address becomes (documentation addresses, RFC 5737: never a real host)."
        ) { c, v in
            pii(&c) { $0.ipReplacements = texts(v) }
        },
        row("phone_replacements", .stage(.pii), flag: nil, .texts, default: "555-0100", "What a phone number becomes.") { c, v in
            pii(&c) { $0.phoneReplacements = texts(v) }
        },
        row(
            "max_per_1000_words", .stage(.pii), flag: nil, .number(0...1000, aboveLower: false), default: "0: off",
            "Drop documents with more findings than this per 1,000 words (pii_density), as Dolma removes documents dense with personal data."
        ) { c, v in
            pii(&c) { $0.maxPerThousandWords = number(v) }
        },
        row(
            nil, .top, flag: "split-size", .number(0.1...1_048_576, aboveLower: false), default: "1024",
            "With --shard: .warc.gz files larger than this many MiB are cut into parts of that size, each taken by one task (records go to the part where their gzip member starts)."
        ) { c, v in
            c.splitBytes = Int(number(v) * 1024 * 1024)
        },
    ]

    /// The table as Markdown, for the README (`winnow validate --settings`).
    public static var markdown: String {
        var lines = ["| pipeline file | command line | accepts | default | what it does |", "|---|---|---|---|---|"]
        for s in all {
            let flag = s.flag.map { s.kind.isBool ? "`--\($0)`/`--no-\($0)`" : "`--\($0)`" } ?? ""
            lines.append(
                "| \(s.key == nil ? "" : "`\(s.path)`") | \(flag) | \(s.expected) | \(s.defaultText) | \(s.help.replacingOccurrences(of: "|", with: "\\|")) |"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Setting.Kind {
    var isBool: Bool {
        if case .bool = self { return true }
        return false
    }
}
