import Foundation
import Testing
@testable import Report

/// Opens generated reports from file:// in headless Chromium (Debian package `chromium`).
/// Skipped with a message when Chromium is missing, except under CI=true, where that fails.
@Suite(.serialized) struct BrowserTests {
    static let screenshotDir = ProcessInfo.processInfo.environment["FLUXLOOP_REPORT_SCREENSHOTS"]

    func browser() -> Chromium? {
        guard let exe = Chromium.executable else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("chromium is not installed: `apt-get install -y chromium` (CI=true, so browser tests must run)")
            } else {
                print("SKIPPED browser tests: chromium not found (apt-get install -y chromium)")
            }
            return nil
        }
        do { return try Chromium(executable: exe) } catch { Issue.record("cannot start chromium: \(error)"); return nil }
    }

    func write(_ name: String, _ render: (URL) throws -> Void) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fluxloop-report-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try render(url)
        return url
    }

    /// Loads the page and checks what every view must satisfy; returns the page for more checks.
    func load(_ chromium: Chromium, _ url: URL, title: String, sections: [String],
              payloads: [String] = [Synthetic.xssScript, Synthetic.xssAttr]) throws -> BrowserPage {
        let page = try BrowserPage(chromium)
        try page.open(url)
        let events = page.events
        let errors = events.filter {
            $0.method == "Runtime.exceptionThrown"
                || ($0.method == "Runtime.consoleAPICalled" && ["error", "warning", "assert"].contains($0.params["type"] as? String ?? ""))
                || ($0.method == "Log.entryAdded" && ["error", "warning"].contains((($0.params["entry"] as? [String: Any])?["level"] as? String) ?? ""))
        }
        #expect(errors.isEmpty, "console errors: \(errors.map(\.params))")
        let requests = events.filter { $0.method == "Network.requestWillBeSent" }
            .compactMap { (($0.params["request"] as? [String: Any])?["url"] as? String) }
        #expect(requests == [url.absoluteString], "requests other than the file itself: \(requests)")
        #expect(try page.evaluate("document.title") as? String == title)
        let missing = try page.evaluate("\(jsArray(sections)).filter(function(id){return !document.getElementById(id)})") as? [Any]
        #expect(missing?.isEmpty == true, "missing sections: \(missing ?? [])")
        // The payloads were shown as text and never ran.
        #expect(try page.evaluate("typeof window.__xss") as? String == "undefined")
        #expect(try page.evaluate("document.querySelectorAll('img').length") as? Int == 0)
        #expect(try page.evaluate("document.querySelectorAll('script').length") as? Int == 1)
        let text = try page.evaluate("document.body.textContent") as? String ?? ""
        for payload in payloads { #expect(text.contains(payload), "not shown as text: \(payload)") }
        #expect(!events.contains { $0.method == "Page.javascriptDialogOpening" }, "a payload opened a dialog")
        // The inline script ran under the CSP: it reveals the filter box.
        #expect(try page.evaluate("document.querySelector('input[data-filter]').hidden") as? Bool == false)
        return page
    }

    func notBlank(_ page: BrowserPage, name: String) throws {
        let shot = try page.screenshot()
        #expect(shot.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
        let blank = try BrowserPage(page.browser)
        let empty = try blank.screenshot()
        // A blank 1280x900 page compresses to a few kB; a rendered report is many times that.
        #expect(shot.count > 8 * empty.count, "screenshot looks blank: \(shot.count) bytes vs \(empty.count) for a blank page")
        if let dir = Self.screenshotDir {
            try page.screenshot(fullPage: true).write(to: URL(fileURLWithPath: dir).appendingPathComponent(name))
        }
    }

    @Test func experimentView() throws {
        guard let chromium = browser() else { return }
        let summary = Synthetic.summary(variant: 0)
        let url = try write("experiment.html") { try ReportRenderer.writeExperiment(summary, to: $0) }
        let page = try load(chromium, url, title: "Experiment support_desk_base", sections: ["overview", "charts", "inputs", "failures", "runs"])
        #expect(try page.evaluate("document.querySelectorAll('svg.chart').length") as? Int == 5)
        #expect(try page.evaluate("document.querySelectorAll('details.run[id^=run-]').length") as? Int == summary.details.count)
        try page.browser.send("Runtime.evaluate", ["expression": "document.querySelectorAll('#runs details').forEach(function(d,i){d.open=i<1})"], session: page.session)
        try notBlank(page, name: "report-experiment.png")
        // Sorting by pass rate, descending on the second click, puts an always-passing input first.
        let sorted = try page.evaluate("""
            (function(){var th=document.querySelectorAll('#input-table th')[3];th.click();th.click();
            return document.querySelector('#input-table tbody tr td:nth-child(3)').textContent})()
            """) as? String
        #expect(sorted == "always")
        // A link to a run opens its details.
        let opened = try page.evaluate("""
            (function(){var a=document.querySelector('#failures a[href^=\"#run-\"]');location.hash=a.getAttribute('href');
            window.dispatchEvent(new HashChangeEvent('hashchange'));return document.getElementById(a.getAttribute('href').slice(1)).open})()
            """) as? Bool
        #expect(opened == true)
    }

    @Test func comparisonView() throws {
        guard let chromium = browser() else { return }
        let model = Synthetic.comparison()
        let url = try write("compare.html") { try ReportRenderer.writeComparison(model, to: $0) }
        let page = try load(chromium, url, title: "Comparison support_desk_base → support_desk_head",
                            sections: ["overview", "verdict", "changes", "pairs", "config"])
        #expect(try page.evaluate("document.querySelector('#change-table tbody td').textContent") as? String == "regression")
        #expect(try page.evaluate("document.querySelectorAll('.align .row.diverge').length") as? Int ?? 0 > 0)
        #expect(try page.evaluate("document.querySelectorAll('#pairs ins, #pairs del').length") as? Int ?? 0 > 0)
        try notBlank(page, name: "report-compare.png")
        if let dir = Self.screenshotDir {
            try page.screenshot(selector: ".align:has(.diverge)").write(to: URL(fileURLWithPath: dir).appendingPathComponent("report-compare-turns.png"))
        }
    }

    func jsArray(_ items: [String]) -> String { "[" + items.map { "'\($0)'" }.joined(separator: ",") + "]" }
}
