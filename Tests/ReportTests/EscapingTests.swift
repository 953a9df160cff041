import Foundation
import Testing
@testable import Report

@Suite struct EscapingTests {
    @Test func textAndAttributeContexts() {
        #expect(Escape.text("<script>alert(1)</script> & \"x\"") == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"x\"")
        #expect(Escape.attribute("\"><img src=x onerror=alert(1)>'") == "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;")
        // Already-escaped text is escaped again, so it shows exactly as the agent wrote it.
        #expect(Escape.text("&lt;b&gt;") == "&amp;lt;b&amp;gt;")
        #expect(Escape.text("plain ünïcode ✓") == "plain ünïcode ✓")
    }

    @Test func markupEscapesEveryValue() {
        let sink = StringSink()
        let m = Markup(sink)
        m.el(.div, .title("\"><img src=x onerror=alert(1)>"), .data(.value, "<x>"), text: "<script>alert(1)</script>")
        #expect(sink.output == "<div title=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\" data-value=\"&lt;x&gt;\">&lt;script&gt;alert(1)&lt;/script&gt;</div>")
    }

    @Test func reportsNeverContainRawPayloads() {
        let experiment = StringSink(), comparison = StringSink()
        ReportRenderer.experiment(Synthetic.summary(variant: 0), into: experiment)
        ReportRenderer.comparison(Synthetic.comparison(), into: comparison)
        for html in [experiment.output, comparison.output] {
            #expect(!html.contains(Synthetic.xssScript))
            #expect(!html.contains(Synthetic.xssAttr))
            #expect(!html.contains("<img"))
            #expect(html.contains(Escape.text(Synthetic.xssScript)))
            // Only the page's own script tag.
            #expect(html.components(separatedBy: "<script").count == 2)
            #expect(html.contains("http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;"))
            #expect(!html.contains("http://") || !html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
            #expect(!html.contains("https://"))
        }
    }
}
