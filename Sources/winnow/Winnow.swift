import ArgumentParser
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

/// The `winnow` command: web archives in, clean deduplicated text shards out.
@main
struct WinnowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "winnow",
        abstract: "Turn web archives into clean, deduplicated text corpora.",
        discussion: """
            Reads .html/.htm/.xhtml (plain or .gz), .warc/.warc.gz, .arc/.arc.gz and .jsonl/.ndjson(.gz) \
            files, cleans and segments each page, extracts its main text and metadata, filters by URL, \
            language and quality as the pipeline says, removes exact and near duplicates, and writes \
            gzip-compressed NDJSON shards (dolma document format).

            `run` does every stage, as a pipeline file (Pipelines/*.yaml) lists them or by default. Each \
            stage is also a command of its own (read, url-filter, clean, segment, extract, language, \
            quality, dedup, pii) that accepts raw archives or the shards of a stage before it.

            Exit status: 0 success; 1 the run failed (nothing or only part written); 2 the run finished \
            but some input was damaged or unreadable (see the summary); 3 (slurm status) the submission has \
            not finished; 64 usage error or invalid pipeline file; 75 another run holds the output \
            directory's lock.
            """,
        version: "0.1.0",
        subcommands: [
            RunCommand.self, FetchCommand.self, ReadCommand.self, URLFilterCommand.self, CleanCommand.self, SegmentCommand.self,
            ExtractCommand.self, LanguageCommand.self, QualityCommand.self, DedupCommand.self, PIICommand.self, ValidateCommand.self,
            ReportCommand.self,
            InspectCommand.self, DedupPhaseCommand.self, SlurmCommand.self, IndexCommand.self, BenchmarkCommand.self, FeaturesCommand.self,
        ],
        defaultSubcommand: nil
    )
}
