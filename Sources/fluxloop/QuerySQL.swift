import ArgumentParser
import Query

extension Fluxloop.Query {
    /// `fluxloop query sql "SELECT ..."`: read-only SQL.
    struct SQL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sql",
            abstract: "Run one read-only SQL statement over the tables and views (see docs/schema.md).",
            discussion: """
                The database is opened read-only. Statements that would write, ATTACH another file or set a PRAGMA are \
                refused with exit status 2, and nothing changes.
                """)

        @Argument(help: "One SQL statement, e.g. \"SELECT name, status FROM experiments\".")
        var statement: String

        @OptionGroup var options: QueryOptions

        func run() throws {
            try SQLQuery.run(statement, context: options.context())
        }
    }
}
