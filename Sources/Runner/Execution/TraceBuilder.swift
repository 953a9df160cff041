import Core
import Foundation
import Store

/// Turns one worker response into the trace row, turns and observations that the store records.
enum TraceBuilder {
    /// The request line for a planned run (the worker protocol's public request shape).
    static func request(for run: PlannedRun, traceID: String) -> JSON {
        .object([
            ("trace_id", .string(traceID)),
            ("input", .string(run.input)),
            ("iteration", .int(run.iteration)),
            ("persona", run.persona?.json ?? .null),
            ("persona_prompt", run.persona.map { .string($0.promptText) } ?? .null),
            ("conversation_state", .null),
            ("metadata", run.metadata),
        ])
    }

    /// The output text: a string as it is, nothing as "", anything else as JSON text.
    static func outputText(_ value: JSON?) -> String {
        switch value {
        case nil, .null?: return ""
        case let .string(text)?: return text
        case let other?: return other.text
        }
    }

    struct Failure: Sendable {
        var type: String
        var message: String
        var traceback: String?

        init(type: String, message: String, traceback: String?) {
            self.type = type; self.message = message; self.traceback = traceback
        }

        /// The protocol's `error` object.
        init(json: JSON) {
            self.init(type: json["type"]?.stringValue ?? "Error", message: json["message"]?.stringValue ?? "",
                      traceback: json["traceback"]?.stringValue)
        }

        /// How a failed attempt is kept on the trace that finally counts.
        func json(attempt: Int) -> JSON {
            .object([("attempt", .int(attempt)), ("type", .string(type)), ("message", .string(message))])
        }
    }

    /// A finished single-turn run. `failure` is set when the agent raised or its worker died.
    static func trace(for run: PlannedRun, traceID: String, response: JSON?, failure: Failure?,
                      workerStderr: String, startedAt: String, endedAt: String, wallMs: Double, attempts: Int = 1,
                      attemptErrors: [JSON] = []) -> TraceRecord {
        let observations = (response?["observations"]?.arrayValue ?? []).compactMap { observation($0, traceID: traceID) }
        let error = failure ?? response?["error"].map(Failure.init(json:))
        let output = error == nil ? outputText(response?["output"]) : nil
        let durationMs = response?["duration_ms"]?.doubleValue ?? wallMs

        let userMetadata: JSON = run.persona.map { .object([("persona", .string($0.name))]) } ?? .object([])
        var turns = [TurnRecord(turnIndex: 1, role: "user", content: run.input, source: "input", metadata: userMetadata.text)]
        var stateTurns: [JSON] = [.object([("role", .string("user")), ("content", .string(run.input))])]
        if let output {
            turns.append(TurnRecord(turnIndex: 1, role: "assistant", content: output, source: "agent",
                                    metadata: actionsMetadata(observations).text))
            stateTurns.append(.object([("role", .string("assistant")), ("content", .string(output))]))
        }
        let stderrText = [response?["stderr"]?.stringValue, workerStderr.isEmpty ? nil : workerStderr]
            .compactMap { $0 }.joined()
        // Argument replay: messages the handler sent through its callbacks. Error-callback messages are
        // the run's error detail, while the run still counts as successful (as in FluxLoop 0.2.30).
        let callbacks = response?["callback_messages"]
        let callbackErrors = callbacks?["error"]?.arrayValue ?? []
        let callbackDetail = callbackErrors.isEmpty || error != nil ? nil
            : callbackErrors.map { $0.stringValue ?? $0.text }.joined(separator: "\n")
        var record = TraceRecord(
            traceID: traceID, runIndex: run.runIndex, iteration: run.iteration, persona: run.persona?.name,
            inputIndex: run.inputIndex, input: run.input, output: output, success: error == nil,
            errorType: error?.type ?? (callbackDetail == nil ? nil : "CallbackError"),
            errorMessage: error?.message ?? callbackDetail, errorTraceback: error?.traceback,
            durationMs: durationMs, startedAt: startedAt, endedAt: endedAt, attempts: attempts,
            conversationState: JSON.object([("turns", .array(stateTurns))])
                .text(reservingCapacity: 96 + run.input.utf8.count + (output?.utf8.count ?? 0)),
            callbackMessages: callbacks.flatMap { $0.isNull ? nil : $0.text },
            stdout: response?["stdout"]?.stringValue, stderr: stderrText.isEmpty ? nil : stderrText,
            metadata: JSON.object([("variation", run.variation)] + (attemptErrors.isEmpty ? [] : [("attempt_errors", .array(attemptErrors))])
                + outputValue(error == nil ? response : nil)).text,
            turns: turns, observations: observations)
        TraceFields(response: response).apply(to: &record)
        return record
    }

    /// The structured value an agent returned when its output text was made from it (`output_value` in the
    /// response), kept in the trace's metadata: it is not part of the exported files.
    static func outputValue(_ response: JSON?) -> [(key: String, value: JSON)] {
        guard let value = response?["output_value"], !value.isNull else { return [] }
        return [("output_value", value)]
    }

    /// An assistant turn's metadata: `actions` when the turn made observations, else `{}` (as FluxLoop writes it).
    static func actionsMetadata(_ observations: [ObservationRecord]) -> JSON {
        observations.isEmpty ? .object([]) : .object([("actions", .array(actions(observations).map(JSON.string)))])
    }

    /// FluxLoop's `actions` for an assistant turn: `type:name` of each observation, by start time.
    static func actions(_ observations: [ObservationRecord]) -> [String] {
        observations.enumerated()
            .sorted { ($0.element.startTime ?? "", $0.offset) < ($1.element.startTime ?? "", $1.offset) }
            .map { "\($0.element.type):\($0.element.name)" }
    }

    /// One observation record from the protocol (shaped like a line of observations.jsonl).
    static func observation(_ json: JSON, traceID: String) -> ObservationRecord? {
        guard case .object = json else { return nil }
        let usage = json["usage"]
        func text(_ key: String) -> String? {
            switch json[key] {
            case let .string(s)?: return s
            case nil, .null?: return nil
            case let other?: return other.text
            }
        }
        return ObservationRecord(
            id: json["id"]?.stringValue ?? RandomUUID.lowercased(),
            parentID: json["parent_observation_id"]?.stringValue,
            type: json["type"]?.stringValue ?? "span",
            name: json["name"]?.stringValue ?? "unnamed",
            startTime: json["start_time"]?.stringValue,
            endTime: json["end_time"]?.stringValue,
            level: json["level"]?.stringValue ?? "info",
            input: json["input"].map(\.text),
            output: json["output"].flatMap { $0.isNull ? nil : $0.text },
            metadata: (json["metadata"].flatMap { $0.objectValue == nil ? nil : $0 } ?? .object([])).text,
            model: json["model"]?.stringValue,
            promptTokens: usage?["prompt_tokens"]?.intValue ?? usage?["input_tokens"]?.intValue,
            completionTokens: usage?["completion_tokens"]?.intValue ?? usage?["output_tokens"]?.intValue,
            totalTokens: usage?["total_tokens"]?.intValue,
            error: text("error"))
    }
}
