import Runner

extension Fluxloop.Run.Experiment {
    /// What a bare `--resume` stands for.
    static let latest = "latest"

    /// `--resume` and `--join` may be given without a value; ArgumentParser options always take one, so supply it.
    static func fillingBareResume(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for (index, argument) in arguments.enumerated() {
            result.append(argument)
            if (argument == "--resume" || argument == "--join") && (index + 1 == arguments.count || arguments[index + 1].hasPrefix("-")) {
                result.append(latest)
            }
        }
        return result
    }

    /// Which runs to execute.
    var mode: RunOptions.Mode {
        if let resume { return .resume(resume == Self.latest ? nil : resume) }
        if let rerunFailed { return .rerunFailed(rerunFailed) }
        if let join { return .join(join == Self.latest ? nil : join) }
        return .new
    }

    /// The options that change the project's configuration.
    var overrides: ConfigOverrides {
        var overrides = ConfigOverrides()
        overrides.configPath = project.selection.config
        overrides.project = project.selection.project
        overrides.root = project.selection.root
        overrides.outputDirectory = project.outputDir
        overrides.iterations = iterations
        overrides.personas = personas?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        overrides.inputsFile = inputs
        overrides.experimentName = experimentName
        overrides.multiTurnEnabled = multiTurn
        overrides.maxTurns = maxTurns
        overrides.autoApproveTools = toolApproval.map { $0 == .autoApproveTools }
        overrides.personaOverride = personaOverride
        overrides.supervisorProvider = supervisorProvider?.lowercased()
        overrides.supervisorModel = supervisorModel
        overrides.supervisorTemperature = supervisorTemperature
        overrides.supervisorAPIKey = supervisorApiKey
        overrides.supervisorBaseURL = supervisorBaseUrl
        overrides.parallel = parallel
        overrides.timeoutSeconds = timeout
        overrides.maxRetries = maxRetries
        overrides.concurrency = concurrency
        overrides.threadSafe = threads ? true : nil
        overrides.rateLimit = rateLimit
        return overrides
    }
}
