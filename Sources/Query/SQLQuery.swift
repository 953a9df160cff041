import Core
import Foundation
import Store

/// `query sql "SELECT …"`: one read-only statement over the tables and views.
public enum SQLQuery {
    public static func run(_ sql: String, context: QueryContext) throws(QueryError) {
        try context.perform {
            // SQLite: a read-only file behind an authorizer; PostgreSQL: a READ ONLY transaction with a timeout.
            let store = try context.readOnlyStore()
            context.emit(report(try store.reader.runReadOnly(sql)))
        }
    }

    static func report(_ result: SQLResult) -> QueryReport {
        let rows: [[JSON]] = result.rows.map { $0.map(json) }
        let entries: [JSON] = rows.map { row in .object(zip(result.columns, row).map { ($0, $1) }) }
        let table = ReportTable(columns: result.columns.map { ReportColumn($0) }, rows: rows)
        return .list(entries, table: table, note: result.rows.isEmpty ? "No rows." : nil)
    }

    /// Numbers stay numbers; blobs become hexadecimal text, which JSON cannot hold otherwise.
    static func json(_ value: DatabaseValue) -> JSON {
        switch value {
        case .null: return .null
        case let .integer(number): return .number(String(number))
        case let .double(number): return .double(number)
        case let .text(text): return .string(text)
        case let .blob(bytes): return .string("x'" + NumberText.hex(bytes: bytes) + "'")
        }
    }
}
