import Core
import Foundation
import Store

/// Phase 3 of `run experiment`: the worker slots serve the planned runs while the store writer commits each
/// result (and its scores) as it finishes.
extension OpenedExperiment {
    /// How the workers ended: the error that stopped the experiment early, if any, and the scorer whose
    /// evaluation the finish phase completes.
    struct WorkersResult {
        var fatalError: Error?
        var scorer: RunScorer?
    }

    func runWorkers(firstWorker: AgentWorker, launch: WorkerLaunch, dispatcher: RunDispatcher,
                    progress: ProgressReporter, stop: StopSignal, console: Console) async throws -> WorkersResult {
        let writer = self.writer, experimentID = self.experimentID
        let scorer = try await writer.scorer(prepared.scoring, experimentID: experimentID)
        let shared = dispatcher.claims != nil
        // On a shared plan a run counts once it is recorded here (drainClaimed): another participant may have
        // recorded it first.
        let results = ResultQueue(scorer: scorer, progress: shared ? nil : progress)
        let workerCount = min(prepared.parallel, target.runs.count)
        var runPolicy = RunPolicy(config: config, launch: launch, conversation: prepared.conversation, progress: progress)
        // A shared plan's take() may wait for other participants: never with a request in flight.
        runPolicy.pipelined = runPolicy.pipelined && workerCount <= 2 && !shared
        let inflight = InflightLoop.concurrent(&runPolicy, firstWorker: firstWorker, folder: folder, console: console)
        let policy = runPolicy
        let saving = Task {
            if let claims = dispatcher.claims { return await writer.drainClaimed(results, claims: claims, progress: progress) }
            return await writer.drain(results, experimentID: experimentID)
        }
        var fatalError: Error?
        await withTaskGroup(of: Error?.self) { group in
            if workerCount > 0 {
                group.addTask {
                    if inflight { return await InflightLoop(policy: policy, dispatcher: dispatcher, results: results, stop: stop).run(first: firstWorker) }
                    var loop = WorkerLoop(policy: policy, dispatcher: dispatcher, results: results, stop: stop)
                    return await loop.run(first: firstWorker)
                }
            }
            // The other workers start while the first one already runs.
            for slot in stride(from: 1, to: workerCount, by: 1) {
                group.addTask {
                    var loop = WorkerLoop(policy: policy, dispatcher: dispatcher, results: results, stop: stop)
                    let error = inflight ? await InflightLoop(policy: policy, dispatcher: dispatcher, results: results, stop: stop).run()
                        : await loop.run()
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
        return WorkersResult(fatalError: fatalError, scorer: scorer)
    }
}
