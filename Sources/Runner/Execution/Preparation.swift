import Core
import Foundation
import Store
import TeamStore

/// A validated experiment, ready to run: the project, its inputs, the plan and where results go.
struct Preparation: Sendable {
    let project: LoadedProject
    let plan: RunPlan
    let databasePath: String
    let parallel: Int
    /// How conversations are driven, for multi-turn experiments.
    let conversation: ConversationSettings?
    /// The rule-based evaluators that score each run as it finishes, when configs/evaluation.yaml has any.
    var scoring: ScoringConfig? = nil

    /// True when the database is a PostgreSQL server.
    var onServer: Bool { Backends.isServer(databasePath) }
    /// The database as messages show it: a server URL without its password.
    var displayDatabase: String { Backends.display(databasePath) }

    /// Loads and checks everything that can be checked without running the agent.
    static func prepare(_ options: RunOptions) throws -> Preparation {
        var project: LoadedProject
        let inputs: [InputEntry]
        let plan: RunPlan
        do {
            project = try ConfigLoader.load(options.overrides, currentDirectory: options.currentDirectory)
            inputs = try InputLoader.load(project.config)
            plan = try RunPlan.make(config: project.config, inputs: inputs, personaFilter: options.overrides.personas)
        } catch {
            throw RunError.configuration(error.description)
        }
        let config = project.config
        let conversation = config.multiTurn.enabled
            ? try ConversationSettings.make(config, environment: WorkerLaunch.agentEnvironment(config)) : nil
        if config.replayArgs?["enabled"]?.boolValue == true {
            // Argument replay: the recording must be usable before any run (Replay/ReplaySetup.swift).
            // Its warnings print with the configuration's, after the "Loading configuration" line, as FluxLoop's do.
            do {
                project.warnings += try ReplaySetup.load(project)?.warnings ?? []
            } catch {
                throw RunError.configuration(error.description)
            }
        }
        if plan.total == 0 {
            throw RunError.configuration("the plan has no runs: check the inputs and --personas.")
        }
        let parallel = options.overrides.parallel ?? config.parallelRuns
        guard parallel >= 1 else {
            throw RunError.configuration("--parallel / parallel_runs must be at least 1 (got \(parallel)).")
        }
        let databasePath = DatabaseLocator.named(options.databasePath, currentDirectory: options.currentDirectory)?.path
            ?? DatabaseLocator.inProject(config)
        let scoring: ScoringConfig?
        do { scoring = try EvaluationSetup.forRun(project, currentDirectory: options.currentDirectory) } catch {
            throw RunError.configuration(error.userMessage)
        }
        return Preparation(project: project, plan: plan, databasePath: databasePath, parallel: parallel, conversation: conversation,
                           scoring: scoring)
    }

    func printPlan(_ console: Console, runs: Int, resuming: ExperimentRecord?, joining: Bool = false) {
        let config = project.config
        let output = config.outputDirectory.path(percentEncoded: false)
        let shownOutput = output.hasPrefix(project.projectDirectory.path(percentEncoded: false) + "/")
            ? String(output.dropFirst(project.projectDirectory.path(percentEncoded: false).count + 1)) : output
        var rows: [(String, String)] = [
            ("Name", config.name),
            ("Iterations", "\(plan.iterations)"),
            ("Personas", "\(plan.personas)"),
            ("Input Source", plan.usesInputsFile ? "external file" : "base inputs"),
            ("Total Runs", "\(plan.total)"),
            ("Output", shownOutput),
            ("Database", displayDatabase),
        ]
        if parallel > 1 { rows.append(("Parallel", "\(parallel) workers")) }
        if config.multiTurn.enabled {
            rows.append(("Multi-turn", "enabled"))
            rows.append(("Max Turns", "\(config.multiTurn.maxTurns)"))
            rows.append(("Supervisor", "\(config.multiTurn.supervisor.provider) \(config.multiTurn.supervisor.model)"))
        }
        if let resuming { rows.append((joining ? "Joining" : "Resuming", "\(resuming.id) (\(runs) runs left)")) }
        if runs != plan.total && resuming == nil { rows.append(("Rerunning", "\(runs) failed runs")) }
        console.table("Experiment Summary", rows)
        console.line("[INFO] Starting experiment...")
        console.line("[INFO] Loaded \(plan.inputs) inputs")
        console.line("[INFO] Running \(plan.iterations) iterations per input (\(runs) total runs)")
    }
}
