import Foundation
import WinnowCore

/// Renders kept blocks as Markdown: `#` headings, `-` and `1.` list items (indented by nesting),
/// `>` block quotes, tables with a header rule, fenced `pre`, and `*captions*`; blocks are
/// separated by a blank line, table rows and list items by a line break.
struct MarkdownRenderer {
    let page: SegmentedPage

    func render(_ indices: [Int]) -> String {
        var out: [String] = []
        var tableRows: [[String]] = []
        var currentRow: Int32 = -1
        var listRun = false

        func flushTable() {
            guard !tableRows.isEmpty else { return }
            let width = tableRows.map(\.count).max() ?? 0
            var lines: [String] = []
            for (i, row) in tableRows.enumerated() {
                let cells = row + Array(repeating: "", count: width - row.count)
                lines.append("| " + cells.joined(separator: " | ") + " |")
                if i == 0 { lines.append("|" + String(repeating: " --- |", count: width)) }
            }
            out.append(lines.joined(separator: "\n"))
            tableRows = []
            currentRow = -1
        }

        for index in indices {
            let block = page.blocks[index]
            if block.kind == .tableCell, let row = ancestor(of: block.element, tag: "tr") {
                if row != currentRow {
                    tableRows.append([])
                    currentRow = row
                }
                tableRows[tableRows.count - 1].append(escapeCell(block.text))
                continue
            }
            flushTable()
            let line: String
            switch block.kind {
            case .heading:
                line = String(repeating: "#", count: max(1, min(6, block.level))) + " " + block.text
            case .listItem:
                let depth = max(0, listDepth(block.element) - 1)
                let marker = isOrdered(block.element) ? "1." : "-"
                line = String(repeating: "  ", count: depth) + marker + " " + block.text
            case .quote:
                line = block.text.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(separator: "\n")
            case .pre:
                line = "```\n" + block.text + "\n```"
            case .caption:
                line = "*" + block.text + "*"
            case .paragraph, .tableCell:
                line = block.inFigure ? "*" + block.text + "*" : block.text
            }
            // Consecutive list items form one list (no blank line between them).
            if block.kind == .listItem && listRun, let last = out.popLast() {
                out.append(last + "\n" + line)
            } else {
                out.append(line)
            }
            listRun = block.kind == .listItem
        }
        flushTable()
        return out.joined(separator: "\n\n")
    }

    private func ancestor(of element: Int32, tag: String) -> Int32? {
        var e = element
        while e >= 0 {
            if page.elements[Int(e)].tag == tag { return e }
            e = page.elements[Int(e)].parent
        }
        return nil
    }

    private func listDepth(_ element: Int32) -> Int {
        var depth = 0
        var e = element
        while e >= 0 {
            let tag = page.elements[Int(e)].tag
            if tag == "ul" || tag == "ol" || tag == "dl" { depth += 1 }
            e = page.elements[Int(e)].parent
        }
        return depth
    }

    private func isOrdered(_ element: Int32) -> Bool {
        var e = element
        while e >= 0 {
            let tag = page.elements[Int(e)].tag
            if tag == "ol" { return true }
            if tag == "ul" || tag == "dl" { return false }
            e = page.elements[Int(e)].parent
        }
        return false
    }

    private func escapeCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
