import ArgumentParser
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

struct RunCommand: StageCommand {
    static let stage = StageName.write

    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every stage: read, clean, segment, extract, dedup, write.",
        discussion: """
            Output: <output>/shard-RRRRRR-NNNNN.jsonl.gz (run and shard numbers; one JSON document a line, dolma format, see README) \
            and <output>/summary.json. Shards are byte-identical for the same input and options \
            whatever --jobs is (set SOURCE_DATE_EPOCH to fix the `added` timestamp too).
            """
    )

    @OptionGroup var options: PipelineOptions
}
