import Core

/// Where an experiment stands.
public enum ExperimentStatus: String, Sendable, CaseIterable {
    case running, completed, interrupted, failed
}

/// One row of `experiments`.
public struct ExperimentRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String?
    public var status: ExperimentStatus
    public var startedAt: String
    public var completedAt: String?
    public var plannedRuns: Int
    public var executedRuns: Int
    public var outputDirectory: String?
    /// The configuration snapshot as JSON text.
    public var configJSON: String
    /// The same snapshot as YAML text.
    public var configYAML: String
    public var tags: [String]
    public var toolVersion: String

    public init(id: String, name: String, description: String? = nil, status: ExperimentStatus = .running,
                startedAt: String, completedAt: String? = nil, plannedRuns: Int, executedRuns: Int = 0,
                outputDirectory: String? = nil, configJSON: String = "{}", configYAML: String = "",
                tags: [String] = [], toolVersion: String) {
        self.id = id; self.name = name; self.description = description; self.status = status
        self.startedAt = startedAt; self.completedAt = completedAt; self.plannedRuns = plannedRuns
        self.executedRuns = executedRuns; self.outputDirectory = outputDirectory; self.configJSON = configJSON
        self.configYAML = configYAML; self.tags = tags; self.toolVersion = toolVersion
    }
}

/// One message of a conversation.
public struct TurnRecord: Sendable, Equatable {
    public var turnIndex: Int
    public var role: String
    public var content: String
    /// `input`, `agent` or `supervisor`.
    public var source: String
    /// JSON object text.
    public var metadata: String

    public init(turnIndex: Int, role: String, content: String, source: String, metadata: String = "{}") {
        self.turnIndex = turnIndex; self.role = role; self.content = content; self.source = source; self.metadata = metadata
    }
}

/// One finished observation (an agent, tool, generation or span call).
public struct ObservationRecord: Sendable, Equatable {
    public var id: String
    public var parentID: String?
    public var type: String
    public var name: String
    public var startTime: String?
    public var endTime: String?
    public var level: String
    /// JSON text, or nil.
    public var input: String?
    /// JSON text, or nil when the call returned nothing.
    public var output: String?
    /// JSON object text.
    public var metadata: String
    public var model: String?
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var totalTokens: Int?
    public var error: String?

    public init(id: String, parentID: String? = nil, type: String, name: String, startTime: String? = nil,
                endTime: String? = nil, level: String = "info", input: String? = nil, output: String? = nil,
                metadata: String = "{}", model: String? = nil, promptTokens: Int? = nil,
                completionTokens: Int? = nil, totalTokens: Int? = nil, error: String? = nil) {
        self.id = id; self.parentID = parentID; self.type = type; self.name = name; self.startTime = startTime
        self.endTime = endTime; self.level = level; self.input = input; self.output = output; self.metadata = metadata
        self.model = model; self.promptTokens = promptTokens; self.completionTokens = completionTokens
        self.totalTokens = totalTokens; self.error = error
    }
}

/// One finished run with everything it produced, written in one transaction.
public struct TraceRecord: Sendable, Equatable {
    public var traceID: String
    /// Position in the experiment's plan.
    public var runIndex: Int
    public var iteration: Int
    public var persona: String?
    public var inputIndex: Int
    public var input: String
    public var output: String?
    public var success: Bool
    public var errorType: String?
    public var errorMessage: String?
    public var errorTraceback: String?
    public var durationMs: Double
    public var startedAt: String
    public var endedAt: String
    public var attempts: Int
    public var terminationReason: String?
    public var turnCount: Int?
    /// JSON text.
    public var conversationState: String?
    /// JSON text.
    public var supervisorResponse: String?
    /// JSON text.
    public var callbackMessages: String?
    public var stdout: String?
    public var stderr: String?
    /// JSON object text.
    public var metadata: String
    /// What the agent set through the SDK's context: the user (nil when none was set).
    public var userID: String?
    /// Its tags, each once, in the order first added.
    public var tags: [String]
    /// Its metadata keys as JSON object text; nil when none were set.
    public var traceMetadata: String?
    public var turns: [TurnRecord]
    public var observations: [ObservationRecord]

    public init(traceID: String, runIndex: Int, iteration: Int, persona: String?, inputIndex: Int, input: String,
                output: String?, success: Bool, errorType: String? = nil, errorMessage: String? = nil,
                errorTraceback: String? = nil, durationMs: Double, startedAt: String, endedAt: String,
                attempts: Int = 1, terminationReason: String? = nil, turnCount: Int? = nil,
                conversationState: String? = nil, supervisorResponse: String? = nil, callbackMessages: String? = nil,
                stdout: String? = nil, stderr: String? = nil, metadata: String = "{}",
                userID: String? = nil, tags: [String] = [], traceMetadata: String? = nil,
                turns: [TurnRecord] = [], observations: [ObservationRecord] = []) {
        self.traceID = traceID; self.runIndex = runIndex; self.iteration = iteration; self.persona = persona
        self.inputIndex = inputIndex; self.input = input; self.output = output; self.success = success
        self.errorType = errorType; self.errorMessage = errorMessage; self.errorTraceback = errorTraceback
        self.durationMs = durationMs; self.startedAt = startedAt; self.endedAt = endedAt; self.attempts = attempts
        self.terminationReason = terminationReason; self.turnCount = turnCount; self.conversationState = conversationState
        self.supervisorResponse = supervisorResponse; self.callbackMessages = callbackMessages
        self.stdout = stdout; self.stderr = stderr; self.metadata = metadata
        self.userID = userID; self.tags = tags; self.traceMetadata = traceMetadata
        self.turns = turns; self.observations = observations
    }
}
