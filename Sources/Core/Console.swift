import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the tool talks to its user: standard output for progress and results, standard error for problems.
public final class Console: @unchecked Sendable {
    private let lock = NSLock()
    /// True when standard output is a terminal: live bars instead of plain progress lines.
    public let isInteractive: Bool
    /// True when standard input is a terminal, so a question can be answered.
    public let canAsk: Bool

    public init(isInteractive: Bool = isatty(1) == 1, canAsk: Bool = isatty(0) == 1) {
        self.isInteractive = isInteractive
        self.canAsk = canAsk
    }

    public func line(_ text: String) { write(text + "\n", to: 1) }
    public func warn(_ text: String) { write("[WARN] " + text + "\n", to: 2) }
    public func error(_ text: String) { write("Error: " + text + "\n", to: 2) }

    /// Writes without a newline (for redrawing a status line).
    public func raw(_ text: String) { write(text, to: 1) }

    /// Writes UTF-8 bytes as they are: a large result needs no String made of it first.
    public func raw(utf8 bytes: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        bytes.withUnsafeBufferPointer { Self.writeAll($0, to: 1) }
    }

    /// Unbuffered, whole writes: progress lines must reach a pipe as they happen.
    private func write(_ text: String, to fd: Int32) {
        lock.lock(); defer { lock.unlock() }
        var copy = text
        copy.withUTF8 { Self.writeAll($0, to: fd) }
    }

    private static func writeAll(_ bytes: UnsafeBufferPointer<UInt8>, to fd: Int32) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Asks a yes/no question on the terminal; anything but y/yes is no.
    public func confirm(_ question: String) -> Bool {
        raw(question + " [y/N]: ")
        guard let answer = readLine() else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// A two-column table with a title, as the plan summary and the results are shown.
    public func table(_ title: String, _ rows: [(String, String)]) {
        let left = max(rows.map(\.0.count).max() ?? 0, 6)
        let right = max(rows.map(\.1.count).max() ?? 0, 5)
        let bar = "+" + String(repeating: "-", count: left + 2) + "+" + String(repeating: "-", count: right + 2) + "+"
        var text = title + "\n" + bar + "\n"
        for (key, value) in rows {
            text += "| " + key.padding(toLength: left, withPad: " ", startingAt: 0) + " | "
                + value.padding(toLength: right, withPad: " ", startingAt: 0) + " |\n"
        }
        text += bar
        line(text)
    }
}
