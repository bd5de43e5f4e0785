import ArgumentParser
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

struct LanguageCommand: StageCommand {
    static let stage = StageName.language

    static let configuration = CommandConfiguration(
        commandName: "language",
        abstract: "Up to language: CLD2's language of each text in metadata.language (and the filter, with --languages).",
        discussion: """
            Input: raw archives or the shards of an earlier stage (extract shards, any NDJSON documents). \
            Output: <output>/language-RRRRRR-NNNNN.jsonl.gz in the final document format.
            """
    )

    @OptionGroup var options: PipelineOptions
}
