import ArgumentParser
import Winnow
import WinnowCore

struct PIICommand: StageCommand {
    static let stage = StageName.pii

    static let configuration = CommandConfiguration(
        commandName: "pii",
        abstract: "Up to pii: extract, dedup, then replace e-mail and public IP addresses in the kept text.",
        discussion: """
            Input: raw archives or the shards of an earlier stage. The stage runs with --pii redact \
            (the default here) or annotate, or as the pipeline file's pii stage says. \
            Output: <output>/shard-RRRRRR-NNNNN.jsonl.gz, as winnow run.
            """
    )

    @OptionGroup var options: PipelineOptions
}
