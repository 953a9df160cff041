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
        // rename(2) replaces an earlier report in one step. FileManager.replaceItemAt does not on Linux: writing the
        // same file a second time failed there and left neither the old report nor the new one.
        guard rename(temp.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw ReportFileError(path: url.path, reason: reason)
        }
        return sink.bytesWritten
    }
}

/// A report file that could not be put in place.
public struct ReportFileError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
