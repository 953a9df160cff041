import Core
import Foundation
import Store

/// A multi-turn run: the input is the first user turn; after each agent reply the supervisor decides
/// whether the simulated user goes on, until it stops or `max_turns` agent replies are reached.
/// The trace grows in a `TraceBuilder.Conversation`.
extension WorkerLoop {
    /// A conversation on this loop's worker, one request at a time.
    func converse(_ run: PlannedRun, settings: ConversationSettings) async -> (TraceRecord, workerLost: Bool) {
        let worker: AgentWorker = self.worker
        return await Self.converse(run, settings: settings, progress: policy.progress) { request in
            let sent = ContinuousClock.now
            let requestID = (try? await worker.send(request)) ?? "unsent"
            return await receive(requestID: requestID, sent: sent)
        }
    }

    /// A conversation whose turns go through `ask` (one request, its outcome): the worker's pipe here, an
    /// `InflightChannel` when several conversations share a worker (InflightLoop.swift). Turns stay in order.
    static func converse(_ run: PlannedRun, settings: ConversationSettings, progress: ProgressReporter?,
                         ask: (JSON) async -> Outcome) async -> (TraceRecord, workerLost: Bool) {
        var trace = TraceBuilder.Conversation(run: run, settings: settings)
        var workerLost = false
        var message = run.input
        var source = "input"
        conversation: while true {
            let turnIndex = trace.userTurn(message, source: source)
            progress?.turn(turnIndex, of: settings.maxTurns, preview: message)

            let outcome = await ask(trace.request(message))
            guard trace.reply(outcome.response, failure: outcome.failure, workerStderr: outcome.stderr) else {
                if outcome.failure != nil { workerLost = outcome.workerLost }
                break conversation
            }
            if trace.replies >= settings.maxTurns {
                trace.termination = "max_turns_reached"
                break conversation
            }
            let decision: SupervisorDecision
            do {
                decision = try await settings.supervisor.decide(trace.snapshot, context: &trace.context)
            } catch {
                trace.failure = TraceBuilder.Failure(type: "SupervisorError", message: "\(error)", traceback: nil)
                break conversation
            }
            trace.supervisorResponse = decision.raw
            switch decision.kind {
            case .continue:
                message = decision.nextUserMessage ?? ""
                source = "supervisor"
            case .terminate:
                trace.terminate(reason: decision.terminationReason ?? "supervisor_stop", closing: decision.closingUserMessage)
                break conversation
            }
        }
        progress?.turnsComplete(trace.replies, of: settings.maxTurns)
        return (trace.record(), workerLost)
    }
}
