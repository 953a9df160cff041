import Core
import Foundation
import Store
import Testing

/// Scores during `run experiment`, `fluxloop evaluate` (rule-based and LLM judges), and the statistical gates of
/// `query compare`, with seeded flaky agents: real SQLite files, real `fluxloop` and Python processes.
@Suite(.serialized) struct ScoringTests {
    /// Answers `question N`; `AGENT_MODE` makes it wrong once (flake) or always on 8 of 20 inputs (regress), chosen
    /// by `random.Random(seed)` over (input, iteration) so every run of the test is the same.
    static let agent = #"""
        import os, random


        def run(input_text: str, iteration: int = 0):
            mode = os.environ.get("AGENT_MODE", "clean")
            index = int(input_text.split()[-1])
            seed = int(os.environ.get("AGENT_SEED", "7"))
            wrong = False
            if mode == "flake":
                chosen = random.Random(seed)
                wrong = (index, iteration) == (chosen.randrange(20), chosen.randrange(10))
            elif mode == "regress":
                wrong = index in random.Random(seed).sample(range(20), 8)
            return "WRONG answer" if wrong else "The answer to question %d" % index
        """#

    static let evaluation = """
        evaluators:
          - name: not_wrong
            type: rule_based
            enabled: true
            weight: 1.0
            rules:
              - check: not_contains
                target: output
                keywords: ["WRONG"]
          - name: answers
            type: rule_based
            enabled: true
            weight: 1.0
            rules:
              - check: output_not_empty
        aggregate:
          method: weighted_sum
          threshold: 0.9
        """

    static func project(iterations: Int = 10, evaluation: String = evaluation) throws -> TestProject {
        let project = try TestProject()
        try project.write("agent.py", agent)
        let inputs = (0..<20).map { "  - input: \"question \($0)\"" }.joined(separator: "\n")
        try project.configure(simulation: "name: scored\niterations: \(iterations)\nrunner: {target: \"agent:run\"}\n",
                              input: "base_inputs:\n\(inputs)\n")
        try project.write("configs/evaluation.yaml", evaluation)
        return project
    }

    static func run(_ project: TestProject, mode: String) throws {
        let result = try project.run(["run", "experiment", "--yes"], environment: ["AGENT_MODE": mode])
        #expect(result.status == 0, "\(result.output)")
    }

    static func json(_ result: ToolResult) throws -> JSON { try JSON.parse(result.stdout) }

    @Test func aSingleFlakeIsNoSignificantChangeButEightAlwaysFailingInputsRegress() throws {
        let project = try Self.project()
        defer { project.cleanup() }
        try Self.run(project, mode: "clean")
        try Self.run(project, mode: "flake")
        try Self.run(project, mode: "regress")

        // Scores were committed with the runs: every run has its two evaluator scores in the latest scoring.
        let store = try project.store()
        let experiments = try store.experiments()
        #expect(experiments.count == 3)
        for e in experiments {
            let scores = try store.traceScores(experimentID: e.id)
            #expect(scores.count == 200)
            #expect(scores.values.allSatisfy { $0.evaluators.map(\.evaluator) == ["not_wrong", "answers"] })
            #expect(try store.evaluations(experimentID: e.id).count == 1)
        }
        let flaky = try project.run(["query", "compare", "latest~2", "latest~1", "--fail-on-regression", "--format", "json"])
        #expect(flaky.status == 0, "\(flaky.output)")
        let flakyStats = try #require(try Self.json(flaky)["statistics"])
        #expect(flakyStats["verdict"]?.stringValue == "no significant change")
        #expect(flakyStats["unit"]?.stringValue == "input" && flakyStats["inputs"]?.intValue == 20)
        #expect(flakyStats["pass_rate_b"]?.doubleValue == 0.995)
        #expect(try Self.json(flaky)["flipped"]?["to_fail"]?.arrayValue?.count == 1)
        #expect(try Self.json(flaky)["regressions"]?.arrayValue?.first?["significant"] == .bool(false))

        let strict = try project.run(["query", "compare", "latest~2", "latest~1", "--fail-on-any-flip", "--format", "json"])
        #expect(strict.status == 3, "\(strict.output)")

        let regressed = try project.run(["query", "compare", "latest~2", "latest", "--fail-on-regression", "--format", "json"])
        #expect(regressed.status == 3, "\(regressed.output)")
        let stats = try #require(try Self.json(regressed)["statistics"])
        #expect(stats["verdict"]?.stringValue == "regressed")
        #expect(stats["delta"]?.doubleValue == -0.4)
        // The sign test over the 8 inputs that changed, all down: 2 × 0.5^8.
        #expect(abs((stats["sign_test_p"]?.doubleValue ?? 0) - 2 * pow(0.5, 8)) < 1e-12)
        let ci = (stats["ci95"]?.arrayValue ?? []).compactMap { $0.doubleValue }
        #expect(ci.count == 2 && ci[1] < 0 && ci[0] <= -0.4 && ci[1] >= -0.4)
        let regressions = try #require(try Self.json(regressed)["regressions"]?.arrayValue)
        #expect(regressions.count == 8 && regressions.allSatisfy { $0["significant"] == .bool(true) && $0["p_value"]?.doubleValue != nil })

        let table = try project.run(["query", "compare", "latest~2", "latest", "--format", "table"])
        #expect(table.stdout.contains("regressed: Δ pass rate -0.400 (95% CI"))

        // Pass rates, scores in traces, consistency.
        let history = try #require(try Self.json(try project.run(["query", "experiments", "--format", "json"])).arrayValue)
        #expect(history.compactMap { $0["pass_rate"]?.doubleValue } == [0.6, 0.995, 1.0])
        let traces = try #require(try Self.json(try project.run(["query", "traces", "latest", "--format", "json"])).arrayValue)
        let wrong = try #require(traces.first { $0["output"]?.stringValue == "WRONG answer" })
        #expect(wrong["scores"]?["not_wrong"]?.doubleValue == 0 && wrong["final_score"]?.doubleValue == 0.5)
        #expect(wrong["pass"] == .bool(false) && wrong["reasons"]?["not_wrong"]?.arrayValue?.count == 1)
        let consistency = try #require(try Self.json(try project.run(
            ["query", "consistency", "latest~1", "--k", "3", "--baseline", "latest~2", "--format", "json"])).arrayValue)
        let flake = try #require(consistency.first { $0["class"]?.stringValue == "flaky" })
        #expect(flake["pass_at_k"]?.doubleValue == 1 && flake["pass_hat_k"]?.doubleValue == 0.7)
        #expect(flake["class_changed"] == .bool(true) && flake["baseline_class"]?.stringValue == "always")
        #expect(consistency.filter { $0["class"]?.stringValue == "always" }.count == 19)
    }

    @Test func anInvalidEvaluationConfigWritesNothing() throws {
        let project = try Self.project(iterations: 1, evaluation: """
            evaluators:
              - name: bad
                type: rule_based
                rules:
                  - check: does_not_exist
            """)
        defer { project.cleanup() }
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("configs/evaluation.yaml") && result.stderr.contains("line"))
        #expect(project.experimentFolders().isEmpty)
        if FileManager.default.fileExists(atPath: project.database) { #expect(try project.store().experiments().isEmpty) }
    }

    @Test func evaluateRescoresAndKeepsHistory() throws {
        let project = try Self.project(iterations: 2)
        defer { project.cleanup() }
        try Self.run(project, mode: "regress")
        try project.write("strict.yaml", Self.evaluation.replacingOccurrences(of: "threshold: 0.9", with: "threshold: 0.4"))
        let rescored = try project.run(["evaluate", "latest", "--config", "strict.yaml"])
        #expect(rescored.status == 0, "\(rescored.output)")
        #expect(rescored.stdout.contains("Pass rate: 100.0%") && rescored.stdout.contains("not_wrong: mean 0.600"))
        let store = try project.store()
        let id = try #require(try store.experiments().first?.id)
        let history = try store.evaluations(experimentID: id)
        #expect(history.count == 2 && history.map(\.threshold) == [0.9, 0.4])
        #expect(history[1].configYAML.contains("threshold: 0.4") && history.allSatisfy { $0.completedAt != nil })
        // The same config through `evaluate` (reading the export) scores exactly as the run did.
        #expect(try project.run(["evaluate", "latest"]).status == 0)
        let runScores = try store.traceScores(experimentID: id, evaluationID: history[0].id)
        #expect(try store.traceScores(experimentID: id) == runScores)
        let bad = try project.run(["evaluate", "latest", "--config", "missing.yaml"])
        #expect(bad.status == 2 && bad.stderr.contains("missing.yaml"))
        #expect(try store.evaluations(experimentID: id).count == 3)
    }

    @Test func llmJudgesAreCountedCachedLimitedAndKeyless() throws {
        let key = "sk-test-\(UUID().uuidString)"
        let project = try Self.project(iterations: 1, evaluation: """
            evaluators:
              - name: quality
                type: llm_judge
                enabled: true
                weight: 1.0
                model: gpt-judge
                prompt_template: "Rate this answer to {input}: {output}"
                max_score: 10
                parser: first_number_1_10
            aggregate:
              threshold: 0.5
            limits:
              max_llm_calls: 15
            """)
        defer { project.cleanup() }
        try Self.run(project, mode: "clean")
        #expect(try project.store().evaluations(experimentID: project.store().experiments()[0].id).isEmpty)
        let server = try MultiTurnTests.FakeProvider([MultiTurnTests.reply("Score: 8. Good answer.")], folder: project.folder.deletingLastPathComponent())
        let env = ["OPENAI_API_KEY": key, "OPENAI_BASE_URL": server.baseURL]
        let first = try project.run(["evaluate", "latest", "--judges"], environment: env)
        #expect(first.status == 0, "\(first.output)")
        #expect(try server.requests().count == 15)
        #expect(first.stdout.contains("15 LLM calls"))
        // Re-scoring: the 15 judged outputs come from the cache, the budget covers the 5 others.
        let second = try project.run(["evaluate", "latest", "--judges"], environment: env)
        #expect(second.status == 0, "\(second.output)")
        #expect(try server.requests().count == 20)
        let third = try project.run(["evaluate", "latest", "--judges"], environment: env)
        #expect(try server.requests().count == 20 && third.stdout.contains("0 LLM calls"), "\(third.output)")
        let store = try project.store()
        let id = try store.experiments()[0].id
        #expect(try store.evaluations(experimentID: id).map(\.llmCalls) == [15, 5, 0])
        #expect(try store.traceScores(experimentID: id).values.allSatisfy { $0.finalScore == 0.8 && $0.pass })
        #expect(try server.requests().allSatisfy { $0["headers"]?["Authorization"]?.stringValue == "Bearer \(key)" })
        // The key is on no file the tool wrote, nor in its output.
        #expect(try project.run(["query", "export", "latest", "--format", "json"]).status >= 0)
        for output in [first, second, third] { #expect(!output.output.contains(key)) }
        let files = FileManager.default.enumerator(at: project.folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where !file.hasDirectoryPath {
            let bytes = (try? Data(contentsOf: file)) ?? Data()
            #expect(bytes.range(of: Data(key.utf8)) == nil, "\(file.path) holds the key")
        }
        // A missing key is a usage error before any call.
        let keyless = try project.run(["evaluate", "latest", "--judges"], environment: ["OPENAI_API_KEY": "", "OPENAI_BASE_URL": server.baseURL])
        #expect(keyless.status == 2 && keyless.stderr.contains("OPENAI_API_KEY"))
    }
}
