import ArgumentParser
import Foundation
import Winnow
import WinnowPipelineFile

/// Options every pipeline command shares. Each one, when given, overrides the pipeline file's
/// setting; what neither gives takes the default (README, "Pipeline files").
struct PipelineOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("A pipeline file (YAML, see Pipelines/); the options below override its settings.", valueName: "pipeline.yaml"))
    var pipeline: String?

    @Option(name: .shortAndLong, parsing: .upToNextOption,
            help: ArgumentHelp("Input files or directories (searched recursively; hidden entries skipped).", valueName: "path"))
    var input: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Output directory for shards and summary.json.", valueName: "dir"))
    var output: String?

    @Option(name: .shortAndLong, help: "Worker threads for clean, segment, extract and the filters (default: all cores).")
    var jobs: Int?

    @Option(help: "Close a shard after this many MiB of uncompressed JSON (fractions allowed; default 128).")
    var shardSize: Double?

    @Option(help: "gzip level of the shards, 1 (fast) to 9 (small); default 6.")
    var compressionLevel: Int?

    @Option(help: "Drop documents larger than this many MiB (after decompression) as too_large; default 16.")
    var maxDocumentSize: Int?

    @Option(help: "Drop pages with elements nested deeper than this (too_deep); default 256.")
    var maxDepth: Int?

    @Option(help: "Drop pages whose parsing takes longer than this many seconds (parse_timeout); default 10.")
    var maxParseSeconds: Double?

    @Option(help: ArgumentHelp("Form of the extracted text: text (paragraphs separated by a line break, the default) or markdown (headings, lists, quotes, tables).", valueName: "text|markdown"))
    var format: String?

    @Flag(inversion: .prefixedNo, help: "Keep image captions and credits in the text (left out by default).")
    var captions: Bool?

    @Option(help: ArgumentHelp("How the main text's blocks are chosen: model (the learned block model, the default) or rules (the hand-written rules alone).", valueName: "model|rules"))
    var extractMethod: String?

    @Option(help: ArgumentHelp("Keep only documents whose text CLD2 finds in one of these languages (ISO 639-1 codes, comma-separated); sets the language stage to filter.", valueName: "en,de,..."))
    var languages: String?

    @OptionGroup(title: "Deduplication") var dedup: DedupOptions

    @Flag(name: .shortAndLong, help: "Log every dropped document, not only damaged input.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Log errors only, and print no summary.")
    var quiet = false

    @Flag(help: "Do not show the progress line (it is shown only when standard error is a terminal).")
    var noProgress = false

    @Flag(help: "Process every input again, even those an earlier run finished unchanged, and replace the earlier runs' shards.")
    var full = false

    @Option(help: ArgumentHelp("Also write every dropped document, with its reason in metadata, to dropped-RRRRRR-NNNNN.jsonl.gz shards in this directory (for `winnow inspect`).", valueName: "dir"))
    var keepDropped: String?

    @Flag(help: "Do not write report.html at the end of the run (`winnow report` writes it later).")
    var noReport = false

    @Option(help: ArgumentHelp("Take every N-th input file from the I-th (0-based) and write to OUTPUT/task-IIIII, for a task of a sharded run (default: SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT when set). Deduplication is within the task; `winnow slurm` deduplicates across tasks.", valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("With --shard: .warc.gz files larger than this many MiB are cut into parts of that size, each taken by one task (records go to the part where their gzip member starts).", valueName: "MiB"))
    var splitSize: Double = 1024

    @Option(help: ArgumentHelp("Write run metrics in Prometheus text format to this file (for node_exporter's textfile collector), atomically.", valueName: "file"))
    var metricsFile: String?

    func validate() throws {
        if let jobs { guard jobs >= 1 && jobs <= 1024 else { throw ValidationError("--jobs must be between 1 and 1024") } }
        if let shardSize { guard shardSize >= 0.001 else { throw ValidationError("--shard-size must be at least 0.001 (MiB)") } }
        if let compressionLevel { guard (1...9).contains(compressionLevel) else { throw ValidationError("--compression-level must be 1 to 9") } }
        if let maxDocumentSize { guard maxDocumentSize >= 1 else { throw ValidationError("--max-document-size must be at least 1 (MiB)") } }
        if let maxDepth { guard maxDepth >= 16 else { throw ValidationError("--max-depth must be at least 16") } }
        if let maxParseSeconds { guard maxParseSeconds > 0 else { throw ValidationError("--max-parse-seconds must be positive") } }
        guard splitSize >= 0.1 else { throw ValidationError("--split-size must be at least 0.1 (MiB)") }
        if let languages {
            for code in languages.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where code.isEmpty
                || !(2...3).contains(code.count) || !code.allSatisfy({ $0.isASCII && $0.isLetter }) {
                throw ValidationError("--languages takes ISO 639-1 codes separated by commas (en,de,zh), not \"\(code)\"")
            }
        }
        if let format { guard TextFormat(rawValue: format) != nil else { throw ValidationError("--format must be text or markdown") } }
        if pipeline == nil {
            guard !input.isEmpty else { throw ValidationError("give at least one --input path (or a pipeline file that names its inputs)") }
            guard output != nil else { throw ValidationError("give --output (or a pipeline file that names its output directory)") }
        }
        try dedup.validate()
    }

    /// The run's configuration: the pipeline file's (or the defaults), then the options given.
    func config(lastStage: StageName) throws -> (PipelineConfig, metricsFile: String?) {
        var config = PipelineConfig(inputs: [], output: "", added: Timestamps.added())
        var metrics: String?
        if let pipeline {
            let file = try PipelineFile.load(pipeline)
            let added = config.added
            config = file.config
            config.added = added
            if let jobs = file.jobs { config.jobs = jobs }
            metrics = file.metricsFile
        }
        if !input.isEmpty { config.inputs = input }
        if let output { config.output = output }
        guard !config.inputs.isEmpty else { throw ValidationError("no inputs: give --input or `inputs` in the pipeline file") }
        guard !config.output.isEmpty else { throw ValidationError("no output directory: give --output or `output.directory` in the pipeline file") }
        // Remote storage is not read or written yet: a URL would become a local folder named "s3:".
        for path in config.inputs + [config.output] where path.contains("://") {
            throw ValidationError("\(path): remote locations (s3://, https://, ...) are not supported yet; give a local path")
        }
        config.lastStage = lastStage
        if let jobs { config.jobs = jobs }
        if let shardSize { config.write.shardBytes = Int(shardSize * 1024 * 1024) }
        if let compressionLevel { config.write.compressionLevel = Int32(compressionLevel) }
        if let maxDocumentSize { config.read.maxDocumentBytes = maxDocumentSize * 1024 * 1024 }
        if let maxDepth { config.clean.maxDepth = maxDepth }
        if let maxParseSeconds { config.clean.maxParseSeconds = maxParseSeconds }
        if let format { config.extract.format = TextFormat(rawValue: format) ?? .text }
        if let captions { config.extract.includeCaptions = captions }
        if let extractMethod {
            guard let method = ExtractMethod(rawValue: extractMethod) else {
                throw ValidationError("--extract-method must be one of \(ExtractMethod.allCases.map(\.rawValue).joined(separator: ", ")), not \(extractMethod)")
            }
            config.extract.method = method
        }
        if let languages {
            var settings = config.language ?? LanguageSettings()
            settings.mode = .filter
            settings.languages = languages.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
            config.language = settings
        }
        dedup.apply(to: &config.dedup)
        config.full = full
        if let keepDropped { config.keepDroppedDirectory = keepDropped }
        if let task = try parseShard(shard) {
            config.inputShard = (task.index, task.count)
            config.splitBytes = Int(splitSize * 1024 * 1024)
            config.output += "/task-" + task.tag
            if let dir = config.keepDroppedDirectory { config.keepDroppedDirectory = dir + "/task-" + task.tag }
            if let dir = config.dedup.indexDirectory { config.dedup.indexDirectory = dir + "/task-" + task.tag }
        }
        return (config, metricsFile ?? metrics)
    }
}

/// Options of the dedup stage, shared by `run`, `dedup`, `dedup-phase` and `index`. Each one,
/// when given, overrides the pipeline file's setting.
struct DedupOptions: ParsableArguments {
    @Flag(name: .customLong("near-dup"), inversion: .prefixedNo, help: "Near-duplicate detection (MinHash LSH) after the exact pass (on by default).")
    var nearDup: Bool?

    @Option(help: "Words per shingle for near-duplicate detection (default 5).")
    var shingleSize: Int?

    @Option(help: "MinHash values per document; must equal --bands × --rows (default 128).")
    var hashes: Int?

    @Option(help: "LSH bands (default 32).")
    var bands: Int?

    @Option(help: "Rows (values) per LSH band (default 4).")
    var rows: Int?

    @Option(help: "Jaccard similarity of the shingle sets at or above which two documents are near-duplicates (default 0.58).")
    var threshold: Double?

    @Option(help: "Share of the later document's shingles found in the earlier one at or above which it is a near-duplicate too (truncated copies; default 0.9).")
    var containment: Double?

    @Option(help: "At most about this many shingles per paragraph (a hash-chosen sample of longer ones), so one long shared paragraph does not make two documents duplicates (default 64).")
    var paragraphCap: Int?

    @Option(help: ArgumentHelp("Cross-run index directory: documents duplicating an earlier run's kept documents are dropped (seen_in_earlier_run), and this run's kept documents are added.", valueName: "dir"))
    var index: String?

    @Flag(inversion: .prefixedNo, help: "Write explain-NNNNN.jsonl.gz: each dropped duplicate's id, reason and keeper id.")
    var explain: Bool?

    @Option(help: "Remove paragraphs that this many earlier documents of the run held (cc_net-style boilerplate removal; 0 = off, the default).")
    var boilerplateParagraphs: Int?

    func validate() throws {
        if let boilerplateParagraphs, boilerplateParagraphs < 0 { throw ValidationError("--boilerplate-paragraphs must be 0 or more") }
        // A near-duplicate setting beside --no-near-dup would be accepted and do nothing.
        if nearDup == false {
            let given = [("--shingle-size", shingleSize != nil), ("--hashes", hashes != nil), ("--bands", bands != nil), ("--rows", rows != nil),
                         ("--threshold", threshold != nil), ("--containment", containment != nil), ("--paragraph-cap", paragraphCap != nil)]
                .filter(\.1).map(\.0)
            if !given.isEmpty {
                throw ValidationError("\(given.joined(separator: ", ")) set(s) near-duplicate detection, which --no-near-dup turns off: drop one or the other")
            }
        }
        guard settings.minHash.isValid else {
            throw ValidationError("MinHash settings: --hashes must equal --bands × --rows (8 to 1024), --shingle-size ≥ 1, 0 < --threshold ≤ 1")
        }
    }

    /// Sets the options given over `d`.
    func apply(to d: inout DedupSettings) {
        if let nearDup { d.near = nearDup }
        if let shingleSize { d.minHash.shingleSize = shingleSize }
        if let hashes { d.minHash.hashes = hashes }
        if let bands { d.minHash.bands = bands }
        if let rows { d.minHash.rows = rows }
        if let threshold { d.minHash.threshold = threshold }
        if let containment { d.minHash.containment = containment }
        if let paragraphCap { d.minHash.paragraphCap = paragraphCap }
        if let index { d.indexDirectory = index }
        if let explain { d.explain = explain }
        if let boilerplateParagraphs { d.boilerplateParagraphs = boilerplateParagraphs }
    }

    /// The defaults with the options given.
    var settings: DedupSettings {
        var d = DedupSettings()
        apply(to: &d)
        return d
    }
}

extension ExitCode {
    /// The command's documented exit status.
    init(_ status: ExitStatus) { self.init(status.rawValue) }
}

/// Runs the pipeline up to `lastStage`, prints and writes the summary, and exits with the
/// documented status.
func runPipeline(_ options: PipelineOptions, lastStage: StageName, command: String) throws {
    Log.setLevel(options.quiet ? .error : (options.verbose ? .debug : .info))
    let config: PipelineConfig
    let metricsFile: String?
    do {
        (config, metricsFile) = try options.config(lastStage: lastStage)
    } catch let error as PipelineFile.Invalid {
        Log.writeStderr("winnow: the pipeline file is invalid:\n\(error)\n")
        throw ExitCode(.usage)
    } catch let error as ValidationError {
        Log.writeStderr("Error: \(error.message)\n")
        throw ExitCode(.usage)
    }
    // A task of a sharded run (a Slurm array re-submitted) whose marker is there and whose
    // files are all finished unchanged has nothing to do.
    let marker = config.inputShard.map { shard in
        (config.output as NSString).deletingLastPathComponent + "/markers/run-" + String(format: "%05d", shard.index) + ".done"
    }
    if !config.full, let marker, FileManager.default.fileExists(atPath: marker), (try? config.allInputsFinished()) == true {
        if !options.quiet { Log.info("task finished already (\(marker)); nothing new in its inputs") }
        return
    }
    let pipeline = Pipeline(config: config)
    let progress = ProgressLine(terminal: !options.noProgress && !options.quiet && isatty(2) == 1, log: !options.quiet && isatty(2) != 1)
    let summary: RunSummary
    let start = Date()
    do {
        summary = try pipeline.run { read, written, done in progress.update(read: read, written: written, done: done) }
    } catch let error as OutputLock.LockError {
        progress.clear()
        Log.error("\(error)")
        // 75 only when a live run holds the lock; a directory that cannot be locked is a failure.
        if case .held = error { throw ExitCode(.lockHeld) }
        throw ExitCode(.failed)
    } catch {
        progress.clear()
        Log.error("\(error)")
        if let path = metricsFile { try? Metrics.write(nil, command: command, status: .failed, seconds: Date().timeIntervalSince(start), to: path) }
        throw ExitCode(.failed)
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
        throw ExitCode(.failed)
    }
    if !options.quiet { Log.writeStderr(RunReport.text(summary, command: command)) }
    if lastStage >= .dedup && !options.noReport {
        do {
            let path = try ReportPage.write(directory: config.output)
            if !options.quiet { Log.writeStderr("report: \(path)\n") }
        } catch {
            Log.error("report: \(error)")
        }
    }
    let status: ExitStatus = summary.hadInputErrors ? .inputErrors : .success
    if let marker {
        do {
            try FileManager.default.createDirectory(atPath: (marker as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Durable.write(marker, Array("run \(summary.runNumber)\n".utf8))
        } catch {
            Log.error("\(error)")
        }
    }
    if let path = metricsFile {
        do { try Metrics.write(summary, command: command, status: status, seconds: summary.wallSeconds, to: path) } catch { Log.error("\(error)") }
    }
    if status != .success { throw ExitCode(status) }
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
