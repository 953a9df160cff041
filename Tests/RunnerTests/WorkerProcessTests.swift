import Foundation
import Store
import Testing

/// Worker processes end with their scope: what an agent started in its process group goes too.
@Suite struct WorkerProcessTests {
    /// A command worker that starts a grandchild ignoring SIGTERM, then answers; "hang" never answers.
    static let agent = """
        import json, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"])
        with open("grandchildren.txt", "a") as f:
            f.write("%d\\n" % child.pid)
        for line in sys.stdin:
            request = json.loads(line)
            if request["input"] == "hang":
                time.sleep(600)
            print(json.dumps({"id": request["id"], "output": "ok"}), flush=True)
        """

    private func alive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        // A zombie waiting for its (new) parent to reap it is gone too.
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? false)
    }

    @Test func grandchildrenIgnoringSigtermAreGoneAfterTimeoutsAndAtTheEnd() throws {
        let project = try TestProject(); defer { project.cleanup() }
        try project.write("group_agent.py", Self.agent)
        try project.configure(simulation: """
            name: groups
            iterations: 1
            runner:
              command: ["python3", "group_agent.py"]
              timeout_seconds: 1
            base_inputs: [{input: fine}, {input: hang}, {input: after}]
            """)
        let result = try project.run(["run", "experiment", "--yes"])
        #expect(result.status == 0, "\(result.output)")
        let traces = try project.store().traces(experimentID: try #require(try project.store().experiments().first).id)
        #expect(traces.map(\.success) == [true, false, true])
        #expect(traces[1].errorType == "TimeoutError")

        // One grandchild per worker: the one torn down at the timeout, and the one that ended with the experiment.
        let text = try String(contentsOf: project.folder.appending(path: "grandchildren.txt"), encoding: .utf8)
        let pids = text.split(separator: "\n").compactMap { Int32($0) }
        #expect(pids.count == 2)
        let deadline = Date().addingTimeInterval(5)
        while pids.contains(where: alive), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        for pid in pids { #expect(!alive(pid), "grandchild \(pid) outlived its worker") }
    }
}
