import Core
import Foundation

/// What `run experiment`, `push` and `pull` need from a database, whatever the engine: SQLite
/// (`ExperimentStore`) or PostgreSQL (the `TeamStore` module). One owner at a time, as a connection.
public protocol ExperimentBackend: AnyObject {
    /// Where the database is, safe for any message (a URL without its password).
    var displayLocation: String { get }

    /// Writes a new experiment row.
    func createExperiment(_ experiment: ExperimentRecord) throws
    /// Appends finished runs and moves the experiment's counters with them, in one transaction.
    func appendTraces(_ traces: [EncodedTrace], experimentID: String) throws
    /// Marks an experiment as running again (a resume).
    func reopenExperiment(id: String) throws
    /// Sets the final status, completion time and percentiles of an experiment.
    func finishExperiment(id: String, status: ExperimentStatus, completedAt: String) throws
    func experiment(id: String) throws -> ExperimentRecord?
    /// Every experiment, newest first.
    func experiments() throws -> [ExperimentRecord]
    /// The recorded runs of an experiment, in plan order, without their outputs.
    func recordedRuns(experimentID: String) throws -> [ExperimentStore.RecordedRun]
    /// summary.json's object as the experiment_summary view gives it.
    func summaryJSON(experimentID: String) throws -> String?
    /// Writes the experiment folder from the views.
    @discardableResult
    func exportExperiment(id: String, to folder: URL) throws -> Exporter.Result

    // MARK: Scores committed with runs (configs/evaluation.yaml)

    /// Whether this engine keeps scores; where it does not, runs are stored unscored.
    var storesScores: Bool { get }
    /// The experiment's latest scoring, if any.
    func latestEvaluation(experimentID: String) throws -> EvaluationRecord?
    /// Opens a scoring that runs are scored into as they finish; returns its id.
    func beginEvaluation(_ e: EvaluationRecord) throws -> Int
    /// Marks a scoring complete.
    func completeEvaluation(id: Int, llmCalls: Int, completedAt: String) throws

    // MARK: Copying whole experiments between databases (push, pull)

    /// The experiment's row in `CopiedColumns.experiments` order, or nil when there is none.
    func experimentRow(id: String) throws -> [DatabaseValue]?
    /// The experiment's traces rows in `CopiedColumns.traces` order, in plan order, `batchSize` at a time.
    func forEachTraceBatch(experimentID: String, batchSize: Int, _ body: ([[DatabaseValue]]) throws -> Void) throws
    /// Inserts a copied experiment and its traces in one transaction (all or nothing). `traces` is called with a
    /// function that inserts one batch. Returns false, writing nothing, when the experiment id is already there.
    func insertCopiedExperiment(_ row: [DatabaseValue],
                                traces: (_ insert: ([[DatabaseValue]]) throws -> Void) throws -> Void) throws -> Bool
}

/// The columns that `push` and `pull` copy: every column but the traces' row id, which each database assigns.
public enum CopiedColumns {
    public static let experiments = [
        "id", "name", "description", "status", "started_at", "completed_at", "planned_runs", "executed_runs",
        "output_dir", "config_json", "config_yaml", "tags", "tool_version", "successful_runs", "total_duration_ms",
        "p50_duration_ms", "p95_duration_ms",
    ]
    public static let traces = EncodedTrace.columns
}

extension EncodedTrace {
    /// The traces columns an appended run fills, in the order of `values(experimentID:)`.
    public static let columns = [
        "trace_id", "experiment_id", "run_index", "iteration", "persona", "input_index", "input", "output",
        "success", "error_type", "error_message", "error_traceback", "duration_ms", "started_at", "ended_at", "attempts",
        "termination_reason", "turn_count", "conversation_state", "supervisor_response", "callback_messages",
        "stdout", "stderr", "metadata", "conversation_json", "observations_json", "observation_count",
        "observation_tokens", "user_id", "tags", "trace_metadata",
    ]

    /// The run's traces row, for engines other than SQLite.
    public func values(experimentID: String) -> [DatabaseValue] {
        let r = record
        func text(_ value: String?) -> DatabaseValue { value.map(DatabaseValue.text) ?? .null }
        func int(_ value: Int?) -> DatabaseValue { value.map { .integer(Int64($0)) } ?? .null }
        return [
            .text(r.traceID), .text(experimentID), int(r.runIndex), int(r.iteration), text(r.persona), int(r.inputIndex),
            .text(r.input), text(r.output), int(r.success ? 1 : 0), text(r.errorType), text(r.errorMessage),
            text(r.errorTraceback), .double(r.durationMs), .text(r.startedAt), .text(r.endedAt), int(r.attempts),
            text(r.terminationReason), int(r.turnCount), text(r.conversationState), text(r.supervisorResponse),
            text(r.callbackMessages), text(r.stdout), text(r.stderr), .text(r.metadata), .text(conversation.string),
            .text(observations.string), int(observationCount), text(tokens), text(r.userID), text(tags),
            text(r.traceMetadata),
        ]
    }
}

extension ExperimentStore.RecordedRun {
    /// A recorded run read from another engine.
    public init(index runIndex: Int, iteration: Int, inputIndex: Int, persona: String?, input: String, success: Bool) {
        self.init(runIndex: runIndex, iteration: iteration, inputIndex: inputIndex, persona: persona, input: input,
                  success: success)
    }
}
