import ArgumentParser
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

struct ReadCommand: StageCommand {
    static let stage = StageName.read

    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read archives into documents (the raw page bytes, base64 in winnow.body_base64).",
        discussion: """
            Input: raw archives (the earlier stages run in-process) or the shards of an earlier stage. \
            Output: <output>/read-RRRRRR-NNNNN.jsonl.gz.
            """
    )

    @OptionGroup var options: PipelineOptions
}
