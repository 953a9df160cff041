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

    /// The rows `inputStatistics` groups, one per run of experiment ?1, with its pass in evaluation ?2.
    /// SQLite walks the (experiment_id, run_index) index in plan order. On PostgreSQL a traces row is about 2 KB,
    /// so reading these columns from the heap reads every page of the experiment's runs: PostgreSQL migration 006's
    /// covering index holds them for every run whose texts fit in a b-tree entry (an index-only scan), and its
    /// partial index finds the few longer runs, read from the heap. The two halves split the runs by one
    /// expression, the migration's, so each run comes once; the rows come in no particular order.
    /// Unscored, the statement takes ?1 only and every pass is NULL: looking up 100,000 runs in `trace_results`
    /// to find nothing costs about 5% of reading them.
    static func inputStatisticsRows(_ dialect: SQLDialect, scored: Bool) -> String {
        let select = scored ? """
            SELECT t.input, t.persona, t.success, t.duration_ms, t.output, r.pass, t.run_index
            FROM traces AS t LEFT JOIN trace_results AS r ON r.evaluation_id = ?2 AND r.trace_row = t.id
            WHERE t.experiment_id = ?1
            """ : """
            SELECT t.input, t.persona, t.success, t.duration_ms, t.output, NULL AS pass, t.run_index
            FROM traces AS t
            WHERE t.experiment_id = ?1
            """
        switch dialect {
        case .sqlite:
            return select + " ORDER BY t.run_index"
        case .postgresql:
            // Migration 006's index predicate, written the same way, or the planner cannot prove it.
            let textBytes = "octet_length(t.experiment_id) + octet_length(t.input)"
                + " + coalesce(octet_length(t.output), 0) + coalesce(octet_length(t.persona), 0)"
            return "\(select) AND \(textBytes) <= 2000\nUNION ALL\n\(select) AND \(textBytes) > 2000"
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
