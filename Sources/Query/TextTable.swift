import Foundation
import Store

/// Tables for people: boxed for a terminal, or GitHub markdown.
enum TextTable {
    /// Longest cell shown in a terminal table; longer text is cut with an ellipsis.
    static let maxCellWidth = 60

    static func boxed(_ table: ReportTable) -> String {
        let header = table.columns.map(\.name)
        let rows = table.rows.map { row in
            zip(row, table.columns).map { cut(oneLine(ReportRenderer.display($0, $1.kind))) }
        }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        let bar = "+" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "+"
        func line(_ cells: [String], _ alignRight: (Int) -> Bool) -> String {
            "| " + cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return alignRight(i) ? pad + cell : cell + pad
            }.joined(separator: " | ") + " |"
        }
        var out = table.title.map { $0 + "\n" } ?? ""
        out += bar + "\n" + line(header) { _ in false } + "\n" + bar + "\n"
        for row in rows { out += line(row) { table.columns[$0].kind != .text && table.columns[$0].kind != .bool } + "\n" }
        if rows.isEmpty { out += "| " + "(none)".padding(toLength: bar.count - 4, withPad: " ", startingAt: 0) + " |\n" }
        out += bar + "\n"
        return out
    }

    static func markdown(_ table: ReportTable) -> String {
        var out = table.title.map { "### " + $0 + "\n\n" } ?? ""
        out += "| " + table.columns.map { escape($0.name) }.joined(separator: " | ") + " |\n"
        out += "|" + table.columns.map { $0.kind == .text || $0.kind == .bool ? " --- |" : " ---: |" }.joined() + "\n"
        for row in table.rows {
            out += "| " + zip(row, table.columns).map { escape(ReportRenderer.display($0, $1.kind)) }.joined(separator: " | ") + " |\n"
        }
        if table.rows.isEmpty { out += "\n_(none)_\n" }
        return out
    }

    private static func oneLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: " ⏎ ")
    }

    private static func cut(_ text: String) -> String {
        text.count <= maxCellWidth ? text : String(text.prefix(maxCellWidth - 1)) + "…"
    }

    private static func escape(_ text: String) -> String {
        oneLine(text).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: " ⏎ ", with: "<br>")
    }
}
