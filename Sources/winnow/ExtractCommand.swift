import ArgumentParser
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

struct ExtractCommand: StageCommand {
    static let stage = StageName.extract

    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Up to extract: the main text and metadata of each page (no deduplication).",
        discussion: """
            Input: raw archives (the earlier stages run in-process) or the shards of an earlier stage. \
            Output: <output>/extract-RRRRRR-NNNNN.jsonl.gz in the final document format.
            """
    )

    @OptionGroup var options: PipelineOptions
}
