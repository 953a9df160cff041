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

    /// The experiment's runs, or nil for a dry run.
    static func execute(_ options: RunOptions, console: Console) async throws -> RunOutcome? {
        let prepared = try Preparation.prepare(options)
        let project = prepared.project
        console.line("📋 Loading configuration from: \(project.configFile.path(percentEncoded: false))")
        for warning in project.warnings { console.warn(warning) }
        prepared.printPlan(console)

        if options.dryRun {
            console.line("Dry run: nothing was executed or written.")
            return nil
        }
        if !options.assumeYes {
            guard console.canAsk else {
                throw RunError.configuration(
                    "This will execute \(prepared.plan.total) runs. Standard input is not a terminal, so the confirmation "
                    + "cannot be asked: pass --yes (-y) to run without it.")
            }
            guard console.confirm("This will execute \(prepared.plan.total) runs. Continue?") else { throw RunError.declined }
        }

        // Start the workers first: an interpreter that cannot start or a target that cannot be imported is
        // a configuration error, and must leave no experiment row and no folder behind.
        let launch: WorkerLaunch
        do { launch = try WorkerLaunch.python(for: project) } catch { throw RunError.configuration("\(error)") }
        var workers: [AgentWorker] = []
        do {
            for _ in 0..<prepared.parallel { workers.append(try await AgentWorker.start(launch)) }
        } catch {
            workers.forEach { $0.stop() }
            throw RunError.configuration("the agent could not be loaded (runner.target '\(project.config.runner.callableTarget ?? "")'):\n\(error)")
        }

        let folder: URL
        let writer: StoreWriter
        do {
            folder = try ExperimentFolder.create(in: project.config.outputDirectory, name: project.config.name)
        } catch {
            workers.forEach { $0.stop() }
            throw RunError.configuration("\(error)")
        }
        do {
            writer = try StoreWriter(path: prepared.databasePath)
        } catch {
            workers.forEach { $0.stop() }
            try? FileManager.default.removeItem(at: folder)
            throw RunError.configuration("cannot use the database \(prepared.databasePath): \(error)")
        }

        let experimentID = UUID().uuidString.lowercased()
        let config = project.config
        try await writer.create(ExperimentRecord(
            id: experimentID, name: config.name, description: config.description, startedAt: Timestamp.now(),
            plannedRuns: prepared.plan.total, outputDirectory: folder.path(percentEncoded: false),
            configJSON: config.snapshot.text, configYAML: config.snapshotYAML,
            tags: config.snapshot["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            toolVersion: FluxloopVersion.current))

        console.line("")
        console.line("▶️ Starting experiment...")
        let progress = ProgressReporter(console: console, total: prepared.plan.total)
        progress.started(name: config.name)
        let dispatcher = RunDispatcher(runs: prepared.plan.runs, delay: config.runDelaySeconds)
        let monitor = InterruptMonitor { Task { await dispatcher.stop() } }
        defer { monitor.cancel() }

        var fatalError: Error?
        await withTaskGroup(of: Error?.self) { group in
            for worker in workers {
                group.addTask {
                    var loop = WorkerLoop(worker: worker, launch: launch, dispatcher: dispatcher, writer: writer,
                                          experimentID: experimentID, progress: progress)
                    return await loop.run()
                }
            }
            for await error in group where error != nil && fatalError == nil {
                fatalError = error
                await dispatcher.stop()
            }
        }
        progress.finished()

        let status: ExperimentStatus = fatalError != nil ? .failed : (monitor.interrupted ? .interrupted : .completed)
        try await writer.finish(experimentID: experimentID, status: status)
        let exported = try await writer.export(experimentID: experimentID, to: folder)
        if let fatalError { throw RunError.storage("the experiment stopped early: \(fatalError)") }

        console.line("✅ Saved \(exported.observations) observations to observations.jsonl")
        if let summary = try await writer.summary(experimentID: experimentID) {
            Report.results(summary, console: console)
        }
        console.line("📁 Results saved to: \(folder.path(percentEncoded: false))")
        console.line("🗄  Database: \(prepared.databasePath) (experiment \(experimentID))")
        if status == .interrupted {
            console.line("Interrupted: \(exported.traces) of \(prepared.plan.total) runs finished and are saved.")
        }
        return RunOutcome(experimentID: experimentID, folder: folder, databasePath: prepared.databasePath,
                          status: status, executed: exported.traces, planned: prepared.plan.total)
    }
}

/// Hands out planned runs to workers in plan order, spacing starts by `run_delay_seconds`.
actor RunDispatcher {
    private let runs: [PlannedRun]
    private var next = 0
    private var stopped = false
    private let delay: Double
    private var lastStart: ContinuousClock.Instant?

    init(runs: [PlannedRun], delay: Double) {
        self.runs = runs
        self.delay = delay
    }

    func take() async -> PlannedRun? {
        guard !stopped, next < runs.count else { return nil }
        let run = runs[next]
        next += 1
        if delay > 0 {
            let now = ContinuousClock.now
            // Reserve this run's start slot before sleeping, so concurrent workers queue behind it.
            let start = lastStart.map { max(now, $0.advanced(by: .seconds(delay))) } ?? now
            lastStart = start
            if start > now { try? await Task.sleep(until: start, clock: .continuous) }
            if stopped { return nil }
        }
        return run
    }

    func stop() { stopped = true }
}

/// One worker's share of the experiment: take a run, call the agent, commit the result.
struct WorkerLoop {
    var worker: AgentWorker
    let launch: WorkerLaunch
    let dispatcher: RunDispatcher
    let writer: StoreWriter
    let experimentID: String
    let progress: ProgressReporter

    /// Returns the error that stopped it early (a result that could not be saved, a worker that cannot restart).
    mutating func run() async -> Error? {
        defer { worker.stop() }
        while let run = await dispatcher.take() {
            let (trace, workerDied) = await execute(run)
            do {
                try await writer.append(trace, experimentID: experimentID)
            } catch {
                return RunError.storage("a result could not be saved: \(error)")
            }
            progress.runFinished(success: trace.success)
            if workerDied {
                do { try await replaceWorker() } catch { return error }
            }
        }
        return nil
    }

    private mutating func execute(_ run: PlannedRun) async -> (TraceRecord, workerDied: Bool) {
        let traceID = UUID().uuidString.lowercased()
        let startedAt = Timestamp.now()
        let clock = ContinuousClock.now
        var response: JSON?
        var failure: TraceBuilder.Failure?
        var stderrText = ""
        do {
            let reply = try await worker.call(TraceBuilder.request(for: run, traceID: traceID))
            response = reply.response
            stderrText = reply.stderr
        } catch let error as WorkerError {
            failure = TraceBuilder.Failure(type: "WorkerCrashed", message: error.description, traceback: nil)
            if case let .exited(_, stderr) = error { stderrText = stderr }
        } catch {
            failure = TraceBuilder.Failure(type: "WorkerError", message: "\(error)", traceback: nil)
        }
        let elapsed = ContinuousClock.now - clock
        let wallMs = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let trace = TraceBuilder.trace(for: run, traceID: traceID, response: response, failure: failure,
                                       workerStderr: stderrText, startedAt: startedAt, endedAt: Timestamp.now(), wallMs: wallMs)
        return (trace, failure != nil)
    }

    /// A dead worker is replaced, so that one crashing run costs only itself.
    private mutating func replaceWorker() async throws {
        worker.kill()
        var lastError: Error?
        for attempt in 0..<3 {
            if attempt > 0 { try? await Task.sleep(nanoseconds: 250_000_000) }
            do {
                worker = try await AgentWorker.start(launch)
                return
            } catch {
                lastError = error
            }
        }
        throw RunError.storage("the agent's worker could not be restarted: \(lastError.map { "\($0)" } ?? "unknown error")")
    }
}
