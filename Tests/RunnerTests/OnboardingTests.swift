import Core
import Foundation
import Store
import Testing
@testable import Runner

/// `init project`, `generate inputs` and `doctor`, through the built binary with stdin closed.
@Suite struct OnboardingTests {
    /// A fresh folder with `fluxloop init project --name demo` run in it.
    private func initialised() throws -> (work: TestProject, project: URL) {
        let work = try TestProject("work")
        let result = try work.run(["init", "project", "--name", "demo"])
        #expect(result.status == 0, "\(result.output)")
        return (work, work.folder.appending(path: "fluxloop/demo"))
    }

    private func inputsDocument(_ url: URL) throws -> JSON {
        guard let tree = try YAMLFile.read(url, display: url.lastPathComponent) else { throw TestFailure("\(url.path) is empty") }
        return tree.json
    }

    @Test func initThenRunWithStdinClosed() throws {
        let (work, project) = try initialised()
        defer { work.cleanup() }
        for file in ["configs/project.yaml", "configs/input.yaml", "configs/simulation.yaml", "configs/evaluation.yaml",
                     ".env", ".gitignore", "examples/simple_agent.py", "inputs/generated.yaml"] {
            #expect(FileManager.default.fileExists(atPath: project.appending(path: file).path), "\(file) missing")
        }
        let ignore = try String(contentsOf: project.appending(path: ".gitignore"), encoding: .utf8)
        #expect(ignore.contains("experiments/") && ignore.contains(".env"))
        let run = try work.run(["run", "experiment", "--project", "demo", "--yes"])
        #expect(run.status == 0, "\(run.output)")
        let experiments = project.appending(path: "experiments")
        let folders = try FileManager.default.contentsOfDirectory(atPath: experiments.path).filter { !$0.hasPrefix("fluxloop.db") }
        #expect(folders.count == 1)
        let summary = try JSON.parse(String(contentsOf: experiments.appending(path: "\(folders[0])/summary.json"), encoding: .utf8))
        #expect(summary["total_traces"]?.intValue == 6)
        #expect(summary["failed"]?.intValue == 0)
    }

    @Test func initRefusesToOverwrite() throws {
        let (work, project) = try initialised()
        defer { work.cleanup() }
        let input = project.appending(path: "configs/input.yaml")
        try "personas: []\n".write(to: input, atomically: true, encoding: .utf8)
        let again = try work.run(["init", "project", "--name", "demo"])
        #expect(again.status == 2)
        #expect(again.stderr.contains("configs/input.yaml") && again.stderr.contains("examples/simple_agent.py"))
        #expect(again.stderr.contains("--force"))
        #expect(try String(contentsOf: input, encoding: .utf8) == "personas: []\n")
        let forced = try work.run(["init", "project", "--name", "demo", "--force"])
        #expect(forced.status == 0)
        #expect(try String(contentsOf: input, encoding: .utf8).contains("base_inputs"))
    }

    @Test func fluxLoopReferenceRunsTheInitialisedProject() throws {
        guard let reference = try ReferenceFluxLoop.executable() else { return }
        let (work, project) = try initialised()
        defer { work.cleanup() }
        let result = try ReferenceFluxLoop.run(reference, ["run", "experiment", "--project", "demo", "--yes"], in: work.folder)
        #expect(result.status == 0, "\(result.output)")
        let summaries = try FileManager.default.contentsOfDirectory(atPath: project.appending(path: "experiments").path)
            .map { project.appending(path: "experiments/\($0)/summary.json") }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
        #expect(summaries.count == 1)
        if let file = summaries.first {
            let summary = try JSON.parse(String(contentsOf: file, encoding: .utf8))
            #expect(summary["results"]?["total_runs"]?.intValue == 6)
            #expect(summary["results"]?["successful"]?.intValue == 6)
        }
    }

    @Test func generateWithAnOpenAICompatibleServer() throws {
        let (work, project) = try initialised()
        defer { work.cleanup() }
        let serverFolder = FileManager.default.temporaryDirectory.appending(path: "fluxloop-fake-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: serverFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: serverFolder) }
        // The first request is rate-limited once; the retry and all others succeed.
        let server = try MultiTurnTests.FakeProvider(
            [.object([("status", .int(429)), ("headers", .object([("Retry-After", .string("0"))]))]),
             MultiTurnTests.reply("\"hey, how do i even start??\"")],
            folder: serverFolder)
        let key = "sk-onboarding-secret-7d1f"
        let result = try work.run(["generate", "inputs", "--project", "demo", "--mode", "llm", "--llm-provider", "openai",
                                   "--llm-model", "variation-model-1", "--llm-base-url", server.baseURL,
                                   "-s", "rephrase", "-s", "concise", "--overwrite"],
                                  environment: ["FLUXLOOP_LLM_API_KEY": key])
        #expect(result.status == 0, "\(result.output)")
        let requests = try server.requests()
        #expect(requests.count == 3 * 2 * 2 + 1)
        #expect(requests.allSatisfy { $0["body"]?["model"]?.stringValue == "variation-model-1" })
        #expect(requests.allSatisfy { $0["path"]?.stringValue == "/v1/chat/completions" })

        let document = try inputsDocument(project.appending(path: "inputs/generated.yaml"))
        #expect(document.keys == ["generated_at", "metadata", "inputs"])
        #expect(document["metadata"]?["generation_mode"]?.stringValue == "llm")
        #expect(document["metadata"]?["llm_model"]?.stringValue == "variation-model-1")
        let inputs = document["inputs"]?.arrayValue ?? []
        #expect(inputs.count == 12)
        #expect(inputs.allSatisfy { $0["input"]?.stringValue == "hey, how do i even start??" })
        #expect(Set(inputs.compactMap { $0["metadata"]?["persona"]?.stringValue }) == ["newcomer", "power_user"])
        #expect(Set(inputs.compactMap { $0["metadata"]?["strategy"]?.stringValue }) == ["rephrase", "concise"])
        #expect(inputs.first?["metadata"]?["source_input"]?.stringValue == "Hello! What can you help me with?")

        let run = try work.run(["run", "experiment", "--project", "demo", "--yes"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("12"))
        if let reference = try ReferenceFluxLoop.executable() {
            let theirs = try ReferenceFluxLoop.run(reference, ["run", "experiment", "--project", "demo", "--yes",
                                                              "--output", "reference-out"], in: work.folder)
            #expect(theirs.status == 0, "\(theirs.output)")
            let summaries = (FileManager.default.enumerator(atPath: work.folder.path)?.allObjects as? [String] ?? [])
                .filter { $0.contains("reference-out") && $0.hasSuffix("summary.json") }
            #expect(summaries.count == 1)
            if let file = summaries.first {
                let summary = try JSON.parse(String(contentsOf: work.folder.appending(path: file), encoding: .utf8))
                #expect(summary["results"]?["total_runs"]?.intValue == 12)
                #expect(summary["results"]?["successful"]?.intValue == 12)
            }
        }
        // The key is in no file: not the inputs file, the database, the exports or the logs.
        for case let path as String in FileManager.default.enumerator(atPath: work.folder.deletingLastPathComponent().path)! {
            let url = work.folder.deletingLastPathComponent().appending(path: path)
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            #expect(data.range(of: Data(key.utf8)) == nil, "the API key is in \(path)")
        }
        #expect(!result.output.contains(key) && !run.output.contains(key))
    }

    @Test func deterministicModeIsReproducible() throws {
        let (work, project) = try initialised()
        defer { work.cleanup() }
        let epoch = ["SOURCE_DATE_EPOCH": "1700000000"]
        for name in ["a", "b"] {
            let result = try work.run(["generate", "inputs", "--project", "demo", "--mode", "deterministic", "--seed", "7",
                                       "--output", "\(name).yaml"], environment: epoch)
            #expect(result.status == 0, "\(result.output)")
        }
        let other = try work.run(["generate", "inputs", "--project", "demo", "--mode", "deterministic", "--seed", "8",
                                  "--output", "c.yaml"], environment: epoch)
        #expect(other.status == 0)
        let a = try Data(contentsOf: project.appending(path: "a.yaml"))
        #expect(a == (try Data(contentsOf: project.appending(path: "b.yaml"))))
        #expect(a != (try Data(contentsOf: project.appending(path: "c.yaml"))))
        let document = try inputsDocument(project.appending(path: "a.yaml"))
        let inputs = document["inputs"]?.arrayValue ?? []
        #expect(inputs.count == 3 * 2 * 4)
        #expect(inputs.contains { $0["input"]?.stringValue == "how do i get started?" })
        // An existing file is refused without --overwrite, and the model-only strategies are refused here.
        let refused = try work.run(["generate", "inputs", "--project", "demo", "--mode", "deterministic", "--output", "a.yaml"])
        #expect(refused.status == 2 && refused.stderr.contains("--overwrite"))
        let wrong = try work.run(["generate", "inputs", "--project", "demo", "--mode", "deterministic", "-s", "rephrase", "--output", "d.yaml"])
        #expect(wrong.status == 2 && wrong.stderr.contains("--mode llm"))
        // The file runs as the experiment's inputs.
        let run = try work.run(["run", "experiment", "--project", "demo", "--yes", "--inputs", "fluxloop/demo/a.yaml"])
        #expect(run.status == 0, "\(run.output)")
    }

    @Test func dryRunWritesNothing() throws {
        let (work, project) = try initialised()
        defer { work.cleanup() }
        let before = try Data(contentsOf: project.appending(path: "inputs/generated.yaml"))
        for mode in ["llm", "deterministic"] {
            let result = try work.run(["generate", "inputs", "--project", "demo", "--mode", mode, "--dry-run", "--limit", "5"],
                                      environment: ["OPENAI_API_KEY": "", "FLUXLOOP_LLM_API_KEY": ""])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.stdout.contains("Generating 5 inputs"))
            let fresh = try work.run(["generate", "inputs", "--project", "demo", "--mode", mode, "--dry-run", "-o", "new.yaml"])
            #expect(fresh.status == 0)
        }
        #expect(try Data(contentsOf: project.appending(path: "inputs/generated.yaml")) == before)
        #expect(!FileManager.default.fileExists(atPath: project.appending(path: "new.yaml").path))
        #expect(!FileManager.default.fileExists(atPath: work.folder.appending(path: "new.yaml").path))
    }

    @Test func doctorReportsAMissingModuleWithItsFix() throws {
        let (work, project) = try initialised()
        defer { work.cleanup() }
        let healthy = try work.run(["doctor", "--project", "demo"], environment: ["OPENAI_API_KEY": "sk-doctor-secret-123"])
        #expect(healthy.status == 0, "\(healthy.output)")
        #expect(healthy.stdout.contains("examples.simple_agent:run imports"))
        #expect(healthy.stdout.contains("present") && !healthy.output.contains("sk-doctor-secret-123"))
        let agent = project.appending(path: "examples/simple_agent.py")
        let text = try String(contentsOf: agent, encoding: .utf8)
        try ("import no_such_dependency_42\n" + text).write(to: agent, atomically: true, encoding: .utf8)
        let broken = try work.run(["doctor", "--project", "demo"])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("No module named 'no_such_dependency_42'"))
        #expect(broken.stdout.contains("fix:") && broken.stdout.contains("pip install no_such_dependency_42"))
    }
}
