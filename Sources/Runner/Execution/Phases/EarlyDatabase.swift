import Core
import Foundation
import TeamStore

/// The experiment's database, opened while the first worker starts. Opening a new SQLite file creates and
/// migrates it, and syncs the disk several times: about 15 ms that would otherwise come after the interpreter's
/// start-up instead of during it. A worker that cannot start must still leave nothing behind, so `discard()`
/// removes the file and the folders this opening created.
final class EarlyDatabase: Sendable {
    private let opening: Task<Void, Never>
    /// The opening's outcome; emptied by `discard()`, which closes the database before removing its files.
    private let opened = Locked<Result<StoreWriter, Error>?>(nil)
    /// The SQLite file and its companions when the file did not exist before, else nothing.
    private let createdFiles: [String]
    /// The outermost folder the opening had to create, if any.
    private let createdFolder: URL?

    init(path locator: String) {
        var files: [String] = [], folder: URL?
        if !Backends.isServer(locator) {
            let path = Backends.sqlitePath(locator)
            if !FileManager.default.fileExists(atPath: path) {
                files = ["", "-wal", "-shm", "-journal"].map { path + $0 }
                var missing: URL?
                var parent = URL(fileURLWithPath: path).deletingLastPathComponent()
                while !FileManager.default.fileExists(atPath: parent.path), parent.path != "/" {
                    missing = parent
                    parent = parent.deletingLastPathComponent()
                }
                folder = missing
            }
        }
        createdFiles = files
        createdFolder = folder
        let opened = self.opened
        opening = Task.detached {
            let result = Result { try StoreWriter(path: locator) }
            opened.withLock { $0 = result }
        }
    }

    /// The opened writer, or the error its opening ended with.
    func writer() async throws -> StoreWriter {
        await opening.value
        return try opened.value!.get()
    }

    /// Waits for the opening, closes the database and removes what the opening created.
    func discard() async {
        await opening.value
        opened.withLock { $0 = nil }
        for file in createdFiles { try? FileManager.default.removeItem(atPath: file) }
        if let createdFolder { try? FileManager.default.removeItem(at: createdFolder) }
    }
}
