import Core
import Foundation
import Store

/// `fluxloop init`: writes a new FluxLoop project, a further agent, or a pytest smoke test. Never asks
/// a question; refuses to replace existing files unless forced; each file is written whole or not at all.
public enum ProjectScaffold {
    /// Where `init project` puts things.
    public struct ProjectRequest: Sendable {
        /// The FluxLoop root (default ./fluxloop); the project is `<root>/<name>`.
        public var root: String?
        public var name: String?
        public var withExample = true
        public var force = false
        public var currentDirectory: URL
        public init(currentDirectory: URL) { self.currentDirectory = currentDirectory }
    }

    /// The example agent's entry point, as `runner.target` names it.
    public static let exampleTarget = "examples.simple_agent:run"

    /// Runs `init project`; returns the exit code (2 for a bad name or files in the way).
    public static func initProject(_ request: ProjectRequest, console: Console) -> Int32 {
        let cwd = request.currentDirectory.standardizedFileURL
        let root = Paths.resolve(request.root ?? ConfigLoader.defaultRoot, against: cwd).standardizedFileURL
        var name = request.name?.trimmingCharacters(in: .whitespaces)
        if name == nil || name!.isEmpty {
            // Inside <root>/<project> already: that folder is the project, as in FluxLoop.
            if cwd.deletingLastPathComponent().standardizedFileURL.path == root.path { name = cwd.lastPathComponent }
        }
        guard let name, !name.isEmpty else {
            console.error("give the project a name: fluxloop init project --name my_agent (it is created under \(display(root, cwd))/).")
            return 2
        }
        guard !name.contains("/"), name != ".", name != "..", !name.hasPrefix("-") else {
            console.error("the project name '\(name)' must be a plain folder name, e.g. --name my_agent.")
            return 2
        }
        let folder = root.appending(path: name)
        var files: [(path: String, text: String)] = [
            ("configs/project.yaml", ConfigTemplates.project(name: name)),
            ("configs/input.yaml", ConfigTemplates.input),
            ("configs/simulation.yaml", ConfigTemplates.simulation(name: name, target: exampleTarget)),
            ("configs/evaluation.yaml", ConfigTemplates.evaluation),
            (".env", ConfigTemplates.env),
            (".gitignore", ConfigTemplates.gitignore),
        ]
        if request.withExample {
            files += [("examples/__init__.py", ""), ("examples/simple_agent.py", AgentTemplates.simpleAgent)]
        }
        let inputsPath = "inputs/generated.yaml"
        let paths = files.map(\.path) + [inputsPath]
        let existing = paths.filter { FileManager.default.fileExists(atPath: folder.appending(path: $0).path) }
        if !existing.isEmpty && !request.force {
            console.error("\(display(folder, cwd)) already has files that init would replace:\n"
                + existing.map { "  \($0)" }.joined(separator: "\n")
                + "\nNothing was written. Pass --force to replace them, or choose another --name.")
            return 2
        }
        do {
            for file in files { try AtomicFile.write(file.text, to: folder.appending(path: file.path)) }
            try writeStarterInputs(folder: folder, path: inputsPath)
        } catch {
            console.error("cannot write the project into \(display(folder, cwd)): \(error)")
            return 1
        }
        let shown = display(folder, cwd)
        console.line("Created the FluxLoop project '\(name)' in \(shown)/")
        for path in paths.sorted() { console.line("  \(path)") }
        if !request.withExample {
            console.line("No example agent was written: point runner.target in configs/simulation.yaml at your agent (module:function).")
        }
        let rootOption = request.root.map { " --root \($0)" } ?? ""
        console.line("""

            Next:
              fluxloop run experiment --project \(name)\(rootOption) --yes
              fluxloop generate inputs --project \(name)\(rootOption) --mode deterministic --overwrite
              fluxloop doctor --project \(name)\(rootOption)
            """)
        return 0
    }

    /// One input per base input × persona, as written: the project runs before any generation, with
    /// this tool and with FluxLoop (which needs an inputs file).
    private static func writeStarterInputs(folder: URL, path: String) throws {
        let project = try ConfigLoader.load(ConfigOverrides(), currentDirectory: folder)
        let config = project.config
        let plan = VariationPlan.make(baseInputs: config.baseInputs, personas: config.personas, strategies: [.original], limit: nil)
        let inputs = plan.map { GeneratedInput(input: $0.base.input, metadata: $0.metadata()) }
        let metadata = JSON.object([
            ("config_name", .string(config.name)), ("generation_mode", .string("init")),
            ("strategies", .array([.string(VariationStrategy.original.rawValue)])),
            ("total_base_inputs", .int(config.baseInputs.count)), ("total_personas", .int(config.personas.count)),
        ])
        try AtomicFile.write(InputsFile.render(inputs, metadata: metadata, generatedAt: InputsFile.generationTime()),
                             to: folder.appending(path: path))
    }

    /// `init agent NAME`: `<directory>/agents/NAME.py`.
    public static func initAgent(name: String, directory: URL, force: Bool, console: Console) -> Int32 {
        guard let first = name.unicodeScalars.first, first == "_" || CharacterSet.letters.contains(first),
              name.unicodeScalars.allSatisfy({ $0 == "_" || CharacterSet.alphanumerics.contains($0) && $0.isASCII }) else {
            console.error("the agent name '\(name)' must be a Python module name: letters, digits and _, e.g. support_bot.")
            return 2
        }
        let file = directory.appending(path: "agents/\(name).py")
        return writeOne(AgentTemplates.agent(name: name), to: file, force: force, console: console) {
            console.line("Point the project at it in configs/simulation.yaml:\n  runner:\n    target: \"agents.\(name):run\"")
        }
    }

    /// `init pytest-template`: `<project>/<testsDir>/<filename>`, running the project's simulation config.
    public static func initPytest(projectRoot: URL, testsDir: String, filename: String, force: Bool, console: Console) -> Int32 {
        guard Paths.isDirectory(projectRoot) else {
            console.error("the project folder \(projectRoot.path) does not exist.")
            return 2
        }
        var config = ConfigLoader.defaultConfigPath
        if !Paths.isFile(projectRoot.appending(path: config)) {
            if let legacy = ConfigLoader.legacyFiles.first(where: { Paths.isFile(projectRoot.appending(path: $0)) }) {
                config = legacy
            } else {
                console.warn("neither configs/simulation.yaml nor setting.yaml is in \(projectRoot.path); the test names configs/simulation.yaml.")
            }
        }
        let file = projectRoot.appending(path: testsDir).appending(path: filename)
        return writeOne(AgentTemplates.pytestSmoke(config: config), to: file, force: force, console: console) {
            console.line("Run it with: pytest -k fluxloop_smoke")
        }
    }

    private static func writeOne(_ text: String, to file: URL, force: Bool, console: Console, then: () -> Void) -> Int32 {
        if FileManager.default.fileExists(atPath: file.path) && !force {
            console.error("\(file.path) already exists; nothing was written. Pass --force to replace it.")
            return 2
        }
        do {
            try AtomicFile.write(text, to: file)
        } catch {
            console.error("cannot write \(file.path): \(error.localizedDescription)")
            return 1
        }
        console.line("Created \(file.path)")
        then()
        return 0
    }

    private static func display(_ url: URL, _ cwd: URL) -> String {
        let path = url.standardizedFileURL.path, base = cwd.path
        if path == base { return "." }
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
    }
}
