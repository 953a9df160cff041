import Core
import Foundation
import Testing
import Store
@testable import Runner
import TestSupport

/// A throwaway folder with real files, for config and plan tests.
struct ConfigFixture {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory
            .appending(path: "fluxloop-config-tests-\(UUID().uuidString)").standardizedFileURL
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    /// A copy of a reference project (its configs/ and inputs/).
    static func reference(_ name: String) throws -> ConfigFixture {
        let fixture = try ConfigFixture()
        let source = ReferenceProjects.project(name)
        for folder in ["configs", "inputs"] {
            try FileManager.default.copyItem(at: source.appending(path: folder), to: fixture.dir.appending(path: folder))
        }
        return fixture
    }

    func url(_ path: String) -> URL { dir.appending(path: path) }

    @discardableResult
    func write(_ path: String, _ text: String) throws -> URL {
        let url = url(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func load(_ overrides: ConfigOverrides = ConfigOverrides(), in subfolder: String? = nil) throws(ConfigError) -> LoadedProject {
        let cwd = subfolder.map { url($0) } ?? dir
        return try ConfigLoader.load(overrides, currentDirectory: cwd)
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }
}

/// The ConfigError `body` throws, or nil.
func configError<T>(_ body: () throws -> T) -> ConfigError? {
    do {
        _ = try body()
        return nil
    } catch let error as ConfigError {
        return error
    } catch {
        Issue.record("expected a ConfigError, got \(error)")
        return nil
    }
}

/// Minimal valid simulation section.
let minimalSimulation = """
name: demo
iterations: 2
runner:
  target: "agent:run"
base_inputs:
  - input: hello
"""

/// Object keys in order, recursively (arrays element by element), for comparing shapes.
func keyTree(_ json: JSON) -> String {
    switch json {
    case let .object(members):
        return "{" + members.map { "\($0.key):\(keyTree($0.value))" }.joined(separator: ",") + "}"
    case let .array(items):
        return "[" + items.map(keyTree).joined(separator: ",") + "]"
    default:
        return "_"
    }
}

func referenceConfig(_ scenario: String) throws -> JSON {
    let text = try String(contentsOf: ReferenceProjects.project(scenario).appending(path: "fluxloop-0.2.30-output/experiment/summary.json"), encoding: .utf8)
    return try #require(try JSON.parse(text)["config"])
}

@Suite struct ConfigTests {
    // MARK: Finding and merging files

    @Test func configsFolderMergesSectionsInOrder() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/project.yaml", """
            name: from_project
            description: project description
            tags: [a, b]
            metadata:
              team: qa
              nested: {x: 1, y: 2}
            """)
        try f.write("configs/input.yaml", """
            name: from_input
            personas:
              - name: p1
                description: first
            base_inputs:
              - input: hi
            """)
        try f.write("configs/simulation.yaml", """
            name: from_simulation
            iterations: 4
            runner:
              target: "agent:run"
            tags: [c]
            metadata:
              nested: {y: 3}
            """)
        try f.write("configs/evaluation.yaml", """
            metadata:
              team: evaluators
            evaluators:
              - name: not_empty
                type: rule_based
            """)
        let loaded = try f.load()
        let c = loaded.config
        #expect(c.name == "from_simulation")
        #expect(c.description == "project description")
        #expect(c.iterations == 4)
        #expect(c.personas.map(\.name) == ["p1"])
        #expect(c.snapshot["tags"] == .array([.string("c")]))  // lists are replaced, not appended
        // mappings merge recursively, later files win, earlier keys keep their place
        #expect(keyTree(c.snapshot["metadata"]!) == "{team:_,nested:{x:_,y:_}}")
        #expect(c.snapshot["metadata"]?["team"] == .string("evaluators"))
        #expect(c.snapshot["metadata"]?["nested"]?["x"] == .int(1))
        #expect(c.snapshot["metadata"]?["nested"]?["y"] == .int(3))
        #expect(c.snapshot["evaluators"]?.arrayValue?.count == 1)
        #expect(loaded.configFile.path == f.url("configs/simulation.yaml").path)
        #expect(loaded.configFiles.map(\.lastPathComponent) == ["project.yaml", "input.yaml", "simulation.yaml", "evaluation.yaml"])
        #expect(loaded.projectDirectory.path == f.dir.path)
        #expect(!loaded.isSingleFile)
    }

    @Test func missingSectionFilesAreFine() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", minimalSimulation)
        let loaded = try f.load()
        #expect(loaded.config.name == "demo")
        #expect(loaded.configFiles.count == 1)
    }

    @Test func legacySingleFile() throws {
        for name in ["setting.yaml", "fluxloop.yaml"] {
            let f = try ConfigFixture()
            defer { f.remove() }
            try f.write(name, minimalSimulation)
            let loaded = try f.load()
            #expect(loaded.isSingleFile)
            #expect(loaded.configFile.lastPathComponent == name)
            #expect(loaded.config.name == "demo")
            #expect(loaded.config.iterations == 2)
        }
    }

    @Test func explicitConfigInsideConfigsFolderMergesSiblings() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/input.yaml", "personas:\n  - name: p1\n    description: d\n")
        try f.write("configs/simulation.yaml", minimalSimulation)
        try f.write("configs/ci.yaml", "iterations: 7\n")
        var o = ConfigOverrides()
        o.configPath = "configs/ci.yaml"
        let loaded = try f.load(o)
        #expect(loaded.config.iterations == 7)  // the named file wins
        #expect(loaded.config.personas.count == 1)  // its siblings are merged
        #expect(loaded.config.runner.target == "agent:run")
        #expect(loaded.configFile.lastPathComponent == "ci.yaml")
    }

    @Test func explicitConfigElsewhereIsReadAlone() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", "name: not_this_one\nrunner: {target: \"x:y\"}\nbase_inputs: [{input: a}]\n")
        try f.write("other/experiment.yaml", minimalSimulation)
        var o = ConfigOverrides()
        o.configPath = "other/experiment.yaml"
        let loaded = try f.load(o)
        #expect(loaded.config.name == "demo")
        #expect(loaded.isSingleFile)
        #expect(loaded.projectDirectory.path == f.dir.path)
    }

    @Test func projectAndRoot() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("fluxloop/shop/configs/simulation.yaml", minimalSimulation + "\ninputs_file: inputs/generated.yaml\n")
        try f.write("fluxloop/shop/inputs/generated.yaml", "inputs:\n  - input: hi\n")
        try f.write("elsewhere/.keep", "")
        // default root ./fluxloop, relative to the current folder
        var o = ConfigOverrides()
        o.project = "shop"
        let loaded = try f.load(o)
        #expect(loaded.projectDirectory.path == f.url("fluxloop/shop").path)
        #expect(loaded.rootDirectory.path == f.url("fluxloop").path)
        #expect(loaded.config.inputsFile?.path == f.url("fluxloop/shop/inputs/generated.yaml").path)
        #expect(loaded.config.outputDirectory.path == f.url("fluxloop/shop/experiments").path)

        // --root elsewhere, relative to the current folder
        o.root = "../fluxloop"
        let fromElsewhere = try f.load(o, in: "elsewhere")
        #expect(fromElsewhere.projectDirectory.path == f.url("fluxloop/shop").path)

        o.project = "nope"
        let error = configError { try f.load(o, in: "elsewhere") }
        #expect(error?.description.contains("project 'nope' not found") == true)
        #expect(error?.description.contains(f.url("fluxloop/nope").path) == true)
    }

    @Test func relativePathsResolve() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("proj/configs/simulation.yaml", """
            name: paths
            iterations: 1
            inputs_file: inputs/generated.yaml
            output_directory: out/runs
            runner:
              target: "agent:run"
              working_directory: src
              python_path: [lib, /opt/abs]
            """)
        var o = ConfigOverrides()
        o.project = "proj"
        o.root = "."
        let c = try f.load(o).config
        #expect(c.inputsFile?.path == f.url("proj/inputs/generated.yaml").path)
        #expect(c.outputDirectory.path == f.url("proj/out/runs").path)
        #expect(c.runner.workingDirectory.path == f.url("proj/src").path)
        #expect(c.runner.pythonPath.map(\.path) == [f.url("proj/lib").path, "/opt/abs"])
        #expect(c.inputsFileSource == "'inputs_file' in configs/simulation.yaml")
        // the snapshot keeps the paths as written
        #expect(c.snapshot["inputs_file"] == .string("inputs/generated.yaml"))

        // CLI paths resolve against the current folder
        o.root = f.dir.path
        o.inputsFile = "mine.yaml"
        o.outputDirectory = "results"
        let overridden = try f.load(o, in: "proj/src").config
        #expect(overridden.inputsFile?.path == f.url("proj/src/mine.yaml").path)
        #expect(overridden.outputDirectory.path == f.url("proj/src/results").path)
        #expect(overridden.inputsFileSource == "--inputs")
        #expect(overridden.snapshot["output_directory"] == .string(f.url("proj/src/results").path))
    }

    @Test func workingDirectoryDefaultsToProjectFolder() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", minimalSimulation)
        let c = try f.load().config
        #expect(c.runner.workingDirectory.path == f.dir.path)
        #expect(c.runner.modulePath == "agent")
        #expect(c.runner.functionName == "run")
        #expect(c.runner.callableTarget == "agent:run")
    }

    // MARK: Keys

    @Test func seedSpellingsAndDefaults() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", """
            runner:
              target: "examples.my_agent:run"
              iterations: 10
            output:
              directory: "runs"
              format: jsonl
            base_inputs:
              - input: x
            """)
        let loaded = try f.load()
        let c = loaded.config
        #expect(c.iterations == 10)
        #expect(c.outputDirectory.path == f.url("runs").path)
        #expect(c.name == "experiment")
        #expect(c.parallelRuns == 1)
        #expect(c.runDelaySeconds == 0)
        #expect(c.multiTurn.maxTurns == 8)
        #expect(c.multiTurn.supervisor.provider == "openai")
        #expect(c.runner.timeoutSeconds == 300)
        #expect(c.runner.maxRetries == 3)
        #expect(loaded.warnings.isEmpty)
        #expect(c.snapshot["iterations"] == .int(10))
        #expect(c.snapshot["output_directory"] == .string("runs"))
        #expect(c.snapshot["runner"]?["iterations"] == nil)
    }

    @Test func cliOverrides() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", minimalSimulation)
        var o = ConfigOverrides()
        o.iterations = 5
        o.experimentName = "baseline"
        o.parallel = 3
        o.timeoutSeconds = 12.5
        o.maxRetries = 0
        o.multiTurnEnabled = true
        o.maxTurns = 4
        o.supervisorProvider = "mock"
        o.supervisorTemperature = 0.2
        let c = try f.load(o).config
        #expect(c.iterations == 5)
        #expect(c.name == "baseline")
        #expect(c.parallelRuns == 3)
        #expect(c.runner.timeoutSeconds == 12.5)
        #expect(c.runner.maxRetries == 0)
        #expect(c.multiTurn.enabled)
        #expect(c.multiTurn.maxTurns == 4)
        #expect(c.multiTurn.supervisor.provider == "mock")
        #expect(c.multiTurn.supervisor.model == "gpt-5-mini")
        #expect(c.snapshot["name"] == .string("baseline"))
        #expect(c.snapshot["iterations"] == .int(5))
        // FluxLoop creates the multi_turn section with its defaults when an option is given
        #expect(keyTree(c.snapshot["multi_turn"]!) == "{enabled:_,max_turns:_,auto_approve_tools:_,supervisor:{provider:_,model:_,temperature:_,metadata:{}}}")
        #expect(c.snapshot["runner"]?["timeout_seconds"] == .number("12.5"))
    }

    @Test func unknownKeysWarnAndSuggest() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", minimalSimulation + "\niteratons: 3\nrunner_extra: 1\n")
        try f.write("configs/project.yaml", "name: x\nrunner:\n  taget: \"a:b\"\n")
        let loaded = try f.load()
        #expect(loaded.config.iterations == 2)
        #expect(loaded.warnings.contains("configs/simulation.yaml line 7: unknown key 'iteratons' (ignored) — did you mean 'iterations'?"))
        #expect(loaded.warnings.contains { $0.contains("unknown key 'runner_extra' (ignored)") && !$0.contains("did you mean") })
        #expect(loaded.warnings.contains("configs/project.yaml line 3: unknown key 'runner.taget' (ignored) — did you mean 'runner.target'?"))
        #expect(loaded.config.snapshot["iteratons"] == nil)
        // keys FluxLoop's own templates write are known
        try f.write("configs/evaluation.yaml", "aggregate: {method: weighted_sum}\nreport: {style: quick}\nsource_root: \"\"\n")
        #expect(try f.load().warnings.count == 3)
    }

    // MARK: Snapshot

    @Test func snapshotMatchesFluxLoopSummaryConfig() throws {
        for scenario in ["single_turn_basic", "multi_turn_mock", "replay_args", "agent_errors"] {
            let f = try ConfigFixture.reference(scenario)
            defer { f.remove() }
            let loaded = try f.load()
            let expected = try referenceConfig(scenario)
            #expect(keyTree(loaded.config.snapshot) == keyTree(expected), "key order differs for \(scenario)")
            #expect(loaded.config.snapshot.text == expected.text, "values differ for \(scenario)")
            #expect(loaded.warnings.isEmpty)
        }
    }

    @Test func snapshotYAMLRoundTrips() throws {
        let f = try ConfigFixture.reference("multi_turn_mock")
        defer { f.remove() }
        let c = try f.load().config
        #expect(c.snapshotYAML.hasPrefix("name: multi_turn_mock\n"))
        let back = try #require(try YAMLFile.parse(c.snapshotYAML, display: "config.yaml"))
        #expect(back.json.text == c.snapshot.text)

        // strings YAML would otherwise read as something else stay strings
        try f.write("configs/evaluation.yaml", """
            metadata:
              yes_word: "yes"
              number_text: "123"
              null_text: "null"
              multi: "line one\nline two: with colon"
              unicode: "café ✓"
              padded: "  spaced  "
              hash: "# not a comment"
            multi_turn:
              supervisor:
                system_prompt: |
                  You supervise.
                  Decide whether to continue.
            """)
        let tricky = try f.load().config
        let reread = try #require(try YAMLFile.parse(tricky.snapshotYAML, display: "config.yaml"))
        #expect(reread.json.text == tricky.snapshot.text)
        #expect(tricky.snapshot["metadata"]?["yes_word"] == .string("yes"))
    }

    @Test func secretsAreRedactedInTheSnapshot() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/project.yaml", "collector_url: http://localhost\ncollector_api_key: ck-123\n")
        try f.write("configs/input.yaml", "input_generation:\n  llm:\n    api_key: sk-input\n")
        try f.write("configs/simulation.yaml", minimalSimulation)
        try f.write("configs/evaluation.yaml", """
            runner:
              environment_vars:
                OPENAI_API_KEY: sk-env
                GITHUB_TOKEN: ghp-1
                PLAIN: visible
            multi_turn:
              supervisor:
                api_key: sk-config
                metadata:
                  password: hunter2
                  secrets: {a: s3cr3t, b: [l1st]}
            """)
        var o = ConfigOverrides()
        o.supervisorAPIKey = "sk-cli"
        let c = try f.load(o).config
        #expect(c.multiTurn.supervisor.apiKey == "sk-cli")
        #expect(c.runner.environmentVars["OPENAI_API_KEY"] == "sk-env")
        #expect(c.environment["OPENAI_API_KEY"] == "sk-env")
        let s = c.snapshot
        #expect(s["multi_turn"]?["supervisor"]?["api_key"] == .string("***"))
        #expect(s["multi_turn"]?["supervisor"]?["metadata"]?["password"] == .string("***"))
        #expect(s["collector_api_key"] == .string("***"))
        #expect(s["input_generation"]?["llm"]?["api_key"] == .string("***"))
        #expect(s["runner"]?["environment_vars"]?["OPENAI_API_KEY"] == .string("***"))
        #expect(s["runner"]?["environment_vars"]?["GITHUB_TOKEN"] == .string("***"))
        #expect(s["runner"]?["environment_vars"]?["PLAIN"] == .string("visible"))
        #expect(s["input_generation"]?["llm"]?["max_tokens"] == .int(1024))
        for secret in ["sk-cli", "sk-config", "sk-env", "ghp-1", "ck-123", "sk-input", "hunter2", "s3cr3t", "l1st"] {
            #expect(!s.text.contains(secret))
            #expect(!c.snapshotYAML.contains(secret))
        }
    }

    // MARK: .env

    @Test func dotEnvPrecedence() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("fluxloop/.env", "SHARED=root\nROOT_ONLY=r\nVAR_WINS=root\n")
        try f.write("fluxloop/shop/.env", """
            # comment
            export SHARED=project
            QUOTED="a b # not a comment"
            SINGLE='x\\ny'
            ESCAPED="line1\\nline2"
            INLINE=value # trailing comment
            VAR_WINS=project
            not a pair
            """)
        try f.write("fluxloop/shop/configs/simulation.yaml", minimalSimulation)
        try f.write("fluxloop/shop/configs/project.yaml", "runner:\n  environment_vars:\n    VAR_WINS: vars\n")
        var o = ConfigOverrides()
        o.project = "shop"
        let loaded = try f.load(o)
        let env = loaded.config.environment
        #expect(env["SHARED"] == "project")
        #expect(env["ROOT_ONLY"] == "r")
        #expect(env["VAR_WINS"] == "vars")
        #expect(env["QUOTED"] == "a b # not a comment")
        #expect(env["SINGLE"] == "x\\ny")
        #expect(env["ESCAPED"] == "line1\nline2")
        #expect(env["INLINE"] == "value")
        #expect(loaded.warnings.contains { $0.contains(".env line 8") })
    }

    // MARK: Errors

    @Test func configMissing() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        let error = configError { try f.load() }
        #expect(error?.description == "no configuration found: configs/simulation.yaml does not exist in \(f.dir.path) (pass --config FILE or run from a FluxLoop project folder)")

        var o = ConfigOverrides()
        o.configPath = "missing.yaml"
        let explicit = configError { try f.load(o) }
        #expect(explicit?.description.contains("missing.yaml does not exist") == true)
    }

    @Test func invalidYAMLNamesTheLine() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", "name: x\niterations: 2\nrunner:\n  target: [unclosed\n")
        let error = configError { try f.load() }
        guard case let .invalidYAML(location, _)? = error else { Issue.record("expected invalidYAML, got \(String(describing: error))"); return }
        #expect(location.file == "configs/simulation.yaml")
        #expect(location.line != nil)
        #expect(error!.description.hasPrefix("configs/simulation.yaml line \(location.line!): "))

        try f.write("configs/simulation.yaml", "name: x\niterations: 2\n  bad: indent\n")
        let second = configError { try f.load() }
        #expect(second?.description.hasPrefix("configs/simulation.yaml line 3: ") == true)
    }

    @Test func topLevelMustBeAMapping() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", "- a\n- b\n")
        let error = configError { try f.load() }
        #expect(error?.description.contains("configs/simulation.yaml line 1: expected a mapping") == true)
    }

    @Test func iterationsMustBeAWholeNumberOfAtLeastOne() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        let cases: [(String, String)] = [
            ("0", "(got 0)"), ("-3", "(got -3)"), ("\"three\"", "(got \"three\")"), ("2.5", "(got 2.5)"), ("[1]", "(got a list)"),
        ]
        for (value, got) in cases {
            try f.write("configs/simulation.yaml", "name: x\niterations: \(value)\nrunner: {target: \"a:b\"}\nbase_inputs: [{input: a}]\n")
            let error = configError { try f.load() }
            #expect(error?.description == "configs/simulation.yaml line 2: 'iterations' must be a whole number ≥ 1 \(got)")
        }
        try f.write("configs/simulation.yaml", minimalSimulation)
        var o = ConfigOverrides()
        o.iterations = 0
        #expect(configError { try f.load(o) }?.description == "--iterations must be a whole number ≥ 1 (got 0)")
        o.iterations = -1
        #expect(configError { try f.load(o) }?.description == "--iterations must be a whole number ≥ 1 (got -1)")
    }

    @Test func otherWrongTypes() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", minimalSimulation + "\nmulti_turn:\n  max_turns: 0\n")
        #expect(configError { try f.load() }?.description == "configs/simulation.yaml line 8: 'multi_turn.max_turns' must be a whole number from 1 to 100 (got 0)")
        try f.write("configs/simulation.yaml", minimalSimulation + "\nmulti_turn:\n  enabled: maybe\n")
        #expect(configError { try f.load() }?.description == "configs/simulation.yaml line 8: 'multi_turn.enabled' must be true or false (got \"maybe\")")
        try f.write("configs/simulation.yaml", minimalSimulation + "\npersonas:\n  - description: no name\n")
        #expect(configError { try f.load() }?.description.contains("'personas[0].name' is required") == true)
        try f.write("configs/simulation.yaml", minimalSimulation + "\nruntime: {}\nparallel_runs: zero\n")
        #expect(configError { try f.load() }?.description == "configs/simulation.yaml line 8: 'parallel_runs' must be a whole number ≥ 1 (got \"zero\")")
    }

    @Test func targetNeedsAColon() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", "name: x\nrunner:\n  target: my_agent.run\nbase_inputs: [{input: a}]\n")
        let error = configError { try f.load() }
        #expect(error?.description == "configs/simulation.yaml line 3: 'runner.target' must have the form module:function, e.g. \"my_agent:run\" or \"package.module:Class.method\" (got \"my_agent.run\")")
    }

    @Test func runnerIsRequired() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", "name: x\nbase_inputs: [{input: a}]\n")
        let error = configError { try f.load() }
        #expect(error?.description.hasPrefix("configs/simulation.yaml: 'runner.target' is required — set it to module:function") == true)
        // module_path alone, or a command, is enough
        try f.write("configs/simulation.yaml", "name: x\nrunner: {module_path: agent}\nbase_inputs: [{input: a}]\n")
        let c = try f.load().config
        #expect(c.runner.callableTarget == "agent:run")
        #expect(c.runner.target == nil)
        try f.write("configs/simulation.yaml", "name: x\nrunner: {command: [node, agent.js]}\nbase_inputs: [{input: a}]\n")
        #expect(try f.load().config.runner.command == ["node", "agent.js"])
        try f.write("configs/simulation.yaml", "name: x\nrunner: {command: node agent.js}\nbase_inputs: [{input: a}]\n")
        #expect(configError { try f.load() }?.description.contains("'runner.command' must be a list of strings") == true)
    }

    @Test func inputTemplatePlaceholdersAreChecked() throws {
        let f = try ConfigFixture()
        defer { f.remove() }
        try f.write("configs/simulation.yaml", minimalSimulation + "\ninput_template: \"{persona} says {text}\"\n")
        #expect(configError { try f.load() }?.description == "configs/simulation.yaml line 7: 'input_template' uses the placeholder {text}; only {input} and {persona} are available (write {{ and }} for literal braces)")
    }

    @Test func personaPromptText() throws {
        let f = try ConfigFixture.reference("single_turn_basic")
        defer { f.remove() }
        let novice = try #require(try f.load().config.persona(named: "novice_shopper"))
        #expect(novice.promptText == """
            User Persona: novice_shopper
            Description: First-time customer of the online bookstore
            Characteristics: Asks short, simple questions, Unsure about store policies
            Goals: Place a first order without surprises
            Language: en
            Expertise Level: novice
            """)
        let withConstraints = Persona(name: "p", description: "d", constraints: ["no jargon"])
        #expect(withConstraints.promptText == "User Persona: p\nDescription: d\nConstraints: no jargon\nLanguage: en\nExpertise Level: intermediate")
    }
}
