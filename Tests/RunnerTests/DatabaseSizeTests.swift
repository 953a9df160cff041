import Core
import Foundation
import Store
import Testing

/// The database stays no larger than the experiment folder it exports (issue 13): rows pack into large pages.
@Suite struct DatabaseSizeTests {
    /// Bytes of the exported data files (the HTML report is not part of FluxLoop's folder).
    private func exportBytes(_ folder: URL) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "report.html" }.reduce(0) {
            $0 + ((try FileManager.default.attributesOfItem(atPath: folder.appending(path: $1).path)[.size] as? Int) ?? 0)
        }
    }

    @Test func databaseOfTrivialRunsIsNoLargerThanItsExport() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("trivial3_agent")
        try project.configure(simulation: """
            name: size
            iterations: 3000
            runner:
              target: trivial3_agent:run
            base_inputs:
              - input: How do I return a damaged book?
            """)
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let folder = try #require(project.experimentFolders().first)
        // The run has ended, so its connection closed and the log is back in the file.
        let logBytes = (try? FileManager.default.attributesOfItem(atPath: project.database + "-wal")[.size] as? Int) ?? 0
        let databaseBytes = try #require(try FileManager.default.attributesOfItem(atPath: project.database)[.size] as? Int) + logBytes
        let exported = try exportBytes(folder)
        #expect(try project.lines(folder, "traces.jsonl").count == 3000)
        #expect(databaseBytes <= exported, "database \(databaseBytes) bytes, export \(exported) bytes")
        let database = try Database(path: project.database, mode: .readOnly)
        #expect(try database.scalarInt("PRAGMA page_size") == Database.newFilePageSize)
    }
}
