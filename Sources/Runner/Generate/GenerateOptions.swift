import Core
import Foundation

/// What `fluxloop generate inputs` was asked to do.
public struct GenerateOptions: Sendable {
    public var configPath: String?
    public var project: String?
    public var root: String?
    /// --output/-o (default: the config's inputs_file, else inputs/generated.yaml in the project).
    public var output: String?
    public var limit: Int?
    public var dryRun = false
    public var overwrite = false
    /// llm or deterministic (default: input_generation.mode, else llm).
    public var mode: String?
    public var strategies: [String] = []
    public var llmProvider: String?
    public var llmModel: String?
    /// Never written anywhere.
    public var llmAPIKey: String?
    public var llmBaseURL: String?
    /// Deterministic mode's seed (default: the config's seed, else 42).
    public var seed: Int?
    /// Model requests in flight at once.
    public var concurrency = 4
    public var currentDirectory: URL

    public init(currentDirectory: URL) { self.currentDirectory = currentDirectory }
}

/// Why generation stopped before writing; `usage` problems are the user's to fix (exit 2).
struct GenerateError: Error, CustomStringConvertible {
    let description: String
    var usage = true
}
