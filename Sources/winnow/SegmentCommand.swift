import ArgumentParser
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

struct SegmentCommand: StageCommand {
    static let stage = StageName.segment

    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Up to segment: cut each cleaned page into text blocks and sentences.",
        discussion: """
            Input: raw archives (the earlier stages run in-process) or the shards of an earlier stage. \
            Output: <output>/segment-RRRRRR-NNNNN.jsonl.gz with the blocks in winnow.blocks.
            """
    )

    @OptionGroup var options: PipelineOptions
}
