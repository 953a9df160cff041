import Core
import Foundation
import Store

/// The shape of FluxLoop's `ExperimentConfig` (fluxloop SDK 0.1.7, `fluxloop/schemas/config.py`),
/// field by field in its declaration order, with its defaults. Normalizing the merged YAML against it
/// validates the types and gives the `config` object FluxLoop writes in summary.json
/// (`model_dump(exclude_none=True)`: unset optional fields are left out, everything else is filled).
indirect enum FieldKind: Sendable {
    /// A scalar; numbers and booleans become their text.
    case string
    case int(min: Int?, max: Int?)
    /// Any number; `float` writes Python float text (`0` -> `0.0`), otherwise an int stays an int.
    case number(min: Double?, max: Double?, float: Bool)
    case bool
    /// A list of scalars (as strings); `single` also takes one string (or null) for a one-item list.
    case stringList(single: Bool)
    /// A mapping whose values are scalars, kept as strings (environment variables).
    case stringMap
    /// Any mapping, kept as written.
    case mapping
    /// Any list, kept as written.
    case list
    case model(ModelSchema)
    case modelList(ModelSchema)

    var expected: String {
        switch self {
        case .string: return "a string"
        case let .int(min, max): return Self.range("a whole number", min.map(Double.init), max.map(Double.init), integer: true)
        case let .number(min, max, _): return Self.range("a number", min, max, integer: false)
        case .bool: return "true or false"
        case .stringList: return "a list of strings"
        case .stringMap: return "a mapping of NAME: value"
        case .mapping, .model: return "a mapping (key: value)"
        case .list: return "a list"
        case .modelList: return "a list of mappings"
        }
    }

    static func range(_ noun: String, _ min: Double?, _ max: Double?, integer: Bool) -> String {
        func text(_ d: Double) -> String { integer || d == d.rounded() ? String(Int(d)) : String(d) }
        switch (min, max) {
        case let (lo?, hi?): return "\(noun) from \(text(lo)) to \(text(hi))"
        case let (lo?, nil): return "\(noun) ≥ \(text(lo))"
        case let (nil, hi?): return "\(noun) ≤ \(text(hi))"
        default: return noun
        }
    }
}

struct FieldSpec: Sendable {
    var key: String
    var kind: FieldKind
    /// FluxLoop's default; nil means `None`, left out of the snapshot when not set.
    var defaultValue: JSON?
    var required = false
    /// An explicit `null` is a value of its own (not the default) and shows as null in the snapshot.
    var keepsNull = false

    init(_ key: String, _ kind: FieldKind, _ defaultValue: JSON? = nil, required: Bool = false, keepsNull: Bool = false) {
        self.key = key
        self.kind = kind
        self.defaultValue = defaultValue
        self.required = required
        self.keepsNull = keepsNull
    }
}

struct ModelSchema: Sendable {
    var fields: [FieldSpec]
    /// Warn about keys that are neither fields nor `tolerated`.
    var warnUnknown: Bool
    /// Keys we know about but that are not part of FluxLoop's model (they are dropped silently).
    var tolerated: [String] = []
    /// How to fix a missing required key, by key.
    var requiredFix: [String: String] = [:]

    var knownKeys: [String] { fields.map(\.key) + tolerated }
}

enum FluxLoopSchema {
    static let persona = ModelSchema(fields: [
        FieldSpec("name", .string, required: true),
        FieldSpec("description", .string, .string("")),
        FieldSpec("characteristics", .stringList(single: true), .array([])),
        FieldSpec("language", .string, .string("en")),
        FieldSpec("expertise_level", .string, .string("intermediate")),
        FieldSpec("goals", .stringList(single: true), .array([])),
        FieldSpec("constraints", .stringList(single: true), .array([])),
        FieldSpec("custom_attributes", .mapping, .object([])),
    ], warnUnknown: false, requiredFix: ["name": "give every persona a name, e.g. `- name: novice_user`"])

    static let llmGenerator = ModelSchema(fields: [
        FieldSpec("enabled", .bool, .bool(false)),
        FieldSpec("provider", .string, .string("openai")),
        FieldSpec("model", .string, .string("gpt-5-mini")),
        FieldSpec("api_key", .string),
        FieldSpec("system_prompt", .string),
        FieldSpec("user_prompt_template", .string),
        FieldSpec("strategy_prompts", .mapping, .object([])),
        FieldSpec("max_outputs", .int(min: 1, max: nil), .int(3)),
        FieldSpec("temperature", .number(min: 0, max: 2, float: true), .number("0.7")),
        FieldSpec("top_p", .number(min: 0, max: 1, float: true), .number("1.0")),
        FieldSpec("frequency_penalty", .number(min: -2, max: 2, float: true), .number("0.0")),
        FieldSpec("presence_penalty", .number(min: -2, max: 2, float: true), .number("0.0")),
        FieldSpec("max_tokens", .int(min: 1, max: nil), .int(1024)),
        FieldSpec("request_timeout", .int(min: 1, max: nil), .int(60)),
        FieldSpec("batch_size", .int(min: 1, max: nil), .int(1)),
        FieldSpec("metadata", .mapping, .object([])),
        FieldSpec("reasoning_effort", .string),
        FieldSpec("text_verbosity", .string),
    ], warnUnknown: false)

    static let inputGeneration = ModelSchema(fields: [
        FieldSpec("mode", .string, .string("llm")),
        FieldSpec("llm", .model(llmGenerator), .object([])),
    ], warnUnknown: false)

    static let runner = ModelSchema(fields: [
        FieldSpec("module_path", .string),
        FieldSpec("function_name", .string),
        FieldSpec("target", .string),
        FieldSpec("factory", .string),
        FieldSpec("factory_kwargs", .mapping, .object([])),
        FieldSpec("stream_output_path", .string),
        FieldSpec("working_directory", .string),
        FieldSpec("python_path", .stringList(single: true), .array([])),
        FieldSpec("environment_vars", .stringMap, .object([])),
        FieldSpec("requirements_file", .string),
        FieldSpec("setup_commands", .stringList(single: true), .array([])),
        FieldSpec("timeout_seconds", .number(min: 0, max: nil, float: false), .int(300)),
        FieldSpec("max_retries", .int(min: 0, max: nil), .int(3)),
        FieldSpec("retry_delay", .number(min: 0, max: nil, float: false), .int(5)),
        FieldSpec("use_docker", .bool, .bool(false)),
        FieldSpec("docker_image", .string),
        FieldSpec("docker_build_context", .string),
        FieldSpec("docker_volumes", .stringList(single: true), .array([])),
        // Ours, not FluxLoop's: the interpreter and a command-line agent.
        FieldSpec("python", .string),
        FieldSpec("command", .stringList(single: false)),
        // Ours: runs in flight per worker, whether a sync agent may run in threads, and a cap on run starts.
        FieldSpec("concurrency", .int(min: 1, max: nil)),
        FieldSpec("thread_safe", .bool),
        FieldSpec("rate_limit", .string),
        // Ours: the largest output text a run may have (RunnerConfig.maxOutputBytes); no default here, so that
        // the config snapshot of a project that does not set it stays as FluxLoop writes it.
        FieldSpec("max_output_bytes", .int(min: 1, max: nil)),
    ], warnUnknown: true, tolerated: ["iterations"])

    static let replayArgs = ModelSchema(fields: [
        FieldSpec("enabled", .bool, .bool(false)),
        FieldSpec("recording_file", .string),
        FieldSpec("callable_providers", .stringMap, .object([
            ("send_message_callback", .string("builtin:collector.send")),
            ("send_error_callback", .string("builtin:collector.error")),
        ])),
        // null keeps the recorded values (see ReplaySetup), so it must not read as the default.
        FieldSpec("override_param_path", .string, .string("data.content"), keepsNull: true),
    ], warnUnknown: true)

    static let evaluator = ModelSchema(fields: [
        FieldSpec("name", .string),
        FieldSpec("type", .string),
        FieldSpec("enabled", .bool, .bool(true)),
        FieldSpec("model", .string),
        FieldSpec("prompt_template", .string),
        FieldSpec("rules", .list, .array([])),
        FieldSpec("metric_name", .string),
        FieldSpec("threshold", .number(min: nil, max: nil, float: true)),
        FieldSpec("module_path", .string),
        FieldSpec("class_name", .string),
        FieldSpec("weight", .number(min: nil, max: nil, float: true), .number("1.0")),
        FieldSpec("metadata", .mapping, .object([])),
    ], warnUnknown: false)

    static let supervisor = ModelSchema(fields: [
        FieldSpec("provider", .string, .string("openai")),
        FieldSpec("model", .string, .string("gpt-5-mini")),
        FieldSpec("temperature", .number(min: 0, max: 2, float: true)),
        FieldSpec("system_prompt", .string),
        FieldSpec("api_key", .string),
        // Ours: an OpenAI-compatible server.
        FieldSpec("base_url", .string),
        FieldSpec("metadata", .mapping, .object([])),
    ], warnUnknown: true)

    static let multiTurn = ModelSchema(fields: [
        FieldSpec("enabled", .bool, .bool(false)),
        FieldSpec("max_turns", .int(min: 1, max: 100), .int(8)),
        FieldSpec("auto_approve_tools", .bool, .bool(true)),
        FieldSpec("persona_override", .string),
        FieldSpec("supervisor", .model(supervisor), .object([])),
    ], warnUnknown: true)

    static let experiment = ModelSchema(fields: [
        FieldSpec("name", .string, .string("experiment")),
        FieldSpec("description", .string),
        FieldSpec("version", .string, .string("1.0.0")),
        FieldSpec("iterations", .int(min: 1, max: nil), .int(10)),
        FieldSpec("parallel_runs", .int(min: 1, max: nil), .int(1)),
        FieldSpec("seed", .int(min: nil, max: nil)),
        FieldSpec("run_delay_seconds", .number(min: 0, max: nil, float: true), .number("0.0")),
        FieldSpec("personas", .modelList(persona), .array([])),
        FieldSpec("variation_strategies", .stringList(single: true), .array([])),
        FieldSpec("variation_count", .int(min: 1, max: nil), .int(1)),
        FieldSpec("variation_temperature", .number(min: 0, max: 2, float: true), .number("0.7")),
        FieldSpec("variation_model", .string, .string("gpt-3.5-turbo")),
        FieldSpec("custom_variation_prompt", .string),
        FieldSpec("base_inputs", .list, .array([])),
        FieldSpec("inputs_file", .string),
        FieldSpec("input_template", .string),
        FieldSpec("input_generation", .model(inputGeneration), .object([])),
        FieldSpec("runner", .model(runner), .object([])),
        FieldSpec("replay_args", .model(replayArgs)),
        FieldSpec("evaluators", .modelList(evaluator), .array([])),
        FieldSpec("output_directory", .string, .string("experiments")),
        FieldSpec("save_traces", .bool, .bool(true)),
        FieldSpec("save_aggregated_metrics", .bool, .bool(true)),
        FieldSpec("multi_turn", .model(multiTurn)),
        FieldSpec("collector_url", .string),
        FieldSpec("collector_api_key", .string),
        FieldSpec("tags", .stringList(single: true), .array([])),
        FieldSpec("metadata", .mapping, .object([])),
    ], warnUnknown: true, tolerated: [
        // the seed's spellings (moved to iterations / output_directory before normalizing)
        "output",
        // keys FluxLoop's own templates write that the run command does not use
        "source_root", "evaluation_goal", "aggregate", "limits", "success_criteria", "additional_analysis",
        "report", "advanced",
    ])
}

/// Validates a YAML tree against a `ModelSchema` and writes the FluxLoop-shaped JSON.
struct SchemaNormalizer {
    var warnings: [String] = []

    mutating func normalize(_ value: YValue, schema: ModelSchema, path: String) throws(ConfigError) -> JSON {
        guard let entries = value.mappingEntries else {
            throw ConfigError.invalidValue(value.location, key: path, expected: "a mapping (key: value)", got: value.shown, hint: nil)
        }
        if schema.warnUnknown {
            let known = schema.knownKeys
            for entry in entries where !known.contains(entry.key) {
                let shownKey = path.isEmpty ? entry.key : "\(path).\(entry.key)"
                var message = "\(entry.location): unknown key '\(shownKey)' (ignored)"
                if let suggestion = Suggest.closest(entry.key, in: known) {
                    message += " — did you mean '\(path.isEmpty ? suggestion : "\(path).\(suggestion)")'?"
                }
                warnings.append(message)
            }
        }
        var members: [(key: String, value: JSON)] = []
        for field in schema.fields {
            let fieldPath = path.isEmpty ? field.key : "\(path).\(field.key)"
            if let present = value[field.key], !present.isNull {
                members.append((field.key, try coerce(present, kind: field.kind, path: fieldPath)))
            } else if field.keepsNull, value[field.key] != nil {
                members.append((field.key, .null))
            } else if field.required {
                let fix = schema.requiredFix[field.key] ?? "add it"
                throw ConfigError.missingKey(file: value.location.description, key: fieldPath, fix: fix)
            } else if let defaultValue = field.defaultValue {
                switch field.kind {
                case let .model(sub):
                    // A nested model's defaults come from its own fields.
                    members.append((field.key, try normalize(YValue.emptyMapping(file: value.file), schema: sub, path: fieldPath)))
                default:
                    members.append((field.key, defaultValue))
                }
            }
        }
        return .object(members)
    }
}
