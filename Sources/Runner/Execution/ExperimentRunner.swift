import Core
import Foundation
import Store

/// `run experiment`: load the project, plan the runs, confirm, run them through agent workers,
/// commit each result as it finishes, and export the experiment folder from the database.
public enum ExperimentRunner {
    /// Runs the whole command; returns the process exit code. Messages go to `console`.
    public static func run(_ options: RunOptions, console: Console) async -> Int32 {
        do {
            guard let outcome = try await execute(options, console: console) else { return 0 }
            return outcome.exitCode
        } catch let error as RunError {
            if case .declined = error { console.line(error.description) } else { console.error(error.description) }
            return error.exitCode
        } catch {
            console.error("\(error)")
            return 1
        }
    }

    /// The experiment's outcome, or nil for a dry run.
    static func execute(_ options: RunOptions, console: Console) async throws -> RunOutcome? {
        let prepared = try Preparation.prepare(options)
        let project = prepared.project
        console.line("📋 Loading configuration from: \(project.configFile.path(percentEncoded: false))")
        for warning in project.warnings { console.warn(warning) }

        // What to run: the whole plan, the runs an earlier experiment has not finished, or the ones it failed.
        let target: Continuation.Target
        switch options.mode {
        case .new:
            target = .new(runs: prepared.plan.runs)
        case let .resume(reference):
            target = try Continuation.resume(reference, prepared: prepared)
        case let .rerunFailed(reference):
            target = try Continuation.rerunFailed(reference, prepared: prepared)
        }
        prepared.printPlan(console, runs: target.runs.count, resuming: target.experiment)

        if options.dryRun {
            console.line("Dry run: nothing was executed or written.")
            return nil
        }
        if target.runs.isEmpty, let experiment = target.experiment, case .resume = options.mode {
            console.line("Experiment \(experiment.id) has a result for every planned run; nothing to resume.")
            return RunOutcome(experimentID: experiment.id, folder: URL(fileURLWithPath: experiment.outputDirectory ?? "."),
                              databasePath: prepared.databasePath, status: experiment.status,
                              executed: experiment.executedRuns, planned: experiment.plannedRuns)
        }
        if !options.assumeYes {
            guard console.canAsk else {
                throw RunError.configuration(
                    "This will execute \(target.runs.count) runs. Standard input is not a terminal, so the confirmation "
                    + "cannot be asked: pass --yes (-y) to run without it.")
            }
            guard console.confirm("This will execute \(target.runs.count) runs. Continue?") else { throw RunError.declined }
        }

        // Start the workers first: an interpreter that cannot start or a target that cannot be imported is
        // a configuration error, and must leave no experiment row and no folder behind.
        var launch: WorkerLaunch
        do { launch = try WorkerLaunch.agent(for: project) } catch { throw RunError.configuration("\(error)") }
        // The first worker validates the target before anything is written, and names the real interpreter behind
        // a shim such as pyenv's, which the other workers then start directly. Its scope holds the whole experiment.
        let stop = StopSignal()
        var opened = false
        do {
            return try await AgentWorker.run(launch, stop: stop) { firstWorker in
                opened = true
                if let executable = firstWorker.executable, !executable.isEmpty { launch.executable = executable }
                return try await execute(options, console: console, prepared: prepared, target: target,
                                         firstWorker: firstWorker, launch: launch, stop: stop)
            }
        } catch where !opened {
            throw RunError.configuration("the agent could not be started (\(launch.summary)):\n\(error)")
        }
    }

    /// Runs the experiment once its first worker is ready: opens it, runs the workers, finishes and reports.
    private static func execute(_ options: RunOptions, console: Console, prepared: Preparation, target: Continuation.Target,
                                firstWorker: AgentWorker, launch: WorkerLaunch, stop: StopSignal) async throws -> RunOutcome? {
        let project = prepared.project
        let config = project.config
        // A resume continues its experiment in place; a new run or a rerun of failures starts a new one.
        let resumed: ExperimentRecord? = if case .resume = options.mode { target.experiment } else { nil }
        // The folder before the database: an output folder that cannot be written must leave nothing behind.
        var folder: URL
        if let path = resumed?.outputDirectory {
            folder = URL(fileURLWithPath: path)
        } else {
            do {
                folder = try ExperimentFolder.create(in: config.outputDirectory, name: config.name)
            } catch {
                throw RunError.configuration("\(error)")
            }
        }
        let writer: StoreWriter
        do {
            writer = try StoreWriter(path: prepared.databasePath)
        } catch {
            if resumed == nil { try? FileManager.default.removeItem(at: folder) }
            throw RunError.configuration("cannot use the database \(prepared.displayDatabase): \(error)")
        }
        let experimentID: String
        if let resumed {
            experimentID = resumed.id
            try await writer.reopen(experimentID: experimentID)
        } else {
            experimentID = UUID().uuidString.lowercased()
            try await writer.create(ExperimentRecord(
                id: experimentID, name: config.name, description: config.description, startedAt: Timestamp.now(),
                plannedRuns: target.runs.count, outputDirectory: folder.path(percentEncoded: false),
                configJSON: config.snapshot.text, configYAML: config.snapshotYAML,
                tags: config.snapshot["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                toolVersion: FluxloopVersion.current))
        }

        console.line("")
        console.line("▶️ Starting experiment...")
        let progress = ProgressReporter(console: console, total: target.runs.count)
        progress.started(name: config.name)
        let dispatcher = RunDispatcher(runs: target.runs, delay: config.runDelaySeconds)
        let monitor = InterruptMonitor(stop: stop) {
            dispatcher.stop()
            console.line("\nStopping: no new runs; runs in progress get \(Int(InterruptMonitor.grace)) s to finish (Ctrl-C again stops at once).")
        }
        defer { monitor.cancel() }

        let scorer = try await writer.scorer(prepared.scoring, experimentID: experimentID)
        let results = ResultQueue(scorer: scorer)
        let workerCount = min(prepared.parallel, target.runs.count)
        var runPolicy = RunPolicy(config: config, launch: launch, conversation: prepared.conversation, progress: progress)
        runPolicy.pipelined = runPolicy.pipelined && workerCount <= 2
        let policy = runPolicy
        let saving = Task { await writer.drain(results, experimentID: experimentID, progress: progress) }
        var fatalError: Error?
        await withTaskGroup(of: Error?.self) { group in
            if workerCount > 0 {
                group.addTask {
                    var loop = WorkerLoop(policy: policy, dispatcher: dispatcher, results: results, stop: stop)
                    return await loop.run(first: firstWorker)
                }
            }
            // The other workers start while the first one already runs.
            for slot in stride(from: 1, to: workerCount, by: 1) {
                group.addTask {
                    var loop = WorkerLoop(policy: policy, dispatcher: dispatcher, results: results, stop: stop)
                    let error = await loop.run()
                    if let failed = error as? WorkerLoop.FirstStartFailed {
                        console.warn("worker \(slot + 1) of \(workerCount) could not start, continuing without it: \(failed.error)")
                        return nil
                    }
                    return error
                }
            }
            for await error in group where error != nil && fatalError == nil {
                fatalError = error
                dispatcher.stop()
            }
        }
        results.close()
        if let error = await saving.value {
            fatalError = fatalError ?? RunError.storage("a result could not be saved: \(error)")
        }
        progress.finished()

        let status: ExperimentStatus = fatalError != nil ? .failed : (monitor.interrupted ? .interrupted : .completed)
        try await writer.finish(experimentID: experimentID, status: status)
        if let scorer { try await writer.completeScoring(scorer.evaluationID) }
        let exported = try await writer.export(experimentID: experimentID, to: folder)
        if let fatalError { throw RunError.storage("the experiment stopped early: \(fatalError)") }

        console.line("✅ Saved \(exported.observations) observations to observations.jsonl")
        // The HTML report reads a SQLite file; on a server, `fluxloop report` is not there yet.
        if !prepared.onServer { options.afterExport?(ExportedExperiment(experimentID: experimentID, folder: folder, databasePath: prepared.databasePath), console) }
        if let summary = try await writer.summary(experimentID: experimentID) {
            Report.results(summary, console: console)
        }
        console.line("📁 Results saved to: \(folder.path(percentEncoded: false))")
        console.line("🗄  Database: \(prepared.displayDatabase) (experiment \(experimentID))")
        let planned = try await writer.plannedRuns(experimentID: experimentID)
        if status == .interrupted {
            console.line("Interrupted: \(exported.traces) of \(planned) planned runs are saved. Resume with:")
            console.line("  fluxloop run experiment --resume \(experimentID) --yes" + Continuation.flagsToRepeat(options))
        }
        return RunOutcome(experimentID: experimentID, folder: folder, databasePath: prepared.databasePath,
                          status: status, executed: exported.traces, planned: planned)
    }
}
