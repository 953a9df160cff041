import Core
import Evaluation
import Foundation

/// An `llm_judge` provider over HTTP, as the supervisor's: OpenAI's Chat Completions (or any compatible server)
/// or Anthropic's Messages API. The key lives only in this value; it is sent as a header and never written.
struct HTTPJudgeClient: JudgeClient {
    enum Provider: String, Sendable { case openai, anthropic }
    let provider: Provider
    let apiKey: String
    /// Includes the version segment, e.g. `https://api.openai.com/v1`.
    let baseURL: URL
    var http = HTTPClient(purpose: "judge")

    /// The provider for `model` (FLUXLOOP_JUDGE_PROVIDER, else Anthropic for `claude*` models, else OpenAI or a
    /// compatible server), its key (FLUXLOOP_JUDGE_API_KEY, else OPENAI_API_KEY or ANTHROPIC_API_KEY) and base URL
    /// (FLUXLOOP_JUDGE_BASE_URL, else OPENAI_BASE_URL or ANTHROPIC_BASE_URL, else the provider's own).
    static func make(model: String, environment: [String: String]) throws(RunError) -> HTTPJudgeClient {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let provider: Provider
        if let named = value("FLUXLOOP_JUDGE_PROVIDER") {
            guard let p = Provider(rawValue: named.lowercased()) else {
                throw RunError.configuration("FLUXLOOP_JUDGE_PROVIDER must be openai or anthropic (got '\(named)').")
            }
            provider = p
        } else {
            provider = model.lowercased().hasPrefix("claude") ? .anthropic : .openai
        }
        let keyVariable = provider == .openai ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY"
        guard let key = value("FLUXLOOP_JUDGE_API_KEY") ?? value(keyVariable) else {
            throw RunError.configuration("the llm_judge model \(model) needs an API key: set FLUXLOOP_JUDGE_API_KEY or \(keyVariable).")
        }
        let baseVariable = provider == .openai ? "OPENAI_BASE_URL" : "ANTHROPIC_BASE_URL"
        let fallback = provider == .openai ? "https://api.openai.com/v1" : "https://api.anthropic.com/v1"
        let base = value("FLUXLOOP_JUDGE_BASE_URL") ?? value(baseVariable) ?? fallback
        guard let url = URL(string: base), let scheme = url.scheme, ["http", "https"].contains(scheme) else {
            throw RunError.configuration("the judge's base URL must be an http(s) URL with the version segment, e.g. \(fallback) (got '\(base)').")
        }
        return HTTPJudgeClient(provider: provider, apiKey: key, baseURL: url)
    }

    func complete(model: String, prompt: String, parameters: [(String, EvalValue)]) async throws -> String {
        let message = JSON.object([("role", .string("user")), ("content", .string(prompt))])
        var body: [(key: String, value: JSON)] = [("model", .string(model)), ("messages", .array([message]))]
        var maxTokens: JSON?
        for (name, value) in parameters {
            if name == "max_output_tokens" || name == "max_tokens" { maxTokens = Self.json(value); continue }
            body.append((name, Self.json(value)))
        }
        switch provider {
        case .openai:
            if let maxTokens { body.append(("max_tokens", maxTokens)) }
            let reply = try await http.postJSON(baseURL.appending(path: "chat/completions"),
                                                headers: ["Authorization": "Bearer \(apiKey)"], body: .object(body))
            guard let content = reply["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue else {
                throw SupervisorError(description: "the judge's response has no choices[0].message.content: \(reply.text.prefix(300))")
            }
            return content
        case .anthropic:
            body.append(("max_tokens", maxTokens ?? .int(1024)))
            let reply = try await http.postJSON(baseURL.appending(path: "messages"),
                                                headers: ["x-api-key": apiKey, "anthropic-version": "2023-06-01"], body: .object(body))
            let text = (reply["content"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }
                .joined()
            guard !text.isEmpty else { throw SupervisorError(description: "the judge's response has no text content: \(reply.text.prefix(300))") }
            return text
        }
    }

    static func json(_ v: EvalValue) -> JSON {
        switch v {
        case .null: return .null
        case let .bool(b): return .bool(b)
        case let .int(i): return .int(i)
        case let .double(d): return .double(d)
        case let .string(s): return .string(s)
        case let .array(a): return .array(a.map(json))
        case let .object(o): return .object(o.map { (key: $0.0, value: json($0.1)) })
        }
    }
}
