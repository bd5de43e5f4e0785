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
            "`winnow index stats --index DIR` prints documents, segments and bytes per document; `winnow index compact --index DIR` merges its segments into one, atomically, without documents that duplicate one before them (it waits for no run: exit 75 while one holds the index).",
        subcommands: [Stats.self, Compact.self]
    )

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Documents, segments and bytes per document, on disk and in memory.")
        @OptionGroup var dedup: DedupOptions

        func validate() throws { try IndexCommand.check(dedup) }

        func run() throws {
            try IndexCommand.run(dedup) { index, directory in
                let near = NearDuplicateIndex(settings: try dedup.settings.minHash, keepIDs: true)
                let documents = try index.load(into: near)
                let bytes = try index.sizeOnDisk()
                print(
                    "\(directory): \(documents) documents in \(try index.segments().count) segments, \(bytes) bytes on disk (\(documents > 0 ? bytes / documents : 0) per document), \(near.bytesPerDocument) bytes per document in memory"
                )
            }
        }
    }

    struct Compact: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Merge the index's segments into one, atomically.")
        @OptionGroup var dedup: DedupOptions

        func validate() throws { try IndexCommand.check(dedup) }

        func run() throws {
            try IndexCommand.run(dedup) { index, directory in
                // Not while a run reads or extends the index.
                let lock: OutputLock
                do { lock = try OutputLock(directory: directory) } catch OutputLock.LockError.held(let path, let pid) {
                    Log.error("another winnow run (pid \(pid)) holds \(path); the index was not compacted")
                    throw ExitCode(.lockHeld)
                }
                defer { withExtendedLifetime(lock) {} }
                let (documents, bytes) = try index.compact()
                print("compacted \(directory): \(documents) documents, \(bytes) bytes (\(documents > 0 ? bytes / documents : 0) per document)")
            }
        }
    }

    static func check(_ dedup: DedupOptions) throws {
        guard dedup.index != nil else { throw ValidationError("give the index directory with --index") }
        try dedup.validate()
    }

    /// Opens the index with the options' settings and runs `body`; failures exit 1.
    static func run(_ dedup: DedupOptions, _ body: (DedupIndex, String) throws -> Void) throws {
        guard let directory = dedup.index else { return }
        do {
            try body(DedupIndex(directory: directory, settings: try dedup.settings.minHash), directory)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Log.error("\(error)")
            throw ExitCode(.failed)
        }
    }
}
