import Core
import Foundation
import Store

/// The chat model that writes variations: OpenAI Chat Completions (or any compatible server through
/// its base URL), Anthropic Messages, or a mock that needs no network.
struct VariationModel: Sendable {
    enum Provider: String, Sendable, CaseIterable { case openai, anthropic, mock }

    let provider: Provider
    let model: String
    /// Never logged or written; only sent in the request header.
    let apiKey: String
    /// Includes the version segment, e.g. `https://api.openai.com/v1`.
    let baseURL: URL
    let systemPrompt: String?
    let maxTokens: Int
    var http = HTTPClient(timeout: 60, maxRetries: 3, backoff: 1, purpose: "input generation")

    /// The model's text for `prompt`, trimmed; an error when the reply carries none.
    func complete(_ prompt: String) async throws -> String {
        let text: String
        switch provider {
        case .mock:
            return Self.mockReply(prompt)
        case .openai:
            var messages: [JSON] = []
            if let systemPrompt { messages.append(.object([("role", .string("system")), ("content", .string(systemPrompt))])) }
            messages.append(.object([("role", .string("user")), ("content", .string(prompt))]))
            let reply = try await http.postJSON(baseURL.appending(path: "chat/completions"),
                                                headers: ["Authorization": "Bearer \(apiKey)"],
                                                body: .object([("model", .string(model)), ("messages", .array(messages))]))
            guard let content = reply["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue else {
                throw SupervisorError(description: "the model's reply has no choices[0].message.content: \(reply.text.prefix(200))")
            }
            text = content
        case .anthropic:
            var body: [(key: String, value: JSON)] = [
                ("model", .string(model)), ("max_tokens", .int(maxTokens)),
                ("messages", .array([.object([("role", .string("user")), ("content", .string(prompt))])])),
            ]
            if let systemPrompt { body.append(("system", .string(systemPrompt))) }
            let reply = try await http.postJSON(baseURL.appending(path: "messages"),
                                                headers: ["x-api-key": apiKey, "anthropic-version": "2023-06-01"],
                                                body: .object(body))
            text = (reply["content"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }
                .joined()
        }
        let cleaned = Self.clean(text)
        guard !cleaned.isEmpty else { throw SupervisorError(description: "the model answered with empty text") }
        return cleaned
    }

    /// Models like to wrap the message in quotes or a label; keep the message alone.
    static func clean(_ text: String) -> String {
        var out = text.trimmingCharacters(in: .whitespacesAndNewlines)
        for label in ["User message:", "Message:"] where out.lowercased().hasPrefix(label.lowercased()) {
            out = String(out.dropFirst(label.count)).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if out.count >= 2, let first = out.first, let last = out.last,
           (first == "\"" && last == "\"") || (first == "“" && last == "”") {
            out = String(out.dropFirst().dropLast()).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return out
    }

    /// The mock provider: the base input marked with its strategy, read from the prompt's own lines.
    static func mockReply(_ prompt: String) -> String {
        let lines = prompt.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func after(_ heading: String) -> String {
            guard let i = lines.firstIndex(of: heading), i + 1 < lines.count else { return "" }
            return lines[i + 1]
        }
        return "[\(after(VariationPrompt.strategyHeading))] \(after(VariationPrompt.inputHeading))"
    }
}
