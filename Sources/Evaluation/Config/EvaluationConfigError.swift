import Core

/// Why an evaluation.yaml cannot be used: the file, the line, what is wrong and how to fix it. Exit status 2.
public struct EvaluationConfigError: UserFacingError, Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var problem: String
    public var fix: String

    public init(file: String, line: Int?, problem: String, fix: String) {
        self.file = file; self.line = line; self.problem = problem; self.fix = fix
    }

    public var exitStatus: ExitStatusCode { .usage }

    public var userMessage: String {
        let place = line.map { "\(file) line \($0)" } ?? file
        return "\(place): \(problem) — \(fix)"
    }
}
