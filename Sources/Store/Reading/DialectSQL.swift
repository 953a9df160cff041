/// The SQL of the read models that differs between SQLite and PostgreSQL, both texts side by side.
/// Everything else the read models run is the same text on both engines, over the documented views and tables
/// (docs/schema.md, "PostgreSQL: the same schema, and the SQL that differs").
public enum DialectSQL {
    /// Experiments newest first. SQLite breaks a tie in `started_at` by insertion order (`rowid`); PostgreSQL's
    /// experiments table has no such column, so a tie goes by id there.
    static func newestFirst(_ dialect: SQLDialect, alias: String? = nil) -> String {
        let p = alias.map { $0 + "." } ?? ""
        switch dialect {
        case .sqlite: return "ORDER BY \(p)started_at DESC, \(p)rowid DESC"
        case .postgresql: return "ORDER BY \(p)started_at DESC, \(p)id DESC"
        }
    }

    /// `column` starts with parameter ?1: a range the primary key's index serves, then the exact test.
    /// SQLite's `char()` is PostgreSQL's `chr()`, whose parameter also needs its type spelled out.
    static func startsWith(_ dialect: SQLDialect, _ column: String) -> String {
        switch dialect {
        case .sqlite:
            return "\(column) >= ?1 AND \(column) < ?1 || char(1114111) AND substr(\(column), 1, length(?1)) = ?1"
        case .postgresql:
            return "\(column) >= ?1::text AND \(column) < ?1::text || chr(1114111) AND left(\(column), length(?1::text)) = ?1::text"
        }
    }

    /// `ORDER BY column` where the engine gets plan order for free, nothing where it would sort: SQLite walks the
    /// (experiment_id, run_index) index anyway, PostgreSQL would sort 100,000 rows (on disk, past `work_mem`)
    /// that the reader groups in memory and orders by their first run itself.
    static func planOrderIfCheap(_ dialect: SQLDialect, _ column: String) -> String {
        switch dialect {
        case .sqlite: return "ORDER BY \(column)"
        case .postgresql: return ""
        }
    }

    /// NULL-safe equality with a parameter: SQLite's `IS`, PostgreSQL's `IS NOT DISTINCT FROM`.
    static func isParameter(_ dialect: SQLDialect, _ column: String) -> String {
        switch dialect {
        case .sqlite: return "\(column) IS ?"
        case .postgresql: return "\(column) IS NOT DISTINCT FROM ?"
        }
    }

    /// ASCII-case-insensitive LIKE: SQLite's LIKE is, PostgreSQL's needs ILIKE (which also folds non-ASCII letters).
    static func caseInsensitiveLike(_ dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite: return "LIKE"
        case .postgresql: return "ILIKE"
        }
    }
}
