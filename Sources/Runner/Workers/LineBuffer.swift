#if canImport(Glibc)
import Glibc
#endif

/// Splits a worker's standard output into lines. Each byte is searched once (a line of 20 MB arrives in hundreds of
/// chunks; searching the whole pending text again for each chunk made reading it quadratic), a line that fills
/// the buffer is handed over without a copy, and a line longer than `limit` is skipped as it arrives (only its
/// length is counted), so a worker cannot make fluxloop hold an unbounded line.
struct LineBuffer {
    enum Line: Equatable {
        case line([UInt8])
        /// A line over the limit, skipped: its length without the newline.
        case tooLong(bytes: Int)
    }

    let limit: Int
    private var bytes: [UInt8] = []
    /// Where the next line starts in `bytes`.
    private var start = 0
    /// `bytes[start..<scanned]` holds no newline.
    private var scanned = 0
    /// While skipping a line over the limit: how many of its bytes went by.
    private var skipped: Int?

    init(limit: Int) { self.limit = limit }

    /// Adds a chunk read from the worker.
    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        if start > 0 && start >= bytes.count / 2 {
            // Drop the lines already taken before growing: cheap, since at most half the buffer moves.
            bytes.removeFirst(start)
            scanned -= start
            start = 0
        }
        bytes.append(contentsOf: chunk)
    }

    /// The next complete line (without its newline), or nil until more arrives.
    mutating func next() -> Line? {
        guard let newline = findNewline() else {
            let pendingBytes = bytes.count - start
            if let count = skipped {
                skipped = count + pendingBytes
                drop()
            } else if pendingBytes > limit {
                skipped = pendingBytes
                drop()
            }
            return nil
        }
        if skipped != nil || newline - start > limit {
            let count = (skipped ?? 0) + newline - start
            skipped = nil
            take(upTo: newline)
            return .tooLong(bytes: count)
        }
        if start == 0 && newline == bytes.count - 1 {
            // The common case for a large answer: the buffer holds exactly this line. Hand it over.
            var whole: [UInt8] = []
            swap(&whole, &bytes)
            whole.removeLast()
            start = 0
            scanned = 0
            return .line(whole)
        }
        let line = Array(bytes[start..<newline])
        take(upTo: newline)
        return .line(line)
    }

    /// At the end of the output: the last line when it had no newline.
    mutating func finish() -> Line? {
        defer { drop(); skipped = nil }
        if let count = skipped { return .tooLong(bytes: count + bytes.count - start) }
        return start < bytes.count ? .line(Array(bytes[start...])) : nil
    }

    private mutating func findNewline() -> Int? {
        guard scanned < bytes.count else { return nil }
        let from = max(scanned, start)
        let found: Int? = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress,
                  let hit = memchr(base + from, 0x0A, buffer.count - from) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        scanned = found ?? bytes.count
        return found
    }

    /// Consumes through the newline at `newline`; a buffer emptied that grew large is released.
    private mutating func take(upTo newline: Int) {
        start = newline + 1
        scanned = start
        if start == bytes.count { drop() }
    }

    private mutating func drop() {
        // A small buffer is kept for the next lines; a large one (a big answer went through) is released.
        bytes.removeAll(keepingCapacity: bytes.capacity <= 1 << 20)
        start = 0
        scanned = 0
    }
}
