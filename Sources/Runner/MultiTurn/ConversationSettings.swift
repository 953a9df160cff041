import Foundation
import Store

/// How multi-turn runs are driven: the supervisor and the limits, checked before the first run.
struct ConversationSettings: Sendable {
    let supervisor: any Supervisor
    let maxTurns: Int
    let autoApproveTools: Bool
    /// `persona_override`: every conversation uses this persona.
    let personaOverride: Persona?
    /// The project's `metadata.service_context`, used when an input has none of its own.
    let serviceContext: String?

    /// The settings for `config`, or a configuration error naming what to fix (unknown persona, missing API key).
    static func make(_ config: ExperimentConfig, environment: [String: String]) throws -> ConversationSettings {
        let multi = config.multiTurn
        var override: Persona?
        if let name = multi.personaOverride, !name.isEmpty {
            guard let persona = config.persona(named: name) else {
                let declared = config.personas.map(\.name)
                throw RunError.configuration("multi_turn.persona_override / --persona-override names '\(name)', which is not a declared "
                    + "persona (declared: \(declared.isEmpty ? "none" : declared.joined(separator: ", "))).")
            }
            override = persona
        }
        let s = multi.supervisor
        let supervisor: any Supervisor
        switch s.provider.lowercased() {
        case "mock":
            supervisor = MockSupervisor(metadata: s.metadata)
        case let name:
            guard let provider = LLMSupervisor.Provider(rawValue: name) else {
                throw RunError.configuration("multi_turn.supervisor.provider must be openai, anthropic or mock (got '\(s.provider)').")
            }
            let keyVariable = provider == .openai ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY"
            let key = [s.apiKey, s.metadata["api_key"]?.stringValue, environment["FLUXLOOP_SUPERVISOR_API_KEY"], environment[keyVariable]]
                .compactMap { $0 }.first { !$0.isEmpty }
            guard let key else {
                throw RunError.configuration("the \(provider.rawValue) supervisor needs an API key: pass --supervisor-api-key, set "
                    + "multi_turn.supervisor.api_key, or set FLUXLOOP_SUPERVISOR_API_KEY or \(keyVariable).")
            }
            let baseVariable = provider == .openai ? "OPENAI_BASE_URL" : "ANTHROPIC_BASE_URL"
            let fallback = provider == .openai ? "https://api.openai.com/v1" : "https://api.anthropic.com/v1"
            let base = [s.baseURL, environment[baseVariable]].compactMap { $0 }.first { !$0.isEmpty } ?? fallback
            guard let url = URL(string: base), url.scheme == "http" || url.scheme == "https" else {
                throw RunError.configuration("multi_turn.supervisor.base_url must be an http(s) URL with the version segment, "
                    + "e.g. http://localhost:11434/v1 (got '\(base)').")
            }
            supervisor = LLMSupervisor(provider: provider, model: s.model, temperature: s.temperature,
                                       instructions: s.systemPrompt, apiKey: key, baseURL: url)
        }
        return ConversationSettings(
            supervisor: supervisor, maxTurns: multi.maxTurns, autoApproveTools: multi.autoApproveTools,
            personaOverride: override, serviceContext: config.snapshot["metadata"]?["service_context"]?.stringValue)
    }
}
