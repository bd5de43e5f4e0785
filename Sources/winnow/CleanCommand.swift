import ArgumentParser
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

struct CleanCommand: StageCommand {
    static let stage = StageName.clean

    static let configuration = CommandConfiguration(
        commandName: "clean",
        abstract: "Read and clean: decode the charset, parse, remove scripts, navigation, forms and hidden elements.",
        discussion: """
            Input: raw archives (the earlier stages run in-process) or the shards of an earlier stage. \
            Output: <output>/clean-RRRRRR-NNNNN.jsonl.gz with the cleaned HTML in winnow.html.
            """
    )

    @OptionGroup var options: PipelineOptions
}
