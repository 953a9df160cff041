import Foundation
import Testing
@testable import Report

@Suite struct ScaleTests {
    /// 100,000 runs (2,000 inputs x 50 iterations, 16 workers) streamed through the accumulator to a file.
    @Test func hundredThousandRunsStayUnderFiveMegabytes() throws {
        let clock = ContinuousClock()
        let start = clock.now
        var acc = ExperimentAccumulator(info: Synthetic.info("scale", start: 1_760_000_000), detailLimit: 200)
        let template = Synthetic.runs(variant: 0, iterations: 1)
        var t = 0.0
        for i in 0..<100_000 {
            var r = template[i % template.count]
            r.id = "s\(i)"
            r.input = "Synthetic question number \(i % 2000) about billing and accounts"
            r.iteration = i / 2000
            r.worker = i % 16
            r.startedAt = 1_760_000_000 + t
            if i % 16 == 15 { t += 0.8 }
            r.succeeded = i % 53 != 0
            r.scorePassed = r.succeeded && i % 7 != 0
            r.errorType = r.succeeded ? nil : "TimeoutError"
            r.output = "Answer variant \(i % 3) for input \(i % 2000)"
            acc.add(r)
        }
        let summary = acc.finish()
        let built = clock.now
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fluxloop-report-scale-\(getpid()).html")
        defer { try? FileManager.default.removeItem(at: url) }
        let bytes = try ReportRenderer.writeExperiment(summary, to: url)
        let done = clock.now
        #expect(summary.runs == 100_000)
        #expect(summary.details.count == 200)
        #expect(summary.detailsLeftOut == 99_800)
        #expect(bytes < 5_000_000, "report is \(bytes) bytes")
        #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int == bytes)
        print("scale: 100000 runs -> \(bytes) bytes; accumulate \(built - start), render \(done - built)")
    }

    /// Writing a report where one already is replaces it (twice in a row, as `fluxloop report` run again does).
    @Test func writingOverAnEarlierReportReplacesIt() throws {
        var acc = ExperimentAccumulator(info: Synthetic.info("again", start: 1_760_000_000))
        for run in Synthetic.runs(variant: 0, iterations: 1) { acc.add(run) }
        let summary = acc.finish()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fluxloop-report-again-\(getpid()).html")
        defer { try? FileManager.default.removeItem(at: url) }
        let first = try ReportRenderer.writeExperiment(summary, to: url)
        let second = try ReportRenderer.writeExperiment(summary, to: url)
        #expect(first == second)
        #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int == second)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
            .filter { $0.hasPrefix(".\(url.lastPathComponent)") }
        #expect(leftovers.isEmpty)
    }
}
