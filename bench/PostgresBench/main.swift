import Core
import Foundation
import Store
import TeamStore

// fluxloop-pg-bench URL [RUNS] [BATCH]: RUNS trivial runs appended to a new experiment through the backend that
// `run experiment` uses (one transaction and one COPY per batch), then the experiment finished and exported.
// Prints runs/s for the writes and the export time.
let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: fluxloop-pg-bench URL [RUNS] [BATCH]\n".utf8))
    exit(2)
}
let locator = arguments[1]
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 100_000 : 100_000
let batch = arguments.count > 3 ? Int(arguments[3]) ?? 500 : 500

do {
    let store = try Backends.open(locator)
    let id = UUID().uuidString.lowercased()
    try store.createExperiment(ExperimentRecord(id: id, name: "bench", startedAt: Timestamp.now(), plannedRuns: runs,
                                                configJSON: #"{"name": "bench"}"#, toolVersion: "bench"))
    let stamp = Timestamp.now()
    // Encoded outside the timed part, as workers encode their runs before the writer sees them.
    var traces: [EncodedTrace] = []
    traces.reserveCapacity(runs)
    for index in 0..<runs {
        let failed = index % 10 == 0
        let record = TraceRecord(
            traceID: UUID().uuidString.lowercased(), runIndex: index, iteration: index % 3, persona: "p\(index % 4)",
            inputIndex: index % 50, input: "input number \(index % 50)", output: "reply \(index)",
            success: !failed, errorType: failed ? "ValueError" : nil, errorMessage: failed ? "boom" : nil,
            durationMs: Double(index % 97) + 0.5, startedAt: stamp, endedAt: stamp)
        traces.append(try EncodedTrace(record))
    }
    let start = Date()
    var offset = 0
    while offset < runs {
        let end = min(runs, offset + batch)
        try store.appendTraces(Array(traces[offset..<end]), experimentID: id)
        offset = end
    }
    let writing = Date().timeIntervalSince(start)
    try store.finishExperiment(id: id, status: .completed, completedAt: Timestamp.now())
    let exportStart = Date()
    let folder = FileManager.default.temporaryDirectory.appending(path: "pg-bench-\(id)")
    try store.exportExperiment(id: id, to: folder)
    let exporting = Date().timeIntervalSince(exportStart)
    try? FileManager.default.removeItem(at: folder)
    print(String(format: "%d runs in batches of %d: %.2f s, %.0f runs/s; export %.2f s (experiment %@)",
                 runs, batch, writing, Double(runs) / writing, exporting, id))
} catch {
    FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
    exit(1)
}
