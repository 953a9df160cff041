import Core

/// How a `query` subcommand prints its result.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, jsonl, csv, markdown

    /// `explicit` when given; otherwise a table for a person at a terminal and JSON lines for a pipe.
    public static func resolve(_ explicit: OutputFormat?, interactive: Bool) -> OutputFormat {
        explicit ?? (interactive ? .table : .jsonl)
    }
}
