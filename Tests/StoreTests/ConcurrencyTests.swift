import Foundation
import Testing
@testable import Store

@Suite struct ConcurrencyTests {
    @Test func twoConnectionsAppendingAtOnceLoseNothing() async throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let path = folder.path("shared.db")
        do {
            let store = try ExperimentStore(path: path)
            try store.createExperiment(Sample.experiment(id: "a", runs: 500))
            try store.createExperiment(Sample.experiment(id: "b", runs: 500))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ["a", "b"] {
                group.addTask {
                    let store = try ExperimentStore(path: path)
                    for i in 0..<500 { try store.appendTrace(Sample.trace(i, experiment: id), experimentID: id) }
                }
            }
            // A reader polling while both write must never see an error either.
            group.addTask {
                let reader = try ExperimentStore(path: path, mode: .readOnly)
                for _ in 0..<50 { _ = try reader.database.scalarInt("SELECT count(*) FROM traces") }
            }
            try await group.waitForAll()
        }
        let store = try ExperimentStore(path: path)
        #expect(try store.database.scalarInt("SELECT count(*) FROM traces") == 1000)
        #expect(try store.database.scalarInt("SELECT count(*) FROM observations") == 3000)
        #expect(try store.experiment(id: "a")?.executedRuns == 500)
        #expect(try store.experiment(id: "b")?.executedRuns == 500)
        #expect(try store.database.scalarText("PRAGMA integrity_check") == "ok")
    }

    @Test func twoProcessesAppendingAtOnceLoseNothing() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let path = folder.path("shared.db")
        let tool = try #require(BuildProducts.executable("fluxloop-store-bench"), "build the fluxloop-store-bench product first")
        var processes: [Process] = []
        let log = folder.url.appending(path: "stderr.txt")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        for id in ["p1", "p2"] {
            let process = Process()
            process.executableURL = tool
            process.arguments = ["append", "--db", path, "--experiment", id, "--traces", "2000"]
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
            processes.append(process)
        }
        for process in processes { process.waitUntilExit() }
        let message = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "\(message)")
        #expect(!message.contains("locked"))
        let store = try ExperimentStore(path: path, mode: .readOnly)
        #expect(try store.database.scalarInt("SELECT count(*) FROM traces") == 4000)
        #expect(try store.database.scalarInt("SELECT count(DISTINCT trace_id) FROM traces") == 4000)
        #expect(try store.database.scalarInt("SELECT count(*) FROM turns") == 8000)
        #expect(try store.database.scalarText("PRAGMA integrity_check") == "ok")
    }
}

/// Executables built next to the test bundle.
enum BuildProducts {
    static func executable(_ name: String) -> URL? {
        var folder = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = folder.appending(path: name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return nil
    }
}
