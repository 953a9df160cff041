import Core
import Foundation

/// Reports runs as they finish: a live bar on a terminal, FluxLoop's plain lines elsewhere
/// (`[fluxloop] run progress 3/20`, which IDE integrations parse).
final class ProgressReporter: @unchecked Sendable {
    private let console: Console
    private let total: Int
    private let lock = NSLock()
    private var done = 0
    private var failed = 0
    /// Runs other participants of a shared experiment recorded (`--join`), so the count is the whole experiment's.
    private var elsewhere = 0
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var currentTurn: String?

    init(console: Console, total: Int) {
        self.console = console
        self.total = total
    }

    func started(name: String) {
        if console.isInteractive {
            draw(force: true)
        } else {
            console.line("[fluxloop] running \(name) (\(total) total runs)")
        }
    }

    /// Workers call this concurrently: the plain line is written under the lock, so the counts appear in order.
    func runFinished(success: Bool) {
        lock.lock()
        done += 1
        if !success { failed += 1 }
        let count = done + elsewhere
        if !console.isInteractive {
            console.line("[fluxloop] run progress \(count)/\(total)")
            lock.unlock()
            return
        }
        lock.unlock()
        draw(force: count == total)
    }

    /// The runs other participants have recorded so far (it only grows).
    func recordedElsewhere(_ count: Int) {
        lock.withLock { elsewhere = max(elsewhere, count) }
    }

    /// A conversation sends its `index`th user message (FluxLoop's `turn progress` lines).
    func turn(_ index: Int, of maximum: Int, preview: String) {
        let short = Self.preview(preview)
        if console.isInteractive {
            lock.withLock { currentTurn = "turn \(index)/\(maximum): \(short)" }
            draw(force: false)
        } else {
            console.line("[fluxloop] turn progress \(index)/\(maximum): \(short)")
        }
    }

    func turnsComplete(_ count: Int, of maximum: Int) {
        if !console.isInteractive { console.line("[fluxloop] turn progress \(count)/\(maximum): complete") }
    }

    static func preview(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 60 ? String(line.prefix(57)) + "..." : line
    }

    /// Ends the live bar's line.
    func finished() {
        if console.isInteractive { console.raw("\n") }
    }

    private func draw(force: Bool) {
        lock.lock()
        let now = Date()
        // At most five redraws a second: drawing must not slow down fast agents.
        guard force || now.timeIntervalSince(lastDraw) >= 0.2 else { lock.unlock(); return }
        lastDraw = now
        let count = done + elsewhere, failures = failed, turn = currentTurn
        lock.unlock()
        let width = 20
        let fraction = total == 0 ? 1 : Double(count) / Double(total)
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "▓", count: filled) + String(repeating: "░", count: width - filled)
        var text = "\r\u{1B}[2K[\(bar)] \(count)/\(total) (\(Int(fraction * 100))%)"
        if count > 0 && count < total {
            let elapsed = now.timeIntervalSince(start)
            text += " - ETA: " + Self.duration(elapsed / Double(count) * Double(total - count))
        }
        if failures > 0 { text += " - \(failures) failed" }
        // The conversation in progress, on the line under the bar.
        if let turn { text += "\n\u{1B}[2K  \(turn)\u{1B}[1A" }
        console.raw(text)
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h \(s % 3600 / 60)m" }
        if s >= 60 { return "\(s / 60)m \(s % 60)s" }
        return "\(s)s"
    }
}
