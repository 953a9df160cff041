import Foundation
import Testing
@testable import Store

/// The write-ahead log is copied back by a second connection, and the writer keeps it from growing without bound.
@Suite struct CheckpointTests {
    static let blob = [UInt8](repeating: 0x5A, count: 64 * 1024)

    func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    func openBlobs(_ path: String, background: Int32, writer: Int32) throws -> Database {
        let db = try Database(path: path)
        try db.enableWriteAheadLog(backgroundCheckpointFrames: background, writerCheckpointFrames: writer)
        try db.execute("CREATE TABLE blobs (b BLOB NOT NULL)")
        return db
    }

    func insertBlob(_ db: Database) throws {
        try db.transaction { try db.prepare("INSERT INTO blobs (b) VALUES (?)").execute(Self.blob) }
    }

    @Test func aSecondConnectionCopiesTheLogWithoutTheWriter() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let path = folder.path("db.sqlite")
        do {
            // The writer alone would not checkpoint before a million pages; each commit here writes 17 and asks
            // for a background checkpoint.
            let db = try openBlobs(path, background: 16, writer: 1_000_000)
            for _ in 0..<10 { try insertBlob(db) }
            let deadline = Date().addingTimeInterval(20)
            while fileSize(path) < 10 * Self.blob.count, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            #expect(fileSize(path) >= 10 * Self.blob.count, "the database file never received the log's pages")
            #expect(try db.scalarInt("SELECT count(*) FROM blobs") == 10)
        }
        // Closing stops the second connection first, so the writer's close is the last one and removes the log.
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let reopened = try Database(path: path, mode: .readOnly)
        #expect(try reopened.scalarText("PRAGMA integrity_check") == "ok")
        #expect(try reopened.scalarInt("SELECT count(*) FROM blobs") == 10)
    }

    @Test func theLogRestartsWhileAWriterAppendsWithoutPause() throws {
        let folder = TemporaryFolder(); defer { folder.cleanup() }
        let path = folder.path("db.sqlite")
        let db = try openBlobs(path, background: 32, writer: 128)
        let commits = 200
        for _ in 0..<commits { try insertBlob(db) }
        // A log that only a concurrent checkpoint copied would hold every page written (about 13 MB here);
        // the writer's own checkpoints let it start over every few hundred pages.
        let written = commits * Self.blob.count
        #expect(fileSize(path + "-wal") < written / 4, "the log grew to \(fileSize(path + "-wal")) bytes")
        #expect(try db.scalarInt("SELECT count(*) FROM blobs") == commits)
        #expect(try db.scalarText("PRAGMA integrity_check") == "ok")
    }
}
