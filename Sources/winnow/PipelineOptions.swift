import ArgumentParser
import Foundation
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowPipelineFile
import WinnowReport
import WinnowStages

/// Options every pipeline command shares. Each one, when given, overrides the pipeline file's
/// setting; what neither gives takes the default (README, "Pipeline files").
struct PipelineOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("A pipeline file (YAML, see Pipelines/); the options below override its settings.", valueName: "pipeline.yaml"))
    var pipeline: String?

    @Option(name: .shortAndLong, parsing: .upToNextOption, help: help("--input", valueName: "path"))
    var input: [String] = []

    @Option(help: help("--input-list", valueName: "file|url"))
    var inputList: [String] = []

    @Option(help: help("--input-prefix", valueName: "url|dir"))
    var inputPrefix: String?

    @Option(help: help("--fetch-concurrency"))
    var fetchConcurrency: Int?

    @Option(help: help("--fetch-retries"))
    var fetchRetries: Int?

    @Option(help: help("--fetch-timeout", valueName: "seconds"))
    var fetchTimeout: Double?

    @Option(name: .shortAndLong, help: help("--output", valueName: "dir"))
    var output: String?

    @Option(name: .shortAndLong, help: help("--jobs"))
    var jobs: Int?

    @Option(help: help("--shard-size", valueName: "MiB"))
    var shardSize: Double?

    @Option(help: help("--compression-level"))
    var compressionLevel: Int?

    @Option(help: help("--max-document-size", valueName: "MiB"))
    var maxDocumentSize: Int?

    @Option(help: help("--max-depth"))
    var maxDepth: Int?

    @Option(help: help("--max-parse-seconds"))
    var maxParseSeconds: Double?

    @Option(help: help("--format", valueName: "text|markdown"))
    var format: String?

    @Flag(inversion: .prefixedNo, help: help("--captions"))
    var captions: Bool?

    @Option(help: help("--extract-method", valueName: "model|rules"))
    var extractMethod: String?

    @Option(help: help("--languages", valueName: "en,de,..."))
    var languages: String?

    @Option(help: help("--url-blocklist", valueName: "file|dir"))
    var urlBlocklist: [String] = []

    @Option(help: help("--url-allowlist", valueName: "file|dir"))
    var urlAllowlist: [String] = []

    @Option(help: help("--pii", valueName: "redact|annotate|off"))
    var pii: String?

    @OptionGroup(title: "Deduplication") var dedup: DedupOptions

    @Flag(name: .shortAndLong, help: "Log every dropped document, not only damaged input.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Log errors only, and print no summary.")
    var quiet = false

    @Flag(help: "Do not show the progress line (it is shown only when standard error is a terminal).")
    var noProgress = false

    @Flag(help: "Process every input again, even those an earlier run finished unchanged, and replace the earlier runs' shards.")
    var full = false

    @Option(help: help("--keep-dropped", valueName: "dir"))
    var keepDropped: String?

    @Flag(help: "Do not write report.html at the end of the run (`winnow report` writes it later).")
    var noReport = false

    @Option(
        help: ArgumentHelp(
            "Take every N-th input file from the I-th (0-based) and write to OUTPUT/task-IIIII, for a task of a sharded run (default: SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT when set). Deduplication is within the task; `winnow slurm` deduplicates across tasks.",
            valueName: "I/N"))
    var shard: String?

    @Option(help: help("--split-size", valueName: "MiB"))
    var splitSize: Double = 1024

    @Option(help: help("--metrics-file", valueName: "file"))
    var metricsFile: String?

    @Option(help: help("--checkpoint-every", valueName: "documents"))
    var checkpointEvery: Int?

    /// The settings given on the command line, by flag, in the table's terms (`Settings.all`).
    var given: [(flag: String, value: Setting.Value)] {
        var g: [(String, Setting.Value)] = []
        if !input.isEmpty { g.append(("--input", .texts(input))) }
        if !inputList.isEmpty { g.append(("--input-list", .texts(inputList))) }
        if let inputPrefix { g.append(("--input-prefix", .text(inputPrefix))) }
        if let fetchConcurrency { g.append(("--fetch-concurrency", .int(fetchConcurrency))) }
        if let fetchRetries { g.append(("--fetch-retries", .int(fetchRetries))) }
        if let fetchTimeout { g.append(("--fetch-timeout", .number(fetchTimeout))) }
        if let output { g.append(("--output", .text(output))) }
        if let jobs { g.append(("--jobs", .int(jobs))) }
        if let shardSize { g.append(("--shard-size", .number(shardSize))) }
        if let compressionLevel { g.append(("--compression-level", .int(compressionLevel))) }
        if let maxDocumentSize { g.append(("--max-document-size", .int(maxDocumentSize))) }
        if let maxDepth { g.append(("--max-depth", .int(maxDepth))) }
        if let maxParseSeconds { g.append(("--max-parse-seconds", .number(maxParseSeconds))) }
        if let format { g.append(("--format", .text(format))) }
        if let captions { g.append(("--captions", .bool(captions))) }
        if let extractMethod { g.append(("--extract-method", .text(extractMethod))) }
        if let languages {
            g.append(("--languages", .texts(languages.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })))
        }
        if !urlBlocklist.isEmpty { g.append(("--url-blocklist", .texts(urlBlocklist))) }
        if !urlAllowlist.isEmpty { g.append(("--url-allowlist", .texts(urlAllowlist))) }
        if let pii { g.append(("--pii", .text(pii))) }
        if let keepDropped { g.append(("--keep-dropped", .text(keepDropped))) }
        if let metricsFile { g.append(("--metrics-file", .text(metricsFile))) }
        if let checkpointEvery { g.append(("--checkpoint-every", .int(checkpointEvery))) }
        return g + dedup.given
    }

    func validate() throws {
        var scratch = PipelineConfig(inputs: [], output: "", added: "")
        for (flag, value) in given {
            do { try Settings.named(flag).set(value, in: &scratch, as: flag) } catch { throw ValidationError("\(error)") }
        }
        try Settings.named("--split-size").set(.number(splitSize), in: &scratch, as: "--split-size")
        if pipeline == nil {
            guard !input.isEmpty || !inputList.isEmpty else {
                throw ValidationError("give at least one --input path or --input-list (or a pipeline file that names its inputs)")
            }
            guard output != nil else { throw ValidationError("give --output (or a pipeline file that names its output directory)") }
        }
        try dedup.validate()
    }

    /// The run's configuration: the pipeline file's (or the defaults), then the options given.
    func config(lastStage: StageName) throws -> PipelineConfig {
        var config = try assembleConfig(pipeline: pipeline, given: given)
        // --languages sets the language stage to filter (a pipeline file says `mode: filter`).
        if languages != nil { config.language?.mode = .filter }
        guard !config.inputs.isEmpty || !config.inputLists.isEmpty else {
            throw ValidationError("no inputs: give --input, --input-list, or `inputs` in the pipeline file")
        }
        guard !config.output.isEmpty else { throw ValidationError("no output directory: give --output or `output.directory` in the pipeline file") }
        try refuseUnsupportedLocations(config)
        try refuseIgnored(config, lastStage: lastStage)
        config.lastStage = lastStage
        // `winnow pii` runs the stage it is named after; `winnow url-filter` needs lists to filter by.
        if lastStage == .pii && config.pii == nil && pii != "off" { config.pii = PIISettings() }
        if let filter = config.urlFilter, filter.blocklists.isEmpty {
            throw ValidationError("the url_filter stage has no blocklist: give --url-blocklist FILE (or `blocklists` in the pipeline file)")
        }
        if lastStage == .urlFilter && config.urlFilter == nil {
            throw ValidationError("winnow url-filter filters by lists: give --url-blocklist FILE (or a pipeline file with a url_filter stage)")
        }
        config.full = full
        if let task = try parseShard(shard) {
            config.inputShard = (task.index, task.count)
            try Settings.named("--split-size").set(.number(splitSize), in: &config)
            config.output += "/task-" + task.tag
            if let dir = config.keepDroppedDirectory { config.keepDroppedDirectory = dir + "/task-" + task.tag }
            if let dir = config.dedup.indexDirectory { config.dedup.indexDirectory = dir + "/task-" + task.tag }
        }
        // No silent settings: checkpoints asked for where they cannot be taken.
        if let n = checkpointEvery, n > 0, let why = config.checkpointsOff {
            throw ValidationError("--checkpoint-every: no checkpoints here: \(why)")
        }
        return config
    }
}

/// Inputs are local paths or http(s) URLs; the output is a local directory. Any other scheme
/// would otherwise become a local folder named after it (`s3:`).
func refuseUnsupportedLocations(_ config: PipelineConfig) throws {
    for path in config.inputs + config.inputLists where path.contains("://") && !RemotePath.isRemote(path) {
        throw ValidationError("\(path): inputs are local paths or http:// and https:// URLs; other schemes (s3://, ...) are not read yet")
    }
    if config.output.contains("://") {
        throw ValidationError("\(config.output): the output is a local directory; remote storage is not written yet")
    }
}

extension PipelineOptions {
    /// No silent settings: an option of a stage this command does not run, or of a dedup stage
    /// the pipeline does not have, is a usage error naming it.
    func refuseIgnored(_ config: PipelineConfig, lastStage: StageName) throws {
        for (flag, value) in given {
            guard case .stage(let stage) = Settings.named(flag).place, !(flag == "--pii" && value == .text("off")) else { continue }
            if stage > lastStage {
                throw ValidationError(
                    "\(flag) is a setting of the \(stage.rawValue) stage, which this command does not run (it stops after \(lastStage.rawValue))")
            }
            if stage == .dedup && !config.dedup.enabled {
                throw ValidationError("\(flag) is a dedup setting, and the pipeline file has no dedup stage")
            }
        }
    }
}

/// A command's configuration, assembled in this one place: the defaults, then the pipeline file's
/// settings, then the options given, each checked against the settings table.
func assembleConfig(pipeline: String?, given: [(flag: String, value: Setting.Value)]) throws -> PipelineConfig {
    var config = PipelineConfig(inputs: [], output: "", added: Timestamps.added())
    if let pipeline {
        let added = config.added
        config = try PipelineFile.load(pipeline).config
        config.added = added
    }
    for (flag, value) in given {
        do { try Settings.named(flag).set(value, in: &config, as: flag) } catch { throw ValidationError("\(error)") }
    }
    return config
}

/// The command line's help of a setting, from the table (`Settings.all`).
func help(_ flag: String, valueName: String? = nil) -> ArgumentHelp {
    ArgumentHelp(Settings.named(flag).helpWithDefault, valueName: valueName)
}

/// Options of the dedup stage, shared by `run`, `dedup`, `dedup-phase` and `index`. Each one,
/// when given, overrides the pipeline file's setting.
struct DedupOptions: ParsableArguments {
    @Flag(name: .customLong("near-dup"), inversion: .prefixedNo, help: help("--near-dup"))
    var nearDup: Bool?

    @Option(help: help("--shingle-size"))
    var shingleSize: Int?

    @Option(help: help("--hashes"))
    var hashes: Int?

    @Option(help: help("--bands"))
    var bands: Int?

    @Option(help: help("--rows"))
    var rows: Int?

    @Option(help: help("--threshold"))
    var threshold: Double?

    @Option(help: help("--containment"))
    var containment: Double?

    @Option(help: help("--paragraph-cap"))
    var paragraphCap: Int?

    @Option(help: help("--index", valueName: "dir"))
    var index: String?

    @Flag(inversion: .prefixedNo, help: help("--explain"))
    var explain: Bool?

    @Option(help: help("--boilerplate-paragraphs"))
    var boilerplateParagraphs: Int?

    /// The options given, by flag, in the table's terms.
    var given: [(flag: String, value: Setting.Value)] {
        var g: [(String, Setting.Value)] = []
        if let nearDup { g.append(("--near-dup", .bool(nearDup))) }
        if let shingleSize { g.append(("--shingle-size", .int(shingleSize))) }
        if let hashes { g.append(("--hashes", .int(hashes))) }
        if let bands { g.append(("--bands", .int(bands))) }
        if let rows { g.append(("--rows", .int(rows))) }
        if let threshold { g.append(("--threshold", .number(threshold))) }
        if let containment { g.append(("--containment", .number(containment))) }
        if let paragraphCap { g.append(("--paragraph-cap", .int(paragraphCap))) }
        if let index { g.append(("--index", .text(index))) }
        if let explain { g.append(("--explain", .bool(explain))) }
        if let boilerplateParagraphs { g.append(("--boilerplate-paragraphs", .int(boilerplateParagraphs))) }
        return g
    }

    func validate() throws {
        // A near-duplicate setting beside --no-near-dup would be accepted and do nothing.
        if nearDup == false {
            let near = ["--shingle-size", "--hashes", "--bands", "--rows", "--threshold", "--containment", "--paragraph-cap"]
            let set = given.map(\.flag).filter(near.contains)
            if !set.isEmpty {
                throw ValidationError(
                    "\(set.joined(separator: ", ")) set(s) near-duplicate detection, which --no-near-dup turns off: drop one or the other")
            }
        }
        let d = try settings
        guard d.minHash.hashes == d.minHash.bands * d.minHash.rows else {
            throw ValidationError("--hashes (\(d.minHash.hashes)) must equal --bands × --rows (\(d.minHash.bands) × \(d.minHash.rows))")
        }
    }

    /// Sets the options given over `config`'s dedup settings.
    func apply(to config: inout PipelineConfig) throws {
        for (flag, value) in given {
            do { try Settings.named(flag).set(value, in: &config, as: flag) } catch { throw ValidationError("\(error)") }
        }
    }

    /// The defaults with the options given.
    var settings: DedupSettings {
        get throws {
            var config = PipelineConfig(inputs: [], output: "", added: "")
            try apply(to: &config)
            return config.dedup
        }
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
    do {
        config = try options.config(lastStage: lastStage)
    } catch let error as PipelineFile.Invalid {
        Log.writeStderr("winnow: the pipeline file is invalid:\n\(error)\n")
        throw ExitCode(.usage)
    } catch let error as ValidationError {
        Log.writeStderr("Error: \(error.message)\n")
        throw ExitCode(.usage)
    }
    let pipeline: Pipeline
    do {
        pipeline = try Pipeline(config: config)
    } catch {
        // A stage that cannot be made from the settings (a URL list missing or unreadable).
        Log.writeStderr("Error: \(error)\n")
        throw ExitCode(.usage)
    }
    if pipeline.taskFinishedAlready {
        if !options.quiet { Log.info("task finished already (\(pipeline.taskMarker ?? "")); nothing new in its inputs") }
        return
    }
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
        try? pipeline.writeMetrics(nil, command: command, status: .failed, seconds: Date().timeIntervalSince(start))
        throw ExitCode(.failed)
    }
    progress.clear()
    do {
        try pipeline.writeSummary(summary, command: command)
        let name = options.pipeline.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension } ?? "default"
        try pipeline.writeDatasetCard(summary, pipelineName: name)
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
    let status = summary.exitStatus
    do { try pipeline.writeTaskMarker(summary) } catch { Log.error("\(error)") }
    do { try pipeline.writeMetrics(summary, command: command, status: status, seconds: summary.wallSeconds) } catch { Log.error("\(error)") }
    if status != .success { throw ExitCode(status) }
}

/// Progress on standard error: a redrawn line with rate on a terminal, a plain log line a
/// minute otherwise (cron logs). Called on the run's calling thread only.
final class ProgressLine {
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
