import Foundation

/// Limits that keep a report small whatever the number of runs.
public struct ReportOptions: Sendable {
    /// Rows of the input and change tables (lowest pass rate / regressions first).
    public var inputRowLimit: Int
    public init(inputRowLimit: Int = 1000) { self.inputRowLimit = inputRowLimit }
}

/// Renders the report pages; output is streamed to the sink as it is produced.
public enum ReportRenderer {
    /// Writes the experiment view of `summary` into `sink`.
    public static func experiment(_ summary: ExperimentSummary, options: ReportOptions = .init(), into sink: MarkupSink) {
        ExperimentView.write(Markup(sink), summary, options: options)
    }

    /// Writes the comparison view into `sink`.
    public static func comparison(_ model: ComparisonModel, options: ReportOptions = .init(), into sink: MarkupSink) {
        CompareView.write(Markup(sink), model, options: options)
    }

    /// Writes the experiment view to a file; returns the bytes written.
    @discardableResult
    public static func writeExperiment(_ summary: ExperimentSummary, to url: URL, options: ReportOptions = .init()) throws -> Int {
        try toFile(url) { experiment(summary, options: options, into: $0) }
    }

    /// Writes the comparison view to a file; returns the bytes written.
    @discardableResult
    public static func writeComparison(_ model: ComparisonModel, to url: URL, options: ReportOptions = .init()) throws -> Int {
        try toFile(url) { comparison(model, options: options, into: $0) }
    }

    private static func toFile(_ url: URL, _ body: (FileSink) -> Void) throws -> Int {
        // Written next to the target and moved into place, so a failure leaves no half-written report.
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        let sink = try FileSink(url: temp)
        body(sink)
        try sink.close()
        if FileManager.default.fileExists(atPath: url.path) { _ = try FileManager.default.replaceItemAt(url, withItemAt: temp) }
        else { try FileManager.default.moveItem(at: temp, to: url) }
        return sink.bytesWritten
    }
}
