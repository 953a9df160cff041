import ArgumentParser
import Core
import Foundation
import Query
import Runner

extension Fluxloop {
    /// `fluxloop report [EXP] [--compare BASE] [-o FILE]`: one self-contained HTML file.
    struct ReportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write an experiment's HTML report, or a comparison of two experiments.",
            discussion: """
                One file that opens from disk, offline: cards, charts, the input table, failures grouped by error, and \
                runs in detail (failures first) with their conversation and observations. With --compare, the two \
                experiments side by side: changes per input (regressions first), outputs with a word diff, conversations \
                aligned turn by turn, and the configuration diff. EXP and BASE are an experiment id, a unique id prefix, \
                a name (its latest experiment), `latest`, or `latest~N`. The default FILE is report.html in the \
                experiment's folder, or compare_<BASE>_<EXP>.html next to the experiment folders.
                """)

        @Argument(help: "The experiment to report on (id, id prefix, name, latest or latest~N).")
        var experiment = "latest"

        @Option(help: ArgumentHelp("Compare EXP against this experiment (the baseline).", valueName: "base"))
        var compare: String?

        @Option(name: [.customShort("o"), .customLong("out")], help: ArgumentHelp("The HTML file to write.", valueName: "file"))
        var out: String?

        @Option(help: "Runs (or matched pairs) shown in detail, failures and regressions first; the rest are counted.")
        var detailLimit = ReportBuilder.defaultDetailLimit

        @OptionGroup var project: ReportProjectOptions

        func validate() throws {
            try require(detailLimit, atLeast: 0, "--detail-limit")
            if let out, out.isEmpty { throw ValidationError("-o needs a file name, e.g. -o report.html.") }
        }

        func run() throws {
            try ReportQuery.run(reference: experiment, base: compare, output: out, detailLimit: detailLimit,
                                context: project.location.queryContext())
        }
    }
}

extension DatabaseLocation {
    /// A query context that finds the database through these options, only when it is needed.
    func queryContext(format: OutputFormat? = nil) -> QueryContext {
        let location = self
        let currentDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var context = QueryContext(
            locateDatabase: {
                let found = try DatabaseLocator.locate(location, currentDirectory: currentDirectory)
                return LocatedDatabase(path: found.path, how: found.how)
            },
            format: format, currentDirectory: currentDirectory, console: Console())
        context.endsWithProcess = true
        return context
    }
}
