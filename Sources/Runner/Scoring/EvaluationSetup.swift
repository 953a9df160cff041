import Core
import Evaluation
import Foundation
import Store

/// Finding and reading a project's `configs/evaluation.yaml`, and what a scoring stores about it.
enum EvaluationSetup {
    /// The project's evaluation.yaml, when it has a `configs/` folder holding one.
    static func projectFile(_ project: LoadedProject) -> URL? {
        if let listed = project.configFiles.first(where: { $0.lastPathComponent == "evaluation.yaml" }) { return listed }
        let file = project.projectDirectory.appending(path: "configs/evaluation.yaml")
        return FileManager.default.fileExists(atPath: file.path(percentEncoded: false)) ? file : nil
    }

    /// `file` as messages show it: relative to `base` when inside it.
    static func display(_ file: URL, base: URL) -> String {
        let path = file.standardizedFileURL.path(percentEncoded: false)
        let prefix = base.standardizedFileURL.path(percentEncoded: false)
        let withSlash = prefix.hasSuffix("/") ? prefix : prefix + "/"
        return path.hasPrefix(withSlash) ? String(path.dropFirst(withSlash.count)) : path
    }

    /// The config for `run experiment`: the project's rule-based evaluators, or nil when it has none enabled.
    /// An invalid file throws before anything is written.
    static func forRun(_ project: LoadedProject, currentDirectory: URL) throws(EvaluationConfigError) -> ScoringConfig? {
        guard let file = projectFile(project) else { return nil }
        let config = try EvaluationConfig.load(contentsOf: file, display: display(file, base: currentDirectory))
        guard config.hasRuleBased else { return nil }
        return ScoringConfig(config: config, path: display(file, base: project.projectDirectory), judges: false)
    }
}

/// A config ready to score with: judges left out unless they run, and the `evaluations` row it is stored as.
struct ScoringConfig: Sendable {
    /// The config as scored: without its llm_judge evaluators when `judges` is false, so that judges that did not
    /// run count neither for nor against a run.
    let config: EvaluationConfig
    let full: EvaluationConfig
    let path: String?
    let judges: Bool

    init(config: EvaluationConfig, path: String?, judges: Bool) {
        full = config
        var scored = config
        if !judges { scored.evaluators = config.evaluators.filter { if case .ruleBased = $0.kind { return true }; return false } }
        self.config = scored
        self.path = path
        self.judges = judges
    }

    func record(experimentID: String) -> EvaluationRecord {
        EvaluationRecord(
            experimentID: experimentID, startedAt: Timestamp.now(), configYAML: full.sourceText, configPath: path,
            configSHA256: SHA256.hex(full.sourceText), aggregateMethod: full.aggregate.method.rawValue,
            threshold: full.aggregate.threshold, judges: judges, toolVersion: FluxloopVersion.current)
    }
}

extension TraceScore {
    /// The store's form of a run's scores.
    var record: TraceScoreRecord {
        TraceScoreRecord(traceID: traceID, finalScore: finalScore, pass: passed, evaluators: outcomes.map {
            EvaluatorScoreRecord(evaluator: $0.name, score: $0.score, weight: $0.weight, reasons: $0.reasons)
        })
    }
}
