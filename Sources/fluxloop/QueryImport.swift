import ArgumentParser
import Query

extension Fluxloop.Query {
    /// `fluxloop query import DIR...`: older experiment folders into the database.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import experiment folders written by FluxLoop 0.2.30 or fluxloop, so their history can be queried.",
            discussion: """
                Each DIR is an experiment folder, or a folder of them. A folder is imported whole or not at all: a \
                malformed line is reported as file:line and nothing from that folder is written. Importing a folder \
                again adds nothing. This is the one query subcommand that writes to the database.
                """)

        @Argument(help: "Experiment folders, or folders holding experiment folders.")
        var folders: [String]

        @OptionGroup var options: QueryOptions

        func validate() throws {
            if folders.isEmpty { throw ValidationError("give at least one experiment folder to import.") }
        }

        func run() throws {
            try ImportQuery.run(paths: folders, context: options.context())
        }
    }
}
