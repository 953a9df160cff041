import Core
import Foundation

/// `runner.max_output_bytes`: how large a run's output may be, and the bound on a worker's response line that
/// follows from it. An absurd output fails its run (`OutputTooLarge`) rather than exhausting memory: every
/// large output is held a few times over on its way to the database and the export.
public struct OutputLimit: Sendable, Equatable {
    /// 64 MiB: far above any real answer, small enough that a run's copies fit in memory.
    public static let defaultBytes = 64 << 20

    /// The largest output text, in UTF-8 bytes.
    public let outputBytes: Int

    public init(outputBytes: Int = OutputLimit.defaultBytes) { self.outputBytes = max(1, outputBytes) }

    /// The longest response line read from a worker: four times the output limit, because a line carries the
    /// output more than once (as `output` and as the agent observation's output) and JSON escaping can double
    /// text. A longer line is skipped as it arrives, so a `runner.command` agent cannot exhaust memory.
    public var lineBytes: Int {
        let (product, overflow) = outputBytes.multipliedReportingOverflow(by: 4)
        return overflow ? Int.max : product
    }

    /// The error response standing in for `response` when its output text is over the limit, else nil. The
    /// Python worker refuses such an output before sending it; this catches `runner.command` agents.
    func check(_ response: JSON) -> JSON? {
        guard case let .string(text)? = response["output"] else { return nil }
        let size = text.utf8.count
        guard size > outputBytes else { return nil }
        return OutputTooLarge(part: .output, bytes: size, limit: self).response(id: response["id"])
    }
}

/// A run whose output (or whole response line) is over `runner.max_output_bytes`. It is recorded as the run's
/// error (type `OutputTooLarge`), with the size in the message.
public struct OutputTooLarge: UserFacingError, Sendable {
    public enum Part: Sendable { case output, responseLine }

    public let part: Part
    public let bytes: Int
    public let limit: OutputLimit

    public static let typeName = "OutputTooLarge"

    public var exitStatus: ExitStatusCode { .failure }

    public var userMessage: String {
        switch part {
        case .output:
            return "the agent's output is \(Self.count(bytes)) bytes, over runner.max_output_bytes "
                + "(\(Self.count(limit.outputBytes)) bytes); raise the limit if such outputs are expected"
        case .responseLine:
            return "the agent's response line is \(Self.count(bytes)) bytes, over four times runner.max_output_bytes "
                + "(\(Self.count(limit.lineBytes)) bytes); it was skipped unread"
        }
    }

    /// The protocol's error response for request `id`, as the worker would have sent it.
    func response(id: JSON?) -> JSON {
        .object([
            ("id", id ?? .null),
            ("error", .object([("type", .string(Self.typeName)), ("message", .string(userMessage)), ("traceback", .null)])),
        ])
    }

    /// 67108864 as 67,108,864.
    static func count(_ value: Int) -> String {
        let digits = Array(String(value))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }
}
