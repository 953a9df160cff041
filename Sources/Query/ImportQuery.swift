import Core
import Foundation
import Store
import TeamStore

/// `query import DIR...`: FluxLoop 0.2.30 (or fluxloop) experiment folders into the database.
public enum ImportQuery {
    public static func run(paths: [String], context: QueryContext) throws(QueryError) {
        try context.perform {
            var folders: [URL] = []
            for path in paths {
                folders += try experimentFolders(URL(fileURLWithPath: path, relativeTo: context.currentDirectory).standardizedFileURL)
            }
            let locator = try context.locateDatabase().path
            let database = Backends.display(locator)
            let store: any ExperimentBackend
            do {
                store = try Backends.open(locator)
            } catch let error as MigrationError {
                throw QueryError.newerDatabase(error)
            } catch let error as any UserFacingError {
                throw QueryError.unreadableDatabase(path: database, reason: error.userMessage)
            } catch {
                throw QueryError.unreadableDatabase(path: database, reason: "\(error)")
            }
            var entries: [JSON] = []
            var rows: [[JSON]] = []
            var imported = 0, present = 0, rejected = 0, traces = 0
            for folder in folders {
                let path = displayPath(folder)
                do {
                    switch try Backends.importFolder(folder, into: store) {
                    case let .imported(id, name, count, observations):
                        imported += 1
                        traces += count
                        entries.append(entry(path, "imported", id, name, count, observations, nil))
                    case let .alreadyPresent(id, name):
                        present += 1
                        entries.append(entry(path, "already_present", id, name, 0, 0, nil))
                    }
                } catch let error as ImportError {
                    rejected += 1
                    context.console.error(error.description)
                    entries.append(entry(path, "rejected", nil, nil, 0, 0, error.description))
                }
                rows.append(["folder", "status", "experiment_id", "name", "traces", "observations"].map { entries.last![$0] ?? .null })
            }
            var note: String
            if imported == 0 && rejected == 0 {
                note = "Nothing new: \(present == 1 ? "the folder is" : "all \(present) folders are") already in \(database)."
            } else {
                note = "Imported \(imported) experiment\(imported == 1 ? "" : "s") (\(traces) traces) into \(database)"
                if present > 0 { note += "; \(present) already there" }
                if rejected > 0 { note += "; \(rejected) rejected, nothing from \(rejected == 1 ? "it" : "them") imported" }
                note += "."
            }
            let table = ReportTable(columns: [
                ReportColumn("folder"), ReportColumn("status"), ReportColumn("experiment"), ReportColumn("name"),
                ReportColumn("traces", .int), ReportColumn("observations", .int),
            ], rows: rows)
            context.emit(.list(entries, table: table, note: note))
            if rejected > 0 { throw QueryError.importRejected(count: rejected) }
        }
    }

    /// `folder` itself when it is an experiment folder, else the experiment folders directly inside it.
    static func experimentFolders(_ folder: URL) throws -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path(percentEncoded: false), isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw QueryError.usage(ImportError.notAFolder(folder.path(percentEncoded: false)).description)
        }
        if ExperimentFolderReader.isExperimentFolder(folder) { return [folder] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path(percentEncoded: false))) ?? []
        let inside = names.sorted().map { folder.appending(path: $0) }.filter(ExperimentFolderReader.isExperimentFolder)
        guard !inside.isEmpty else {
            throw QueryError.usage(ImportError.notAnExperimentFolder(folder.path(percentEncoded: false),
                                                                    missing: "summary.json and trace_summary.jsonl").description)
        }
        return inside
    }

    /// The folder's path without a trailing slash.
    static func displayPath(_ folder: URL) -> String {
        let path = folder.path(percentEncoded: false)
        return path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    private static func entry(_ folder: String, _ status: String, _ id: String?, _ name: String?, _ traces: Int,
                              _ observations: Int, _ error: String?) -> JSON {
        .object([
            ("folder", .string(folder)), ("status", .string(status)), ("experiment_id", Figures.text(id)),
            ("name", Figures.text(name)), ("traces", .int(traces)), ("observations", .int(observations)),
            ("error", Figures.text(error)),
        ])
    }
}
