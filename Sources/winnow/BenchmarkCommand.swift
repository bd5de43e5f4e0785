import ArgumentParser
import Foundation
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Time each stage on its own, on one thread, with the input in memory.",
        discussion:
            "Reads the inputs once, then runs the cut before parsing, the parse with and without it, clean, segment, extract, language (CLD2), quality (all rules, annotate; then each rule group alone), the pii stage, dedup and write over all documents (the URL filter too with --url-blocklist), --repeats times, and prints documents/s and MB/s of HTML per stage."
    )

    @Option(name: .shortAndLong, parsing: .upToNextOption, help: ArgumentHelp("Input files or directories.", valueName: "path"))
    var input: [String]

    @Option(help: "How many times to run each stage (the mean is printed).")
    var repeats: Int = 3

    @Option(help: ArgumentHelp("Also time the URL filter with these lists (files or directories, as --url-blocklist).", valueName: "list"))
    var urlBlocklist: [String] = []

    @Option(help: ArgumentHelp("Also time c4_badwords with this list (one word or phrase a line).", valueName: "file"))
    var badwords: String?

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("give at least one --input path") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        var benchmark = StageBenchmark(inputs: input, repeats: repeats)
        if !urlBlocklist.isEmpty {
            var lists = URLFilterSettings()
            lists.blocklists = urlBlocklist
            benchmark.urlFilter = lists
        }
        benchmark.badWords = try badwords.map { try BadWords.load($0) }
        let results = try benchmark.run()
        print("stage                                         docs    seconds     docs/s   MB/s of HTML")
        for r in results {
            let name = r.stage.padding(toLength: 44, withPad: " ", startingAt: 0)
            print(String(format: "%@ %6d %10.3f %10.0f %10.1f", name, r.documents, r.seconds, r.documentsPerSecond, r.megabytesPerSecond))
        }
    }
}
