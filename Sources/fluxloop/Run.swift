import ArgumentParser

extension Fluxloop {
    /// `fluxloop run`: the commands that run the agent.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run simulations.",
            subcommands: [Experiment.self]
        )
    }
}
