import ArgumentParser

extension Fluxloop {
    /// `fluxloop run`: the commands that run the agent.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run simulations.",
            subcommands: [Experiment.self]
        )
    }
}
