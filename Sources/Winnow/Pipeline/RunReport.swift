import Foundation
import WinnowCore
import WinnowDedup
import WinnowStages

/// The run summary: a table on standard error and a JSON file beside the shards.
public enum RunReport {
    /// The table printed at the end of a run.
    public static func text(_ s: RunSummary, command: String) -> String {
        var lines: [String] = []
        let mb = Double(s.inputBytes) / 1e6
        lines.append(String(format: "winnow %@: %d input files (%.1f MB) in %.2f s with %d jobs", command, s.files, mb, s.wallSeconds, s.jobs))
        lines.append(pad("stage", 9) + padLeft("in", 9) + padLeft("out", 9) + padLeft("dropped", 9) + padLeft("seconds", 9) + "  drop reasons")
        for stage in StageName.allCases {
            guard let st = s.stats.stages[stage] else { continue }
            let reasons = st.dropped.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
            lines.append(
                pad(stage.rawValue, 9) + padLeft("\(st.documentsIn)", 9) + padLeft("\(st.documentsOut)", 9)
                    + padLeft("\(st.droppedTotal)", 9) + padLeft(String(format: "%.2f", st.seconds), 9) + (reasons.isEmpty ? "" : "  " + reasons))
        }
        let docsPerSecond = s.wallSeconds > 0 ? Double(s.stats[.read].documentsIn) / s.wallSeconds : 0
        lines.append(
            String(
                format: "written: %d documents in %d shards (%.1f MB); throughput %.0f documents/s, %.1f MB/s of input",
                s.documentsWritten, s.shards.count, Double(s.outputBytes) / 1e6, docsPerSecond, s.wallSeconds > 0 ? mb / s.wallSeconds : 0))
        if s.unchangedInputs > 0 { lines.append("\(s.unchangedInputs) inputs unchanged since an earlier run, not read again (--full reads them)") }
        if s.grownInputs > 0 { lines.append("\(s.grownInputs) inputs grew since an earlier run: read on from where it stopped") }
        if s.resumedInputs > 0 { lines.append("\(s.resumedInputs) inputs read on from an interrupted run's last checkpoint") }
        if s.replacedInputs > 0 {
            lines.append(
                "\(s.replacedInputs) inputs changed since an earlier run: read again, their \(s.replacedDocuments) earlier documents replaced")
        }
        if !s.removedLeftovers.isEmpty {
            lines.append("removed \(s.removedLeftovers.count) files of an interrupted run; their inputs were processed again")
        }
        if !s.skippedFiles.isEmpty { lines.append("skipped \(s.skippedFiles.count) files of unknown type") }
        if !s.unreadablePaths.isEmpty { lines.append("unreadable: " + s.unreadablePaths.joined(separator: "; ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The summary as JSON (keys in a fixed order); `SummaryFile` reads it back.
    public static func json(_ s: RunSummary, command: String, added: String) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("format", SummaryFile.format)
        w.field("command", command)
        w.field("finished", added)
        w.field("run", s.runNumber)
        w.field("jobs", s.jobs)
        w.field("input_files", s.files)
        w.field("input_bytes", s.inputBytes)
        w.field("unchanged_inputs", s.unchangedInputs)
        if s.grownInputs > 0 { w.field("grown_inputs", s.grownInputs) }
        if s.resumedInputs > 0 { w.field("resumed_inputs", s.resumedInputs) }
        if s.replacedInputs > 0 {
            w.field("replaced_inputs", s.replacedInputs)
            w.field("replaced_documents", s.replacedDocuments)
        }
        w.field("removed_leftovers", s.removedLeftovers.count)
        w.field("wall_seconds", s.wallSeconds, digits: 3)
        w.field("documents_written", s.documentsWritten)
        w.field("output_bytes", s.outputBytes)
        w.field("input_errors", s.stats.errorDrops)
        w.field("index_documents", s.indexDocumentsAfter)
        w.field("index_bytes", s.indexBytes)
        w.field("near_dedup_bytes_per_document", s.nearDedupBytesPerDocument)
        w.key("stages")
        w.beginObject()
        for stage in StageName.allCases {
            guard let st = s.stats.stages[stage] else { continue }
            w.key(stage.rawValue)
            w.beginObject()
            w.field("in", st.documentsIn)
            w.field("out", st.documentsOut)
            w.key("dropped")
            w.beginObject()
            for (reason, count) in st.dropped.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                w.field(reason.rawValue, count)
            }
            w.endObject()
            w.field("seconds", st.seconds, digits: 3)
            w.endObject()
        }
        w.endObject()
        w.field("shards", strings: s.shards.map { ($0 as NSString).lastPathComponent })
        w.field("skipped_files", strings: s.skippedFiles)
        w.field("unreadable", strings: s.unreadablePaths)
        w.field("keep_dropped", s.keepDroppedDirectory)
        w.field("dropped_shards", strings: s.droppedShards)
        w.key("profile")
        s.profile.write(&w)
        w.endObject()
        var bytes = w.bytes
        bytes.append(0x0a)
        return bytes
    }

    private static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    private static func padLeft(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }
}

/// Timestamps for the records' `added` field.
public enum Timestamps {
    /// `SOURCE_DATE_EPOCH` when set (reproducible builds' convention), else now; ISO 8601 UTC.
    public static func added(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let seconds: Int
        if let epoch = environment["SOURCE_DATE_EPOCH"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
            seconds = epoch
        } else {
            seconds = Int(Date().timeIntervalSince1970)
        }
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
