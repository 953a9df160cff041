import ArgumentParser
import Query
import Store

extension Fluxloop.Query {
    /// `fluxloop query export EXP`: the experiment folder again, or one JSONL file to standard output.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write an experiment's folder again from the database, or stream one of its JSONL files.")

        @OptionGroup var target: ExperimentArgument

        @Option(help: "Write the experiment folder here (default: the folder the experiment was written to).")
        var to: String?

        @Flag(help: "Write one JSONL file to standard output instead of a folder.")
        var stdout = false

        @Option(help: "With --stdout, which file: trace_summary, traces or observations (default: trace_summary).")
        var kind: ExportKind?

        @OptionGroup var options: QueryOptions

        func validate() throws {
            if stdout, to != nil { throw ValidationError("--to and --stdout are alternatives: give one of them.") }
            if kind != nil, !stdout { throw ValidationError("--kind goes with --stdout (the folder always gets every file).") }
        }

        func run() throws {
            if stdout {
                try ExportQuery.stream(reference: target.experiment, kind: kind ?? .traceSummary, context: options.context())
            } else {
                try ExportQuery.run(reference: target.experiment, to: to, context: options.context())
            }
        }
    }
}
