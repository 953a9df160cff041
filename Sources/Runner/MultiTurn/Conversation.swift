import Core
import Foundation
import Store

/// A multi-turn run: the input is the first user turn; after each agent reply the supervisor decides
/// whether the simulated user goes on, until it stops or `max_turns` agent replies are reached.
extension WorkerLoop {
    mutating func converse(_ run: PlannedRun, settings: ConversationSettings) async -> (TraceRecord, workerLost: Bool) {
        let traceID = UUID().uuidString.lowercased()
        let startedAt = Timestamp.now()
        let clock = ContinuousClock.now
        let persona = settings.personaOverride ?? run.persona
        let inputMetadata = run.variation["metadata"] ?? .object([])
        let serviceContext = inputMetadata["service_context"]?.stringValue ?? settings.serviceContext
        var variation = inputMetadata.objectValue ?? []
        if let persona, !variation.contains(where: { $0.key == "persona_description" }) {
            variation.append(("persona_description", .string(persona.description)))
        }
        let metadata = JSON.object([
            ("iteration", .int(run.iteration)),
            ("persona", persona.map { .string($0.name) } ?? .null),
            ("persona_description", persona.map { .string($0.description) } ?? .null),
            ("service_context", serviceContext.map(JSON.string) ?? .null),
            ("variation", .object(variation)),
            ("auto_approve_tools", .bool(settings.autoApproveTools)),
        ])
        let userMetadata: JSON = persona.map { .object([("persona", .string($0.name))]) } ?? .object([])

        var turns: [TurnRecord] = []
        var transcript: [(role: String, content: String)] = []
        var context: [(key: String, value: JSON)] = []
        var observations: [ObservationRecord] = []
        var stdout = "", stderr = ""
        var failure: TraceBuilder.Failure?
        var workerLost = false
        var termination = "error"
        var supervisorResponse: JSON?
        var replies = 0
        var lastReply = ""
        var lastValue: [(key: String, value: JSON)] = []
        var fields = TraceFields()

        // Set when the supervisor's closing message ends the transcript: FluxLoop marks that turn `"closing": true`.
        var closed = false

        func state(_ status: String) -> JSON {
            var turnObjects = transcript.map { JSON.object([("role", .string($0.role)), ("content", .string($0.content))]) }
            if closed, case let .object(members)? = turnObjects.last {
                turnObjects[turnObjects.count - 1] = .object(members + [("closing", .bool(true))])
            }
            return .object([
                ("turns", .array(turnObjects)),
                ("metadata", metadata), ("context", .object(context)), ("status", .string(status)),
            ])
        }

        var message = run.input
        var source = "input"
        conversation: while true {
            let turnIndex = replies + 1
            turns.append(TurnRecord(turnIndex: turnIndex, role: "user", content: message, source: source, metadata: userMetadata.text))
            transcript.append(("user", message))
            policy.progress?.turn(turnIndex, of: settings.maxTurns, preview: message)

            var request = TraceBuilder.request(for: run, traceID: traceID)
            request = request.setting("input", .string(message)).setting("conversation_state", state("active"))
                .setting("persona", persona?.json ?? .null).setting("persona_prompt", persona.map { .string($0.promptText) } ?? .null)
            let sent = ContinuousClock.now
            let requestID = (try? await worker.send(request)) ?? "unsent"
            let outcome = await receive(requestID: requestID, sent: sent)
            stdout += outcome.response?["stdout"]?.stringValue ?? ""
            stderr += (outcome.response?["stderr"]?.stringValue ?? "") + outcome.stderr
            let fresh = (outcome.response?["observations"]?.arrayValue ?? []).compactMap { TraceBuilder.observation($0, traceID: traceID) }
            observations += fresh
            fields.merge(outcome.response)
            if let lost = outcome.failure {
                failure = lost
                workerLost = outcome.workerLost
                break conversation
            }
            if let error = outcome.response?["error"] {
                failure = TraceBuilder.Failure(json: error)
                break conversation
            }
            lastReply = TraceBuilder.outputText(outcome.response?["output"])
            lastValue = TraceBuilder.outputValue(outcome.response)
            replies += 1
            turns.append(TurnRecord(turnIndex: turnIndex, role: "assistant", content: lastReply, source: "agent",
                                    metadata: TraceBuilder.actionsMetadata(fresh).text))
            transcript.append(("assistant", lastReply))

            if replies >= settings.maxTurns {
                termination = "max_turns_reached"
                break conversation
            }
            let snapshot = ConversationSnapshot(turns: transcript, personaDescription: persona?.description, serviceContext: serviceContext)
            let decision: SupervisorDecision
            do {
                decision = try await settings.supervisor.decide(snapshot, context: &context)
            } catch {
                failure = TraceBuilder.Failure(type: "SupervisorError", message: "\(error)", traceback: nil)
                break conversation
            }
            supervisorResponse = decision.raw
            switch decision.kind {
            case .continue:
                message = decision.nextUserMessage ?? ""
                source = "supervisor"
            case .terminate:
                termination = decision.terminationReason ?? "supervisor_stop"
                if let closing = decision.closingUserMessage, !closing.isEmpty {
                    var closingMetadata = userMetadata.objectValue ?? []
                    closingMetadata.append(("closing", .bool(true)))
                    turns.append(TurnRecord(turnIndex: replies + 1, role: "user", content: closing, source: "supervisor",
                                            metadata: JSON.object(closingMetadata).text))
                    transcript.append(("user", closing))
                    closed = true
                }
                break conversation
            }
        }
        policy.progress?.turnsComplete(replies, of: settings.maxTurns)

        let elapsed = ContinuousClock.now - clock
        let wallMs = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let status = failure != nil ? "terminated" : (termination == "max_turns_reached" ? "terminated" : "completed")
        var trace = TraceRecord(
            traceID: traceID, runIndex: run.runIndex, iteration: run.iteration, persona: persona?.name,
            inputIndex: run.inputIndex, input: run.input, output: failure == nil ? lastReply : nil, success: failure == nil,
            errorType: failure?.type, errorMessage: failure?.message, errorTraceback: failure?.traceback,
            durationMs: wallMs, startedAt: startedAt, endedAt: Timestamp.now(),
            terminationReason: failure == nil ? termination : "error", turnCount: replies,
            conversationState: state(status).text, supervisorResponse: supervisorResponse?.text,
            stdout: stdout.isEmpty ? nil : stdout, stderr: stderr.isEmpty ? nil : stderr,
            // output_value: the value the last reply (the trace's output) was made from, as for single-turn runs.
            metadata: JSON.object([("variation", run.variation), ("multi_turn", .bool(true))] + (failure == nil ? lastValue : [])).text,
            turns: turns, observations: observations)
        fields.apply(to: &trace)
        return (trace, workerLost)
    }
}
