import Core
import Foundation
import Store

/// Finds, merges, validates and resolves a FluxLoop project's configuration.
///
/// Where the configuration comes from:
/// - the project folder is `<root>/<--project>` (root default `./fluxloop`), else the current folder;
/// - no `--config`: `configs/simulation.yaml` under the project folder, merged with its sections;
///   without a `configs/` folder, a legacy `setting.yaml` or `fluxloop.yaml` in the project folder;
/// - `--config FILE` (resolved against the project folder, then the current folder): a file inside a
///   `configs/` folder is merged with its sibling sections (project, input, simulation, evaluation, then
///   the named file if it is none of those) and that folder's parent becomes the project folder, as in
///   FluxLoop. A legacy-named file makes its own folder the project folder (as FluxLoop's
///   `source_dir`); any other lone file is read on its own, relative paths resolving against the project
///   folder. A folder given to --config is taken as a project (or `configs/`) folder.
public enum ConfigLoader {
    /// Merge order of a `configs/` folder; later files win.
    public static let sectionFiles = ["project.yaml", "input.yaml", "simulation.yaml", "evaluation.yaml"]
    public static let legacyFiles = ["setting.yaml", "fluxloop.yaml"]
    public static let defaultConfigPath = "configs/simulation.yaml"
    public static let defaultRoot = "./fluxloop"

    public static func load(_ overrides: ConfigOverrides, currentDirectory: URL) throws(ConfigError) -> LoadedProject {
        let cwd = currentDirectory.standardizedFileURL
        try validate(overrides)
        let located = try locate(overrides, cwd: cwd)
        let display = PathDisplay(projectDirectory: located.projectDirectory, currentDirectory: cwd)
        let tree = try merge(located, overrides: overrides, cwd: cwd, display: display)
        let normalised = try normalise(tree, configDisplay: display(located.configFile))
        return try materialise(normalised, located: located, overrides: overrides, cwd: cwd, display: display)
    }

    // MARK: - Overrides

    /// The command-line values checked on their own, before any file is read: the only place these rules live
    /// (the command line calls this from its `validate()` and shows the message).
    public static func validate(_ o: ConfigOverrides) throws(ConfigError) {
        if let p = o.supervisorProvider, !["openai", "anthropic", "mock"].contains(p) {
            throw ConfigError.invalidOption(option: "--supervisor-provider", expected: "openai, anthropic or mock", got: p)
        }
        if let i = o.iterations, i < 1 {
            throw ConfigError.invalidOption(option: "--iterations", expected: "a whole number ≥ 1", got: String(i))
        }
        if let t = o.maxTurns, !(1...100).contains(t) {
            throw ConfigError.invalidOption(option: "--max-turns", expected: "a whole number from 1 to 100", got: String(t))
        }
        if let p = o.parallel, p < 1 {
            throw ConfigError.invalidOption(option: "--parallel", expected: "a whole number ≥ 1", got: String(p))
        }
        if let t = o.timeoutSeconds, !(t > 0) || !t.isFinite {
            throw ConfigError.invalidOption(option: "--timeout", expected: "a number of seconds > 0", got: "\(t)")
        }
        if let n = o.concurrency, n < 1 {
            throw ConfigError.invalidOption(option: "--concurrency", expected: "a whole number ≥ 1", got: String(n))
        }
        if let text = o.rateLimit, RateLimitSpec(text) == nil {
            throw ConfigError.invalidOption(option: "--rate-limit", expected: RateLimitSpec.expected, got: text)
        }
        if let r = o.maxRetries, r < 0 {
            throw ConfigError.invalidOption(option: "--max-retries", expected: "a whole number ≥ 0", got: String(r))
        }
        if let t = o.supervisorTemperature, !(0...2).contains(t) {
            throw ConfigError.invalidOption(option: "--supervisor-temperature", expected: "a number from 0 to 2", got: "\(t)")
        }
        if let n = o.experimentName, n.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ConfigError.invalidOption(option: "--experiment-name", expected: "a non-empty name", got: "\"\(n)\"")
        }
        if let p = o.personas, RunPlan.cleanFilter(p).isEmpty {
            throw ConfigError.invalidOption(option: "--personas", expected: "a comma-separated list of persona names", got: "\"\(p.joined(separator: ","))\"")
        }
    }
}
