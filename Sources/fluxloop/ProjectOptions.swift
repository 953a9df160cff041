import ArgumentParser
import Runner

/// Which project: the configuration file, the project name and the FluxLoop root. Every command that works on a
/// project takes these three the same way, so they are declared once.
struct ProjectSelection: ParsableArguments {
    @Option(name: [.customLong("config"), .customShort("c")], help: "Path to the configuration file (default: configs/simulation.yaml).")
    var config: String?

    @Option(help: "Project name under the FluxLoop root (default: the current directory).")
    var project: String?

    @Option(help: "FluxLoop root directory (default: ./fluxloop).")
    var root: String?
}

/// The database named on the command line; without it the locator's rule applies.
struct DatabaseOption: ParsableArguments {
    @Option(help: "SQLite database file (default: $FLUXLOOP_DB, else <output-dir>/fluxloop.db).")
    var db: String?
}

/// Which project and which database: the options `run` and `query` share, found the same way by both.
struct ProjectOptions: ParsableArguments {
    @OptionGroup var selection: ProjectSelection

    @Option(name: [.customLong("output-dir"), .customLong("output"), .customShort("o")],
            help: "Output directory for results and fluxloop.db (default: output_directory from config, else experiments/).")
    var outputDir: String?

    @OptionGroup var database: DatabaseOption

    /// The options as the database locator takes them.
    var location: DatabaseLocation { selection.location(outputDirectory: outputDir, db: database.db) }
}

/// `ProjectOptions` without its `-o`, which `report` uses for the file it writes (as the issue and `-o` habits ask);
/// the output directory stays reachable as `--output-dir`.
struct ReportProjectOptions: ParsableArguments {
    @OptionGroup var selection: ProjectSelection

    @Option(help: "Output directory holding fluxloop.db (default: output_directory from config, else experiments/).")
    var outputDir: String?

    @OptionGroup var database: DatabaseOption

    var location: DatabaseLocation { selection.location(outputDirectory: outputDir, db: database.db) }
}

extension ProjectSelection {
    /// The selection, with where the results go and the database, as the database locator takes them.
    func location(outputDirectory: String?, db: String?) -> DatabaseLocation {
        DatabaseLocation(db: db, project: project, root: root, config: config, outputDirectory: outputDirectory)
    }
}
