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
        let monitor = InterruptMonitor { dispatcher.stop() }
        defer { monitor.cancel() }

        let results = ResultQueue()
        let saving = Task { await writer.drain(results, experimentID: experimentID, progress: progress) }
        var fatalError: Error?
        await withTaskGroup(of: Error?.self) { group in
            for worker in workers {
                group.addTask {
                    var loop = WorkerLoop(worker: worker, launch: launch, dispatcher: dispatcher, results: results)
                    return await loop.run()
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
/// A lock rather than an actor: taking the next run is on every run's critical path.
final class RunDispatcher: @unchecked Sendable {
    private let runs: [PlannedRun]
    private let lock = NSLock()
    private var next = 0
    private var stopped = false
    private let delay: Double
    private var lastStart: ContinuousClock.Instant?

    init(runs: [PlannedRun], delay: Double) {
        self.runs = runs
        self.delay = delay
    }

    func take() async -> PlannedRun? {
        guard let (run, start) = reserve() else { return nil }
        if let start {
            try? await Task.sleep(until: start, clock: .continuous)
            if isStopped { return nil }
        }
        return run
    }

    /// The next run and, with a run delay, the moment it may start (reserved now, so workers queue behind it).
    private func reserve() -> (PlannedRun, ContinuousClock.Instant?)? {
        lock.withLock {
            guard !stopped, next < runs.count else { return nil }
            let run = runs[next]
            next += 1
            guard delay > 0 else { return (run, nil) }
            let now = ContinuousClock.now
            let slot = lastStart.map { max(now, $0.advanced(by: .seconds(delay))) } ?? now
            lastStart = slot
            return (run, slot > now ? slot : nil)
        }
    }

    var isStopped: Bool { lock.withLock { stopped } }

    func stop() { lock.withLock { stopped = true } }
}

/// One worker's share of the experiment: take runs, call the agent, hand each result to the writer.
/// Two requests are kept in flight, so the agent never waits while fluxloop records the previous run;
/// the worker answers in order, and a worker that dies was busy with the oldest one.
struct WorkerLoop {
    var worker: AgentWorker
    let launch: WorkerLaunch
    let dispatcher: RunDispatcher
    let results: ResultQueue
    static let depth = 2

    private struct InFlight {
        let run: PlannedRun
        let traceID: String
        var requestID: String
        var startedAt: String
        var sent: ContinuousClock.Instant
    }

    private var inFlight: [InFlight] = []

    init(worker: AgentWorker, launch: WorkerLaunch, dispatcher: RunDispatcher, results: ResultQueue) {
        self.worker = worker
        self.launch = launch
        self.dispatcher = dispatcher
        self.results = results
    }

    /// Returns the error that stopped it early (a worker that cannot be restarted).
    mutating func run() async -> Error? {
        defer { worker.stop() }
        var queued: [PlannedRun] = []
        while true {
            while inFlight.count < Self.depth {
                guard let run = queued.isEmpty ? await dispatcher.take() : queued.removeFirst() else { break }
                send(run)
            }
            guard !inFlight.isEmpty else { return nil }
            let head = inFlight.removeFirst()
            var response: JSON?
            var failure: TraceBuilder.Failure?
            var stderrText = ""
            do {
                let reply = try await worker.receive(head.requestID)
                response = reply.response
                stderrText = reply.stderr
            } catch let error as WorkerError {
                failure = TraceBuilder.Failure(type: "WorkerCrashed", message: error.description, traceback: nil)
                if case let .exited(_, stderr) = error { stderrText = stderr }
            } catch {
                failure = TraceBuilder.Failure(type: "WorkerError", message: "\(error)", traceback: nil)
            }
            let now = ContinuousClock.now
            let elapsed = now - head.sent
            let wallMs = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            // The next request's clock starts when the worker turns to it.
            if !inFlight.isEmpty { inFlight[0].sent = now; inFlight[0].startedAt = Timestamp.now() }
            results.push(TraceBuilder.trace(for: head.run, traceID: head.traceID, response: response, failure: failure,
                                          workerStderr: stderrText, startedAt: head.startedAt, endedAt: Timestamp.now(),
                                          wallMs: wallMs))
            if failure != nil {
                // Requests queued behind the failed one never started: they go to the fresh worker.
                queued = inFlight.map(\.run) + queued
                inFlight.removeAll()
                do { try await replaceWorker() } catch { return error }
            }
        }
    }

    private mutating func send(_ run: PlannedRun) {
        let traceID = UUID().uuidString.lowercased()
        let request = TraceBuilder.request(for: run, traceID: traceID)
        let requestID = (try? worker.send(request)) ?? "unsent"
        inFlight.append(InFlight(run: run, traceID: traceID, requestID: requestID, startedAt: Timestamp.now(),
                                 sent: ContinuousClock.now))
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
