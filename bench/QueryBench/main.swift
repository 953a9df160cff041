// Query benchmark data and Store-level timings.
//   fluxloop-query-bench build --db PATH [--traces N] [--experiments K]
//       two experiments of N traces (ids bench-a, bench-b; 10 iterations of N/10 inputs, with regressions,
//       improvements, slower inputs and inputs in only one of them), then small experiments up to K in all
//   fluxloop-query-bench time --db PATH [--repeat R]
//       medians of the Store calls behind `query experiments`, `compare` and `export`
//   fluxloop-query-bench profile --db PATH
//       the SQL reads behind `compare`, one by one, for finding where its time goes
import Core
import Foundation
import Store

func option(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return fallback
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

/// Run `i` of an experiment with `inputs` inputs per iteration; `variant` 1 is the "after" experiment.
func trace(_ i: Int, inputs: Int, experiment: String, variant: Int) -> TraceRecord {
    let iteration = i / inputs
    // The after experiment drops the first 100 inputs and adds 100 new ones.
    let inputNumber = i % inputs + (variant == 1 ? 100 : 0)
    let input = "How do I return a damaged book? #\(inputNumber)"
    let regressed = variant == 1 && inputNumber % 100 == 7 && iteration == 3
    let improved = variant == 0 && inputNumber % 100 == 11 && iteration == 5
    let failed = regressed || improved
    let slow = variant == 1 && inputNumber % 100 == 23
    let output = variant == 1 && inputNumber % 50 == 0 ? "Returns take 30 days." : "Damaged books can be returned within 30 days."
    let traceID = "\(experiment)-\(i)"
    let agent = traceID + "-a"
    return TraceRecord(
        traceID: traceID, runIndex: i, iteration: iteration, persona: "novice_shopper", inputIndex: i % inputs,
        input: input, output: failed ? nil : output, success: !failed,
        errorType: failed ? "ValueError" : nil, errorMessage: failed ? "no stock" : nil,
        durationMs: (slow ? 180.0 : 20.0) + Double(i % 97) / 7.0,
        startedAt: "2026-11-27T10:00:00.000000Z", endedAt: "2026-11-27T10:00:00.020000Z",
        conversationState: #"{"turns": [{"role": "user", "content": "\#(input)"}, {"role": "assistant", "content": "\#(output)"}]}"#,
        turns: [
            TurnRecord(turnIndex: 1, role: "user", content: input, source: "input", metadata: #"{"persona": "novice_shopper"}"#),
            TurnRecord(turnIndex: 1, role: "assistant", content: failed ? "" : output, source: "agent",
                       metadata: #"{"actions": ["agent:BookstoreAgent", "tool:classify_question", "generation:write_reply"]}"#),
        ],
        observations: [
            ObservationRecord(id: traceID + "-t", parentID: agent, type: "tool", name: "classify_question",
                              startTime: "2026-11-27T10:00:00.000100+00:00", endTime: "2026-11-27T10:00:00.000200+00:00",
                              input: #"{"question": "\#(input)"}"#, output: #"{"topic": "returns", "word_count": 7}"#,
                              metadata: #"{"description": "Classify a customer question"}"#),
            ObservationRecord(id: traceID + "-g", parentID: agent, type: "generation", name: "write_reply",
                              startTime: "2026-11-27T10:00:00.000300+00:00", endTime: "2026-11-27T10:00:00.000400+00:00",
                              input: #"{"topic": "returns"}"#, output: JSON.string(output).text, model: "canned-replies-v1"),
            ObservationRecord(id: agent, type: "agent", name: "BookstoreAgent",
                              startTime: "2026-11-27T10:00:00.000000+00:00", endTime: "2026-11-27T10:00:00.000500+00:00",
                              input: #"{"input_text": "\#(input)"}"#, output: failed ? nil : JSON.string(output).text,
                              error: failed ? "no stock" : nil),
        ])
}

func experiment(_ id: String, name: String, runs: Int, startedAt: String) -> ExperimentRecord {
    ExperimentRecord(id: id, name: name, startedAt: startedAt, plannedRuns: runs,
                     configJSON: #"{"name": "\#(name)", "iterations": 10}"#, configYAML: "name: \(name)\niterations: 10\n",
                     toolVersion: "bench")
}

func fill(_ store: ExperimentStore, id: String, name: String, runs: Int, inputs: Int, variant: Int, startedAt: String) throws {
    try store.createExperiment(experiment(id, name: name, runs: runs, startedAt: startedAt))
    var start = 0
    while start < runs {
        let end = min(start + 5000, runs)
        try store.appendTraces((start..<end).map { trace($0, inputs: inputs, experiment: id, variant: variant) }, experimentID: id)
        start = end
    }
    try store.finishExperiment(id: id, status: .completed, completedAt: startedAt)
}

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

let mode = CommandLine.arguments.dropFirst().first ?? "build"
let path = option("--db", "")
if path.isEmpty { fail("give --db PATH") }
do {
    switch mode {
    case "build":
        let traces = Int(option("--traces", "100000")) ?? 100_000
        let total = Int(option("--experiments", "1000")) ?? 1000
        try? FileManager.default.removeItem(atPath: path)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try ExperimentStore(path: path)
        let inputs = max(traces / 10, 1)
        let seconds = milliseconds {
            do {
                // Older history first, so the two big experiments are latest~1 and latest.
                for k in 0..<max(total - 2, 0) {
                    let day = String(format: "2026-%02d-%02dT09:00:00.000000Z", 1 + k / 28 % 9, 1 + k % 28)
                    try fill(store, id: String(format: "hist-%04d", k), name: "history-\(k % 20)", runs: 100, inputs: 10,
                             variant: k % 2, startedAt: day)
                }
                try fill(store, id: "bench-a", name: "bench", runs: traces, inputs: inputs, variant: 0,
                         startedAt: "2026-11-27T10:00:00.000000Z")
                try fill(store, id: "bench-b", name: "bench", runs: traces, inputs: inputs, variant: 1,
                         startedAt: "2026-11-27T11:00:00.000000Z")
            } catch { fail("\(error)") }
        } / 1000
        let count = try store.database.scalarInt("SELECT count(*) FROM traces") ?? 0
        print(String(format: "built %@: %d experiments, %d traces in %.1f s", path, total, count, seconds))
    case "time":
        let repeats = Int(option("--repeat", "5")) ?? 5
        let store = try ExperimentStore(path: path, mode: .readOnly)
        let folder = FileManager.default.temporaryDirectory.appending(path: "fluxloop-query-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var history: [Double] = [], compare: [Double] = [], export: [Double] = []
        var listed = 0, groups = 0, exported = 0
        for _ in 0..<repeats {
            history.append(try milliseconds { listed = try store.history().count })
            compare.append(try milliseconds {
                let records = try ["bench-a", "bench-b"].map { try store.resolveExperiment($0) }
                let statistics = try store.inputStatistics(experimentIDs: records.map(\.id))
                _ = zip(records, statistics).map { ExperimentOverview($0, inputs: $1) }
                groups = statistics.reduce(0) { $0 + $1.count }
            })
            export.append(try milliseconds {
                exported = try Exporter(database: store.database).export(experimentID: "bench-a", to: folder).traces
            })
        }
        print(String(format: "store history     (%4d experiments) median %7.1f ms", listed, median(history)))
        print(String(format: "store compare data (%d input groups) median %7.1f ms", groups, median(compare)))
        print(String(format: "store export      (%6d traces)      median %7.1f ms", exported, median(export)))
    case "profile":
        let store = try ExperimentStore(path: path, mode: .readOnly)
        for sql in ["SELECT input, persona, success, duration_ms, output FROM traces WHERE experiment_id = ? ORDER BY run_index",
                    "SELECT success, duration_ms FROM traces WHERE experiment_id = ? ORDER BY run_index",
                    "SELECT count(*), coalesce(sum(success), 0), avg(duration_ms) FROM traces WHERE experiment_id = ?",
                    "SELECT duration_ms FROM traces WHERE experiment_id = ? ORDER BY duration_ms LIMIT 1 OFFSET 95000"] {
            let statement = try store.database.prepare(sql)
            var times: [Double] = []
            for _ in 0..<3 { times.append(try milliseconds { try statement.forEachRow(["bench-a"]) { _ = $0.double(1) } }) }
            print(String(format: "%7.1f ms  %@", median(times), sql))
        }
        var times: [Double] = []
        for _ in 0..<3 { times.append(try milliseconds { _ = try store.inputStatistics(experimentID: "bench-a") }) }
        print(String(format: "%7.1f ms  inputStatistics", median(times)))
        times = []
        for _ in 0..<5 { times.append(try milliseconds { _ = try store.inputStatistics(experimentIDs: ["bench-a", "bench-b"]) }) }
        print(String(format: "%7.1f ms  inputStatistics of two, side by side (%@)", median(times), times.map { String(Int($0)) }.joined(separator: " ")))
        times = []
        for _ in 0..<3 { times.append(try milliseconds { _ = try store.overview(experimentID: "bench-a") }) }
        print(String(format: "%7.1f ms  overview", median(times)))
    default:
        fail("modes: build, time, profile")
    }
} catch {
    fail("\(error)")
}
