import Core
import Foundation
import Store

/// The experiment folder: `<output_directory>/<name>_YYYYMMDD_HHMMSS`, made unique when two start in one second.
enum ExperimentFolder {
    struct NotWritable: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String {
            "the output folder \(path) cannot be written (\(reason)); choose another with --output-dir or output_directory."
        }
    }

    static func create(in directory: URL, name: String, now: Date = Date()) throws -> URL {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw NotWritable(path: directory.path(percentEncoded: false), reason: (error as NSError).localizedDescription)
        }
        guard fm.isWritableFile(atPath: directory.path(percentEncoded: false)) else {
            throw NotWritable(path: directory.path(percentEncoded: false), reason: "permission denied")
        }
        let safeName = name.map { $0 == "/" || $0 == "\0" ? "_" : $0 }
        let base = String(safeName) + "_" + Timestamp.folderStamp(from: now)
        for suffix in 0..<1000 {
            let candidate = directory.appending(path: suffix == 0 ? base : "\(base)_\(suffix + 1)")
            // mkdir fails if the folder exists, which is what makes the name ours.
            if mkdir(candidate.path(percentEncoded: false), 0o755) == 0 { return candidate }
            if errno != EEXIST {
                throw NotWritable(path: candidate.path(percentEncoded: false), reason: String(cString: strerror(errno)))
            }
        }
        throw NotWritable(path: directory.path(percentEncoded: false), reason: "too many experiments named \(name) this second")
    }
}
