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

/// `winnow inspect`: pages through the documents of an output directory in the terminal, or
/// shows the extraction's decisions on one page.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Page through kept and dropped documents of an output directory, or show why each block of a page was kept or removed.",
        discussion: """
            Dropped documents are there when the run had --keep-dropped. On a terminal: n or space \
            next, p previous, j/k scroll the text, q quit. Otherwise every matching document is \
            printed. With --html PAGE_ID: each block of that page, kept or removed, with its score \
            and the rule that decided.
            """
    )

    @Argument(help: ArgumentHelp("A Winnow output directory.", valueName: "output-dir"))
    var output: String

    @Option(help: ArgumentHelp("Only documents dropped for this reason (see summary.json), or `kept`.", valueName: "reason"))
    var reason: String?

    @Option(help: ArgumentHelp("Only documents in this language (ISO 639-1).", valueName: "code"))
    var language: String?

    @Option(help: ArgumentHelp("Only documents from this domain or its subdomains.", valueName: "domain"))
    var domain: String?

    @Option(
        name: .customLong("grep"), help: ArgumentHelp("Only documents whose text, title or URL contains this (case-insensitive).", valueName: "text"))
    var search: String?

    @Option(help: ArgumentHelp("The directory of dropped shards (default: the latest run's --keep-dropped).", valueName: "dir"))
    var dropped: String?

    @Option(help: "At most this many documents.")
    var limit: Int = 1000

    @Option(help: ArgumentHelp("Explain the extraction of this page (a document id): every block, kept or removed, and why.", valueName: "page-id"))
    var html: String?

    @Option(
        name: .shortAndLong, parsing: .upToNextOption,
        help: ArgumentHelp("With --html: the input file(s) holding the page (default: found through the output's state).", valueName: "path"))
    var input: [String] = []

    @Option(help: ArgumentHelp("With --html: the pipeline file the run used (its clean and extract settings).", valueName: "pipeline.yaml"))
    var pipeline: String?

    func run() throws {
        guard FileManager.default.fileExists(atPath: output + "/" + RunState.fileName) else {
            FileHandle.standardError.write(Data("winnow inspect: \(output) is not a Winnow output directory (no \(RunState.fileName))\n".utf8))
            throw ExitCode(.usage)
        }
        if let html { return try explain(html) }
        let filter = Inspector.Filter(reason: reason, language: language, domain: domain, search: search)
        let docs: [Inspector.Document]
        do {
            docs = try Inspector.documents(output: output, dropped: dropped ?? Inspector.droppedDirectory(of: output), filter: filter, limit: limit)
        } catch {
            FileHandle.standardError.write(Data("winnow inspect: \(error)\n".utf8))
            throw ExitCode(.failed)
        }
        guard !docs.isEmpty else {
            FileHandle.standardError.write(Data("winnow inspect: no document matches\n".utf8))
            throw ExitCode(.inputErrors)
        }
        if isatty(1) == 1 && isatty(0) == 1 {
            Pager(docs: docs).run()
        } else {
            for (i, d) in docs.enumerated() {
                print(Pager.render(d, index: i, count: docs.count, width: 100, textLines: .max).joined(separator: "\n"))
                print()
            }
        }
    }

    func explain(_ id: String) throws {
        var config = PipelineConfig(inputs: [], output: output, added: "")
        if let pipeline { config = try PipelineFile.load(pipeline).config }
        do {
            let (origin, explanation) = try Inspector.explainPage(id: id, output: output, inputs: input, settings: config)
            print("page \(origin.id)  \(origin.url ?? origin.input)")
            print("kind: \(explanation.pageKind); \(explanation.mode)")
            let kept = explanation.blocks.filter(\.kept).count
            print("\(explanation.blocks.count) blocks, \(kept) kept, \(explanation.blocks.count - kept) removed\n")
            func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
                let c = s.unicodeScalars.count
                if c >= n { return String(String.UnicodeScalarView(s.unicodeScalars.prefix(n))) }
                return left ? String(repeating: " ", count: n - c) + s : s + String(repeating: " ", count: n - c)
            }
            print(
                pad("#", 4, left: true) + "  " + pad("kept", 4) + "  " + pad("kind", 9) + "  " + pad("score", 6, left: true) + "  "
                    + pad("links", 5, left: true) + "  " + pad("rule", 46) + "  element, text")
            for (i, b) in explanation.blocks.enumerated() {
                let text = b.text.replacingOccurrences(of: "\n", with: " ")
                print(
                    pad(String(i), 4, left: true) + "  " + pad(b.kept ? "yes" : "no", 4) + "  " + pad(b.kind, 9) + "  "
                        + pad(String(format: "%.2f", b.value), 6, left: true) + "  " + pad(String(format: "%.2f", b.linkDensity), 5, left: true)
                        + "  "
                        + pad(b.reason, 46) + "  " + b.element + " " + String(text.prefix(70)))
            }
        } catch {
            FileHandle.standardError.write(Data("winnow inspect: \(error)\n".utf8))
            throw ExitCode(.failed)
        }
    }
}

/// A full-screen pager on the terminal (raw mode; restored on exit).
struct Pager {
    let docs: [Inspector.Document]

    static func terminalSize() -> (rows: Int, cols: Int) {
        var w = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 { return (Int(w.ws_row), Int(w.ws_col)) }
        return (24, 80)
    }

    /// Wraps `text` to `width` columns (by Unicode scalars; good enough for a terminal view).
    static func wrap(_ text: String, _ width: Int) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                if !line.isEmpty && line.unicodeScalars.count + 1 + word.unicodeScalars.count > width {
                    lines.append(line)
                    line = ""
                }
                line += (line.isEmpty ? "" : " ") + word
                while line.unicodeScalars.count > width {
                    lines.append(String(String.UnicodeScalarView(line.unicodeScalars.prefix(width))))
                    line = String(String.UnicodeScalarView(line.unicodeScalars.dropFirst(width)))
                }
            }
            lines.append(line)
        }
        return lines
    }

    /// One document: a header, then the text beside the metadata (stacked on narrow terminals).
    static func render(_ d: Inspector.Document, index: Int, count: Int, width: Int, textLines: Int, scroll: Int = 0) -> [String] {
        var out: [String] = []
        let status = d.reason == "kept" ? "kept" : "dropped at \(d.stage): \(d.reason)"
        out.append("[\(index + 1)/\(count)] \(d.id)  —  \(status)")
        if !d.detail.isEmpty { out.append("  \(d.detail)") }
        var meta: [String] = []
        for key in [
            "url", "title", "author", "date_published", "language", "language_score", "language_declared", "canonical_url", "site_name", "input",
        ] {
            guard let v = d.metadata[key], !(v is NSNull) else { continue }
            meta.append("\(key): \(v)")
        }
        if let scores = d.metadata["quality_scores"] as? [String: Any] {
            for (k, v) in scores.sorted(by: { $0.key < $1.key }) { meta.append("\(k): \(v)") }
        }
        meta.append("shard: \(d.shard)")
        let text = d.text.isEmpty ? "(no text: dropped before extraction)" : d.text
        if width >= 110 {
            let metaWidth = 40
            let textWidth = width - metaWidth - 3
            let metaLines = meta.flatMap { wrap($0, metaWidth) }
            let body = Array(wrap(text, textWidth).dropFirst(scroll))
            let n = min(max(body.count, metaLines.count), textLines)
            out.append(String(repeating: "─", count: textWidth) + "─┬─" + String(repeating: "─", count: metaWidth))
            for i in 0..<n {
                let left = i < body.count ? body[i] : ""
                let pad = String(repeating: " ", count: max(0, textWidth - left.unicodeScalars.count))
                out.append(left + pad + " │ " + (i < metaLines.count ? metaLines[i] : ""))
            }
        } else {
            out.append(contentsOf: meta.flatMap { wrap($0, width) })
            out.append(String(repeating: "─", count: width))
            out.append(contentsOf: wrap(text, width).dropFirst(scroll).prefix(textLines))
        }
        return out
    }

    func run() {
        var original = termios()
        tcgetattr(0, &original)
        var raw = original
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        tcsetattr(0, TCSANOW, &raw)
        defer {
            tcsetattr(0, TCSANOW, &original)
            print("\u{1b}[?25h", terminator: "")
        }
        var index = 0
        var scroll = 0
        while true {
            let (rows, cols) = Pager.terminalSize()
            var screen = Pager.render(docs[index], index: index, count: docs.count, width: cols, textLines: max(3, rows - 8), scroll: scroll)
            screen = Array(screen.prefix(rows - 2))
            print("\u{1b}[2J\u{1b}[H" + screen.joined(separator: "\n"))
            print("\u{1b}[7m n/space next · p previous · j/k scroll · q quit \u{1b}[0m", terminator: "")
            fflush(nil)
            var key: UInt8 = 0
            guard read(0, &key, 1) == 1 else { break }
            switch key {
            case UInt8(ascii: "q"):
                print()
                return
            case UInt8(ascii: "n"), UInt8(ascii: " "):
                if index + 1 < docs.count {
                    index += 1
                    scroll = 0
                }
            case UInt8(ascii: "p"):
                if index > 0 {
                    index -= 1
                    scroll = 0
                }
            case UInt8(ascii: "j"): scroll += 5
            case UInt8(ascii: "k"): scroll = max(0, scroll - 5)
            default: break
            }
        }
    }
}
