import Core
import Store

/// What a `query` subcommand found, in every shape it can be printed in.
public struct QueryReport: Sendable {
    /// The `json` output: the public contract.
    public var json: JSON { makeJSON() }
    /// The `jsonl` output, one value a line: a list's entries, or the whole object.
    public var lines: [JSON] { makeLines() }
    /// The `table`, `markdown` and `csv` output, built only when one of them is printed: a large comparison's
    /// tables cost as much as its JSON.
    public var tables: @Sendable () -> [ReportTable]
    /// A sentence for people, such as "nothing new to import": printed under a table, else on standard error.
    public var note: String?
    private let makeJSON: @Sendable () -> JSON
    private let makeLines: @Sendable () -> [JSON]

    public init(json: JSON, lines: [JSON], tables: @escaping @Sendable () -> [ReportTable], note: String? = nil) {
        self.init(json: { json }, lines: { lines }, tables: tables, note: note)
    }

    private init(json: @escaping @Sendable () -> JSON, lines: @escaping @Sendable () -> [JSON],
                 tables: @escaping @Sendable () -> [ReportTable], note: String?) {
        makeJSON = json; makeLines = lines; self.tables = tables; self.note = note
    }

    /// A report that is one list: `json` is the array, `jsonl` one entry a line.
    public static func list(_ entries: [JSON], table: @escaping @Sendable @autoclosure () -> ReportTable,
                            note: String? = nil) -> QueryReport {
        QueryReport(json: .array(entries), lines: entries, tables: { [table()] }, note: note)
    }

    /// A report that is one object: `json` and `jsonl` both print it whole. The object is built only when one
    /// of them is printed, as the tables are only for the other formats.
    public static func object(_ object: @escaping @Sendable @autoclosure () -> JSON,
                              tables: @escaping @Sendable @autoclosure () -> [ReportTable], note: String? = nil) -> QueryReport {
        QueryReport(json: object, lines: { [object()] }, tables: tables, note: note)
    }
}

/// One titled table of a report.
public struct ReportTable: Sendable {
    public var title: String?
    public var columns: [ReportColumn]
    /// One JSON scalar per column; the column's kind says how a person sees it.
    public var rows: [[JSON]]

    public init(title: String? = nil, columns: [ReportColumn], rows: [[JSON]]) {
        self.title = title; self.columns = columns; self.rows = rows
    }
}

public struct ReportColumn: Sendable {
    public enum Kind: Sendable {
        case text, int, milliseconds, rate, bool
        /// Signed changes against a baseline.
        case deltaMilliseconds, deltaRate
    }

    public var name: String
    public var kind: Kind

    public init(_ name: String, _ kind: Kind = .text) { self.name = name; self.kind = kind }
}

/// Values rounded the way every report prints them.
enum Figures {
    /// Durations to the microsecond.
    static func ms(_ value: Double?) -> JSON {
        guard let value else { return .null }
        return .double((value * 1000).rounded() / 1000)
    }

    /// Rates to six decimals, as summary.json has them.
    static func rate(_ value: Double?) -> JSON {
        guard let value else { return .null }
        return .double((value * 1_000_000).rounded() / 1_000_000)
    }

    static func text(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
    static func int(_ value: Int?) -> JSON { value.map(JSON.int) ?? .null }
}
