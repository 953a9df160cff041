import Evaluation
import Foundation

// Times `compare` with statistics over 2 × 100,000 runs (10,000 inputs × 10 iterations, from one row per
// run) and rule-based scoring of 100,000 runs with 5 evaluators. Usage: fluxloop-evaluation-bench [inputs] [iterations]
let arguments = CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("--") }.compactMap { Int($0) }
let inputs = arguments.first ?? 10_000
let iterations = arguments.dropFirst().first ?? 10

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

var rng = SplitMix64(seed: 42)
let keys = (0..<inputs).map { InputKey(input: "question number \($0) about returns and shipping", persona: $0 % 3 == 0 ? "novice" : "expert") }
var rowsA: [(key: InputKey, passed: Bool)] = [], rowsB: [(key: InputKey, passed: Bool)] = []
for key in keys {
    let p = rng.nextDouble()
    for _ in 0..<iterations {
        rowsA.append((key, rng.nextDouble() < p))
        rowsB.append((key, rng.nextDouble() < p - 0.02))
    }
}
var statistics: ComparisonStatistics?
var groupTime = 0.0, compareTime = 0.0
for _ in 0..<3 {
    var a: [InputKey: PassCount] = [:], b: [InputKey: PassCount] = [:]
    groupTime = seconds { a = PassCounts.group(rowsA); b = PassCounts.group(rowsB) }
    compareTime = seconds { statistics = Comparison.compare(a: a, b: b) }
}
let s = statistics!
print(String(format: "compare %d inputs x %d iterations x 2: grouping %.3f s, statistics (10,000 resamples) %.3f s, total %.3f s",
             inputs, iterations, groupTime, compareTime, groupTime + compareTime))
print("  delta \(s.delta) ci95 [\(s.ci95.low), \(s.ci95.high)] sign p \(s.signTestP) verdict \(s.verdict.rawValue)")

let yaml = """
evaluators:
  - {name: not_empty, type: rule_based, rules: [{check: output_not_empty}]}
  - {name: keywords, type: rule_based, rules: [{check: contains, keywords: [refund, days]}, {check: not_contains, keywords: [sorry]}]}
  - {name: format, type: rule_based, rules: [{check: matches_regex, pattern: "\\\\d+ days"}]}
  - {name: latency, type: rule_based, rules: [{check: latency_under, budget_ms: 50}]}
  - {name: ok, type: rule_based, rules: [{check: success}]}
aggregate: {threshold: 0.8}
"""
let config = try EvaluationConfig.parse(yaml, file: "bench.yaml")
let traces = (0..<100_000).map { i in
    EvaluationTrace(traceID: "t\(i)", input: "How do I return a book?", output: .string("Refunds take \(i % 40) days for item \(i)."),
                    durationMs: Double(i % 100), success: i % 17 != 0)
}
var passed = 0
let scoreTime = seconds { for t in traces where config.score(t).passed { passed += 1 } }
print(String(format: "rule-based scoring of 100,000 runs with 5 evaluators: %.3f s (%.1f µs per run), %d passed", scoreTime, scoreTime * 10, passed))

if CommandLine.arguments.contains("--parts") {
    for line in yaml.split(separator: "\n") where line.contains("name:") {
        let one = try EvaluationConfig.parse("evaluators:\n" + line, file: "one.yaml")
        let t = seconds { for trace in traces { _ = one.score(trace) } }
        print(String(format: "  %@: %.1f µs per run", one.evaluators[0].name, t * 1e6 / 100_000))
    }
}
if CommandLine.arguments.contains("--parts") {
    let deltas = (0..<inputs).map { _ in Double(Int(rng.next() % 21) - 10) / 10 }
    var ci = (low: 0.0, high: 0.0)
    let t = seconds { ci = PairedBootstrap.interval(deltas, resamples: 10_000, seed: 1, confidence: 0.95) }
    print(String(format: "  bootstrap alone over %d inputs: %.3f s [%f, %f]", inputs, t, ci.low, ci.high))
}
