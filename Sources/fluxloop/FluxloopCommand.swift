import ArgumentParser
import Foundation
import Runner

@main
struct Fluxloop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fluxloop",
        abstract: "Run an AI agent through simulated users and keep every run in a local SQLite database.",
        version: FluxloopVersion.current,
        subcommands: [Run.self, QueryCommand.self, Init.self, Generate.self, DoctorCommand.self]
    )

    /// Parses and runs like ArgumentParser's own `main`, but usage errors exit with 2, as documented.
    static func main() async {
        // A worker that dies leaves a closed pipe behind; writing to it must be an error, not a kill.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot(RunExperiment.fillingBareResume(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                // --help, --version and --generate-completion-script are answers, not errors: standard output.
                let stream = code == .success ? FileHandle.standardOutput : FileHandle.standardError
                stream.write(Data((message + "\n").utf8))
            }
            if code == .validationFailure {
                Foundation.exit(2)
            }
            Foundation.exit(code.rawValue)
        }
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run simulations.",
        subcommands: [RunExperiment.self]
    )
}
