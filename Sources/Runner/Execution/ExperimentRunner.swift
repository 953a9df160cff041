import Core
import Foundation
import Store

/// `run experiment`: load the project, plan the runs, confirm, run them through agent workers,
/// commit each result as it finishes, and export the experiment folder from the database.
///
/// The command is a sequence of phases, each in its own file under `Phases/`:
/// prepare (`RunPreparation`), open the experiment (`OpenedExperiment.open`), run the workers
/// (`OpenedExperiment.runWorkers`), finish (`OpenedExperiment.finish`) and report (`OpenedExperiment.report`).
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
        let preparation = try RunPreparation.prepare(options, console: console)
        switch try preparation.decide(console: console) {
        case .dryRun: return nil
        case let .nothingToResume(outcome): return outcome
        case .run: break
        }
        let prepared = preparation.prepared, target = preparation.target

        // Start the workers first: an interpreter that cannot start or a target that cannot be imported is
        // a configuration error, and must leave no experiment row and no folder behind.
        var launch: WorkerLaunch
        do { launch = try WorkerLaunch.agent(for: prepared.project) } catch { throw RunError.configuration("\(error)") }
        // The first worker validates the target before anything is written, and names the real interpreter behind
        // a shim such as pyenv's, which the other workers then start directly. Its scope holds the whole experiment.
        let stop = StopSignal()
        var started = false
        // The database opens meanwhile; a worker that cannot start leaves it as it was.
        let database = EarlyDatabase(path: prepared.databasePath)
        do {
            return try await AgentWorker.run(launch, stop: stop) { firstWorker in
                started = true
                if let executable = firstWorker.executable, !executable.isEmpty { launch.executable = executable }
                return try await execute(options, console: console, prepared: prepared, target: target,
                                         firstWorker: firstWorker, launch: launch, stop: stop, database: database)
            }
        } catch where !started {
            await database.discard()
            throw RunError.configuration("the agent could not be started (\(launch.summary)):\n\(error)")
        }
    }

    /// Runs the experiment once its first worker is ready: opens it, runs the workers, finishes and reports.
    private static func execute(_ options: RunOptions, console: Console, prepared: Preparation, target: Continuation.Target,
                                firstWorker: AgentWorker, launch: WorkerLaunch, stop: StopSignal,
                                database: EarlyDatabase) async throws -> RunOutcome? {
        let experiment = try await OpenedExperiment.open(options, prepared: prepared, target: target, database: database)

        console.line("")
        console.line("▶️ Starting experiment...")
        // On a server the runs are claimed from the shared plan (Join/), and progress counts the whole experiment.
        let shared = prepared.onServer
        let total = shared ? try await experiment.writer.plannedRuns(experimentID: experiment.experimentID) : target.runs.count
        let progress = ProgressReporter(console: console, total: total)
        let claims = shared ? try await experiment.claimRuns(progress: progress) : nil
        progress.started(name: prepared.project.config.name)
        // One cap on run starts for every worker; providers' 429s slow it down (RateLimiter.current).
        let limiter = RateLimiter(perSecond: prepared.project.config.runner.rateLimit?.perSecond)
        let dispatcher = claims.map { RunDispatcher(claims: $0, limiter: limiter) }
            ?? RunDispatcher(runs: target.runs, delay: prepared.project.config.runDelaySeconds, limiter: limiter)
        // The monitor stays until the report is printed: a Ctrl-C while exporting is an orderly stop too.
        let monitor = InterruptMonitor(stop: stop) {
            dispatcher.stop()
            console.line("\nStopping: no new runs; runs in progress get \(Int(InterruptMonitor.grace)) s to finish (Ctrl-C again stops at once).")
        }
        defer { monitor.cancel() }

        let ran = try await RateLimiter.$current.withValue(limiter) {
            try await experiment.runWorkers(firstWorker: firstWorker, launch: launch, dispatcher: dispatcher,
                                            progress: progress, stop: stop, console: console)
        }
        // No run is left for the first worker, whose scope lasts until the report: end of input lets it exit (the
        // interpreter's shutdown takes milliseconds) while the experiment is exported.
        await firstWorker.closeInput()
        if let claims {
            return try await experiment.finishShared(claims, ran: ran, interrupted: monitor.interrupted, console: console)
        }
        let status: ExperimentStatus = ran.fatalError != nil ? .failed : (monitor.interrupted ? .interrupted : .completed)
        // An experiment that stopped early is exported, but gets no report.
        let finished = try await experiment.finish(status: status, scorer: ran.scorer, afterExport: ran.fatalError == nil)
        if let fatalError = ran.fatalError { throw RunError.storage("the experiment stopped early: \(fatalError)") }
        return try await experiment.report(status: status, exported: finished.exported, message: finished.message, console: console)
    }
}
