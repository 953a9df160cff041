import Core
import CSQLite
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes the lines of the JSON-lines files from `trace_export_parts` (migration 006): the small parts come
/// composed from SQL, and the large texts (the output, conversation, conversation state, observations) go from
/// their column to the file as they are stored, the output escaped on the way. Building the line in SQLite with
/// `||` held several copies of it per row: a run with a 20 MB output took about 500 MB per connection. The text is
/// the same as `trace_export`'s, which joins the same parts (ExportLinesTests checks it).
enum ExportLines {
    /// The columns of trace_export_parts that the lines are made of.
    static let columns = [
        "head_start", "output", "head_end", "state_key", "conversation_json", "conversation_state", "termination",
        "history", "callbacks", "counted", "supervisor", "fields", "observations_json", "observation_count",
    ]

    /// A column's position in `columns`: looked up once, not for every part of every row.
    private static let positions: [String: Int] = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })

    /// Writes `kind`'s text for the current row of a statement over `columns`, with its newline. Returns false for
    /// an observations row with nothing to write (a run without observations).
    static func write(_ kind: ExportKind, row: Row, to file: UnsafeMutablePointer<FILE>) -> Bool {
        var sink = FileSink(file: file)
        func part(_ name: String) {
            row.withTextBytes(positions[name]!) { sink.append(bytes: $0) }
        }
        func literal(_ text: StaticString) {
            text.withUTF8Buffer { sink.append(bytes: $0) }
        }
        func state() {
            guard !row.isNull(positions["conversation_state"]!) else { return }
            part("state_key")
            part("conversation_state")
        }
        switch kind {
        case .observations:
            guard row.int(positions["observation_count"]!) > 0 else { return false }
            row.withTextBytes(positions["observations_json"]!) { observationLines($0, to: &sink) }
        case .traceSummary, .traces:
            part("head_start")
            row.withTextBytes(positions["output"]!) { JSONEscaping.writeQuoted(utf8: $0, to: &sink) }
            part("head_end")
            if kind == .traceSummary {
                literal(", \"conversation\": ")
                part("conversation_json")
                state()
                part("termination")
                part("history")
            } else {
                part("termination")
                part("callbacks")
                part("counted")
                literal(", \"conversation\": ")
                part("conversation_json")
                state()
                part("history")
                part("supervisor")
                part("fields")
            }
            literal("}")
        }
        sink.append(byte: 0x0A)
        return true
    }

    /// observation_lines' text: the JSON array without its brackets, each ",\n" between elements as "\n" (a raw
    /// newline never occurs inside single-line JSON, so each one separates two elements).
    static func observationLines(_ array: UnsafeBufferPointer<UInt8>, to sink: inout FileSink) {
        var lower = 0, upper = array.count
        // SQL's trim(x, '[]'): every leading and trailing bracket.
        while lower < upper, array[lower] == 0x5B || array[lower] == 0x5D { lower += 1 }
        while upper > lower, array[upper - 1] == 0x5B || array[upper - 1] == 0x5D { upper -= 1 }
        var runStart = lower
        var index = lower
        while index < upper {
            if array[index] == 0x0A, index > runStart, array[index - 1] == 0x2C {
                sink.append(bytes: UnsafeBufferPointer(rebasing: array[runStart..<(index - 1)]))
                runStart = index
            }
            index += 1
        }
        sink.append(bytes: UnsafeBufferPointer(rebasing: array[runStart..<upper]))
    }
}

/// A C stream as a sink of JSON bytes (the exporter's files go through a 1 MB buffer).
struct FileSink: JSONByteSink {
    let file: UnsafeMutablePointer<FILE>

    mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        _ = fwrite(base, 1, bytes.count, file)
    }

    mutating func append(byte: UInt8) { _ = fputc(Int32(byte), file) }
}
