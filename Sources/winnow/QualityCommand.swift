import ArgumentParser
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

struct QualityCommand: StageCommand {
    static let stage = StageName.quality

    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Up to quality: the Gopher and C4 quality rules a pipeline file configures (no deduplication).",
        discussion: """
            The rules and their thresholds come from the pipeline file's `quality` stage (README, \
            "Quality rules"); without one, the stage passes every document. Output: \
            <output>/quality-RRRRRR-NNNNN.jsonl.gz in the final document format.
            """
    )

    @OptionGroup var options: PipelineOptions
}
