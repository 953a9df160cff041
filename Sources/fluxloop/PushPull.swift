import ArgumentParser
import Core
import Foundation
import Runner
import Store
import TeamStore

/// `fluxloop push [EXP…] --to URL`: the local database's experiments copied into another database.
struct Push: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Copy experiments from this project's database into another one (for example the team's PostgreSQL).",
        discussion: "Each experiment is copied whole in one transaction; one the target already has is skipped, so "
            + "pushing again is harmless. With no EXP, every experiment.")

    @OptionGroup var selected: CopiedExperiments

    @Option(help: "The database to copy into: a postgresql:// URL or a SQLite file.")
    var to: String

    @OptionGroup var project: ProjectOptions

    func run() throws {
        try CopyCommand.run(selected.experiments, from: try CopyCommand.local(project), to: to, verb: "pushed")
    }
}

/// `fluxloop pull [EXP…] --from URL`: another database's experiments copied into the local one.
struct Pull: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Copy experiments from another database (for example the team's PostgreSQL) into this project's.",
        discussion: "Each experiment is copied whole in one transaction; one already here is skipped. With no EXP, every experiment.")

    @OptionGroup var selected: CopiedExperiments

    @Option(help: "The database to copy from: a postgresql:// URL or a SQLite file.")
    var from: String

    @OptionGroup var project: ProjectOptions

    func run() throws {
        try CopyCommand.run(selected.experiments, from: from, to: try CopyCommand.local(project), verb: "pulled")
    }
}

/// The experiments `push` and `pull` copy.
struct CopiedExperiments: ParsableArguments {
    @Argument(help: "Experiments: id, unique id prefix, name, latest or latest~N (default: all).")
    var experiments: [String] = []
}

enum CopyCommand {
    /// This project's database, as `run experiment` finds it.
    static func local(_ project: ProjectOptions) throws -> String {
        try DatabaseLocator.locate(project.location, currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).path
    }

    static func run(_ references: [String], from source: String, to target: String, verb: String) throws {
        let console = Console()
        let from = try Backends.openForReading(absolute(source))
        let into = try Backends.open(absolute(target))
        console.line("Copying from \(from.displayLocation) to \(into.displayLocation)")
        let outcomes = try ExperimentCopy.copy(references, from: from, to: into) { console.line($0) }
        for outcome in outcomes {
            console.line(outcome.copied
                ? "  \(verb) \(outcome.experimentID) (\(outcome.name)): \(outcome.runs) runs"
                : "  skipped \(outcome.experimentID) (\(outcome.name)): already there")
        }
        let copied = outcomes.filter(\.copied).count
        console.line("\(copied) experiment\(copied == 1 ? "" : "s") \(verb), \(outcomes.count - copied) already there.")
    }

    private static func absolute(_ locator: String) -> String {
        Backends.isServer(locator) ? locator : URL(fileURLWithPath: Backends.sqlitePath(locator)).standardizedFileURL.path
    }
}
