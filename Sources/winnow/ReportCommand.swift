import ArgumentParser
import Foundation
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

/// `winnow report OUTPUT_DIR`: writes OUTPUT_DIR/report.html from the runs' summaries.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write OUTPUT/report.html: the run report (also written at the end of every run unless --no-report).",
        discussion: """
            One self-contained HTML file (no network access): the funnel of documents through the \
            stages with drop counts by reason, throughput over time, text lengths, languages, \
            publication years, domains kept and dropped, duplicate-cluster sizes, sampled documents \
            per drop reason, and every run of the directory as a trend. Open it in a browser.
            """
    )

    @Argument(help: ArgumentHelp("A Winnow output directory.", valueName: "output-dir"))
    var output: String

    func run() throws {
        do {
            print(try ReportPage.write(directory: output))
        } catch {
            FileHandle.standardError.write(Data("winnow report: \(error)\n".utf8))
            throw ExitCode(.failed)
        }
    }
}
