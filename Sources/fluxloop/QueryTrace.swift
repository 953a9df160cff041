import ArgumentParser
import Query

extension Fluxloop.Query {
    /// `fluxloop query trace ID`: one run in full.
    struct Trace: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "trace",
            abstract: "Show one run: its conversation turn by turn and its observation tree with durations and errors.")

        @Argument(help: "The trace id, or a unique prefix of it.")
        var trace: String

        @OptionGroup var options: QueryOptions

        func run() throws {
            try TraceQuery.run(reference: trace, context: options.context())
        }
    }
}
