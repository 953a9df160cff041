import Foundation
import Testing
@testable import Evaluation

/// Our per-trace scores, final_score and pass equal FluxLoop 0.2.30's own `fluxloop parse experiment` +
/// `fluxloop evaluate experiment` on the same folder, for a config that uses every check.
@Suite struct FluxLoopParityTests {
    static let evaluationYAML = """
        evaluators:
          - name: not_empty
            type: rule_based
            weight: 1.0
            rules:
              - check: output_not_empty
          - name: keywords
            type: rule_based
            weight: 2
            rules:
              - check: contains
                keywords: [refund, days, Receipt]
              - check: not_contains
                keywords: [sorry, "cannot"]
                case_sensitive: false
          - name: format
            type: rule_based
            weight: 1.5
            rules:
              - check: matches_regex
                pattern: "\\\\d+ (business )?days"
                flags: [IGNORECASE]
          - name: speed
            type: rule_based
            weight: 0.5
            rules:
              - check: latency_under
                budget_ms: 40
              - check: token_usage_under
                max_total_tokens: 120
                max_completion_tokens: 50
          - name: close_to_expected
            type: rule_based
            weight: 1
            rules:
              - check: similarity
                expected_path: summary.raw.metadata.expected
                min_score: 0.7
          - name: ran
            type: rule_based
            weight: 0.25
            rules:
              - check: success
          - name: ignored
            type: rule_based
            weight: 0
            rules:
              - check: success
          - name: disabled
            type: rule_based
            enabled: false
            rules:
              - check: success
        aggregate:
          method: weighted_sum
          threshold: 0.72
          by_persona: true
        """

    /// A synthetic experiment folder: varied outputs, durations, failures, token usage in summaries and observations.
    static func writeExperiment(to folder: URL) throws -> [(summary: EvalValue, observations: [EvalValue])] {
        var rng = SplitMix64(seed: 2030)
        let outputs = ["Refunds take 30 days with a receipt.", "Sorry, I cannot help with that.", "", "Shipping takes 5-7 Business Days.",
                       "You can get a refund within 14 days.", "REFUND: 30 DAYS. Receipt required!", "   ", "ok"]
        let expected = ["Refunds take 30 days with a receipt.", "Refunds are possible within thirty days.", "Shipping takes 5 business days."]
        var traces: [(EvalValue, [EvalValue])] = []
        for i in 0..<40 {
            let id = "trace-\(i)"
            let failed = i % 9 == 4
            var summary: [(String, EvalValue)] = [
                ("trace_id", .string(id)), ("iteration", .int(i % 3)), ("persona", i % 4 == 0 ? .null : .string(["novice", "expert"][i % 2])),
                ("input", .string("Question \(i % 7)")),
                ("output", failed ? .null : .string(outputs[Int(rng.next() % UInt64(outputs.count))] + (i % 5 == 0 ? " Extra \(i)." : ""))),
                ("duration_ms", .double(Double(rng.next() % 100_000) / 997.0)), ("success", .bool(!failed)),
            ]
            if i % 3 != 2 { summary.append(("metadata", .object([("expected", .string(expected[i % 3]))]))) }
            if i % 4 == 1 { summary.append(("token_usage", .object([("prompt_tokens", .int(40 + i)), ("completion_tokens", .int(i * 2))]))) }
            var observations: [EvalValue] = []
            for k in 0..<(i % 3) {
                var obs: [(String, EvalValue)] = [("id", .string("\(id)-o\(k)")), ("type", .string("generation")), ("name", .string("llm")),
                                                  ("start_time", .string("2026-01-01T00:00:0\(k).000000+00:00")),
                                                  ("end_time", .string("2026-01-01T00:00:0\(k).500000+00:00"))]
                if i % 2 == 0 {
                    obs.append(("output", .object([("text", .string("x")), ("usage", .object([("prompt_tokens", .int(20 + k)), ("completion_tokens", .int(10 * k)), ("total_tokens", .int(30 + 11 * k))]))])))
                } else {
                    obs.append(("output", .string("plain")))
                }
                obs.append(("trace_id", .string(id)))
                observations.append(.object(obs))
            }
            traces.append((.object(summary), observations))
        }
        let summaryLines = traces.map { PythonJSON.dumps($0.0) }.joined(separator: "\n") + "\n"
        let observationLines = traces.flatMap { $0.1 }.map(PythonJSON.dumps).joined(separator: "\n") + "\n"
        try summaryLines.write(to: folder.appendingPathComponent("trace_summary.jsonl"), atomically: true, encoding: .utf8)
        try observationLines.write(to: folder.appendingPathComponent("observations.jsonl"), atomically: true, encoding: .utf8)
        return traces.map { (summary: $0.0, observations: $0.1) }
    }

    /// A virtualenv with fluxloop-cli 0.2.30, made once and reused; nil when PyPI cannot be reached.
    static func fluxloopExecutable() throws -> String? {
        let venv = FileManager.default.temporaryDirectory.appendingPathComponent("fluxloop-cli-0.2.30-venv")
        let exe = venv.appendingPathComponent("bin/fluxloop").path
        if FileManager.default.isExecutableFile(atPath: exe) { return exe }
        guard let python = python3() else { return nil }
        try? FileManager.default.removeItem(at: venv)
        let made = try run(python, ["-m", "venv", venv.path])
        guard made.status == 0 else { print("venv: \(made.output)"); return nil }
        let pip = try run(venv.appendingPathComponent("bin/pip").path,
                          ["install", "-q", "--disable-pip-version-check", "--timeout", "30", "fluxloop-cli==0.2.30"])
        guard pip.status == 0, FileManager.default.isExecutableFile(atPath: exe) else {
            print("pip install fluxloop-cli==0.2.30 failed: \(pip.output.suffix(600))")
            try? FileManager.default.removeItem(at: venv)
            return nil
        }
        return exe
    }

    @Test func scoresEqualFluxLoopEvaluate() throws {
        guard let fluxloop = try Self.fluxloopExecutable() else {
            let message = "SKIPPED FluxLoop parity: fluxloop-cli 0.2.30 could not be installed from PyPI"
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("\(message) (CI=true: this must run)") } else { print(message) }
            return
        }
        let folder = temporaryFolder(); defer { try? FileManager.default.removeItem(at: folder) }
        let experiment = folder.appendingPathComponent("experiment")
        try FileManager.default.createDirectory(at: experiment, withIntermediateDirectories: true)
        let traces = try Self.writeExperiment(to: experiment)
        let configURL = folder.appendingPathComponent("evaluation.yaml")
        try Self.evaluationYAML.write(to: configURL, atomically: true, encoding: .utf8)

        let parse = try run(fluxloop, ["parse", "experiment", experiment.path], in: folder)
        #expect(parse.status == 0, "\(parse.output)")
        let evaluate = try run(fluxloop, ["evaluate", "experiment", experiment.path, "--config", configURL.path], in: folder)
        #expect(evaluate.status == 0, "\(evaluate.output)")
        let perTrace = try String(contentsOf: experiment.appendingPathComponent("evaluation/per_trace.jsonl"), encoding: .utf8)
        let theirs = try perTrace.split(separator: "\n").map { try EvalValue.parseJSON(String($0)) }
        #expect(theirs.count == traces.count)

        let config = try EvaluationConfig.parse(Self.evaluationYAML, file: "evaluation.yaml")
        var passes = 0
        for (record, input) in zip(theirs, traces) {
            let ours = config.score(EvaluationTrace(summary: input.summary, observations: input.observations))
            #expect(record["trace_id"] == .string(ours.traceID))
            guard case let .object(scores)? = record["scores"] else { Issue.record("no scores"); continue }
            #expect(scores.map(\.0) == ours.scores.map(\.name))
            for (name, value) in scores {
                #expect(value.pythonNumber == ours.score(name), "\(ours.traceID) \(name)")
            }
            #expect(record["final_score"]?.pythonNumber == ours.finalScore, "\(ours.traceID) final_score")
            #expect(record["pass"] == .bool(ours.passed), "\(ours.traceID) pass")
            if ours.passed { passes += 1 }
            guard case let .object(reasons)? = record["reasons"] else { Issue.record("no reasons"); continue }
            #expect(reasons.map(\.0) == ours.reasons.map(\.name), "\(ours.traceID) reasons")
            for ((name, value), mine) in zip(reasons, ours.reasons) {
                let list: [String] = if case let .array(items) = value { items.map(\.pythonText) } else { [value.pythonText] }
                #expect(list == mine.reasons, "\(ours.traceID) \(name)")
            }
        }
        // The data set exercises both outcomes.
        #expect(passes > 0 && passes < traces.count)
    }
}
