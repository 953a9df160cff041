import Core
import Foundation
import Store

/// A supervisor backed by a chat model: OpenAI's Chat Completions (or any compatible server) or
/// Anthropic's Messages API.
struct LLMSupervisor: Supervisor {
    enum Provider: String, Sendable { case openai, anthropic }

    let provider: Provider
    let model: String
    let temperature: Double?
    let instructions: String?
    let apiKey: String
    /// Includes the version segment, e.g. `https://api.openai.com/v1`.
    let baseURL: URL
    var http = HTTPClient()

    func decide(_ conversation: ConversationSnapshot, context: inout [(key: String, value: JSON)]) async throws -> SupervisorDecision {
        let prompt = SupervisorPrompt.build(conversation, instructions: instructions)
        let text: String
        switch provider {
        case .openai: text = try await openAI(prompt)
        case .anthropic: text = try await anthropic(prompt)
        }
        return try SupervisorPrompt.parse(text)
    }

    private func openAI(_ prompt: String) async throws -> String {
        var messages: [JSON] = []
        if let instructions { messages.append(.object([("role", .string("system")), ("content", .string(instructions))])) }
        messages.append(.object([("role", .string("user")), ("content", .string(prompt))]))
        var body: [(key: String, value: JSON)] = [("model", .string(model)), ("messages", .array(messages))]
        if let temperature { body.append(("temperature", .double(temperature))) }
        let reply = try await http.postJSON(baseURL.appending(path: "chat/completions"),
                                            headers: ["Authorization": "Bearer \(apiKey)"], body: .object(body))
        guard let content = reply["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue else {
            throw SupervisorError(description: "the OpenAI supervisor's response has no choices[0].message.content: \(reply.text.prefix(300))")
        }
        return content
    }

    private func anthropic(_ prompt: String) async throws -> String {
        var body: [(key: String, value: JSON)] = [
            ("model", .string(model)), ("max_tokens", .int(1024)),
            ("messages", .array([.object([("role", .string("user")), ("content", .string(prompt))])])),
        ]
        if let instructions { body.append(("system", .string(instructions))) }
        if let temperature { body.append(("temperature", .double(temperature))) }
        let reply = try await http.postJSON(baseURL.appending(path: "messages"),
                                            headers: ["x-api-key": apiKey, "anthropic-version": "2023-06-01"],
                                            body: .object(body))
        let text = (reply["content"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }
            .joined()
        guard !text.isEmpty else {
            throw SupervisorError(description: "the Anthropic supervisor's response has no text content: \(reply.text.prefix(300))")
        }
        return text
    }
}
