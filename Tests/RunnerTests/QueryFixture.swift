import Core
import Foundation
import Store
import Testing

/// Two experiments recorded by the real runner with a real Python agent whose answers change between them:
/// `baseline` (agent version v1) and then `candidate` (v2), 3 iterations of 9 inputs each.
///
/// What differs, by input:
/// - "will regress" succeeds in every run of baseline and fails in iteration 1 of candidate;
/// - "will improve" fails in iteration 0 of baseline and succeeds in every run of candidate;
/// - "gets slower" sleeps 120 ms in candidate;
/// - "changes answer" answers with the version;
/// - "random answer" alternates between two answers, "very random" gives a new one each iteration;
/// - "only in A" / "only in B" are each in one experiment's inputs file;
/// - "stable question" runs with no persona and with the persona `novice`, and never changes.
final class QueryFixture: @unchecked Sendable {
    let project: TestProject
    let baseline: String
    let candidate: String

    static let agent = #"""
        import os, time
        import fluxloop

        HERE = os.path.dirname(os.path.abspath(__file__))


        def version():
            with open(os.path.join(HERE, "version.txt")) as f:
                return f.read().strip()


        @fluxloop.tool(description="Look the question up")
        def lookup(text: str) -> str:
            return text.upper()


        @fluxloop.agent(name="QueryAgent")
        def run(input_text: str, iteration: int = 0):
            v = version()
            if input_text == "will regress" and v == "v2" and iteration == 1:
                raise ValueError("regressed on iteration 1")
            if input_text == "will improve" and v == "v1" and iteration == 0:
                raise RuntimeError("not ready yet")
            if input_text == "gets slower" and v == "v2":
                time.sleep(0.12)
            if input_text == "changes answer":
                return "answer " + v
            if input_text == "random answer":
                return "answer %d" % (iteration % 2)
            if input_text == "very random":
                return "answer %d" % iteration
            return "ok: " + lookup(input_text)
        """#

    static func inputs(only: String) -> String {
        """
        inputs:
          - input: "stable question"
          - input: "stable question"
            persona: novice
          - input: "will regress"
          - input: "will improve"
          - input: "gets slower"
          - input: "changes answer"
          - input: "random answer"
          - input: "very random"
          - input: "\(only)"
        """
    }

    /// Built once for every test that reads it; the tests only read its database.
    static let shared: Result<QueryFixture, any Error> = Result { try QueryFixture() }

    static func get() throws -> QueryFixture { try shared.get() }

    private init() throws {
        project = try TestProject("query_project")
        try project.write("agent.py", Self.agent)
        try project.write("version.txt", "v1\n")
        try project.write("inputs/inputs.yaml", Self.inputs(only: "only in A"))
        try project.configure(
            simulation: """
                name: query_project
                iterations: 3
                runner:
                  target: "agent:run"
                output_directory: experiments
                """,
            input: """
                personas:
                  - name: novice
                    description: A new customer
                inputs_file: inputs/inputs.yaml
                """)
        let first = try project.run(["run", "experiment", "--yes", "--experiment-name", "baseline"])
        guard first.status == 0 else { throw TestFailure("baseline run failed: \(first.output)") }
        try project.write("version.txt", "v2\n")
        try project.write("inputs/inputs.yaml", Self.inputs(only: "only in B"))
        let second = try project.run(["run", "experiment", "--yes", "--experiment-name", "candidate"])
        guard second.status == 0 else { throw TestFailure("candidate run failed: \(second.output)") }
        let store = try project.store()
        let experiments = try store.experiments()
        guard experiments.count == 2 else { throw TestFailure("expected 2 experiments, found \(experiments.count)") }
        candidate = experiments[0].id
        baseline = experiments[1].id
    }

    /// The database file and its write-ahead log, byte for byte.
    func databaseBytes() -> [Data] {
        [project.database, project.database + "-wal"].map { (try? Data(contentsOf: URL(fileURLWithPath: $0))) ?? Data() }
    }

    /// Runs `fluxloop query ARGS` in the project and checks that the database did not change.
    func query(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> ToolResult {
        let before = databaseBytes()
        let result = try project.run(["query"] + arguments)
        #expect(databaseBytes() == before, "the database changed during query \(arguments)", sourceLocation: sourceLocation)
        return result
    }

    /// The JSON printed by `fluxloop query ARGS --format json`, which must succeed.
    func json(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> JSON {
        let result = try query(arguments + ["--format", "json"], sourceLocation: sourceLocation)
        guard result.status == 0 else { throw TestFailure("query \(arguments) exited \(result.status): \(result.output)") }
        return try JSON.parse(result.stdout)
    }
}

extension JSON {
    /// `self[key]` as text, for compact expectations.
    func string(_ key: String) -> String? { self[key]?.stringValue }
}
