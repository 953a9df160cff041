import Core
import Foundation
import Store

extension TraceBuilder {
    /// A multi-turn run's trace as it grows: the turns and the transcript the supervisor reads, the agent's
    /// observations, output streams and trace fields of every turn, and how the conversation ended. `record()`
    /// turns it into the trace row the store records.
    struct Conversation {
        let run: PlannedRun
        let traceID = RandomUUID.lowercased()
        let persona: Persona?
        let serviceContext: String?
        private let startedAt = Timestamp.now()
        private let clock = ContinuousClock.now
        private let metadata: JSON
        private let userMetadata: JSON

        private var turns: [TurnRecord] = []
        private var transcript: [(role: String, content: String)] = []
        /// The supervisor's own state between its decisions.
        var context: [(key: String, value: JSON)] = []
        private var observations: [ObservationRecord] = []
        private var stdout = "", stderr = ""
        private var fields = TraceFields()
        /// Set when the agent raised, its worker was lost or the supervisor failed.
        var failure: Failure?
        var termination = "error"
        var supervisorResponse: JSON?
        /// Agent replies so far.
        private(set) var replies = 0
        private var lastReply = ""
        private var lastValue: [(key: String, value: JSON)] = []
        /// Set when the supervisor's closing message ends the transcript: FluxLoop marks that turn `"closing": true`.
        private var closed = false

        init(run: PlannedRun, settings: ConversationSettings) {
            self.run = run
            let persona = settings.personaOverride ?? run.persona
            let inputMetadata = run.variation["metadata"] ?? .object([])
            let serviceContext = inputMetadata["service_context"]?.stringValue ?? settings.serviceContext
            var variation = inputMetadata.objectValue ?? []
            if let persona, !variation.contains(where: { $0.key == "persona_description" }) {
                variation.append(("persona_description", .string(persona.description)))
            }
            self.persona = persona
            self.serviceContext = serviceContext
            metadata = .object([
                ("iteration", .int(run.iteration)),
                ("persona", persona.map { .string($0.name) } ?? .null),
                ("persona_description", persona.map { .string($0.description) } ?? .null),
                ("service_context", serviceContext.map(JSON.string) ?? .null),
                ("variation", .object(variation)),
                ("auto_approve_tools", .bool(settings.autoApproveTools)),
            ])
            userMetadata = persona.map { .object([("persona", .string($0.name))]) } ?? .object([])
        }

        /// Adds the simulated user's message; returns the turn's number.
        mutating func userTurn(_ message: String, source: String) -> Int {
            let turnIndex = replies + 1
            turns.append(TurnRecord(turnIndex: turnIndex, role: "user", content: message, source: source, metadata: userMetadata.text))
            transcript.append(("user", message))
            return turnIndex
        }

        /// The request that sends `message` to the agent, with the conversation so far.
        func request(_ message: String) -> JSON {
            TraceBuilder.request(for: run, traceID: traceID)
                .setting("input", .string(message)).setting("conversation_state", state("active"))
                .setting("persona", persona?.json ?? .null).setting("persona_prompt", persona.map { .string($0.promptText) } ?? .null)
        }

        /// Takes the agent's answer to the last user turn; false when the run failed there (the agent raised or its
        /// worker was lost), which ends the conversation.
        mutating func reply(_ response: JSON?, failure lost: Failure?, workerStderr: String) -> Bool {
            stdout += response?["stdout"]?.stringValue ?? ""
            stderr += (response?["stderr"]?.stringValue ?? "") + workerStderr
            let fresh = (response?["observations"]?.arrayValue ?? []).compactMap { TraceBuilder.observation($0, traceID: traceID) }
            observations += fresh
            fields.merge(response)
            if let lost {
                failure = lost
                return false
            }
            if let error = response?["error"] {
                failure = Failure(json: error)
                return false
            }
            lastReply = TraceBuilder.outputText(response?["output"])
            lastValue = TraceBuilder.outputValue(response)
            replies += 1
            turns.append(TurnRecord(turnIndex: replies, role: "assistant", content: lastReply, source: "agent",
                                    metadata: TraceBuilder.actionsMetadata(fresh).text))
            transcript.append(("assistant", lastReply))
            return true
        }

        /// What the supervisor sees.
        var snapshot: ConversationSnapshot {
            ConversationSnapshot(turns: transcript, personaDescription: persona?.description, serviceContext: serviceContext)
        }

        /// The supervisor ended the conversation, with its closing message as a last user turn when it gave one.
        mutating func terminate(reason: String, closing: String?) {
            termination = reason
            guard let closing, !closing.isEmpty else { return }
            var closingMetadata = userMetadata.objectValue ?? []
            closingMetadata.append(("closing", .bool(true)))
            turns.append(TurnRecord(turnIndex: replies + 1, role: "user", content: closing, source: "supervisor",
                                    metadata: JSON.object(closingMetadata).text))
            transcript.append(("user", closing))
            closed = true
        }

        /// The conversation state sent with each request and kept on the trace.
        private func state(_ status: String) -> JSON {
            var turnObjects = transcript.map { JSON.object([("role", .string($0.role)), ("content", .string($0.content))]) }
            if closed, case let .object(members)? = turnObjects.last {
                turnObjects[turnObjects.count - 1] = .object(members + [("closing", .bool(true))])
            }
            return .object([
                ("turns", .array(turnObjects)),
                ("metadata", metadata), ("context", .object(context)), ("status", .string(status)),
            ])
        }

        /// The finished run's trace row.
        func record() -> TraceRecord {
            let wallMs = (ContinuousClock.now - clock).milliseconds
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
            return trace
        }
    }
}
