import ArgumentParser
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

/// A command that runs the pipeline up to one stage: the stage commands differ only in that
/// stage and their help.
protocol StageCommand: ParsableCommand {
    static var stage: StageName { get }
    var options: PipelineOptions { get }
}

extension StageCommand {
    func run() throws { try runPipeline(options, lastStage: Self.stage, command: Self.stage == .write ? "run" : Self.stage.rawValue) }
}
