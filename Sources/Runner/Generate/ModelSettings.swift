import Core
import Foundation
import Store

extension VariationModel {
    /// The model from the options, then `input_generation.llm`, then the environment (the project's .env
    /// files, then the process). The key: --llm-api-key, input_generation.llm.api_key, FLUXLOOP_LLM_API_KEY,
    /// then the provider's own variable.
    static func resolve(_ options: GenerateOptions, project: LoadedProject) throws -> VariationModel {
        let llm = project.config.snapshot["input_generation"]?["llm"]
        let providerName = (options.llmProvider ?? llm?["provider"]?.stringValue ?? "openai").lowercased()
        guard let provider = Provider(rawValue: providerName) else {
            throw GenerateError(description: "--llm-provider / input_generation.llm.provider must be openai, anthropic or mock "
                + "(got '\(providerName)'); for an OpenAI-compatible server use openai with --llm-base-url.")
        }
        let model = options.llmModel ?? llm?["model"]?.stringValue ?? "gpt-5-mini"
        func env(_ name: String) -> String? {
            [project.config.environment[name], ProcessInfo.processInfo.environment[name]].compactMap { $0 }.first { !$0.isEmpty }
        }
        let keyVariable = provider == .anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY"
        var key = ""
        if provider != .mock {
            guard let found = [options.llmAPIKey, configuredKey(project), env("FLUXLOOP_LLM_API_KEY"), env(keyVariable)]
                .compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
                throw GenerateError(description: "the \(provider.rawValue) model needs an API key: pass --llm-api-key, or set "
                    + "FLUXLOOP_LLM_API_KEY or \(keyVariable) (in the environment or the project's .env). "
                    + "To generate without a model, use --mode deterministic.")
            }
            key = found
        }
        let baseVariable = provider == .anthropic ? "ANTHROPIC_BASE_URL" : "OPENAI_BASE_URL"
        let fallback = provider == .anthropic ? "https://api.anthropic.com/v1" : "https://api.openai.com/v1"
        let base = [options.llmBaseURL, llm?["base_url"]?.stringValue, env(baseVariable)].compactMap { $0 }.first { !$0.isEmpty } ?? fallback
        guard let url = URL(string: base), url.scheme == "http" || url.scheme == "https" else {
            throw GenerateError(description: "--llm-base-url must be an http(s) URL with the version segment, e.g. "
                + "http://localhost:11434/v1 (got '\(base)').")
        }
        return VariationModel(provider: provider, model: model, apiKey: key, baseURL: url,
                              systemPrompt: llm?["system_prompt"]?.stringValue, maxTokens: llm?["max_tokens"]?.intValue ?? 1024)
    }

    /// `input_generation.llm.api_key` as written (the loaded snapshot only has "***").
    private static func configuredKey(_ project: LoadedProject) -> String? {
        var tree: YValue?
        for file in project.configFiles {
            guard let parsed = try? YAMLFile.read(file, display: file.lastPathComponent) else { continue }
            tree = tree.map { YAMLFile.deepMerge($0, parsed) } ?? parsed
        }
        return tree?["input_generation"]?["llm"]?["api_key"]?.stringValue
    }
}
