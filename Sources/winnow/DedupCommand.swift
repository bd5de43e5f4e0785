import ArgumentParser
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

struct DedupCommand: StageCommand {
    static let stage = StageName.dedup

    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract: "Up to dedup: extract, then drop exact duplicates (first in input order kept).",
        discussion: """
            Input: raw archives (the earlier stages run in-process) or the shards of an earlier stage. \
            Output: <output>/shard-RRRRRR-NNNNN.jsonl.gz, as winnow run.
            """
    )

    @OptionGroup var options: PipelineOptions
}
