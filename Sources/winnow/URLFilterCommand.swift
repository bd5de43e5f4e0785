import ArgumentParser
import Winnow
import WinnowCore

struct URLFilterCommand: StageCommand {
    static let stage = StageName.urlFilter

    static let configuration = CommandConfiguration(
        commandName: "url-filter",
        abstract: "Read archives and drop the pages whose URL a blocklist names (before any parse).",
        discussion: """
            Input: raw archives or the shards of an earlier stage; give the lists with --url-blocklist \
            (and --url-allowlist) or in the pipeline file's url_filter stage. \
            Output: <output>/url_filter-RRRRRR-NNNNN.jsonl.gz, the kept pages as winnow read writes them.
            """
    )

    @OptionGroup var options: PipelineOptions
}
