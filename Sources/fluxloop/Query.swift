import ArgumentParser

extension Fluxloop {
    /// `fluxloop query`: read the experiment history in the database.
    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "query",
            abstract: "Query the experiment history: list, compare, find regressions and unstable answers, run SQL.",
            discussion: """
                Every subcommand reads the database that `run experiment` writes (found the same way: --db, FLUXLOOP_DB, \
                --output-dir, --project) and never changes it; only `import` writes. EXP is an experiment id, a unique id \
                prefix, a name (its latest experiment), `latest`, or `latest~N` (N experiments before the latest).
                """,
            subcommands: [
                Experiments.self, Show.self, Traces.self, Trace.self, Compare.self, Consistency.self, SQL.self,
                Export.self, Import.self,
            ]
        )
    }
}
