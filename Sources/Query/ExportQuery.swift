import Core
import Foundation
import Store
import TeamStore

/// `query export EXP`: the experiment folder written again from the database, or one JSONL file to standard output.
public enum ExportQuery {
    /// Writes the folder at `folder`, else where the experiment was first written.
    public static func run(reference: String, to folder: String?, context: QueryContext) throws(QueryError) {
        try context.perform {
            let store = try context.readOnlyStore()
            let experiment = try store.resolveExperiment(reference)
            guard let target = folder.map({ URL(fileURLWithPath: $0, relativeTo: context.currentDirectory).standardizedFileURL })
                    ?? experiment.outputDirectory.map({ URL(fileURLWithPath: $0) }) else {
                throw QueryError.usage("experiment \(experiment.id) (\(experiment.name)) has no folder of its own "
                    + "(it was imported); pass --to DIR to say where to write it.")
            }
            let written: Exporter.Result
            do {
                written = try store.exportExperiment(id: experiment.id, to: target)
            } catch let error as ExportError {
                throw QueryError.output(error.description)
            }
            let path = ImportQuery.displayPath(target)
            let object = JSON.object([
                ("experiment_id", .string(experiment.id)), ("name", .string(experiment.name)), ("folder", .string(path)),
                ("traces", .int(written.traces)), ("observations", .int(written.observations)), ("errors", .int(written.errors)),
            ])
            let table = ReportTable(columns: [ReportColumn("folder"), ReportColumn("traces", .int),
                                              ReportColumn("observations", .int), ReportColumn("errors", .int)],
                                    rows: [[.string(path), .int(written.traces), .int(written.observations), .int(written.errors)]])
            context.emit(.object(object, tables: [table], note: "Exported \(experiment.name) (\(experiment.id)) to \(path)."))
        }
    }

    /// Streams one JSONL file of the experiment to standard output, for FluxLoop's parse step or `jq`.
    public static func stream(reference: String, kind: ExportKind, context: QueryContext) throws(QueryError) {
        try context.perform {
            let store = try context.readOnlyStore()
            let experiment = try store.resolveExperiment(reference)
            // A FILE of our own over descriptor 1: the C library's `stdout` global is not concurrency-safe in Swift 6.
            guard let out = fdopen(STDOUT_FILENO, "w") else {
                throw QueryError.output("cannot write to standard output: \(String(cString: strerror(errno)))")
            }
            setvbuf(out, nil, _IOFBF, 1 << 20)
            _ = try store.streamExport(kind, experimentID: experiment.id, to: out)
            // A reader that stops early (`| head`) is not an error worth a message.
            guard fflush(out) == 0 || errno == EPIPE else { throw QueryError.output("cannot write to standard output: \(String(cString: strerror(errno)))") }
        }
    }
}
