import Core
import Store

/// Turns a report into the text of one output format.
public enum ReportRenderer {
    public static func render(_ report: QueryReport, as format: OutputFormat) -> String {
        switch format {
        case .json:
            return String(decoding: jsonUTF8(report), as: UTF8.self)
        case .jsonl:
            return report.lines.map { $0.text + "\n" }.joined()
        case .csv:
            return report.tables().map(CSVWriter.csv).joined(separator: "\n")
        case .table:
            return sections(report, TextTable.boxed)
        case .markdown:
            return sections(report, TextTable.markdown)
        }
    }

    /// The `json` output as bytes, which `QueryContext.emit` prints without making a String of 4 MB first.
    static func jsonUTF8(_ report: QueryReport) -> [UInt8] {
        var bytes = report.json.prettyUTF8()
        bytes.append(0x0A)
        return bytes
    }

    private static func sections(_ report: QueryReport, _ draw: (ReportTable) -> String) -> String {
        var parts = report.tables().map(draw)
        if let note = report.note { parts.append(note + "\n") }
        return parts.joined(separator: "\n")
    }

    /// How a person reads one cell.
    static func display(_ value: JSON, _ kind: ReportColumn.Kind) -> String {
        switch value {
        case .null: return "-"
        case let .bool(flag): return flag ? "yes" : "no"
        case let .string(text): return text
        case .array, .object: return value.text
        case let .number(literal):
            guard let number = Double(literal) else { return literal }
            switch kind {
            case .milliseconds: return fixed(number, 1) + " ms"
            case .deltaMilliseconds: return (number >= 0 ? "+" : "") + fixed(number, 1) + " ms"
            case .rate: return fixed(number * 100, 1) + "%"
            case .deltaRate: return (number >= 0 ? "+" : "") + fixed(number * 100, 1) + " pts"
            case .int, .text, .bool: return literal
            }
        }
    }

    /// `value` with `digits` decimals, without Foundation's locale-dependent formatting.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        var fraction = String(Int(scaled.truncatingRemainder(dividingBy: scale)))
        while fraction.count < digits { fraction = "0" + fraction }
        let sign = value < 0 && scaled > 0 ? "-" : ""
        return digits == 0 ? sign + String(whole) : sign + String(whole) + "." + fraction
    }
}
