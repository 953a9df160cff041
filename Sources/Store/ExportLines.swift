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
    /// The columns of trace_export_parts that the lines are made of, in the statement's order: a case's raw
    /// value is its position, so no row looks a column up by name.
    enum Column: Int, CaseIterable {
        case headStart, output, headEnd, stateKey, conversationJSON, conversationState, termination
        case history, callbacks, counted, supervisor, fields, observationsJSON, observationCount

        var name: String {
            switch self {
            case .headStart: "head_start"
            case .output: "output"
            case .headEnd: "head_end"
            case .stateKey: "state_key"
            case .conversationJSON: "conversation_json"
            case .conversationState: "conversation_state"
            case .termination: "termination"
            case .history: "history"
            case .callbacks: "callbacks"
            case .counted: "counted"
            case .supervisor: "supervisor"
            case .fields: "fields"
            case .observationsJSON: "observations_json"
            case .observationCount: "observation_count"
            }
        }
    }

    /// The select list of a statement over trace_export_parts that `write` reads.
    static let columns = Column.allCases.map(\.name)

    /// Writes `kind`'s text for the current row of a statement over `columns`, with its newline. Returns false for
    /// an observations row with nothing to write (a run without observations).
    static func write(_ kind: ExportKind, row: Row, to file: UnsafeMutablePointer<FILE>) -> Bool {
        var sink = FileSink(file: file)
        func part(_ column: Column) {
            row.withTextBytes(column.rawValue) { sink.append(bytes: $0) }
        }
        func literal(_ text: StaticString) {
            text.withUTF8Buffer { sink.append(bytes: $0) }
        }
        func state() {
            guard !row.isNull(Column.conversationState.rawValue) else { return }
            part(.stateKey)
            part(.conversationState)
        }
        switch kind {
        case .observations:
            guard row.int(Column.observationCount.rawValue) > 0 else { return false }
            row.withTextBytes(Column.observationsJSON.rawValue) { observationLines($0, to: &sink) }
        case .traceSummary, .traces:
            part(.headStart)
            row.withTextBytes(Column.output.rawValue) { JSONEscaping.writeQuoted(utf8: $0, to: &sink) }
            part(.headEnd)
            if kind == .traceSummary {
                literal(", \"conversation\": ")
                part(.conversationJSON)
                state()
                part(.termination)
                part(.history)
            } else {
                part(.termination)
                part(.callbacks)
                part(.counted)
                literal(", \"conversation\": ")
                part(.conversationJSON)
                state()
                part(.history)
                part(.supervisor)
                part(.fields)
            }
            literal("}")
        }
        sink.append(byte: 0x0A)
        return true
    }

    /// observation_lines' text: the JSON array without its brackets, each ",\n" between elements as "\n" (a raw
    /// newline never occurs inside single-line JSON, so each one separates two elements).
    static func observationLines(_ array: UnsafeBufferPointer<UInt8>, to sink: inout FileSink) {
        guard let base = array.baseAddress else { return }
        var lower = 0, upper = array.count
        // SQL's trim(x, '[]'): every leading and trailing bracket.
        while lower < upper, array[lower] == 0x5B || array[lower] == 0x5D { lower += 1 }
        while upper > lower, array[upper - 1] == 0x5B || array[upper - 1] == 0x5D { upper -= 1 }
        var runStart = lower
        var searchFrom = lower
        // memchr finds each newline; a byte-by-byte loop spent a tenth of an export's time here.
        while searchFrom < upper, let found = memchr(base + searchFrom, 0x0A, upper - searchFrom) {
            let index = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
            if index > runStart, array[index - 1] == 0x2C {
                sink.append(bytes: UnsafeBufferPointer(rebasing: array[runStart..<(index - 1)]))
                runStart = index
            }
            searchFrom = index + 1
        }
        sink.append(bytes: UnsafeBufferPointer(rebasing: array[runStart..<upper]))
    }
}

/// A C stream as a sink of JSON bytes (the exporter's files go through a 1 MB buffer), used by one thread.
struct FileSink: JSONByteSink {
    let file: UnsafeMutablePointer<FILE>

    // Unlocked: each file is written by one thread, and a lock per part cost more than the copy (30 parts a run).
    mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        _ = fwrite_unlocked(base, 1, bytes.count, file)
    }

    mutating func append(byte: UInt8) { _ = putc_unlocked(Int32(byte), file) }
}
