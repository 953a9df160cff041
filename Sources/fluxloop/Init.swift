import Core
import ArgumentParser
import Foundation
import Runner

/// `fluxloop init`: scaffolding for a new project, agent or pytest smoke test.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a FluxLoop project, an agent template or a pytest smoke test.",
        subcommands: [Project.self, Agent.self, PytestTemplate.self]
    )

    /// `fluxloop init project [PATH] --name NAME`
    struct Project: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "project",
            abstract: "Create a FluxLoop project (configs/, .env, .gitignore, an example agent) under PATH/NAME.",
            discussion: "Never asks a question; refuses to replace existing files unless --force is given.")

        @Argument(help: "FluxLoop root folder the project goes under (default: ./fluxloop).")
        var path: String?

        @Option(name: [.customLong("name"), .customShort("n")], help: "Project name (a folder under PATH).")
        var name: String?

        @Flag(help: "Write the example agent examples/simple_agent.py, or not (default: --with-example).")
        var example: Example = .withExample

        enum Example: EnumerableFlag {
            case withExample, noExample
        }

        @Flag(name: [.customLong("force"), .customShort("f")], help: "Replace existing files.")
        var force = false

        func run() throws {
            var request = ProjectScaffold.ProjectRequest(currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            request.root = path
            request.name = name
            request.withExample = example == .withExample
            request.force = force
            let code = ProjectScaffold.initProject(request, console: Console())
            if code != 0 { throw ExitCode(code) }
        }
    }

    /// `fluxloop init agent NAME`
    struct Agent: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "agent", abstract: "Write a further agent template to agents/NAME.py.")

        @Argument(help: "Agent module name, e.g. support_bot.")
        var name: String

        @Option(name: [.customLong("path"), .customShort("p")], help: "Folder to create agents/ in (default: the current folder).")
        var path: String?

        @Flag(name: [.customLong("force"), .customShort("f")], help: "Replace an existing file.")
        var force = false

        func run() throws {
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let folder = path.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL } ?? cwd
            let code = ProjectScaffold.initAgent(name: name, directory: folder, force: force, console: Console())
            if code != 0 { throw ExitCode(code) }
        }
    }

    /// `fluxloop init pytest-template [PROJECT_ROOT]`
    struct PytestTemplate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pytest-template", abstract: "Write a pytest smoke test that runs the project with fluxloop.")

        @Argument(help: "Project folder holding configs/ or setting.yaml (default: the current folder).")
        var projectRoot: String?

        @Option(help: "Tests folder, relative to the project.")
        var testsDir = "tests"

        @Option(help: "Test file name.")
        var filename = "test_fluxloop_smoke.py"

        @Flag(help: "Replace an existing file.")
        var force = false

        func run() throws {
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let root = projectRoot.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL } ?? cwd
            let code = ProjectScaffold.initPytest(projectRoot: root, testsDir: testsDir, filename: filename, force: force, console: Console())
            if code != 0 { throw ExitCode(code) }
        }
    }
}
