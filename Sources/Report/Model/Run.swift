import Foundation

/// One run as the report sees it; the lead fills it from the database and feeds it to an accumulator.
public struct ReportRun: Sendable {
    /// Run id; also the `#run-<id>` anchor.
    public var id: String
    public var input: String
    public var persona: String
    public var iteration: Int
    /// `true` when the run finished without error.
    public var succeeded: Bool
    /// The scores' verdict when the experiment was scored; `nil` falls back to `succeeded`.
    public var scorePassed: Bool?
    public var output: String
    public var durationMs: Double
    /// Start, in seconds since 1970.
    public var startedAt: Double
    /// Worker or slot that ran it (timeline lane).
    public var worker: Int
    public var tokens: Int
    public var errorType: String?
    public var errorMessage: String?
    public var traceback: String?
    /// Conversation turns; empty for single-turn runs.
    public var turns: [ReportTurn]
    public var observations: [ReportObservation]
    public var scores: [ReportScore]

    /// Whether the run counts as a pass (scores where scored, else success).
    public var passed: Bool { scorePassed ?? succeeded }

    public init(id: String, input: String, persona: String, iteration: Int, succeeded: Bool,
                scorePassed: Bool? = nil, output: String, durationMs: Double, startedAt: Double,
                worker: Int = 0, tokens: Int = 0, errorType: String? = nil, errorMessage: String? = nil,
                traceback: String? = nil, turns: [ReportTurn] = [], observations: [ReportObservation] = [],
                scores: [ReportScore] = []) {
        self.id = id; self.input = input; self.persona = persona; self.iteration = iteration
        self.succeeded = succeeded; self.scorePassed = scorePassed; self.output = output
        self.durationMs = durationMs; self.startedAt = startedAt; self.worker = worker; self.tokens = tokens
        self.errorType = errorType; self.errorMessage = errorMessage; self.traceback = traceback
        self.turns = turns; self.observations = observations; self.scores = scores
    }
}

/// One conversation turn.
public struct ReportTurn: Sendable, Equatable {
    public enum Role: String, Sendable { case user, assistant, supervisor, tool, system }
    public var role: Role
    public var text: String
    /// The turn that ended the conversation (supervisor's closing message, max turns).
    public var closing: Bool
    public init(_ role: Role, _ text: String, closing: Bool = false) {
        self.role = role; self.text = text; self.closing = closing
    }
}

/// One observation (span) of a run's trace; offsets are relative to the run's start.
public struct ReportObservation: Sendable {
    public var id: String
    public var parentId: String?
    public var name: String
    public var type: String
    public var startOffsetMs: Double
    public var durationMs: Double
    public var tokens: Int
    public var error: String?
    public init(id: String, parentId: String? = nil, name: String, type: String, startOffsetMs: Double,
                durationMs: Double, tokens: Int = 0, error: String? = nil) {
        self.id = id; self.parentId = parentId; self.name = name; self.type = type
        self.startOffsetMs = startOffsetMs; self.durationMs = durationMs; self.tokens = tokens; self.error = error
    }
}

/// One evaluator's score with its reason.
public struct ReportScore: Sendable {
    public var name: String
    public var value: Double
    public var passed: Bool
    public var reason: String
    public init(name: String, value: Double, passed: Bool, reason: String) {
        self.name = name; self.value = value; self.passed = passed; self.reason = reason
    }
}

/// The experiment's identity and configuration, shown in the header.
public struct ExperimentInfo: Sendable {
    public var id: String
    public var name: String
    public var startedAt: Double
    public var finishedAt: Double?
    /// Shown as `key: value` chips (target, iterations, parallel, multi-turn, ...).
    public var configuration: [(key: String, value: String)]
    public var scored: Bool
    public init(id: String, name: String, startedAt: Double, finishedAt: Double? = nil,
                configuration: [(key: String, value: String)] = [], scored: Bool = false) {
        self.id = id; self.name = name; self.startedAt = startedAt; self.finishedAt = finishedAt
        self.configuration = configuration; self.scored = scored
    }
}
