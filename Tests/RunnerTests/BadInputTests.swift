import Foundation
import Store
import Testing

/// Bad input must end with exit 2, a message that names what to fix, and nothing written:
/// no experiment folder, no database, no experiment row.
@Suite struct BadInputTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        /// simulation.yaml; nil for no configs/ at all.
        let simulation: String?
        var input = ""
        var files: [String: String] = [:]
        var arguments: [String] = []
        /// Every fragment must appear in the error output.
        let expect: [String]
        var description: String { name }
    }

    static let runner = "runner:\n  target: flaky_agent:run\n"
    static let oneInput = "base_inputs:\n  - input: hello\n"

    static let cases: [Case] = [
        Case(name: "config missing", simulation: nil, expect: ["configs/simulation.yaml", "--config"]),
        Case(name: "invalid YAML gives the line", simulation: "name: x\niterations: [1\n" + runner,
             expect: ["simulation.yaml line 3"]),
        Case(name: "inputs file missing", simulation: "name: x\ninputs_file: inputs/nowhere.yaml\n" + runner,
             expect: ["inputs/nowhere.yaml", "inputs_file"]),
        Case(name: "inputs list empty", simulation: "name: x\ninputs_file: inputs.yaml\n" + runner,
             files: ["inputs.yaml": "inputs: []\n"], expect: ["inputs.yaml", "empty"]),
        Case(name: "entry without input", simulation: "name: x\ninputs_file: inputs.yaml\n" + runner,
             files: ["inputs.yaml": "inputs:\n  - input: fine\n  - persona: someone\n"], expect: ["inputs.yaml", "input"]),
        Case(name: "inputs key absent", simulation: "name: x\ninputs_file: inputs.yaml\n" + runner,
             files: ["inputs.yaml": "questions:\n  - input: hi\n"], expect: ["inputs.yaml", "inputs:", "generated_inputs"]),
        Case(name: "iterations zero", simulation: "name: x\niterations: 0\n" + runner + oneInput, expect: ["iterations", "1"]),
        Case(name: "iterations negative", simulation: "name: x\niterations: -3\n" + runner + oneInput, expect: ["iterations"]),
        Case(name: "iterations zero on the command line", simulation: "name: x\n" + runner + oneInput,
             arguments: ["-i", "0"], expect: ["--iterations"]),
        Case(name: "iterations of the wrong type", simulation: "name: x\niterations: three\n" + runner + oneInput,
             expect: ["iterations", "three"]),
        Case(name: "target without a colon", simulation: "name: x\nrunner:\n  target: flaky_agent.run\n" + oneInput,
             expect: ["module:function"]),
        Case(name: "module not found", simulation: "name: x\nrunner:\n  target: no_such_agent:run\n" + oneInput,
             expect: ["no_such_agent", "No module named"]),
        Case(name: "symbol not found", simulation: "name: x\nrunner:\n  target: flaky_agent:runn\n" + oneInput,
             expect: ["runn", "has no attribute"]),
        Case(name: "target not callable", simulation: "name: x\nrunner:\n  target: flaky_agent:InventoryError.args\n" + oneInput,
             expect: ["not callable"]),
        Case(name: "module fails at import", simulation: "name: x\nrunner:\n  target: bad_import_agent:run\n" + oneInput,
             expect: ["bad_import_agent"]),
        Case(name: "unknown persona in --personas",
             simulation: "name: x\n" + runner + oneInput, input: "personas:\n  - name: novice\n  - name: expert\n",
             arguments: ["--personas", "novice,wizard"], expect: ["wizard", "novice", "expert"]),
        Case(name: "output folder cannot be written", simulation: "name: x\n" + runner + oneInput,
             files: ["blocker": "a file, not a folder\n"], arguments: ["--output-dir", "blocker/out", "--db", "db/f.db"],
             expect: ["blocker/out", "--output-dir"]),
        Case(name: "interpreter cannot start", simulation: "name: x\nrunner:\n  target: flaky_agent:run\n  python: /nonexistent/python3\n" + oneInput,
             expect: ["/nonexistent/python3"]),
        Case(name: "no inputs at all", simulation: "name: x\n" + runner, expect: ["base_inputs", "inputs_file"]),
    ]

    @Test(arguments: cases)
    func badInputExitsTwoAndLeavesNothingBehind(_ bad: Case) throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.addAgent("flaky_agent")
        try project.addAgent("bad_import_agent")
        if let simulation = bad.simulation { try project.configure(simulation: simulation, input: bad.input) }
        for (path, text) in bad.files { try project.write(path, text) }
        let result = try project.run(["run", "experiment", "--yes"] + bad.arguments)
        #expect(result.status == 2, "\(bad.name): exit \(result.status)\n\(result.output)")
        for fragment in bad.expect {
            #expect(result.stderr.contains(fragment), "\(bad.name): '\(fragment)' missing from: \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: project.experiments.path), "\(bad.name) left \(project.experiments.path)")
        #expect(!FileManager.default.fileExists(atPath: project.folder.appending(path: "db").path))
        #expect(!FileManager.default.fileExists(atPath: project.folder.appending(path: "blocker/out").path))
    }
}
