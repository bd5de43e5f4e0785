import ArgumentParser
import Foundation
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

/// `winnow features`: the learned extraction model's inputs, for its training script.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Write every block of every page with the extraction model's features (training data for `make train-extract`).",
        discussion:
            "One JSON line per page: {\"id\", \"url\", \"blocks\": [{\"text\", \"f\": [...]}]}. The feature names, in order, are the first line: {\"names\": [...]}."
    )

    @Option(name: .shortAndLong, parsing: .upToNextOption, help: ArgumentHelp("Input files or directories (WARC, HTML).", valueName: "path"))
    var input: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp("The JSON lines file to write.", valueName: "file"))
    var output: String

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("give at least one --input path") }
    }

    func run() throws {
        guard
            let sink = FileHandle(forWritingAtPath: output)
                ?? {
                    FileManager.default.createFile(atPath: output, contents: nil) ? FileHandle(forWritingAtPath: output) : nil
                }()
        else {
            FileHandle.standardError.write(Data("winnow features: cannot write \(output)\n".utf8))
            throw ExitCode(.failed)
        }
        defer { try? sink.close() }
        try sink.truncate(atOffset: 0)
        var header = JSONWriter()
        header.beginObject()
        header.field("names", strings: FeatureDump.names)
        header.field("described_below", FeatureDump.describedBelow)
        header.field("title_names", strings: FeatureDump.titleNames)
        header.field("date_names", strings: FeatureDump.dateNames)
        header.endObject()
        sink.write(Data(header.bytes + [0x0a]))
        Log.setLevel(.error)
        FeatureDump.write(inputs: input, settings: PipelineConfig(inputs: input, output: "", added: "")) { sink.write(Data($0)) }
    }
}
