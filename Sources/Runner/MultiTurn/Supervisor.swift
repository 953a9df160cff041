import Core
import Foundation
import Store

/// What the supervisor decided after an agent reply.
struct SupervisorDecision: Sendable {
    enum Kind: String, Sendable { case `continue`, terminate }
    var kind: Kind
    var nextUserMessage: String?
    var terminationReason: String?
    var closingUserMessage: String?
    /// The supervisor's own answer, kept on the trace as `supervisor_response`.
    var raw: JSON
}

/// Why the supervisor could not decide.
struct SupervisorError: Error, CustomStringConvertible, Sendable {
    let description: String
}

/// Decides whether a simulated user continues a conversation, and what they say next.
protocol Supervisor: Sendable {
    /// `context` is the conversation's scratch space (`conversation_state.context`); a supervisor may update it.
    func decide(_ conversation: ConversationSnapshot, context: inout [(key: String, value: JSON)]) async throws -> SupervisorDecision
}

/// What a supervisor sees of a conversation.
struct ConversationSnapshot: Sendable {
    var turns: [(role: String, content: String)]
    var personaDescription: String?
    var serviceContext: String?
}

/// FluxLoop's deterministic supervisor: plays `scripted_questions` in order, or follows `mock_decision`.
struct MockSupervisor: Supervisor {
    let metadata: JSON

    func decide(_ conversation: ConversationSnapshot, context: inout [(key: String, value: JSON)]) async throws -> SupervisorDecision {
        if let script = metadata["scripted_questions"]?.arrayValue {
            let index = context.first { $0.key == "mock_script_index" }?.value.intValue ?? 0
            if index < script.count {
                let question = script[index].stringValue ?? script[index].text
                set(&context, "mock_script_index", .int(index + 1))
                return SupervisorDecision(kind: .continue, nextUserMessage: question, raw: .object([
                    ("mock", .bool(true)), ("scripted", .bool(true)),
                    ("script_index", .int(index)), ("script_length", .int(script.count)),
                ]))
            }
            return SupervisorDecision(
                kind: .terminate, terminationReason: metadata["mock_reason"]?.stringValue ?? "script_complete",
                closingUserMessage: metadata["mock_closing"]?.stringValue,
                raw: .object([("mock", .bool(true)), ("scripted", .bool(true)), ("script_complete", .bool(true)),
                              ("script_length", .int(script.count))]))
        }
        if metadata["mock_decision"]?.stringValue == "continue" {
            return SupervisorDecision(
                kind: .continue,
                nextUserMessage: metadata["mock_next_user_message"]?.stringValue ?? "Could you provide a bit more detail about that?",
                raw: .object([("mock", .bool(true))]))
        }
        return SupervisorDecision(
            kind: .terminate, terminationReason: metadata["mock_reason"]?.stringValue ?? "Supervisor mock termination",
            closingUserMessage: metadata["mock_closing"].map { $0.stringValue ?? "" }
                ?? "Thanks for the help. I have no further questions.",
            raw: .object([("mock", .bool(true))]))
    }

    private func set(_ context: inout [(key: String, value: JSON)], _ key: String, _ value: JSON) {
        if let i = context.firstIndex(where: { $0.key == key }) { context[i].value = value } else { context.append((key, value)) }
    }
}
