import Foundation
import WinnowCore
import WinnowDedup
import WinnowStages

/// Run metrics in the Prometheus text exposition format, for node_exporter's textfile collector
/// (`--metrics-file`). Written atomically, so the collector never reads half a file.
public enum Metrics {
    public static func render(_ summary: RunSummary?, command: String, status: ExitStatus, seconds: Double, now: Date = Date()) -> String {
        var lines: [String] = []
        func metric(_ name: String, _ help: String, _ type: String, _ samples: [(String, Double)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for (labels, value) in samples {
                let v = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
                lines.append("\(name)\(labels) \(v)")
            }
        }
        let c = "command=\"\(command)\""
        metric("winnow_last_run_exit_code", "Exit status of the last run.", "gauge", [("{\(c)}", Double(status.rawValue))])
        metric("winnow_last_run_duration_seconds", "Wall time of the last run.", "gauge", [("{\(c)}", seconds)])
        if status == .success || status == .inputErrors, summary != nil {
            metric(
                "winnow_last_success_timestamp_seconds", "When the last run that wrote its output finished (Unix time).", "gauge",
                [("{\(c)}", now.timeIntervalSince1970.rounded())])
        }
        guard let s = summary else { return lines.joined(separator: "\n") + "\n" }
        var docs: [(String, Double)] = []
        var dropped: [(String, Double)] = []
        for stage in StageName.allCases {
            guard let st = s.stats.stages[stage] else { continue }
            docs.append(("{\(c),stage=\"\(stage.rawValue)\",direction=\"in\"}", Double(st.documentsIn)))
            docs.append(("{\(c),stage=\"\(stage.rawValue)\",direction=\"out\"}", Double(st.documentsOut)))
            for (reason, n) in st.dropped.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                dropped.append(("{\(c),stage=\"\(stage.rawValue)\",reason=\"\(reason.rawValue)\"}", Double(n)))
            }
        }
        metric("winnow_documents", "Documents into and out of each stage in the last run.", "gauge", docs)
        metric("winnow_dropped_documents", "Documents dropped in the last run, by stage and reason.", "gauge", dropped)
        metric("winnow_input_files", "Input files processed in the last run.", "gauge", [("{\(c)}", Double(s.files))])
        metric("winnow_input_unchanged_files", "Input files skipped as already finished.", "gauge", [("{\(c)}", Double(s.unchangedInputs))])
        metric("winnow_input_bytes", "Bytes of input processed in the last run.", "gauge", [("{\(c)}", Double(s.inputBytes))])
        metric("winnow_output_bytes", "Bytes of shards written in the last run.", "gauge", [("{\(c)}", Double(s.outputBytes))])
        metric("winnow_documents_written", "Documents written in the last run.", "gauge", [("{\(c)}", Double(s.documentsWritten))])
        return lines.joined(separator: "\n") + "\n"
    }

    public static func write(_ summary: RunSummary?, command: String, status: ExitStatus, seconds: Double, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try Durable.makeDirectory(directory) }
        try Durable.write(path, Array(render(summary, command: command, status: status, seconds: seconds).utf8))
    }
}
