import Core
import Foundation
import Store

/// A validated experiment, ready to run: the project, its inputs, the plan and where results go.
struct Preparation: Sendable {
    let project: LoadedProject
    let plan: RunPlan
    let databasePath: String
    let parallel: Int
    /// How conversations are driven, for multi-turn experiments.
    let conversation: ConversationSettings?

    /// Loads and checks everything that can be checked without running the agent.
    static func prepare(_ options: RunOptions) throws -> Preparation {
        let project: LoadedProject
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
            do {
                let console = Console()
                for warning in try ReplaySetup.load(project)?.warnings ?? [] { console.warn(warning) }
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
        return Preparation(project: project, plan: plan, databasePath: databasePath, parallel: parallel, conversation: conversation)
    }

    func printPlan(_ console: Console, runs: Int, resuming: ExperimentRecord?) {
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
            ("Database", databasePath),
        ]
        if parallel > 1 { rows.append(("Parallel", "\(parallel) workers")) }
        if config.multiTurn.enabled {
            rows.append(("Multi-turn", "enabled"))
            rows.append(("Max Turns", "\(config.multiTurn.maxTurns)"))
            rows.append(("Supervisor", "\(config.multiTurn.supervisor.provider) \(config.multiTurn.supervisor.model)"))
        }
        if let resuming { rows.append(("Resuming", "\(resuming.id) (\(runs) runs left)")) }
        if runs != plan.total && resuming == nil { rows.append(("Rerunning", "\(runs) failed runs")) }
        console.table("Experiment Summary", rows)
        console.line("[INFO] Starting experiment...")
        console.line("[INFO] Loaded \(plan.inputs) inputs")
        console.line("[INFO] Running \(plan.iterations) iterations per input (\(runs) total runs)")
    }
}

/// The experiment folder: `<output_directory>/<name>_YYYYMMDD_HHMMSS`, made unique when two start in one second.
enum ExperimentFolder {
    struct NotWritable: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String {
            "the output folder \(path) cannot be written (\(reason)); choose another with --output-dir or output_directory."
        }
    }

    static func create(in directory: URL, name: String, now: Date = Date()) throws -> URL {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw NotWritable(path: directory.path(percentEncoded: false), reason: (error as NSError).localizedDescription)
        }
        guard fm.isWritableFile(atPath: directory.path(percentEncoded: false)) else {
            throw NotWritable(path: directory.path(percentEncoded: false), reason: "permission denied")
        }
        let safeName = name.map { $0 == "/" || $0 == "\0" ? "_" : $0 }
        let base = String(safeName) + "_" + Timestamp.folderStamp(from: now)
        for suffix in 0..<1000 {
            let candidate = directory.appending(path: suffix == 0 ? base : "\(base)_\(suffix + 1)")
            // mkdir fails if the folder exists, which is what makes the name ours.
            if mkdir(candidate.path(percentEncoded: false), 0o755) == 0 { return candidate }
            if errno != EEXIST {
                throw NotWritable(path: candidate.path(percentEncoded: false), reason: String(cString: strerror(errno)))
            }
        }
        throw NotWritable(path: directory.path(percentEncoded: false), reason: "too many experiments named \(name) this second")
    }
}

/// The results table printed at the end.
enum Report {
    static func results(_ summary: JSON, console: Console) {
        func ms(_ key: String) -> String {
            guard let value = summary[key]?.doubleValue else { return "-" }
            return value >= 1000 ? String(format: "%.2fs", value / 1000) : String(format: "%.0fms", value)
        }
        let rate = (summary["success_rate"]?.doubleValue ?? 0) * 100
        console.line("")
        console.line(String(repeating: "=", count: 50))
        console.line("Experiment Complete!")
        console.line(String(repeating: "=", count: 50))
        console.line("")
        console.table("Results Summary", [
            ("Total Runs", "\(summary["total_traces"]?.intValue ?? 0)"),
            ("Successful", "\(summary["successful"]?.intValue ?? 0)"),
            ("Failed", "\(summary["failed"]?.intValue ?? 0)"),
            ("Success Rate", String(format: "%.1f%%", rate)),
            ("Avg Duration", ms("avg_duration_ms")),
            ("P95 Duration", ms("p95_duration_ms")),
        ])
        console.line("")
    }
}
