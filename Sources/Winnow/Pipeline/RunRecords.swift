import Foundation
import WinnowCore

/// What a run leaves beside its shards, once they are committed: the summary files, the marker of
/// a task of a sharded run, the metrics file. (The report is drawn from the summaries by
/// `WinnowReport`.)
extension Pipeline {
    /// The marker of a task of a sharded run (`--shard I/N`): a re-submitted job array skips the
    /// tasks that have one and nothing new in their inputs.
    public var taskMarker: String? {
        config.inputShard.map { shard in
            (config.output as NSString).deletingLastPathComponent + "/markers/run-" + String(format: "%05d", shard.index) + ".done"
        }
    }

    /// A task of a sharded run whose marker is there and whose inputs a committed run finished
    /// unchanged has nothing to do (never with `full`).
    public var taskFinishedAlready: Bool {
        guard !config.full, let marker = taskMarker, FileManager.default.fileExists(atPath: marker) else { return false }
        return (try? config.allInputsFinished()) == true
    }

    /// The summary's base name: `summary` for final output, `STAGE-summary` for intermediate shards.
    public var summaryName: String { config.lastStage >= .dedup ? "summary" : "\(config.lastStage.rawValue)-summary" }

    /// Writes `summary-RRRRRR.json` and `summary.json` (durably). Throws when they cannot be written.
    public func writeSummary(_ summary: RunSummary, command: String) throws {
        let json = RunReport.json(summary, command: command, added: config.added)
        let number = String(repeating: "0", count: max(0, 6 - String(summary.runNumber).count)) + String(summary.runNumber)
        try Durable.write(config.output + "/" + summaryName + "-" + number + ".json", json)
        try Durable.write(config.output + "/" + summaryName + ".json", json)
    }

    /// Writes the dataset card (`OUTPUT/README.md`) of a run that wrote final documents.
    public func writeDatasetCard(_ summary: RunSummary, pipelineName: String) throws {
        guard config.lastStage >= .dedup else { return }
        let state = try RunState.load(config.output)
        let card = DatasetCard.markdown(config: config, summary: summary, state: state, pipelineName: pipelineName)
        try Durable.write(config.output + "/README.md", Array(card.utf8))
    }

    /// Writes the task marker of a sharded run, if it is one.
    public func writeTaskMarker(_ summary: RunSummary) throws {
        guard let marker = taskMarker else { return }
        try FileManager.default.createDirectory(atPath: (marker as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Durable.write(marker, Array("run \(summary.runNumber)\n".utf8))
    }

    /// Writes the metrics file, if the configuration names one: the summary's (nil after a failed run).
    public func writeMetrics(_ summary: RunSummary?, command: String, status: ExitStatus, seconds: Double) throws {
        guard let path = config.metricsFile else { return }
        try Metrics.write(summary, command: command, status: status, seconds: seconds, to: path)
    }
}

extension RunSummary {
    /// The run's exit status: success, or `inputErrors` when some input was damaged or unreadable.
    public var exitStatus: ExitStatus { hadInputErrors ? .inputErrors : .success }
}
