import Core
import Evaluation
import Foundation
import Store
import TeamStore

/// What `fluxloop evaluate` was asked to do.
public struct EvaluateOptions: Sendable {
    public var experiment: String
    /// `--config FILE`; else the project's configs/evaluation.yaml.
    public var configPath: String?
    public var judges: Bool
    public var location: DatabaseLocation
    public var currentDirectory: URL
    public var environment: [String: String]

    public init(experiment: String, configPath: String?, judges: Bool, location: DatabaseLocation, currentDirectory: URL,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.experiment = experiment; self.configPath = configPath; self.judges = judges; self.location = location
        self.currentDirectory = currentDirectory; self.environment = environment
    }
}

/// Why `evaluate` could not score: a message for the user and its exit status.
public struct EvaluateError: UserFacingError {
    public let userMessage: String
    public let exitStatus: ExitStatusCode
}

/// `fluxloop evaluate`: (re)scores an experiment already in the database, judges included when asked, and stores
/// the scoring with its config next to the earlier ones.
public enum Rescoring {
    public static func run(_ options: EvaluateOptions, console: Console) async throws {
        let scoring = try loadConfig(options)
        let database = try DatabaseLocator.locate(options.location, currentDirectory: options.currentDirectory).path
        guard Backends.isServer(database) || FileManager.default.fileExists(atPath: database) else {
            throw EvaluateError(userMessage: "no database at \(database): run an experiment or `fluxloop query import` first.",
                                exitStatus: .usage)
        }
        let store = try Backends.openForScoring(database)
        let experiment: ExperimentRecord
        do { experiment = try store.resolveExperiment(options.experiment) } catch {
            throw EvaluateError(userMessage: "\(error)", exitStatus: .usage)
        }
        // Judges' clients are made before any call, so a missing key is a usage error with nothing written.
        var clients: [String: HTTPJudgeClient] = [:]
        if options.judges {
            for evaluator in scoring.config.enabledEvaluators {
                guard case let .llmJudge(settings) = evaluator.kind, clients[settings.model] == nil else { continue }
                do { clients[settings.model] = try HTTPJudgeClient.make(model: settings.model, environment: options.environment) } catch {
                    throw EvaluateError(userMessage: error.description, exitStatus: .usage)
                }
            }
        }
        let sources = try store.scoringSources(experimentID: experiment.id)
        let session = options.judges && scoring.config.hasJudges
            ? JudgeSession(limits: scoring.config.limits, client: ModelRouter(clients: clients), cache: try StoreJudgeCache(locator: database))
            : nil
        var scores: [TraceScore] = []
        scores.reserveCapacity(sources.count)
        for source in sources {
            let trace = try trace(source)
            var judged: [String: EvaluatorOutcome] = [:]
            if let session {
                for evaluator in scoring.config.enabledEvaluators {
                    guard case .llmJudge = evaluator.kind else { continue }
                    judged[evaluator.name] = await session.judge(trace, evaluator: evaluator).0
                }
            }
            scores.append(scoring.config.score(trace, judged: judged))
        }
        var record = scoring.record(experimentID: experiment.id)
        record.llmCalls = await session?.callsMade ?? 0
        let id = try store.writeScoring(record, scores: scores.map(\.record))
        printSummary(scores, scoring: scoring, experiment: experiment, evaluationID: id, llmCalls: record.llmCalls,
                     history: try store.evaluations(experimentID: experiment.id).count, console: console)
    }

    static func loadConfig(_ options: EvaluateOptions) throws -> ScoringConfig {
        let file: URL
        if let path = options.configPath {
            file = path.hasPrefix("/") ? URL(fileURLWithPath: path) : options.currentDirectory.appending(path: path)
        } else {
            var overrides = ConfigOverrides()
            overrides.project = options.location.project
            overrides.root = options.location.root
            guard let project = try? ConfigLoader.load(overrides, currentDirectory: options.currentDirectory),
                  let found = EvaluationSetup.projectFile(project) else {
                throw EvaluateError(userMessage: "no configs/evaluation.yaml here: pass --config FILE with the evaluators to score with.",
                                    exitStatus: .usage)
            }
            file = found
        }
        let config = try EvaluationConfig.load(contentsOf: file, display: EvaluationSetup.display(file, base: options.currentDirectory))
        guard !config.enabledEvaluators.isEmpty else {
            throw EvaluationConfigError(file: config.file, line: nil, problem: "no enabled evaluator",
                                        fix: "add a rule_based or llm_judge evaluator under `evaluators`")
        }
        return ScoringConfig(config: config, path: EvaluationSetup.display(file, base: options.currentDirectory), judges: options.judges)
    }

    static func trace(_ source: ScoringSource) throws -> EvaluationTrace {
        do {
            let summary = try EvalValue.parseJSON(source.summaryJSON)
            let observations = try source.observationLines.split(separator: "\n").map { try EvalValue.parseJSON(String($0)) }
            return EvaluationTrace(summary: summary, observations: observations)
        } catch {
            throw EvaluateError(userMessage: "the stored run \(source.traceID) cannot be read: \(error)", exitStatus: .failure)
        }
    }

    static func printSummary(_ scores: [TraceScore], scoring: ScoringConfig, experiment: ExperimentRecord, evaluationID: Int,
                             llmCalls: Int, history: Int, console: Console) {
        let n = Double(max(scores.count, 1))
        let passed = scores.filter(\.passed).count
        let mean = scores.reduce(0) { $0 + $1.finalScore } / n
        console.line("Scored \(experiment.name) (\(experiment.id)): \(scores.count) runs with \(scoring.config.enabledEvaluators.count) evaluators"
                     + (scoring.judges ? ", \(llmCalls) LLM calls" : ""))
        console.line("Pass rate: \(NumberText.fixed(100 * Double(passed) / n, digits: 1))% (\(passed) of \(scores.count) reach the threshold "
                     + "\(NumberText.fixed(scoring.config.aggregate.threshold, digits: 2)))")
        console.line("Mean final score: \(NumberText.fixed(mean, digits: 3))")
        for evaluator in scoring.config.enabledEvaluators {
            let values = scores.compactMap { $0.score(evaluator.name) }
            let avg = values.reduce(0, +) / Double(max(values.count, 1))
            console.line("  \(evaluator.name): mean " + NumberText.fixed(avg, digits: 3))
        }
        let skipped = scoring.full.enabledEvaluators.count - scoring.config.enabledEvaluators.count
        if skipped > 0 { console.line("\(skipped) llm_judge evaluator(s) not run: pass --judges to run them.") }
        console.line("Stored as scoring \(evaluationID) (\(history) for this experiment).")
    }
}

/// Sends each judge's request to the client made for its model.
struct ModelRouter: JudgeClient {
    let clients: [String: HTTPJudgeClient]
    func complete(model: String, prompt: String, parameters: [(String, EvalValue)]) async throws -> String {
        guard let client = clients[model] else { throw SupervisorError(description: "no judge client for \(model)") }
        return try await client.complete(model: model, prompt: prompt, parameters: parameters)
    }
}
