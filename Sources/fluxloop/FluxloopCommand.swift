import ArgumentParser
import Core
import Foundation
import Runner

/// `fluxloop`: the root of the command tree. Every subcommand parses, validates and calls Runner or Query.
@main
struct Fluxloop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fluxloop",
        abstract: "Run an AI agent through simulated users and keep every run in a local SQLite database.",
        version: FluxloopVersion.current,
        subcommands: [Run.self, Query.self, ReportCommand.self, Evaluate.self, Init.self, Generate.self, DoctorCommand.self, Push.self, Pull.self]
    )

    /// Parses and runs like ArgumentParser's own `main`, and is the one place errors become a message and an exit
    /// status: a `UserFacingError` is shown as it words itself, usage errors exit with 2, as documented.
    static func main() async {
        // A worker that dies leaves a closed pipe behind; writing to it must be an error, not a kill.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot(Run.Experiment.fillingBareResume(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as any UserFacingError {
            exit(error.exitStatus.rawValue, message: error.userMessage.isEmpty ? "" : "Error: " + error.userMessage)
        } catch {
            let code = exitCode(for: error)
            // --help, --version and --generate-completion-script are answers, not errors: standard output.
            exit(code == .validationFailure ? ExitStatusCode.usage.rawValue : code.rawValue, message: fullMessage(for: error),
                 toStandardOutput: code == .success)
        }
    }

    private static func exit(_ status: Int32, message: String, toStandardOutput: Bool = false) -> Never {
        if !message.isEmpty {
            let stream = toStandardOutput ? FileHandle.standardOutput : FileHandle.standardError
            stream.write(Data((message + "\n").utf8))
        }
        Foundation.exit(status)
    }
}
