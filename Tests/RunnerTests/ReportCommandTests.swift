import Core
import Foundation
import Store
import Testing

/// `run experiment` writes report.html; `fluxloop report` writes experiment and comparison reports on demand.
@Suite struct ReportCommandTests {
    @Test func runExperimentWritesTheReportUnlessAskedNotTo() throws {
        let project = try TestProject.reference("agent_errors"); defer { project.cleanup() }
        let first = try project.run(["run", "experiment", "--yes"])
        #expect(first.status == 0, "\(first.output)")
        let folder = try #require(project.experimentFolders().first)
        let report = folder.appending(path: "report.html")
        let html = try String(contentsOf: report, encoding: .utf8)
        #expect(first.stdout.contains("📊 Report: \(report.path(percentEncoded: false))"))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        // Every run counted, the failures grouped by their error and shown in detail.
        #expect(html.contains("InventoryError") && html.contains("ValueError"))
        #expect(html.contains("refunds are handled by a human agent"))
        #expect(!FileManager.default.fileExists(atPath: folder.appending(path: ".report.html.partial").path))

        let second = try project.run(["run", "experiment", "--yes", "--no-report"])
        #expect(second.status == 0, "\(second.output)")
        #expect(!second.stdout.contains("📊 Report"))
        let folders = project.experimentFolders()
        #expect(folders.count == 2)
        #expect(folders.filter { FileManager.default.fileExists(atPath: $0.appending(path: "report.html").path) } == [folder])
    }

    @Test func reportAndCompareWriteTheirDefaultFiles() throws {
        let project = try TestProject.reference("single_turn_basic"); defer { project.cleanup() }
        for _ in 0..<2 {
            let run = try project.run(["run", "experiment", "--yes", "--no-report"])
            #expect(run.status == 0, "\(run.output)")
        }
        let store = try project.store()
        let experiments = try store.experiments()
        let latest = try store.resolveExperiment("latest"), previous = try store.resolveExperiment("latest~1")
        #expect(experiments.count == 2)

        let report = try project.run(["report"])
        #expect(report.status == 0, "\(report.output)")
        let file = URL(fileURLWithPath: try #require(latest.outputDirectory)).appending(path: "report.html")
        #expect(FileManager.default.fileExists(atPath: file.path), "\(report.output)")
        #expect(report.stdout.contains("9 runs"))

        let compare = try project.run(["report", "latest", "--compare", "latest~1", "--detail-limit", "3"])
        #expect(compare.status == 0, "\(compare.output)")
        let name = "compare_\(previous.id.prefix(8))_\(latest.id.prefix(8)).html"
        let html = try String(contentsOf: project.experiments.appending(path: name), encoding: .utf8)
        #expect(html.contains("Comparison"))
        // Three pairs in detail, the others counted.
        #expect(html.contains("3 matched runs shown, regressions first; 6 left out."), "\(html.count) bytes")

        let custom = project.folder.appending(path: "out.html")
        let named = try project.run(["report", previous.id, "-o", "out.html"])
        #expect(named.status == 0, "\(named.output)")
        #expect(try String(contentsOf: custom, encoding: .utf8).contains(previous.id))
    }

    @Test func unknownExperimentsAndBadFilesSayWhatToDo() throws {
        let project = try TestProject.reference("single_turn_basic"); defer { project.cleanup() }
        let none = try project.run(["report"])
        #expect(none.status == 2)
        #expect(none.stderr.contains("Error: there is no fluxloop database"), "\(none.output)")
        #expect(try project.run(["run", "experiment", "--yes", "--no-report"]).status == 0)

        let unknown = try project.run(["report", "no-such-experiment"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no experiment matches 'no-such-experiment'"), "\(unknown.output)")
        #expect(unknown.stderr.contains("fluxloop query experiments"), "\(unknown.output)")

        let badBase = try project.run(["report", "--compare", "latest~5"])
        #expect(badBase.status == 2, "\(badBase.output)")

        let missingFolder = try project.run(["report", "-o", "nowhere/x.html"])
        #expect(missingFolder.status == 1)
        #expect(missingFolder.stderr.contains("does not exist"), "\(missingFolder.output)")

        let negative = try project.run(["report", "--detail-limit", "-1"])
        #expect(negative.status == 2, "\(negative.output)")
    }
}
