import Foundation
import Store

/// RFC 4180 CSV with raw values (numbers as stored, no units), for spreadsheets and scripts.
enum CSVWriter {
    static func csv(_ table: ReportTable) -> String {
        var out = table.columns.map { field($0.name) }.joined(separator: ",") + "\r\n"
        for row in table.rows {
            out += row.map { value -> String in
                switch value {
                case .null: return ""
                case let .string(text): return field(text)
                case let .number(literal): return literal
                case let .bool(flag): return flag ? "true" : "false"
                case .array, .object: return field(value.text)
                }
            }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    private static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
