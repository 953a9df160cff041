import Core
import Foundation
import Store

/// A multi-turn run: the input is the first user turn; after each agent reply the supervisor decides
/// whether the simulated user goes on, until it stops or `max_turns` agent replies are reached.
/// The trace grows in a `TraceBuilder.Conversation`.
extension WorkerLoop {
    mutating func converse(_ run: PlannedRun, settings: ConversationSettings) async -> (TraceRecord, workerLost: Bool) {
        var trace = TraceBuilder.Conversation(run: run, settings: settings)
        var workerLost = false
        var message = run.input
        var source = "input"
        conversation: while true {
            let turnIndex = trace.userTurn(message, source: source)
            policy.progress?.turn(turnIndex, of: settings.maxTurns, preview: message)

            let sent = ContinuousClock.now
            let requestID = (try? await worker.send(trace.request(message))) ?? "unsent"
            let outcome = await receive(requestID: requestID, sent: sent)
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
        policy.progress?.turnsComplete(trace.replies, of: settings.maxTurns)
        return (trace.record(), workerLost)
    }
}
