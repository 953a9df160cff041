import Core
import Foundation

/// Writes a file whole or not at all: the text goes to a hidden sibling first, then is renamed into place.
enum AtomicFile {
    static func write(_ text: String, to url: URL) throws {
        let fm = FileManager.default
        let folder = url.deletingLastPathComponent()
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        let staging = folder.appending(path: ".\(url.lastPathComponent).tmp-\(UUID().uuidString.prefix(8))")
        do {
            try Data(text.utf8).write(to: staging)
            // rename(2) replaces an existing file in one step, unlike FileManager.moveItem.
            guard rename(staging.path(percentEncoded: false), url.path(percentEncoded: false)) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path(percentEncoded: false)])
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }
}
