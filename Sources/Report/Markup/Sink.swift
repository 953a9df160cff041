import Foundation

/// Where markup goes: a file (streamed in chunks) or a string (charts, tests).
public protocol MarkupSink: AnyObject {
    func write(_ s: String)
}

/// Collects markup into one string.
public final class StringSink: MarkupSink {
    public private(set) var output = ""
    public init() {}
    public func write(_ s: String) { output += s }
}

/// Streams markup to a file through a fixed buffer, so a page never sits whole in memory.
public final class FileSink: MarkupSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let chunk = 1 << 16
    public private(set) var bytesWritten = 0

    /// Creates (or truncates) the file at `url`.
    public init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ReportError.cannotWrite(url.path)
        }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(chunk * 2)
    }

    public func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= chunk { flush() }
    }

    /// Writes what is buffered and closes the file.
    public func close() throws {
        flush()
        try handle.close()
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A report that could not be written.
public enum ReportError: Error, CustomStringConvertible, Sendable {
    case cannotWrite(String)

    public var description: String {
        switch self {
        case .cannotWrite(let path): return "cannot create the report file \(path): check that the folder exists and is writable"
        }
    }
}
