import Core
import Foundation
import Store

/// The text an LLM supervisor is asked, and how its answer is read.
enum SupervisorPrompt {
    static let defaultInstructions = """
        You play the user in a simulated conversation with an AI assistant. Read the transcript and decide \
        whether the user would keep talking. If so, write the user's next message in the persona's voice; \
        if not, say why the conversation ends and give the user's last words, if any.
        """

    /// Instructions, service context, persona, the numbered transcript and the reply schema.
    static func build(_ conversation: ConversationSnapshot, instructions: String?) -> String {
        var transcript = ""
        for (index, turn) in conversation.turns.enumerated() {
            let role = turn.role.prefix(1).uppercased() + turn.role.dropFirst()
            transcript += "\(index + 1). \(role): \(turn.content.trimmingCharacters(in: .whitespacesAndNewlines))\n"
        }
        return """
            \(instructions ?? defaultInstructions)

            Service context: \(conversation.serviceContext ?? "Customer support")
            Persona: \(conversation.personaDescription ?? "A typical customer")

            Transcript so far:
            \(transcript)
            Answer with JSON only, in this shape:
            {"decision": "continue" or "terminate", "next_user_message": string or null, \
            "termination_reason": string or null, "closing_user_message": string or null}
            """
    }

    /// Reads the decision out of the model's text, tolerating prose or code fences around the JSON.
    static func parse(_ text: String) throws -> SupervisorDecision {
        guard let json = extractObject(text) else {
            throw SupervisorError(description: "the supervisor's reply is not JSON: \(excerpt(text))")
        }
        guard let decision = json["decision"]?.stringValue.flatMap(SupervisorDecision.Kind.init(rawValue:)) else {
            throw SupervisorError(description: "the supervisor's reply has no decision \"continue\" or \"terminate\": \(excerpt(text))")
        }
        let next = json["next_user_message"]?.stringValue
        if decision == .continue, (next ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw SupervisorError(description: "the supervisor decided to continue but gave no next_user_message")
        }
        return SupervisorDecision(kind: decision, nextUserMessage: next,
                                  terminationReason: json["termination_reason"]?.stringValue,
                                  closingUserMessage: json["closing_user_message"]?.stringValue, raw: json)
    }

    private static func extractObject(_ text: String) -> JSON? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let json = try? JSON.parse(trimmed), case .object = json { return json }
        guard let start = trimmed.firstIndex(of: "{"), let end = trimmed.lastIndex(of: "}"), start < end else { return nil }
        if let json = try? JSON.parse(String(trimmed[start...end])), case .object = json { return json }
        return nil
    }

    private static func excerpt(_ text: String) -> String {
        text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
