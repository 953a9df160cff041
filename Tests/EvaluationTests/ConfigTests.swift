import Core
import Foundation
import Testing
import TestSupport
@testable import Evaluation

@Suite struct ConfigTests {
    @Test func readsTheReferenceProjectsFiles() throws {
        guard try ReferenceProjects.available() else { return }
        let reference = ReferenceProjects.folder
        let folders = try FileManager.default.contentsOfDirectory(atPath: reference.path)
        for folder in folders {
            let url = reference.appendingPathComponent(folder).appendingPathComponent("configs/evaluation.yaml")
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let parsed = try EvaluationConfig.load(contentsOf: url, display: "configs/evaluation.yaml")
            #expect(parsed.evaluators.map(\.name) == ["not_empty"])
            #expect(parsed.aggregate.threshold == 0.5 && parsed.aggregate.method == .weightedSum)
        }
    }

    @Test func readsEverySection() throws {
        let c = try config("""
            evaluators:
              - name: judge
                type: llm_judge
                weight: 2
                model: gpt-4o-mini
                prompt_template: "Rate {output} for {input}. {{json}}"
                max_score: 5
                parser: first_number_1_10
                model_parameters: {temperature: 0}
              - name: off
                type: rule_based
                enabled: false
                rules: [{check: success}]
            aggregate: {method: average, threshold: 0.7, by_persona: true}
            limits: {sample_rate: 1.5, max_llm_calls: -3, timeout_seconds: 30, cache: judge.jsonl}
            report: {style: quick}
            """)
        #expect(c.evaluators.count == 2 && c.enabledEvaluators.map(\.name) == ["judge"])
        guard case let .llmJudge(j) = c.evaluators[0].kind else { Issue.record("not a judge"); return }
        #expect(j.model == "gpt-4o-mini" && j.maxScore == 5 && j.parser == .firstNumber1to10 && j.modelParameters.count == 1)
        #expect(c.evaluators[0].weight == 2)
        #expect(c.aggregate.method == .average && c.aggregate.threshold == 0.7 && c.aggregate.byPersona)
        #expect(c.limits.sampleRate == 1 && c.limits.maxLLMCalls == 0 && c.limits.timeoutSeconds == 30)
        #expect(c.hasJudges && !c.hasRuleBased)
    }

    /// Each bad file names the file, the line of the mistake and the fix, with exit status 2.
    @Test(arguments: [
        ("evaluators:\n  - name: a\n    type: rule_based\n    rules:\n      - check: output_empty\n", 5, "unknown check 'output_empty'"),
        ("evaluators:\n  - name: a\n    type: rule_based\n    rules:\n      - check: matches_regex\n        pattern: \"(unclosed\"\n", 6, "not a valid regular expression"),
        ("evaluators:\n  - name: a\n    type: rule_based\n    rules:\n      - check: matches_regex\n", 5, "needs a 'pattern'"),
        ("evaluators:\n  - name: a\n    type: rule_based\n    rules:\n      - check: latency_under\n        budget_ms: fast\n", 6, "'budget_ms' must be a number"),
        ("evaluators:\n  - name: a\n    type: rule_based\n    rules:\n      - check: contains\n", 5, "needs 'keywords'"),
        ("evaluators:\n  - name: a\n    type: rule_based\n    rules:\n      - check: contains\n        keywords: [a]\n        case_sensitive: \"no\"\n", 7, "'case_sensitive' must be true or false"),
        ("evaluators:\n  - name: a\n    type: rule_based\n    rules:\n      - check: similarity\n", 5, "needs 'expected_path'"),
        ("evaluators:\n  - name: a\n    type: rule_based\n    rules:\n      - check: token_usage_under\n", 5, "needs a budget"),
        ("evaluators:\n  - name: a\n    type: rule_based\n    rules:\n      - check: token_usage_under\n        max_total_tokens: 0\n", 6, "must be greater than 0"),
        ("evaluators:\n  - name: a\n    type: rule_based\n    rules:\n      - check: success\n        budget: 3\n", 6, "has no parameter 'budget'"),
        ("evaluators:\n  - name: a\n    type: rule_base\n", 3, "unknown type 'rule_base'"),
        ("evaluators:\n  - name: a\n    type: rule_based\n    weight: heavy\n", 4, "'weight' must be a number"),
        ("evaluators:\n  - name: a\n    type: llm_judge\n    prompt_template: x\n", 2, "has no 'model'"),
        ("evaluators:\n  - name: a\n    type: llm_judge\n    model: m\n    prompt_template: \"score {output\"\n", 5, "never closed"),
        ("evaluators:\n  - name: a\n    type: llm_judge\n    model: m\n    prompt_template: x\n    parser: json\n", 6, "unknown parser 'json'"),
        ("evaluators:\n  - name: a\n    type: rule_based\n  - name: a\n    type: rule_based\n", 4, "a second evaluator is named 'a'"),
        ("aggregate:\n  method: median\n", 2, "'aggregate.method' is 'median'"),
        ("limits:\n  max_llm_calls: 2.5\n", 2, "'max_llm_calls' must be a whole number"),
        ("evaluators:\n  - name: a\n   type: x\n", 3, "not valid YAML"),
    ])
    func rejectsWithFileLineAndFix(yaml: String, line: Int, problem: String) {
        do {
            _ = try config(yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.exitStatus == .usage)
            #expect(error.line == line, "\(error.userMessage)")
            #expect(error.userMessage.hasPrefix("configs/evaluation.yaml line \(line): "), "\(error.userMessage)")
            #expect(error.userMessage.contains(problem), "\(error.userMessage)")
            #expect(error.userMessage.contains(" — "), "no fix in \(error.userMessage)")
        }
    }
}
