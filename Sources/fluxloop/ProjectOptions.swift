import ArgumentParser
import Runner

/// Which project and which database: the options `run` and `query` share, found the same way by both.
struct ProjectOptions: ParsableArguments {
    @Option(name: [.customLong("config"), .customShort("c")], help: "Path to the configuration file (default: configs/simulation.yaml).")
    var config: String?

    @Option(help: "Project name under the FluxLoop root (default: the current directory).")
    var project: String?

    @Option(help: "FluxLoop root directory (default: ./fluxloop).")
    var root: String?

    @Option(name: [.customLong("output-dir"), .customLong("output"), .customShort("o")],
            help: "Output directory for results and fluxloop.db (default: output_directory from config, else experiments/).")
    var outputDir: String?

    @Option(help: "SQLite database file (default: $FLUXLOOP_DB, else <output-dir>/fluxloop.db).")
    var db: String?

    /// The options as the database locator takes them.
    var location: DatabaseLocation {
        DatabaseLocation(db: db, project: project, root: root, config: config, outputDirectory: outputDir)
    }
}
