import ArgumentParser
import Foundation
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowPipelineFile
import WinnowReport
import WinnowStages

/// `winnow validate FILE...`: checks pipeline files without running them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check pipeline files without running them.",
        discussion: """
            Reports every unknown key, wrong type, out-of-range value and unknown or misplaced stage as \
            FILE:LINE:COLUMN: message, with the accepted values. Exit status 0 when every file is valid, \
            64 otherwise. A run refuses an invalid file with the same messages. `--settings` prints \
            the table of settings both the command line and pipeline files take (the README's).
            """
    )

    @Argument(help: ArgumentHelp("Pipeline files.", valueName: "pipeline.yaml"))
    var files: [String] = []

    @Flag(help: "Print the table of settings (pipeline file key, command-line option, accepted values, default) as Markdown.")
    var settings = false

    func validate() throws {
        if files.isEmpty && !settings { throw ValidationError("give pipeline files to check (or --settings)") }
    }

    func run() throws {
        if settings { print(Settings.markdown, terminator: "") }
        var invalid = 0
        for path in files {
            do {
                let file = try PipelineFile.load(path)
                var parts = ["stages " + file.stages.map(\.rawValue).joined(separator: " → ")]
                if let language = file.config.language, language.mode == .filter, !language.languages.isEmpty {
                    parts.append("languages " + language.languages.joined(separator: ", "))
                }
                if let quality = file.config.quality { parts.append("\(quality.rules.count) quality rules") }
                print("\(path): valid pipeline \"\(file.name)\" (\(parts.joined(separator: "; ")))")
                for missing in file.missingFiles {
                    FileHandle.standardError.write(Data("\(path): note: \(missing) is not on this machine; a run needs it\n".utf8))
                }
            } catch let error as PipelineFile.Invalid {
                invalid += 1
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
            }
        }
        if invalid > 0 { throw ExitCode(.usage) }
    }
}
