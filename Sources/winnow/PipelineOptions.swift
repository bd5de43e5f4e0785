import ArgumentParser
import Foundation
import Winnow

/// Options every pipeline command shares.
struct PipelineOptions: ParsableArguments {
    @Option(name: .shortAndLong, parsing: .upToNextOption,
            help: ArgumentHelp("Input files or directories (searched recursively; hidden entries skipped).", valueName: "path"))
    var input: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp("Output directory for shards and summary.json.", valueName: "dir"))
    var output: String

    @Option(name: .shortAndLong, help: "Worker threads for clean, segment and extract (default: all cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Close a shard after this many MiB of uncompressed JSON (fractions allowed).")
    var shardSize: Double = 128

    @Option(help: "gzip level of the shards, 1 (fast) to 9 (small).")
    var compressionLevel: Int = 6

    @Option(help: "Drop documents larger than this many MiB (after decompression) as too_large.")
    var maxDocumentSize: Int = 16

    @Option(help: "Drop pages with elements nested deeper than this (too_deep).")
    var maxDepth: Int = 256

    @Option(help: "Drop pages whose parsing takes longer than this many seconds (parse_timeout).")
    var maxParseSeconds: Double = 10

    @Option(help: ArgumentHelp("Form of the extracted text: text (paragraphs separated by a line break) or markdown (headings, lists, quotes, tables).", valueName: "text|markdown"))
    var format: String = "text"

    @Flag(help: "Keep image captions and credits in the text (they are left out by default).")
    var captions = false

    @OptionGroup(title: "Deduplication") var dedup: DedupOptions

    @Flag(name: .shortAndLong, help: "Log every dropped document, not only damaged input.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Log errors only, and print no summary.")
    var quiet = false

    @Flag(help: "Do not show the progress line (it is shown only when standard error is a terminal).")
    var noProgress = false

    @Flag(help: "Process every input again, even those an earlier run finished unchanged, and replace the earlier runs' shards.")
    var full = false

    @Option(help: ArgumentHelp("Write run metrics in Prometheus text format to this file (for node_exporter's textfile collector), atomically.", valueName: "file"))
    var metricsFile: String?

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("give at least one --input path") }
        guard jobs >= 1 && jobs <= 1024 else { throw ValidationError("--jobs must be between 1 and 1024") }
        guard shardSize >= 0.001 else { throw ValidationError("--shard-size must be at least 0.001 (MiB)") }
        guard (1...9).contains(compressionLevel) else { throw ValidationError("--compression-level must be 1 to 9") }
        guard maxDocumentSize >= 1 else { throw ValidationError("--max-document-size must be at least 1 (MiB)") }
        guard maxDepth >= 16 else { throw ValidationError("--max-depth must be at least 16") }
        guard maxParseSeconds > 0 else { throw ValidationError("--max-parse-seconds must be positive") }
        guard TextFormat(rawValue: format) != nil else { throw ValidationError("--format must be text or markdown") }
        try dedup.validate()
    }

    func config(lastStage: StageName) -> PipelineConfig {
        var config = PipelineConfig(inputs: input, output: output, added: Timestamps.added())
        config.jobs = jobs
        config.lastStage = lastStage
        config.write.shardBytes = Int(shardSize * 1024 * 1024)
        config.write.compressionLevel = Int32(compressionLevel)
        config.read.maxDocumentBytes = maxDocumentSize * 1024 * 1024
        config.clean.maxDepth = maxDepth
        config.clean.maxParseSeconds = maxParseSeconds
        config.extract.format = TextFormat(rawValue: format) ?? .text
        config.extract.includeCaptions = captions
        config.dedup = dedup.settings
        config.full = full
        return config
    }
}

/// Options of the dedup stage, shared by `run`, `dedup` and `index`.
struct DedupOptions: ParsableArguments {
    @Flag(name: .customLong("near-dup"), inversion: .prefixedNo, help: "Near-duplicate detection (MinHash LSH) after the exact pass.")
    var nearDup = true

    @Option(help: "Words per shingle for near-duplicate detection.")
    var shingleSize: Int = 5

    @Option(help: "MinHash values per document; must equal --bands × --rows.")
    var hashes: Int = 128

    @Option(help: "LSH bands.")
    var bands: Int = 32

    @Option(help: "Rows (values) per LSH band.")
    var rows: Int = 4

    @Option(help: "Estimated Jaccard similarity at or above which two documents are near-duplicates.")
    var threshold: Double = 0.58

    @Option(help: "Estimated containment (shared shingles over the smaller document's) at or above which two documents are near-duplicates too (truncated copies).")
    var containment: Double = 0.9

    @Option(help: "At most about this many shingles per paragraph (a hash-chosen sample of longer ones), so one long shared paragraph does not make two documents duplicates.")
    var paragraphCap: Int = 64

    @Option(help: ArgumentHelp("Cross-run index directory: documents duplicating an earlier run's kept documents are dropped (seen_in_earlier_run), and this run's kept documents are added.", valueName: "dir"))
    var index: String?

    @Flag(help: "Write explain-NNNNN.jsonl.gz: each dropped duplicate's id, reason and keeper id.")
    var explain = false

    @Option(help: "Remove paragraphs that this many earlier documents of the run held (cc_net-style boilerplate removal; 0 = off).")
    var boilerplateParagraphs: Int = 0

    func validate() throws {
        guard boilerplateParagraphs >= 0 else { throw ValidationError("--boilerplate-paragraphs must be 0 or more") }
        guard settings.minHash.isValid else {
            throw ValidationError("MinHash settings: --hashes must equal --bands × --rows (8 to 1024), --shingle-size ≥ 1, 0 < --threshold ≤ 1")
        }
    }

    var settings: DedupSettings {
        var d = DedupSettings()
        d.near = nearDup
        d.minHash.shingleSize = shingleSize
        d.minHash.hashes = hashes
        d.minHash.bands = bands
        d.minHash.rows = rows
        d.minHash.threshold = threshold
        d.minHash.containment = containment
        d.minHash.paragraphCap = paragraphCap
        d.indexDirectory = index
        d.explain = explain
        d.boilerplateParagraphs = boilerplateParagraphs
        return d
    }
}

/// Exit statuses of the pipeline commands (README, "Exit status").
enum Status {
    static let inputErrors: Int32 = 2
    static let lockHeld: Int32 = 75
    static let fatal: Int32 = 1
}

/// Runs the pipeline up to `lastStage`, prints and writes the summary, and exits with the
/// documented status.
func runPipeline(_ options: PipelineOptions, lastStage: StageName, command: String) throws {
    Log.setLevel(options.quiet ? .error : (options.verbose ? .debug : .info))
    let config = options.config(lastStage: lastStage)
    let pipeline = Pipeline(config: config)
    let progress = ProgressLine(terminal: !options.noProgress && !options.quiet && isatty(2) == 1, log: !options.quiet && isatty(2) != 1)
    let summary: RunSummary
    let start = Date()
    do {
        summary = try pipeline.run { read, written, done in progress.update(read: read, written: written, done: done) }
    } catch let error as OutputLock.LockError {
        progress.clear()
        Log.error("\(error)")
        throw ExitCode(Status.lockHeld)
    } catch {
        progress.clear()
        Log.error("\(error)")
        if let path = options.metricsFile { try? Metrics.write(nil, command: command, status: Status.fatal, seconds: Date().timeIntervalSince(start), to: path) }
        throw ExitCode(Status.fatal)
    }
    progress.clear()
    let json = RunReport.json(summary, command: command, added: config.added)
    let base = lastStage >= .dedup ? "summary" : "\(lastStage.rawValue)-summary"
    let number = String(repeating: "0", count: max(0, 6 - String(summary.runNumber).count)) + String(summary.runNumber)
    do {
        try Durable.write(config.output + "/" + base + "-" + number + ".json", json)
        try Durable.write(config.output + "/" + base + ".json", json)
    } catch {
        Log.error("\(error)")
        throw ExitCode(Status.fatal)
    }
    if !options.quiet { Log.writeStderr(RunReport.text(summary, command: command)) }
    let status: Int32 = summary.hadInputErrors ? Status.inputErrors : 0
    if let path = options.metricsFile {
        do { try Metrics.write(summary, command: command, status: status, seconds: summary.wallSeconds, to: path) } catch { Log.error("\(error)") }
    }
    if status != 0 { throw ExitCode(status) }
}

/// Progress on standard error: a redrawn line with rate on a terminal, a plain log line a
/// minute otherwise (cron logs).
final class ProgressLine: @unchecked Sendable {
    private let terminal: Bool
    private let log: Bool
    private var last = 0.0
    private let start = Date()

    init(terminal: Bool, log: Bool) {
        self.terminal = terminal
        self.log = log
    }

    func update(read: Int, written: Int, done: Double) {
        guard terminal || log else { return }
        let now = Date().timeIntervalSince(start)
        guard now - last >= (terminal ? 0.2 : 60) else { return }
        last = now
        let rate = Double(read) / max(now, 0.001)
        // The time left, from the share of input bytes in finished files.
        let eta = done > 0.01 ? String(format: ", about %.0f s left", now * (1 - done) / done) : ""
        if terminal {
            Log.writeStderr(String(format: "\r\u{1b}[K%d documents read, %d written, %.0f/s, %.0f%%%@", read, written, rate, done * 100, eta))
        } else {
            Log.info(String(format: "progress: %d documents read, %d written, %.0f/s, %.0f%% of input%@", read, written, rate, done * 100, eta))
        }
    }

    func clear() {
        if terminal { Log.writeStderr("\r\u{1b}[K") }
    }
}
