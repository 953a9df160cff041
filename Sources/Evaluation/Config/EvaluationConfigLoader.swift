import Foundation
import Yams

extension EvaluationConfig {
    /// Reads and checks an evaluation.yaml. `display` is the file as the user should see it in messages.
    public static func load(contentsOf url: URL, display: String) throws(EvaluationConfigError) -> EvaluationConfig {
        let text: String
        do {
            guard let decoded = String(data: try Data(contentsOf: url), encoding: .utf8) else {
                throw EvaluationConfigError(file: display, line: nil, problem: "the file is not UTF-8 text", fix: "save it as UTF-8")
            }
            text = decoded
        } catch let error as EvaluationConfigError {
            throw error
        } catch {
            throw EvaluationConfigError(file: display, line: nil, problem: "cannot be read (\(error.localizedDescription))",
                                        fix: "check the path given to --config, or create configs/evaluation.yaml")
        }
        return try parse(text, file: display)
    }

    /// Checks an evaluation.yaml's text: every problem FluxLoop would only meet while scoring is reported here.
    public static func parse(_ text: String, file: String) throws(EvaluationConfigError) -> EvaluationConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            var line: Int?
            var message = "\(error)"
            switch error {
            case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
                line = mark.line; message = problem
            case let .duplicatedKeysInMapping(duplicates, context):
                line = context.mark.line
                message = "duplicate key " + duplicates.map { "'\($0)'" }.joined(separator: ", ")
            default: break
            }
            throw EvaluationConfigError(file: file, line: line, problem: "not valid YAML: \(message)",
                                        fix: "fix the YAML syntax (indentation, quotes, a missing ':')")
        } catch {
            throw EvaluationConfigError(file: file, line: nil, problem: "not valid YAML: \(error)", fix: "fix the YAML syntax")
        }
        let reader = ConfigReader(file: file)
        let top = root.map(YNode.init)
        if let top, top.entries == nil, !top.isNull {
            throw reader.error(top.line, "the top level is \(top.shown), not a mapping",
                               "start the file with `evaluators:` followed by a list of evaluators")
        }
        var config = EvaluationConfig(evaluators: [], aggregate: AggregateConfig(), limits: LimitsConfig(), sourceText: text, file: file)
        if let list = top?["evaluators"], !list.isNull {
            guard let items = list.items else {
                throw reader.error(list.line, "'evaluators' is \(list.shown), not a list", "write each evaluator as a list item starting with `- name: ...`")
            }
            var seen: [String: Int?] = [:]
            for item in items {
                let evaluator = try reader.evaluator(item)
                if let first = seen[evaluator.name] {
                    throw reader.error(item.line, "a second evaluator is named '\(evaluator.name)' (the first is at line \(first.map(String.init) ?? "?"))",
                                       "give each evaluator its own name: scores are stored by name")
                }
                seen[evaluator.name] = item.line
                config.evaluators.append(evaluator)
            }
        }
        if let node = top?["aggregate"], !node.isNull { config.aggregate = try reader.aggregate(node) }
        if let node = top?["limits"], !node.isNull { config.limits = try reader.limits(node) }
        return config
    }
}

/// Typed reads of the YAML tree; each failure names the key, what it must be and what was found.
struct ConfigReader {
    let file: String

    func error(_ line: Int?, _ problem: String, _ fix: String) -> EvaluationConfigError {
        EvaluationConfigError(file: file, line: line, problem: problem, fix: fix)
    }

    func mapping(_ node: YNode, _ what: String, _ fix: String) throws(EvaluationConfigError) -> YNode {
        guard node.entries != nil else { throw error(node.line, "\(what) is \(node.shown), not a mapping", fix) }
        return node
    }

    /// A number, as Python's `float()` reads it (numbers and numeric strings).
    func number(_ node: YNode, _ key: String, _ fix: String) throws(EvaluationConfigError) -> Double {
        switch node.value {
        case let .int(i): return Double(i)
        case let .double(d) where d.isFinite: return d
        case let .string(s):
            if let d = Double(s.trimmingCharacters(in: .whitespaces)), d.isFinite { return d }
        default: break
        }
        throw error(node.line, "'\(key)' must be a number (got \(node.shown))", fix)
    }

    func bool(_ node: YNode, _ key: String) throws(EvaluationConfigError) -> Bool {
        if case let .bool(b) = node.value { return b }
        throw error(node.line, "'\(key)' must be true or false (got \(node.shown))", "write \(key): true or \(key): false")
    }

    func text(_ node: YNode, _ key: String, _ fix: String) throws(EvaluationConfigError) -> String {
        switch node.value {
        case let .string(s): return s
        case .int, .double, .bool: return node.node.scalar?.string ?? node.value.pythonText
        default: throw error(node.line, "'\(key)' must be text (got \(node.shown))", fix)
        }
    }

    func evaluator(_ item: YNode) throws(EvaluationConfigError) -> EvaluatorConfig {
        let example = "each evaluator needs `name:` and `type: rule_based` (with `rules:`) or `type: llm_judge`"
        _ = try mapping(item, "this evaluator", example)
        guard let nameNode = item["name"], !nameNode.isNull else { throw error(item.line, "an evaluator has no 'name'", example) }
        let name = try text(nameNode, "name", "give the evaluator a name such as `name: not_empty`")
        guard let typeNode = item["type"], !typeNode.isNull else {
            throw error(item.line, "evaluator '\(name)' has no 'type'", "add `type: rule_based` or `type: llm_judge`")
        }
        let type = try text(typeNode, "type", "use rule_based or llm_judge")
        let enabled = try item["enabled"].map { node throws(EvaluationConfigError) in try bool(node, "enabled") } ?? true
        let weight = try item["weight"].map { node throws(EvaluationConfigError) in
            try number(node, "weight", "give a number such as `weight: 1.0` (evaluators with weight 0 do not count)")
        } ?? 1.0
        let kind: EvaluatorConfig.Kind
        switch type {
        case "rule_based":
            var rules: [RuleDefinition] = []
            if let list = item["rules"], !list.isNull {
                guard let items = list.items else {
                    throw error(list.line, "'rules' of evaluator '\(name)' is \(list.shown), not a list", "write each rule as `- check: output_not_empty`")
                }
                for rule in items { rules.append(try self.rule(rule, evaluator: name)) }
            }
            kind = .ruleBased(rules)
        case "llm_judge":
            kind = .llmJudge(try judge(item, name: name))
        default:
            throw error(typeNode.line, "evaluator '\(name)' has the unknown type '\(type)'", "use `type: rule_based` or `type: llm_judge`")
        }
        return EvaluatorConfig(name: name, enabled: enabled, weight: weight, kind: kind)
    }

    func aggregate(_ node: YNode) throws(EvaluationConfigError) -> AggregateConfig {
        _ = try mapping(node, "'aggregate'", "write `aggregate:` with `method: weighted_sum` and `threshold: 0.5` under it")
        var result = AggregateConfig()
        if let m = node["method"], !m.isNull {
            let method = try text(m, "method", "use weighted_sum or average")
            guard let parsed = AggregateConfig.Method(rawValue: method) else {
                throw error(m.line, "'aggregate.method' is '\(method)'", "use weighted_sum or average")
            }
            result.method = parsed
        }
        if let t = node["threshold"], !t.isNull {
            result.threshold = try number(t, "threshold", "give the pass threshold as a number between 0 and 1, e.g. `threshold: 0.7`")
        }
        if let b = node["by_persona"], !b.isNull { result.byPersona = try bool(b, "by_persona") }
        return result
    }

    func limits(_ node: YNode) throws(EvaluationConfigError) -> LimitsConfig {
        _ = try mapping(node, "'limits'", "write `limits:` with `sample_rate:` and `max_llm_calls:` under it")
        var result = LimitsConfig()
        if let s = node["sample_rate"], !s.isNull {
            result.sampleRate = max(0, min(1, try number(s, "sample_rate", "give the share of runs to judge, between 0 and 1, e.g. `sample_rate: 0.25`")))
        }
        if let m = node["max_llm_calls"], !m.isNull {
            guard case let .int(i) = m.value else {
                throw error(m.line, "'max_llm_calls' must be a whole number (got \(m.shown))", "give the most judge calls one scoring may make, e.g. `max_llm_calls: 50`")
            }
            result.maxLLMCalls = max(0, i)
        }
        if let t = node["timeout_seconds"], !t.isNull {
            guard case let .int(i) = t.value else {
                throw error(t.line, "'timeout_seconds' must be a whole number (got \(t.shown))", "give seconds, e.g. `timeout_seconds: 60`")
            }
            result.timeoutSeconds = i < 0 ? nil : i
        }
        return result
    }
}
