import Foundation

/// A file being written next to its final name (`NAME.partial`) through a large buffer, renamed over it only
/// when complete, so a failed export never leaves a half-written file under the real name. SQLite's `Exporter`
/// and the PostgreSQL exporter both write experiment folders through it.
public final class PartialFile: @unchecked Sendable {
    /// The final name.
    public let path: String
    let temporary: String
    private(set) var handle: UnsafeMutablePointer<FILE>
    private var open = true

    public init(_ target: URL) throws(ExportError) {
        path = target.path(percentEncoded: false)
        temporary = path + ".partial"
        guard let handle = fopen(temporary, "w") else {
            throw ExportError(path: path, reason: String(cString: strerror(errno)))
        }
        setvbuf(handle, nil, _IOFBF, 1 << 20)
        self.handle = handle
    }

    /// Appends `text` as it is.
    public func raw(_ text: String) {
        var copy = text
        copy.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, handle) }
    }

    /// Appends `text` and a newline.
    public func line(_ text: String) {
        raw(text)
        fputc(0x0A, handle)
    }

    /// Flushes, closes and renames over the target.
    public func commit() throws(ExportError) {
        open = false
        let failed = ferror(handle) != 0
        guard fclose(handle) == 0, !failed, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ExportError(path: path, reason: reason)
        }
    }

    /// Drops the partial file unless it was committed.
    public func abandon() {
        guard open else { return }
        open = false
        fclose(handle)
        unlink(temporary)
    }
}
