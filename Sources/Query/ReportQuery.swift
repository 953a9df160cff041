import Core
import Foundation
import Report
import Store
import TeamStore

/// `fluxloop report`: one self-contained HTML file for an experiment, or for a comparison of two.
public enum ReportQuery {
    /// Writes the report of `reference` (or its comparison against `base`) to `output`, else to the default file:
    /// `report.html` in the experiment's folder, `compare_<BASE>_<HEAD>.html` next to the experiment folders.
    public static func run(reference: String, base: String?, output: String?, detailLimit: Int,
                           context: QueryContext) throws(QueryError) {
        try context.perform {
            let store = try context.readOnlyStore()
            let head = try store.resolveExperiment(reference)
            let baseRecord = try base.map { try store.resolveExperiment($0) }
            let target = try output.map { URL(fileURLWithPath: $0, relativeTo: context.currentDirectory).standardizedFileURL }
                ?? defaultFile(head: head, base: baseRecord, databaseLocator: try context.existingDatabasePath(),
                               currentDirectory: context.currentDirectory)
            let bytes: Int
            let what: String
            if let baseRecord {
                let model = try ReportBuilder.comparison(base: baseRecord, head: head, store: store, detailLimit: detailLimit)
                bytes = try write(target) { try Report.ReportRenderer.writeComparison(model, to: $0) }
                what = "Comparison of \(head.name) (\(short(head.id))) against \(baseRecord.name) (\(short(baseRecord.id)))"
            } else {
                let summary = try ReportBuilder.experiment(head, store: store, detailLimit: detailLimit)
                bytes = try write(target) { try Report.ReportRenderer.writeExperiment(summary, to: $0) }
                what = "Report of \(head.name) (\(short(head.id))), \(summary.runs) runs"
            }
            context.console.line("\(what): \(ImportQuery.displayPath(target)) (\(kilobytes(bytes)))")
        }
    }

    /// The report `run experiment` writes into the experiment folder once it is exported; returns the file and its size.
    /// `databasePath` is the database's locator: a SQLite file or a PostgreSQL URL.
    public static func writeExperimentReport(databasePath: String, experimentID: String, folder: URL,
                                             detailLimit: Int = ReportBuilder.defaultDetailLimit) throws(QueryError) -> (file: URL, bytes: Int) {
        do {
            // No memory map: the run's own process would show the database file as its resident memory.
            let store = try Backends.openReader(databasePath, memoryMapped: false)
            guard let record = try store.experiment(id: experimentID) else {
                throw QueryError.reference(.experimentNotFound(experimentID))
            }
            let summary = try ReportBuilder.experiment(record, store: store, detailLimit: detailLimit)
            let file = folder.appending(path: "report.html")
            return (file, try write(file) { try Report.ReportRenderer.writeExperiment(summary, to: $0) })
        } catch {
            throw QueryError(error)
        }
    }

    static func defaultFile(head: ExperimentRecord, base: ExperimentRecord?, databaseLocator: String,
                            currentDirectory: URL) throws -> URL {
        let headFolder = head.outputDirectory.map { URL(fileURLWithPath: $0) }
        guard let base else {
            guard let headFolder else {
                throw QueryError.usage("experiment \(head.id) (\(head.name)) has no folder of its own (it was imported); "
                    + "pass -o FILE to say where to write the report.")
            }
            return headFolder.appending(path: "report.html")
        }
        // Experiment folders sit in the output directory; an imported experiment has none, so use the database's
        // (the current directory for a server).
        let directory = headFolder?.deletingLastPathComponent()
            ?? (Backends.isServer(databaseLocator) ? currentDirectory
                : URL(fileURLWithPath: Backends.sqlitePath(databaseLocator)).deletingLastPathComponent())
        return directory.appending(path: "compare_\(short(base.id))_\(short(head.id)).html")
    }

    private static func write(_ file: URL, _ body: (URL) throws -> Int) throws -> Int {
        let directory = file.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw QueryError.output("cannot write the report to \(file.path): the folder \(directory.path) does not exist")
        }
        do {
            return try body(file)
        } catch {
            throw QueryError.output("cannot write the report to \(file.path): \(error)")
        }
    }

    static func short(_ id: String) -> String { String(id.prefix(8)) }

    private static func kilobytes(_ bytes: Int) -> String {
        bytes < 1_000_000 ? "\(max(1, (bytes + 500) / 1000)) kB" : ReportRenderer.fixed(Double(bytes) / 1_000_000, 1) + " MB"
    }
}
