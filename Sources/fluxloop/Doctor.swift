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

    @OptionGroup var selection: ProjectSelection

    @OptionGroup var database: DatabaseOption

    func run() throws {
        var options = DoctorOptions(currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        options.configPath = selection.config
        options.project = selection.project
        options.root = selection.root
        options.db = database.db
        let code = Doctor.run(options, console: Console())
        if code != 0 { throw ExitCode(code) }
    }
}
