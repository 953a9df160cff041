extension ConfigReader {
    /// The parameters each check reads, for the "unknown parameter" hint.
    static let parameters: [String: [String]] = [
        "output_not_empty": ["target"],
        "contains": ["target", "keywords", "case_sensitive"],
        "not_contains": ["target", "keywords", "case_sensitive"],
        "matches_regex": ["target", "pattern", "flags"],
        "latency_under": ["budget_ms"],
        "token_usage_under": ["max_total_tokens", "max_prompt_tokens", "max_completion_tokens"],
        "similarity": ["target", "expected_path", "min_score"],
        "success": [],
    ]

    func rule(_ node: YNode, evaluator: String) throws(EvaluationConfigError) -> RuleDefinition {
        let known = RuleCheck.names.joined(separator: ", ")
        _ = try mapping(node, "a rule of evaluator '\(evaluator)'", "write each rule as `- check: NAME` with its parameters beside it")
        guard let checkNode = node["check"], !checkNode.isNull else {
            throw error(node.line, "a rule of evaluator '\(evaluator)' has no 'check'", "add `check:` with one of \(known)")
        }
        let check = try text(checkNode, "check", "use one of \(known)")
        guard let allowed = Self.parameters[check] else {
            throw error(checkNode.line, "unknown check '\(check)' in evaluator '\(evaluator)'", "use one of \(known)")
        }
        for entry in node.entries ?? [] where entry.key != "check" && !allowed.contains(entry.key) {
            let list = allowed.isEmpty ? "it takes no parameters" : "it takes " + allowed.joined(separator: ", ")
            throw error(entry.keyLine, "the \(check) check has no parameter '\(entry.key)'", "remove it or fix the spelling; \(list)")
        }
        let target = try node["target"].flatMap { n throws(EvaluationConfigError) in n.isNull ? nil : n }
            .map { n throws(EvaluationConfigError) in try text(n, "target", "name a field such as output, input or summary.raw.metadata.answer") } ?? "output"
        let caseSensitive = try node["case_sensitive"].flatMap { $0.isNull ? nil : $0 }
            .map { n throws(EvaluationConfigError) in try bool(n, "case_sensitive") } ?? false
        let rule: RuleCheck
        switch check {
        case "output_not_empty": rule = .outputNotEmpty(target: target)
        case "contains", "not_contains":
            let words = try keywords(node, check: check)
            rule = check == "contains" ? .contains(target: target, keywords: words, caseSensitive: caseSensitive)
                : .notContains(target: target, keywords: words, caseSensitive: caseSensitive)
        case "matches_regex":
            guard let p = node["pattern"], !p.isNull else {
                throw error(node.line, "the matches_regex check needs a 'pattern'", "add `pattern: \"order #\\\\d+\"` (a Python regular expression)")
            }
            let pattern = try text(p, "pattern", "give the regular expression as text")
            guard !pattern.isEmpty else { throw error(p.line, "the matches_regex 'pattern' is empty", "give a regular expression, e.g. `pattern: \"\\\\d+\"`") }
            var flags: [String] = []
            if let f = node["flags"], !f.isNull {
                for item in f.items ?? [f] {
                    let name = try text(item, "flags", "list flags among \(PythonRegex.flagNames.joined(separator: ", "))")
                    guard PythonRegex.flagNames.contains(name.uppercased()) else {
                        throw error(item.line, "unknown regex flag '\(name)'", "use \(PythonRegex.flagNames.joined(separator: ", "))")
                    }
                    flags.append(name)
                }
            }
            do {
                rule = .matchesRegex(target: target, pattern: pattern, regex: try PythonRegex(pattern: pattern, flags: flags))
            } catch {
                throw self.error(p.line, "the pattern \(p.shown) is not a valid regular expression",
                                 "fix the pattern (escape special characters such as ( [ + ? with a backslash; in double quotes write \\\\ for one backslash)")
            }
        case "latency_under":
            guard let b = node["budget_ms"], !b.isNull else {
                throw error(node.line, "the latency_under check needs 'budget_ms'", "add `budget_ms: 2000` (milliseconds)")
            }
            rule = .latencyUnder(budgetMs: try number(b, "budget_ms", "give milliseconds as a number, e.g. `budget_ms: 2000`"))
        case "token_usage_under":
            var budgets: [Double?] = []
            for key in ["max_total_tokens", "max_prompt_tokens", "max_completion_tokens"] {
                guard let n = node[key], !n.isNull else { budgets.append(nil); continue }
                let v = try number(n, key, "give a token count, e.g. `\(key): 1000`")
                guard v > 0 else { throw error(n.line, "'\(key)' must be greater than 0 (got \(n.shown))", "give a positive token count") }
                budgets.append(v)
            }
            guard budgets.contains(where: { $0 != nil }) else {
                throw error(node.line, "the token_usage_under check needs a budget", "add max_total_tokens, max_prompt_tokens or max_completion_tokens")
            }
            rule = .tokenUsageUnder(maxTotal: budgets[0], maxPrompt: budgets[1], maxCompletion: budgets[2])
        case "similarity":
            guard let e = node["expected_path"], !e.isNull else {
                throw error(node.line, "the similarity check needs 'expected_path'",
                            "name the field holding the expected answer, e.g. `expected_path: summary.raw.metadata.expected`")
            }
            let path = try text(e, "expected_path", "name a field such as summary.raw.metadata.expected")
            let minScore = try node["min_score"].flatMap { $0.isNull ? nil : $0 }
                .map { n throws(EvaluationConfigError) in try number(n, "min_score", "give a number between 0 and 1, e.g. `min_score: 0.6`") } ?? 0
            rule = .similarity(target: target, expectedPath: path, minScore: minScore)
        default: rule = .success
        }
        return RuleDefinition(check: check, rule: rule)
    }

    /// `keywords`: one text or a list of texts (numbers are compared as their text, as FluxLoop does).
    func keywords(_ node: YNode, check: String) throws(EvaluationConfigError) -> [String] {
        let fix = "list the words, e.g. `keywords: [refund, \"30 days\"]`"
        guard let k = node["keywords"], !k.isNull else { throw error(node.line, "the \(check) check needs 'keywords'", fix) }
        if let items = k.items {
            var words: [String] = []
            for item in items {
                guard item.entries == nil, item.items == nil, !item.isNull else {
                    throw error(item.line, "a keyword of the \(check) check is \(item.shown)", fix)
                }
                words.append(item.value.pythonText)
            }
            return words
        }
        if case let .string(s) = k.value { return [s] }
        throw error(k.line, "'keywords' must be text or a list of texts (got \(k.shown))", fix)
    }

    func judge(_ item: YNode, name: String) throws(EvaluationConfigError) -> JudgeSettings {
        guard let m = item["model"], !m.isNull else {
            throw error(item.line, "the llm_judge evaluator '\(name)' has no 'model'", "add `model: gpt-4o-mini` (or another model of your provider)")
        }
        let model = try text(m, "model", "name the model, e.g. gpt-4o-mini")
        guard let p = item["prompt_template"], !p.isNull else {
            throw error(item.line, "the llm_judge evaluator '\(name)' has no 'prompt_template'",
                        "add a prompt using {input} and {output}, asking for a score from 1 to 10")
        }
        let template = try text(p, "prompt_template", "write the prompt as text")
        if let problem = PromptTemplate.problem(in: template) {
            throw error(p.line, "the prompt_template of '\(name)' \(problem)", "write {{ and }} for literal braces; placeholders are \(PromptTemplate.placeholders.joined(separator: ", "))")
        }
        var maxScore = 10.0
        if let s = item["max_score"], !s.isNull {
            let v = try number(s, "max_score", "give the top of the judge's scale, e.g. `max_score: 10`")
            guard v >= 0 else { throw error(s.line, "'max_score' must not be negative (got \(s.shown))", "give the top of the judge's scale, e.g. 10") }
            if v != 0 { maxScore = v }
        }
        var parser = JudgeParser.firstNumber1to10
        if let s = item["parser"], !s.isNull {
            let text = try text(s, "parser", "use first_number_1_10")
            guard let p = JudgeParser(rawValue: text) else {
                throw error(s.line, "unknown parser '\(text)'", "use \(JudgeParser.allCases.map(\.rawValue).joined(separator: ", ")) (the parsers FluxLoop 0.2.30 has)")
            }
            parser = p
        }
        var parameters: [(String, EvalValue)] = []
        if let mp = item["model_parameters"], !mp.isNull {
            guard case let .object(members) = mp.value else {
                throw error(mp.line, "'model_parameters' is \(mp.shown), not a mapping", "write parameters such as `temperature: 0` under it")
            }
            parameters = members
        }
        return JudgeSettings(model: model, promptTemplate: template, maxScore: maxScore, parser: parser, modelParameters: parameters)
    }
}
