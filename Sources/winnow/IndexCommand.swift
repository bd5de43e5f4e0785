import ArgumentParser
import Foundation
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Inspect or compact a cross-run dedup index (--index DIR of run and dedup).",
        discussion:
            "`winnow index stats --index DIR` prints documents, segments and bytes per document; `winnow index compact --index DIR` merges its segments into one, atomically."
    )

    @Argument(help: "stats or compact")
    var action: String

    @OptionGroup var dedup: DedupOptions

    func validate() throws {
        guard ["stats", "compact"].contains(action) else { throw ValidationError("the action is stats or compact") }
        guard dedup.index != nil else { throw ValidationError("give the index directory with --index") }
        try dedup.validate()
    }

    func run() throws {
        guard let directory = dedup.index else { return }
        let index = DedupIndex(directory: directory, settings: try dedup.settings.minHash)
        do {
            if action == "compact" {
                let (documents, bytes) = try index.compact()
                print("compacted \(directory): \(documents) documents, \(bytes) bytes (\(documents > 0 ? bytes / documents : 0) per document)")
            } else {
                let near = NearDuplicateIndex(settings: try dedup.settings.minHash, keepIDs: true)
                let documents = try index.load(into: near)
                let bytes = try index.sizeOnDisk()
                print(
                    "\(directory): \(documents) documents in \(try index.segments().count) segments, \(bytes) bytes on disk (\(documents > 0 ? bytes / documents : 0) per document), \(near.bytesPerDocument) bytes per document in memory"
                )
            }
        } catch {
            Log.error("\(error)")
            throw ExitCode(.failed)
        }
    }
}
