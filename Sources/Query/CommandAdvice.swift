import Store

/// Store's errors say what happened in the database; these messages add what to type instead.
enum CommandAdvice {
    static func message(_ error: ReferenceError) -> String {
        switch error {
        case .empty:
            return "the experiment reference is empty: give an id, a unique id prefix, a name, `latest` or `latest~N`."
        case .noExperiments:
            return "the database holds no experiments yet: run `fluxloop run experiment` or `fluxloop query import DIR` first."
        case let .experimentNotFound(reference):
            return "no experiment matches '\(reference)': give an id, a unique id prefix, a name, `latest` or `latest~N` "
                + "(`fluxloop query experiments` lists them)."
        case let .ambiguousExperiment(prefix, candidates):
            return "'\(prefix)' is the start of \(candidates.count) experiment ids; give more characters to pick one:\n"
                + ReferenceError.lines(candidates)
        case .beyondHistory:
            return "\(error)."
        case let .traceNotFound(reference):
            return "no trace id starts with '\(reference)' (`fluxloop query traces EXP` lists trace ids)."
        case let .ambiguousTrace(prefix, candidates):
            return "'\(prefix)' is the start of several trace ids; give more characters to pick one:\n"
                + ReferenceError.lines(candidates)
        }
    }

    static func message(_ error: SQLRefusal) -> String {
        switch error {
        case .empty:
            return "no SQL given: pass one SELECT statement, e.g. fluxloop query sql \"SELECT name, status FROM experiments\"."
        case .notReadOnlyConnection:
            return "internal error: `sql` statements must run on a database opened read-only."
        case .severalStatements:
            return "only one statement is run at a time; remove everything after the first ';'."
        case let .writes(verb) where ["SELECT", "WITH", "VALUES", "EXPLAIN"].contains(verb):
            return "this \(verb) is refused: it calls something that could change the database or reach outside it "
                + "(a PRAGMA function with an argument, load_extension, …). `query sql` is read-only; nothing was changed."
        case let .writes(verb):
            return "\(verb) is refused: `query sql` is read-only and runs only statements that cannot change the database "
                + "(SELECT, WITH … SELECT, EXPLAIN, and PRAGMAs that read the schema). Nothing was changed."
        case let .denied(verb, message):
            let why: String
            switch verb {
            case "ATTACH", "DETACH": why = "the database is opened alone and read-only; other files cannot be attached"
            case "PRAGMA":
                why = "PRAGMAs cannot be set, and only a few that describe the file can be read (user_version, page_count, "
                    + "integrity_check, …); for a table's columns read SELECT sql FROM sqlite_master WHERE name = 'traces'"
            default: why = "only reading statements are allowed"
            }
            return "\(verb) is refused: \(why) (SQLite: \(message)). Nothing was changed."
        case .invalid:
            return error.description
        }
    }

    static func message(_ error: MigrationError) -> String {
        guard case let .newerDatabase(path, databaseVersion, knownVersion) = error else { return error.description }
        return "\(path) has schema version \(databaseVersion), written by a newer fluxloop; this one knows "
            + "versions up to \(knownVersion). Upgrade fluxloop, or point --db at another file. The database was not changed."
    }
}
