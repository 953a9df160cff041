// Store benchmark and multi-process writer.
//   fluxloop-store-bench bench [--traces N] [--batch K] [--only single|batched|writer|export] [--writer 1]
//       append N traces (3 observations, 2 turns each) with a commit per trace and in batches, then export.
//       As in the runner, a producer thread encodes traces while the writer inserts; the batched figure is also
//       given with encoding on the writer, and with --writer for the writer alone. Ends with the size of the
//       commit-per-trace database against its exported folder. --page-size B creates the databases with
//       B-byte pages instead of the store's default (to compare candidates); --keep keeps the files.
//   fluxloop-store-bench append --db PATH --experiment ID --traces N   one writer process (used by the tests)
import Foundation
import Store

func option(_ name: String, _ fallback: String? = nil) -> String? {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return fallback
}

func trace(_ i: Int, experiment: String) -> TraceRecord {
    let traceID = "\(experiment)-\(i)"
    let agent = traceID + "-a"
    let input = "How do I return a damaged book? #\(i)"
    let output = "Damaged books can be returned within 30 days for a full refund."
    return TraceRecord(
        traceID: traceID, runIndex: i, iteration: i / 100, persona: "novice_shopper", inputIndex: i % 100,
        input: input, output: output, success: true, durationMs: Double(i % 97) / 7.0,
        startedAt: "2026-11-27T10:00:00.000000Z", endedAt: "2026-11-27T10:00:00.001000Z",
        conversationState: #"{"turns": [{"role": "user", "content": "\#(input)"}, {"role": "assistant", "content": "\#(output)"}]}"#,
        turns: [
            TurnRecord(turnIndex: 1, role: "user", content: input, source: "input", metadata: #"{"persona": "novice_shopper"}"#),
            TurnRecord(turnIndex: 1, role: "assistant", content: output, source: "agent",
                       metadata: #"{"actions": ["agent:BookstoreAgent", "tool:classify_question", "generation:write_reply"]}"#),
        ],
        observations: [
            ObservationRecord(id: traceID + "-t", parentID: agent, type: "tool", name: "classify_question",
                              startTime: "2026-11-27T10:00:00.000100+00:00", endTime: "2026-11-27T10:00:00.000200+00:00",
                              input: #"{"question": "\#(input)"}"#, output: #"{"topic": "returns", "word_count": 7}"#,
                              metadata: #"{"description": "Classify a customer question"}"#),
            ObservationRecord(id: traceID + "-g", parentID: agent, type: "generation", name: "write_reply",
                              startTime: "2026-11-27T10:00:00.000300+00:00", endTime: "2026-11-27T10:00:00.000400+00:00",
                              input: #"{"topic": "returns"}"#, output: #""\#(output)""#, model: "canned-replies-v1"),
            ObservationRecord(id: agent, type: "agent", name: "BookstoreAgent",
                              startTime: "2026-11-27T10:00:00.000000+00:00", endTime: "2026-11-27T10:00:00.000500+00:00",
                              input: #"{"input_text": "\#(input)"}"#, output: #""\#(output)""#),
        ])
}

func experiment(_ id: String, runs: Int) -> ExperimentRecord {
    ExperimentRecord(id: id, name: "bench", startedAt: Timestamp.now(), plannedRuns: runs,
                     configJSON: #"{"name": "bench"}"#, configYAML: "name: bench\n", toolVersion: "bench")
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Encodes `records` on a producer thread, `batch` at a time, while `write` inserts the batches already encoded.
func pipelined(_ records: [TraceRecord], batch: Int, write: ([EncodedTrace]) throws -> Void) throws {
    let batches = (records.count + batch - 1) / batch
    let ready = NSCondition()
    nonisolated(unsafe) var slots = [[EncodedTrace]?](repeating: nil, count: batches)
    nonisolated(unsafe) var failure: Error?
    let producer = Thread {
        for b in 0..<batches {
            let encoded: [EncodedTrace]
            do {
                encoded = try records[(b * batch)..<min((b + 1) * batch, records.count)].map(EncodedTrace.init)
            } catch {
                ready.lock(); failure = error; ready.broadcast(); ready.unlock()
                return
            }
            ready.lock(); slots[b] = encoded; ready.signal(); ready.unlock()
        }
    }
    producer.start()
    for b in 0..<batches {
        ready.lock()
        while slots[b] == nil, failure == nil { ready.wait() }
        if let failure { ready.unlock(); throw failure }
        let encoded = slots[b]!
        slots[b] = nil
        ready.unlock()
        try write(encoded)
    }
}

/// Bytes of the regular files under `folder`.
func bytes(under folder: URL) -> Int {
    guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey])
    else { return 0 }
    var total = 0
    for case let file as URL in files {
        let values = try? file.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
        if values?.isRegularFile == true { total += values?.fileSize ?? 0 }
    }
    return total
}

/// Opens a store at `path`, first creating the file with `pageSize`-byte pages when one is given.
func store(_ path: String, pageSize: Int?) throws -> ExperimentStore {
    if let pageSize {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        let database = try Database(path: path)
        try database.execute("PRAGMA page_size = \(pageSize); PRAGMA journal_mode = WAL")
    }
    return try ExperimentStore(path: path)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

let mode = CommandLine.arguments.dropFirst().first ?? "bench"
do {
    switch mode {
    case "append":
        guard let path = option("--db"), let id = option("--experiment") else { fail("append needs --db and --experiment") }
        let count = Int(option("--traces", "1000")!) ?? 1000
        let store = try ExperimentStore(path: path)
        try store.createExperiment(experiment(id, runs: count))
        for i in 0..<count { try store.appendTrace(trace(i, experiment: id), experimentID: id) }
        try store.finishExperiment(id: id, status: .completed)
    case "bench":
        let count = Int(option("--traces", "100000")!) ?? 100_000
        let batch = Int(option("--batch", "1000")!) ?? 1000
        // --only single|batched|export: profile one part alone.
        let only = option("--only")
        let pageSize = option("--page-size").flatMap { Int($0) }
        let folder = FileManager.default.temporaryDirectory.appending(path: "fluxloop-store-bench-\(UUID().uuidString)")
        defer { if option("--keep") == nil { try? FileManager.default.removeItem(at: folder) } else { print("kept \(folder.path)") } }
        let records = (0..<count).map { trace($0, experiment: "one") }
        print("store benchmark: \(count) traces, 3 observations + 2 turns each, SQLite \(Database.sqliteVersion)")
        print("(as in the runner, traces are encoded by their producer on another thread while the writer inserts)")

        let single = try store(folder.appending(path: "single.db").path, pageSize: pageSize)
        try single.createExperiment(experiment("one", runs: count))
        if only == nil || only == "single" {
            let perTrace = try seconds {
                // Encoded a thousand at a time (handing over one at a time would measure thread wake-ups),
                // committed one by one.
                try pipelined(records, batch: 1000) { encoded in
                    for trace in encoded { try single.appendTraces([trace], experimentID: "one") }
                }
            }
            print(String(format: "commit per trace : %8.0f traces/s  (%.2f s)", Double(count) / perTrace, perTrace))
        } else if only == "export" {
            try single.appendTraces(records, experimentID: "one")
        }

        if only == nil || only == "batched" {
            let batched = try store(folder.appending(path: "batched.db").path, pageSize: pageSize)
            try batched.createExperiment(experiment("one", runs: count))
            let batchedTime = try seconds {
                try pipelined(records, batch: batch) { try batched.appendTraces($0, experimentID: "one") }
            }
            print(String(format: "batched (%5d)    : %8.0f traces/s  (%.2f s)", batch, Double(count) / batchedTime, batchedTime))
        }
        if option("--writer") != nil || only == "writer" {
            // The writer's own limit: every trace encoded before the clock starts.
            let alone = try store(folder.appending(path: "writer.db").path, pageSize: pageSize)
            try alone.createExperiment(experiment("one", runs: count))
            var encoded: [EncodedTrace] = []
            let encodeTime = try seconds { encoded = try records.map(EncodedTrace.init) }
            print(String(format: "  encoding alone (one thread):        %8.0f traces/s", Double(count) / encodeTime))
            let writerTime = try seconds {
                for start in stride(from: 0, to: count, by: batch) {
                    try alone.appendTraces(Array(encoded[start..<min(start + batch, count)]), experimentID: "one")
                }
            }
            print(String(format: "  writer alone (encoded beforehand): %8.0f traces/s", Double(count) / writerTime))
        }
        if only == nil {
            let inline = try store(folder.appending(path: "inline.db").path, pageSize: pageSize)
            try inline.createExperiment(experiment("one", runs: count))
            let inlineTime = try seconds {
                for start in stride(from: 0, to: count, by: batch) {
                    try inline.appendTraces(Array(records[start..<min(start + batch, count)]), experimentID: "one")
                }
            }
            print(String(format: "  same, encoding on the writer: %8.0f traces/s  (%.2f s)", Double(count) / inlineTime, inlineTime))
        }
        try single.finishExperiment(id: "one", status: .completed)

        if only == nil || only == "export" {
            var result = Exporter.Result()
            let exportTime = try seconds {
                result = try Exporter(database: single.database).export(experimentID: "one", to: folder.appending(path: "export"))
            }
            print(String(format: "export folder    : %8.0f traces/s  (%.2f s, %d traces, %d observations)",
                         Double(result.traces) / exportTime, exportTime, result.traces, result.observations))
            // The whole log copied back first, so the file holds everything.
            try single.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            let databaseBytes = ["single.db", "single.db-wal"].reduce(0) {
                $0 + ((try? FileManager.default.attributesOfItem(atPath: folder.appending(path: $1).path)[.size] as? Int) ?? 0)
            }
            let exportBytes = bytes(under: folder.appending(path: "export"))
            let pageBytes = try single.database.scalarInt("PRAGMA page_size") ?? 0
            print(String(format: "size             : database %.1f MB, export %.1f MB (%.2fx; %d-byte pages)",
                         Double(databaseBytes) / 1e6, Double(exportBytes) / 1e6, Double(databaseBytes) / Double(max(exportBytes, 1)), pageBytes))
        }
    default:
        fail("usage: fluxloop-store-bench bench [--traces N] [--batch K] | append --db PATH --experiment ID --traces N")
    }
} catch {
    fail("fluxloop-store-bench: \(error)")
}
