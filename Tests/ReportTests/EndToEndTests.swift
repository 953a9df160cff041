import Foundation
import Testing

/// Reports of real experiments: the built `fluxloop` runs real Python agents into a real SQLite file, writes
/// the reports, and headless Chromium opens them from file:// with the same checks as the synthetic pages.
@Suite(.serialized) struct EndToEndTests {
    static let script = "<script>alert(1)</script>"
    static let attribute = "\"><img src=x onerror=alert(1)>"

    @Test func escapingPayloadsFromARealAgentStayText() throws {
        let project = try ToolProject(); defer { project.cleanup() }
        try project.write("xss_agent.py", """
            def run(input_text):
                if input_text.startswith("fail"):
                    raise ValueError(\(pythonString("<b onmouseover=alert(1)>no</b> " + Self.attribute)))
                if "script" in input_text:
                    return \(pythonString(Self.script))
                if "attribute" in input_text:
                    return \(pythonString(Self.attribute))
                return "ok"

            """)
        try project.configure("""
            name: xss
            iterations: 2
            runner: {target: "xss_agent:run"}
            base_inputs:
              - input: "script please"
              - input: "attribute please"
              - input: \(pythonString("fail " + Self.script))
            """)
        let run = try project.run(["run", "experiment", "--yes"])
        #expect(run.status == 0, "\(run.output)")
        let folder = try #require(project.experimentFolders().first)
        try #require(try project.run(["run", "experiment", "--yes", "--no-report"]).status == 0)
        let compare = try project.run(["report", "--compare", "latest~1", "-o", "compare.html"])
        #expect(compare.status == 0, "\(compare.output)")

        let browser = BrowserTests()
        guard let chromium = browser.browser() else { return }
        let page = try browser.load(chromium, folder.appending(path: "report.html"), title: "Experiment xss",
                                    sections: ["overview", "charts", "inputs", "failures", "runs"],
                                    payloads: [Self.script, Self.attribute, "<b onmouseover=alert(1)>no</b>"])
        #expect(try page.evaluate("document.querySelectorAll('details.run[id^=run-]').length") as? Int == 6)
        #expect(try page.evaluate("document.querySelectorAll('[onerror],[onmouseover]').length") as? Int == 0)
        try browser.notBlank(page, name: "report-e2e-experiment.png")
        let pair = try browser.load(chromium, project.folder.appending(path: "compare.html"), title: "Comparison xss → xss",
                                    sections: ["overview", "verdict", "changes", "pairs", "config"],
                                    payloads: [Self.script, Self.attribute])
        #expect(try pair.evaluate("document.querySelectorAll('#pairs details.run').length") as? Int == 6)
    }

    @Test func multiTurnComparisonAlignsTheConversations() throws {
        let project = try ToolProject.reference("multi_turn_mock"); defer { project.cleanup() }
        try #require(try project.run(["run", "experiment", "--yes", "--no-report"]).status == 0)
        // The head's supervisor asks one more question in the middle: every later turn moves down by one.
        let config = project.folder.appending(path: "configs/simulation.yaml")
        let yaml = try String(contentsOf: config, encoding: .utf8)
        let inserted = yaml.replacingOccurrences(of: "        - \"How long does delivery take?\"\n",
                                                 with: "        - \"Do you sell gift cards?\"\n        - \"How long does delivery take?\"\n")
        #expect(inserted != yaml)
        try inserted.write(to: config, atomically: true, encoding: .utf8)
        let second = try project.run(["run", "experiment", "--yes"])
        #expect(second.status == 0, "\(second.output)")
        let compare = try project.run(["report", "latest", "--compare", "latest~1", "-o", "turns.html"])
        #expect(compare.status == 0, "\(compare.output)")
        let html = try String(contentsOf: project.folder.appending(path: "turns.html"), encoding: .utf8)
        #expect(html.contains("Do you sell gift cards?"))

        let browser = BrowserTests()
        guard let chromium = browser.browser() else { return }
        let page = try browser.load(chromium, project.folder.appending(path: "turns.html"),
                                    title: "Comparison multi_turn_mock → multi_turn_mock",
                                    sections: ["overview", "verdict", "changes", "pairs", "config"], payloads: [])
        #expect(try page.evaluate("document.querySelectorAll('#pairs .align').length") as? Int ?? 0 > 0)
        #expect(try page.evaluate("document.querySelectorAll('#pairs .align .row.diverge').length") as? Int ?? 0 > 0)
        // Aligned by content: the inserted question is one row of its own, the questions after it still match.
        let text = try page.evaluate("document.getElementById('pairs').textContent") as? String ?? ""
        #expect(text.contains("not in base: inserted in head"))
        #expect(try page.evaluate("""
            Array.prototype.filter.call(document.querySelectorAll('#pairs .align .row'), function(r){
              return r.textContent.indexOf('Can I return it if it arrives damaged?') >= 0 && r.textContent.indexOf('changed') < 0}).length
            """) as? Int ?? 0 > 0)
        // The configuration diff names the supervisor's script.
        #expect(try page.evaluate("document.getElementById('config').textContent.indexOf('scripted_questions') >= 0") as? Bool == true)
        let experiment = try browser.load(chromium, try #require(project.experimentFolders().last).appending(path: "report.html"),
                                          title: "Experiment multi_turn_mock",
                                          sections: ["overview", "charts", "inputs", "failures", "runs"], payloads: [])
        #expect(try experiment.evaluate("document.querySelectorAll('#runs .turn').length") as? Int ?? 0 > 0)
    }

    func pythonString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
