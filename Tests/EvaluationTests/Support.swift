import Foundation
@testable import Evaluation

/// Runs a program to completion; returns its exit status and its output and error text together.
func run(_ executable: String, _ arguments: [String], in directory: URL? = nil, input: String? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    let inPipe = Pipe()
    process.standardInput = inPipe
    try process.run()
    if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try inPipe.fileHandleForWriting.close()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// python3 on PATH.
func python3() -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let path = "\(dir)/python3"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

func temporaryFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("evaluation-tests-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func config(_ yaml: String) throws(EvaluationConfigError) -> EvaluationConfig { try EvaluationConfig.parse(yaml, file: "configs/evaluation.yaml") }

/// A trace whose output is `output`, with a summary object holding `metadata`.
func trace(_ output: String?, duration: Double? = 100, success: Bool = true, metadata: EvalValue? = nil,
           usage: TokenUsage? = nil, id: String = "t1") -> EvaluationTrace {
    var summary: [(String, EvalValue)] = [("trace_id", .string(id)), ("input", .string("How do I return a book?"))]
    if let metadata { summary.append(("metadata", metadata)) }
    if let usage {
        var u: [(String, EvalValue)] = []
        if let p = usage.prompt { u.append(("prompt_tokens", .double(p))) }
        if let c = usage.completion { u.append(("completion_tokens", .double(c))) }
        if let t = usage.total { u.append(("total_tokens", .double(t))) }
        summary.append(("token_usage", .object(u)))
    }
    return EvaluationTrace(traceID: id, input: "How do I return a book?", output: output.map(EvalValue.string) ?? .null,
                           durationMs: duration, success: success, summaryRaw: .object(summary))
}
