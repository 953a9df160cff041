import Core
import ArgumentParser
import Foundation
import Runner

/// `fluxloop doctor`: is everything a run needs in place?
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the installation and the project: python3, the agent's import, the database, keys.",
        discussion: "Prints one screen; each problem comes with its fix. Exits 1 when anything is wrong. Keys are reported as present or absent, never printed.")

    @Option(name: [.customLong("config"), .customShort("c")], help: "Configuration file (default: configs/simulation.yaml).")
    var config: String?

    @Option(help: "Project name under the FluxLoop root (default: the current directory).")
    var project: String?

    @Option(help: "FluxLoop root directory (default: ./fluxloop).")
    var root: String?

    @Option(help: "Database file (default: $FLUXLOOP_DB, else <output_directory>/fluxloop.db).")
    var db: String?

    func run() throws {
        var options = DoctorOptions(currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        options.configPath = config
        options.project = project
        options.root = root
        options.db = db
        let code = Doctor.run(options, console: Console())
        if code != 0 { throw ExitCode(code) }
    }
}
