import CSQLite
import Foundation

/// Copies the write-ahead log back into the database file on a connection and thread of its own.
///
/// A checkpoint spends most of its time waiting for the disk (it syncs the log, then the file). Done by the
/// writer, as SQLite's automatic checkpoint does, that wait stalls every commit behind it; done here, the
/// writer keeps appending while the disk catches up. The writer still checkpoints itself when the log
/// grows past `writerFrames`, because a log that is appended to without a pause is never fully copied by a
/// concurrent checkpoint, so it could not restart from the beginning and would grow without bound. By
/// then this thread has already synced nearly all of it, so the writer's own checkpoint is short.
final class Checkpointer: @unchecked Sendable {
    /// Log frames (pages) after which the background thread starts copying, and again after each half as many
    /// more: each pass syncs the disk twice, which on a busy machine costs CPU time the runs need.
    let backgroundFrames: Int32
    /// Log frames after which the writer checkpoints itself (as `PRAGMA wal_autocheckpoint` would).
    let writerFrames: Int32

    // Used only on `queue`, and closed after it drains.
    private let handle: OpaquePointer
    private let queue = DispatchQueue(label: "fluxloop.store.checkpoint")
    private let lock = NSCondition()
    private var running = false
    /// A commit came in while a checkpoint was running: that checkpoint stops at the log's end as it was when
    /// it began, so one more is needed to copy the newer pages.
    private var again = false
    private var closed = false
    /// The log's size at the last request; only the writer's hook reads and writes it.
    private var requestedAt: Int32 = 0

    /// Opens the second connection; nil when the file cannot be opened again (the writer then checkpoints alone).
    init?(path: String, backgroundFrames: Int32, writerFrames: Int32) {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
              let handle else {
            sqlite3_close_v2(handle)
            return nil
        }
        // Same durability as the writer: the log is synced before it is copied, the file after.
        sqlite3_exec(handle, "PRAGMA synchronous = NORMAL", nil, nil, nil)
        self.handle = handle
        self.backgroundFrames = backgroundFrames
        self.writerFrames = writerFrames
    }

    /// Asks for a checkpoint of a log of `frames` pages if it grew enough since the last; returns at once.
    /// Requests made while one runs are folded into one more.
    func request(frames: Int32) {
        // A smaller log than last time has restarted from its beginning.
        if frames < requestedAt { requestedAt = 0 }
        guard frames - requestedAt >= backgroundFrames / 2 else { return }
        requestedAt = frames
        start()
    }

    /// Starts a checkpoint of the whole log now, whatever its size; returns at once.
    func start() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        if running {
            again = true
            return
        }
        running = true
        queue.async { [self] in
            var more = true
            while more {
                // PASSIVE never waits for or blocks the writer or readers; a busy log is left for next time.
                sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
                lock.lock()
                more = again && !closed
                again = false
                running = more
                if !more { lock.broadcast() }
                lock.unlock()
            }
        }
    }

    /// Waits for a running checkpoint to end, and drops any request for another.
    func waitUntilIdle() {
        lock.lock()
        again = false
        while running { lock.wait() }
        lock.unlock()
    }

    /// Waits for a running checkpoint to end, then closes the connection.
    func close() {
        lock.lock()
        closed = true
        lock.unlock()
        queue.sync {}
        sqlite3_close_v2(handle)
    }
}

/// Installed with `sqlite3_wal_hook` on the writer: runs after each commit with the log's size in frames.
let checkpointHook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = {
    context, connection, schema, frames in
    guard let context else { return SQLITE_OK }
    let checkpointer = Unmanaged<Checkpointer>.fromOpaque(context).takeUnretainedValue()
    if frames >= checkpointer.writerFrames {
        // Two checkpoints cannot run at once; the one on the second connection has already copied (and synced)
        // most of the log, so waiting for it costs less than leaving the log to grow.
        checkpointer.waitUntilIdle()
        sqlite3_wal_checkpoint_v2(connection, schema, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    } else if frames >= checkpointer.backgroundFrames {
        checkpointer.request(frames: frames)
    }
    return SQLITE_OK
}
