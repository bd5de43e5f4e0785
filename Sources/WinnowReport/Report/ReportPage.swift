import Foundation
import Winnow
import WinnowCore
import WinnowStages

/// `report.html`: one self-contained page (inline CSS, SVG charts and a few lines of script; no
/// network access) drawn from an output directory's run summaries: the funnel of documents
/// through the stages, drop reasons, throughput over time, text lengths, languages, publication
/// years, domains kept and dropped, duplicate-cluster sizes, sampled documents per drop reason,
/// and every run of the directory as a trend.
public enum ReportPage {
    public struct NoRuns: Error, CustomStringConvertible {
        public let directory: String
        public var description: String { "\(directory): no summary-NNNNNN.json of a finished run (is it a Winnow output directory?)" }
    }

    /// The summaries of every run in `directory`, oldest first.
    public static func summaries(in directory: String) throws -> [SummaryFile] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var runs: [SummaryFile] = []
        for name in names where name.hasPrefix("summary-") && name.hasSuffix(".json") {
            guard let summary = try? SummaryFile.read(directory + "/" + name) else { continue }
            runs.append(summary)
        }
        guard !runs.isEmpty else { throw NoRuns(directory: directory) }
        return runs.sorted { $0.run < $1.run }
    }

    /// Writes `directory/report.html` (durably) and returns its path.
    @discardableResult
    public static func write(directory: String) throws -> String {
        let all = try summaries(in: directory)
        // The corpus as it stands: the runs the state lists (a --full run replaces the earlier ones).
        let committed = Set(((try? RunState.load(directory))?.runs ?? []).map(\.number))
        let html = render(summaries: all, current: committed.isEmpty ? all : all.filter { committed.contains($0.run) }, directory: directory)
        let path = directory + "/report.html"
        try Durable.write(path, Array(html.utf8))
        return path
    }

    // MARK: rendering

    static func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func fmt(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 && c != "-" { out += "," }
            out.append(c)
        }
        return out
    }

    /// Horizontal bars: one per row, labelled, scaled to the largest value.
    static func bars(_ rows: [(String, Int)], color: String = "#3b6ea5", id: String) -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">nothing to show</p>" }
        let top = max(1, rows.map(\.1).max() ?? 1)
        let height = rows.count * 22 + 4
        var svg = "<svg id=\"\(id)\" class=\"bars\" viewBox=\"0 0 720 \(height)\" width=\"720\" height=\"\(height)\" role=\"img\">"
        for (i, (label, value)) in rows.enumerated() {
            let y = i * 22 + 2
            let w = Int(Double(value) / Double(top) * 420)
            svg += "<text x=\"200\" y=\"\(y + 15)\" text-anchor=\"end\">\(esc(String(label.prefix(32))))</text>"
            svg += "<rect x=\"210\" y=\"\(y + 2)\" width=\"\(max(w, value > 0 ? 1 : 0))\" height=\"16\" fill=\"\(color)\"/>"
            svg += "<text x=\"\(216 + w)\" y=\"\(y + 15)\">\(fmt(value))</text>"
        }
        return svg + "</svg>"
    }

    /// A table whose rows carry `data-key` and `data-count`, so tools can read the page too.
    static func table(_ headers: [String], _ rows: [[String]], id: String) -> String {
        var html = "<table id=\"\(id)\"><thead><tr>" + headers.map { "<th>\(esc($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            html += "<tr data-key=\"\(esc(row.first ?? ""))\">" + row.map { "<td>\(esc($0))</td>" }.joined() + "</tr>"
        }
        return html + "</tbody></table>"
    }

    /// A line chart of (x, y) points.
    static func line(_ points: [(Double, Double)], xLabel: String, yLabel: String, id: String) -> String {
        guard points.count >= 2, let maxX = points.map(\.0).max(), let maxY = points.map(\.1).max(), maxX > 0, maxY > 0 else {
            return "<p class=\"empty\">too short a run for a curve</p>"
        }
        let w = 680.0
        let h = 200.0
        let path = points.map { p in String(format: "%.1f,%.1f", 40 + p.0 / maxX * (w - 50), 10 + (1 - p.1 / maxY) * (h - 40)) }.joined(
            separator: " ")
        var svg = "<svg id=\"\(id)\" class=\"line\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"\(Int(w))\" height=\"\(Int(h))\" role=\"img\">"
        svg += "<line x1=\"40\" y1=\"\(Int(h - 30))\" x2=\"\(Int(w - 10))\" y2=\"\(Int(h - 30))\" stroke=\"#888\"/>"
        svg += "<line x1=\"40\" y1=\"10\" x2=\"40\" y2=\"\(Int(h - 30))\" stroke=\"#888\"/>"
        svg += "<polyline fill=\"none\" stroke=\"#3b6ea5\" stroke-width=\"2\" points=\"\(path)\"/>"
        svg += "<text x=\"44\" y=\"20\">\(esc(yLabel)) (max \(String(format: "%.0f", maxY)))</text>"
        svg += "<text x=\"\(Int(w - 10))\" y=\"\(Int(h - 10))\" text-anchor=\"end\">\(esc(xLabel)) (\(String(format: "%.1f", maxX)))</text>"
        return svg + "</svg>"
    }

    /// Sums the counts of several runs' summaries (the stages, the profile's tables); the
    /// timeline is the latest run's that read anything, the samples the latest runs' first.
    static func merge(_ runs: [SummaryFile]) -> (stats: RunStats, profile: SummaryFile.Profile, timelineRun: SummaryFile) {
        var stats = RunStats()
        var profile = SummaryFile.Profile()
        for run in runs {
            stats.merge(run.stats)
            let p = run.profile
            if profile.lengthBounds.isEmpty { profile.lengthBounds = p.lengthBounds }
            if profile.lengths.count < p.lengths.count { profile.lengths += [Int](repeating: 0, count: p.lengths.count - profile.lengths.count) }
            for (i, n) in p.lengths.enumerated() { profile.lengths[i] += n }
            for key in [\SummaryFile.Profile.languages, \.years, \.domainsKept, \.domainsDropped, \.clusterSizes] {
                for (k, v) in p[keyPath: key] { profile[keyPath: key][k, default: 0] += v }
            }
            profile.domainsKeptTotal = max(profile.domainsKeptTotal, p.domainsKeptTotal)
            profile.domainsDroppedTotal = max(profile.domainsDroppedTotal, p.domainsDroppedTotal)
        }
        for run in runs.reversed() {
            for (reason, list) in run.profile.samples {
                let have = profile.samples[reason, default: []]
                profile.samples[reason] = have + list.prefix(max(0, RunProfile.samplesPerReason - have.count))
            }
        }
        let timelineRun = runs.last { $0.stats[.read].documentsIn > 0 } ?? runs.last ?? SummaryFile()
        return (stats, profile, timelineRun)
    }

    public static func render(summaries: [SummaryFile], current: [SummaryFile], directory: String) -> String {
        let latest = summaries.last ?? SummaryFile()
        let (stats, mergedProfile, timelineRun) = merge(current)
        var profile = mergedProfile
        profile.timeline = timelineRun.profile.timeline
        let run = latest.run
        var body = ""

        // Header.
        let written = stats[.write].documentsOut
        let read = stats[.read].documentsIn
        let runList = current.map { String($0.run) }.joined(separator: ", ")
        body += "<header><h1>Winnow run report</h1><p>Output directory <code>\(esc(directory))</code>, \(summaries.count) runs; latest: run \(run), "
        body += "<code>winnow \(esc(latest.command))</code>, finished \(esc(latest.finished.isEmpty ? "?" : latest.finished)). "
        body += "The output as it stands holds run\(current.count == 1 ? "" : "s") \(runList): "
        body +=
            "<b id=\"headline\" data-read=\"\(read)\" data-written=\"\(written)\">\(fmt(read)) documents read, \(fmt(written)) written</b>.</p></header>"

        // Funnel.
        var funnelRows: [[String]] = []
        var funnelBars: [(String, Int)] = [("documents read", read)]
        var dropRows: [[String]] = []
        for stage in StageName.allCases {
            guard let st = stats.stages[stage] else { continue }
            let dropped = st.dropped.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }
            let reasons = dropped.map { "\($0.key.rawValue) \(fmt($0.value))" }.joined(separator: ", ")
            funnelRows.append([stage.rawValue, String(st.documentsIn), String(st.documentsOut), String(st.droppedTotal), reasons])
            funnelBars.append((stage.rawValue, st.documentsOut))
            for (reason, n) in dropped {
                dropRows.append([reason.rawValue, stage.rawValue, String(n), reason.isError ? "yes" : "no"])
            }
        }
        body +=
            "<section id=\"funnel\"><h2>Funnel</h2><p>Documents entering and leaving each stage; a document is either written or dropped with a reason.</p>"
        body +=
            bars(funnelBars, id: "funnel-chart") + table(["stage", "in", "out", "dropped", "drop reasons"], funnelRows, id: "funnel-table")
            + "</section>"
        body += "<section id=\"drops\"><h2>Drop reasons</h2>"
        body += bars(dropRows.map { ($0[0], Int($0[2]) ?? 0) }, color: "#b5533c", id: "drops-chart")
        body += table(["reason", "stage", "documents", "damaged input"], dropRows, id: "drops-table") + "</section>"

        // Throughput.
        let timeline = profile.timeline.map { ($0.first ?? 0, $0.count > 1 ? $0[1] : 0, $0.count > 2 ? $0[2] : 0) }
        let wall = timelineRun.wallSeconds
        let runRead = timelineRun.stats[.read].documentsIn
        body += "<section id=\"throughput\"><h2>Throughput</h2>"
        let rate = wall > 0 ? Double(runRead) / wall : 0
        body += "<p id=\"rate\" data-rate=\"\(String(format: "%.1f", rate))\">Run \(timelineRun.run): \(String(format: "%.1f", rate)) documents/s "
        body +=
            "(\(fmt(runRead)) documents in \(String(format: "%.1f", wall)) s, \(String(format: "%.1f", Double(timelineRun.inputBytes) / 1e6)) MB of input, \(timelineRun.jobs) jobs).</p>"
        var ratePoints: [(Double, Double)] = []
        for i in 1..<max(1, timeline.count) where timeline[i].0 > timeline[i - 1].0 {
            ratePoints.append((timeline[i].0, (timeline[i].1 - timeline[i - 1].1) / (timeline[i].0 - timeline[i - 1].0)))
        }
        body += line(timeline.map { ($0.0, $0.1) }, xLabel: "seconds", yLabel: "documents read", id: "progress-chart")
        body += line(ratePoints, xLabel: "seconds", yLabel: "documents/s", id: "rate-chart")
        var stageSeconds: [[String]] = []
        for stage in StageName.allCases {
            if let st = stats.stages[stage] { stageSeconds.append([stage.rawValue, String(format: "%.2f", st.seconds)]) }
        }
        body += table(["stage", "seconds of work (all threads)"], stageSeconds, id: "stage-seconds") + "</section>"

        // Distributions of the kept documents.
        let bounds = profile.lengthBounds
        let lengths = profile.lengths
        var lengthRows: [(String, Int)] = []
        for (i, n) in lengths.enumerated() {
            let lo = i == 0 ? 0 : bounds[i - 1]
            let label = i < bounds.count ? "\(fmt(lo))–\(fmt(bounds[i] - 1))" : "\(fmt(lo)) or more"
            lengthRows.append((label, n))
        }
        body += "<section id=\"lengths\"><h2>Text length of kept documents (characters)</h2>" + bars(lengthRows, id: "lengths-chart")
        body += table(["characters", "documents"], lengthRows.map { [$0.0, String($0.1)] }, id: "lengths-table") + "</section>"
        for (id, title, key) in [("languages", "Languages of kept documents", "languages"), ("dates", "Publication year of kept documents", "years")]
        {
            let t = (key == "years" ? profile.years : profile.languages).map { ($0.key, $0.value) }
            // Years newest first with `unknown` last; languages by count.
            let rows =
                id == "dates"
                ? t.sorted { ($0.0 == "unknown" ? 1 : 0, $1.0) < ($1.0 == "unknown" ? 1 : 0, $0.0) } : t.sorted { ($1.1, $0.0) < ($0.1, $1.0) }
            body += "<section id=\"\(id)\"><h2>\(title)</h2>" + bars(Array(rows.prefix(25)), id: "\(id)-chart")
            body += table([key == "years" ? "year" : "language", "documents"], rows.map { [$0.0, String($0.1)] }, id: "\(id)-table") + "</section>"
        }

        // Domains.
        body += "<section id=\"domains\"><h2>Domains</h2>"
        if current.count > 1 { body += "<p>Each run's summary keeps its 30 largest domains; across runs these are summed.</p>" }
        body += "<div class=\"pair\">"
        for (key, title, color) in [("domains_kept", "kept", "#3b6ea5"), ("domains_dropped", "dropped", "#b5533c")] {
            let kept = key == "domains_kept"
            let t = (kept ? profile.domainsKept : profile.domainsDropped).map { ($0.key, $0.value) }.sorted { ($1.1, $0.0) < ($0.1, $1.0) }
            body +=
                "<div><h3>Top domains \(title) (of \(fmt(kept ? profile.domainsKeptTotal : profile.domainsDroppedTotal)))</h3>"
                + bars(Array(t.prefix(15)), color: color, id: "\(key)-chart")
            body += table(["domain", "documents"], t.map { [$0.0, String($0.1)] }, id: "\(key)-table") + "</div>"
        }
        body += "</div></section>"

        // Duplicate clusters.
        let clusters = profile.clusterSizes.map { (Int($0.key) ?? 0, $0.value) }.sorted { $0.0 < $1.0 }
        body +=
            "<section id=\"clusters\"><h2>Duplicate clusters</h2><p>Documents that share a keeper (the first of them in input order, kept) form a cluster; sizes count the keeper.</p>"
        body += bars(clusters.map { ("size \($0.0)", $0.1) }, color: "#7a5aa6", id: "clusters-chart")
        body += table(["cluster size", "clusters"], clusters.map { [String($0.0), String($0.1)] }, id: "clusters-table") + "</section>"

        // Samples.
        let samples = profile.samples
        body +=
            "<section id=\"samples\"><h2>Sampled documents</h2><p>A fixed sample (the smallest hashes of the ids) per drop reason, to judge each rule. "
        body += "Filter: <input id=\"filter\" type=\"search\" placeholder=\"text, URL or reason\"></p>"
        let reasons = samples.keys.sorted { ($0 == "kept" ? 1 : 0, $0) < ($1 == "kept" ? 1 : 0, $1) }
        for reason in reasons {
            let list = samples[reason] ?? []
            body +=
                "<details class=\"reason\" data-reason=\"\(esc(reason))\" data-samples=\"\(list.count)\"><summary>\(esc(reason)) (\(list.count) shown)</summary>"
            for s in list {
                body += "<div class=\"sample\"><div class=\"meta\"><code>\(esc(s.id))</code> · \(esc(s.stage)) · "
                body += "<span class=\"url\">\(esc(s.url ?? s.input))</span>"
                if !s.detail.isEmpty { body += " · \(esc(s.detail))" }
                let text = s.text
                body += "</div><pre>\(esc(text.isEmpty ? "(no text: dropped before extraction)" : text))</pre></div>"
            }
            body += "</details>"
        }
        body += "</section>"

        // Trend over the directory's runs.
        var trendRows: [[String]] = []
        for s in summaries {
            let st = s.stats
            let inRead = st[.read].documentsIn
            let dropped = st.stages.values.reduce(0) { $0 + $1.droppedTotal }
            let seconds = s.wallSeconds
            trendRows.append([
                String(s.run), s.finished, String(s.inputFiles), String(inRead),
                String(s.documentsWritten), String(dropped), String(s.inputErrors), String(format: "%.1f", seconds),
                String(format: "%.0f", seconds > 0 ? Double(inRead) / seconds : 0),
            ])
        }
        body += "<section id=\"trend\"><h2>Runs of this directory</h2>"
        body += bars(trendRows.map { ("run \($0[0]) (\($0[1].prefix(10)))", Int($0[4]) ?? 0) }, color: "#4a8a5c", id: "trend-chart")
        body +=
            table(
                ["run", "finished", "input files", "read", "written", "dropped", "input errors", "seconds", "documents/s"], trendRows,
                id: "trend-table") + "</section>"

        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Winnow report: \(esc(directory))</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>
            body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1000px;padding:16px;color:#222}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:2px;margin-top:28px}h3{font-size:15px}
            table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}td,th{border:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}
            th{background:#f3f3f3}td:not(:first-child){text-align:right}#funnel-table td:last-child,#drops-table td:nth-child(2){text-align:left}
            svg text{font-size:12px;fill:#333}.pair{display:flex;gap:24px;flex-wrap:wrap}.pair svg{max-width:480px}
            .sample{border-left:3px solid #ccc;margin:8px 0;padding-left:8px}.sample pre{white-space:pre-wrap;margin:4px 0;font-size:12px;color:#333}
            .meta{font-size:12px;color:#555}.url{color:#3b6ea5}.empty{color:#888}details{margin:4px 0}summary{cursor:pointer;font-weight:600}
            </style></head>
            <body data-script="pending">
            \(body)
            <script>
            (function () {
              var input = document.getElementById("filter");
              input.addEventListener("input", function () {
                var q = input.value.toLowerCase();
                document.querySelectorAll(".sample").forEach(function (s) {
                  s.style.display = !q || s.textContent.toLowerCase().indexOf(q) >= 0 ? "" : "none";
                });
                document.querySelectorAll("details.reason").forEach(function (d) {
                  if (q && d.dataset.reason.indexOf(q) >= 0) { d.open = true; }
                });
              });
              document.body.dataset.script = "ok";
            })();
            </script>
            </body></html>

            """
    }
}
