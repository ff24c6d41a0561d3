import SiamCore
@testable import SiamReport
import Testing

/// The HTML report as text: escaping, self-containment, empty and missing figures, number
/// formats, and one chart mark per data point. What a browser makes of it is in
/// HTMLReportBrowserTests.
@Suite struct HTMLReportTests {
    /// The part of `html` from the chart's `<svg` to its `</svg>`, or "" if it is not there.
    func chart(_ id: String, in html: String) -> Substring {
        guard let marker = html.range(of: "data-chart=\"\(id)\""),
              let start = html[..<marker.lowerBound].range(of: "<svg", options: .backwards),
              let end = html[marker.upperBound...].range(of: "</svg>")
        else { return "" }
        return html[start.lowerBound..<end.upperBound]
    }

    /// The scorecard table row of `supplier`.
    func row(_ supplier: String, in html: String) -> Substring {
        guard let start = html.range(of: "<tr data-supplier=\"\(supplier)\""),
              let end = html[start.upperBound...].range(of: "</tr>")
        else { return "" }
        return html[start.lowerBound..<end.upperBound]
    }

    func occurrences(of needle: String, in text: some StringProtocol) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// Whether `word` stands as a word of its own ("nan", not "governance").
    func containsWord(_ word: String, in text: String) -> Bool {
        text.split(whereSeparator: { !$0.isLetter }).contains { $0 == word }
    }

    /// A supplier with everything missing that can be.
    func silentSupplier(_ code: String, name: String) -> SupplierScore {
        BrowserFixtures.score(code, name, "onboarding", offered: 0, accepted: 0, rejected: 0, expired: 0, median: nil,
                              ola: (0, 0), breaches: 0, bounces: 0, disputes: 0, escalations: 0, complaints: 0, satisfaction: nil)
    }

    @Test func textFromDataIsEscapedEverywhere() {
        let hostile = "<script>alert(\"x\")</script> & 'q' \u{1F680}"
        let service = "<img src=x onerror=alert(1)>"
        var report = BrowserFixtures.richReport()
        report.suppliers[0].name = hostile
        report.suppliers[1].supplier = "b\"><script>alert(2)</script>"
        report.breaches.append(BreachCount(supplier: "acme", service: service, priority: "<P1>", count: 2))
        report.compliance.append(ComplianceBucket(supplier: report.suppliers[1].supplier, start: BrowserFixtures.since, clocks: 2, met: 1))
        let html = HTMLReport.render(report, title: "Q4 <b>review</b> & \"more\"")

        // Only the page's own sorting script; no tag from data survives as a tag.
        #expect(occurrences(of: "<script", in: html) == 1)
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>"))
        #expect(!html.contains("<P1>"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; \u{1F680}"))
        #expect(html.contains("b&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("<h1>Q4 &lt;b&gt;review&lt;/b&gt; &amp; &quot;more&quot;</h1>"))
    }

    @Test func escapingCoversMarkupQuotesAndControls() {
        // Each case: input, what the page gets.
        let cases: [(String, String)] = [
            ("plain", "plain"),
            ("a & b", "a &amp; b"),
            ("<tag>", "&lt;tag&gt;"),
            ("\"double\" 'single'", "&quot;double&quot; &#39;single&#39;"),
            ("caf\u{00E9} \u{1F469}\u{200D}\u{1F4BB}", "caf\u{00E9} \u{1F469}\u{200D}\u{1F4BB}"),  // accents and emoji stay
            ("bell\u{07}", "bell\u{FFFD}"),  // controls are parse errors in HTML
            ("line\nbreak", "line\nbreak"),
        ]
        for (input, expected) in cases {
            #expect(htmlEscaped(input) == expected, "\(input)")
        }
    }

    @Test func pageFetchesNothing() {
        let html = HTMLReport.render(BrowserFixtures.richReport())
        #expect(!html.contains("<link"))
        #expect(!html.contains("<script src"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("@import"))
        #expect(!html.contains("<iframe"))
        // No src or href at all, so none can point anywhere.
        #expect(!html.contains(" src="))
        #expect(!html.contains("href="))
        // Any url( would have to be data:.
        #expect(occurrences(of: "url(", in: html) == occurrences(of: "url(data:", in: html))
        // A URL appears only as the SVG namespace, which is a name, not a load.
        #expect(!html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("://"))
        // And the browser is told to refuse any load regardless.
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"))
    }

    @Test func disputesAreListedWithTheirRulingsAndEscaped() throws {
        var report = BrowserFixtures.richReport()
        report.disputes[2].note = nil
        report.disputes[0].ruledBy = "<i>manager</i>"
        let html = HTMLReport.render(report)
        let start = try #require(html.range(of: "<section class=\"panel\" id=\"disputes\""))
        let end = try #require(html[start.upperBound...].range(of: "</section>"))
        let section = html[start.lowerBound..<end.upperBound]
        #expect(section.contains("3 disputes, 1 waiting for a ruling."))
        func disputeRow(_ id: Int) -> Substring {
            guard let from = section.range(of: "<tr data-dispute=\"\(id)\""),
                  let to = section[from.upperBound...].range(of: "</tr>") else { return "" }
            return section[from.lowerBound..<to.upperBound]
        }
        // Upheld: out of scope; who ruled (escaped), the note, the supplier's reason.
        #expect(disputeRow(3).contains("data-ruling=\"out_of_scope\""))
        #expect(disputeRow(3).contains("Upheld"))
        #expect(disputeRow(3).contains("&lt;i&gt;manager&lt;/i&gt;"))
        #expect(disputeRow(3).contains("Schedule C confirmed"))
        #expect(disputeRow(3).contains("Printers are schedule C, not ours"))
        #expect(disputeRow(3).contains("Beta &amp; Sons &lt;script&gt;alert(1)&lt;/script&gt;"))
        // Overturned and sent back; the hostile reason stays text.
        #expect(disputeRow(7).contains("Overturned"))
        #expect(disputeRow(7).contains("sent back (handoff 265)"))
        #expect(disputeRow(7).contains("WAN links &lt;b&gt;are&lt;/b&gt; the carrier&#39;s &amp; &quot;theirs&quot;"))
        #expect(!section.contains("<b>"))
        // Open: nobody ruled, no note.
        #expect(disputeRow(9).contains("data-ruling=\"open\""))
        #expect(disputeRow(9).contains(">Open<"))
        #expect(disputeRow(9).contains("<td class=\"missing\">\u{2013}</td>"))
        #expect(disputeRow(9).contains("<td class=\"num\">140</td>"))
        // The scorecard columns that count them.
        #expect(html.contains(">Disputes</th>") && !html.contains("Out of scope</th>"))
        let beta = self.row("beta", in: html)
        #expect(beta.contains("<td class=\"num\" data-sort=\"19\">19<span class=\"sub\">12 upheld</span><span class=\"sub\">4 overturned</span></td>"))
        #expect(html.contains("<td class=\"num\" data-sort=\"23\">23<span class=\"sub\">14 upheld</span><span class=\"sub\">5 overturned</span></td>"))
    }

    @Test func emptyReportRendersEmptyStatesWithoutNaN() {
        let html = HTMLReport.render(BrowserFixtures.emptyReport())
        for section in ["scorecards", "compliance", "breaches", "rates", "disputes"] {
            #expect(html.contains("data-empty=\"\(section)\""), "\(section)")
        }
        #expect(occurrences(of: "No data in this period.", in: html) == 3)
        #expect(html.contains("No scope disputes in this period."))
        #expect(html.contains("No SLA breaches in this period."))
        #expect(!html.contains("<svg role") && !html.contains("data-chart="))
        for word in ["NaN", "nan", "Infinity", "inf"] {
            #expect(!containsWord(word, in: html), "\(word) in the page")
        }
        // Headline rates are missing, not zero.
        #expect(html.contains("<div class=\"kpi-value\">\u{2013}</div>"))
        #expect(html.contains("2026-11-01 00:00 UTC"))
        #expect(html.contains("2026-12-01 00:00 UTC"))
    }

    @Test func nonFiniteFiguresNeverReachThePage() {
        var report = BrowserFixtures.richReport()
        report.suppliers[0].acceptanceRate = .nan
        report.suppliers[1].medianSecondsToAccept = -.infinity
        report.suppliers[2].satisfaction = .infinity
        report.suppliers[3].medianSecondsToAccept = .nan
        report.bucketSeconds = 0
        report.breaches.append(BreachCount(supplier: "echo", service: "network", priority: "P1", count: -3))
        let html = HTMLReport.render(report)
        for word in ["NaN", "nan", "Infinity", "inf"] {
            #expect(!containsWord(word, in: html), "\(word) in the page")
        }
        #expect(row("acme", in: html).contains("<td class=\"num missing\" data-sort=\"\">\u{2013}</td>"))
    }

    @Test func missingFiguresAreDashesNotZeros() {
        var report = BrowserFixtures.richReport()
        report.suppliers = [silentSupplier("quiet", name: "Quiet Ltd")]
        let html = HTMLReport.render(report)
        let quiet = row("quiet", in: html)
        // Acceptance, median, OLA met and satisfaction; the counts are real zeros.
        #expect(occurrences(of: ">\u{2013}</td>", in: quiet) == 4)
        #expect(!quiet.contains("%"))
        #expect(occurrences(of: ">0</td>", in: quiet) == 9)
    }

    @Test func lowFiguresAreMarked() {
        let html = HTMLReport.render(BrowserFixtures.richReport())
        // beta: acceptance 71.6 % and satisfaction 2.7; its OLA is exactly 90.0 %, which is not low.
        let beta = row("beta", in: html)
        #expect(occurrences(of: "class=\"num low\"", in: beta) == 2)
        #expect(beta.contains("(needs attention)"))
        // acme is fine everywhere.
        #expect(!row("acme", in: html).contains("low"))
        #expect(html.contains("Needs attention"))
    }

    @Test func medianTimeToAcceptReadsAsPeopleSayIt() {
        // Each case: seconds, text.
        let cases: [(Double?, String)] = [
            (nil, "\u{2013}"),  // none accepted
            (0, "0 s"),
            (0.3, "< 1 s"),
            (42, "42 s"),
            (42.4, "42 s"),  // rounded to the second
            (59.6, "1 m"),  // rounding carries into minutes
            (60, "1 m"),
            (190, "3 m 10 s"),
            (3599, "59 m 59 s"),
            (3600, "1 h"),
            (7500, "2 h 5 m"),
            (7529, "2 h 5 m"),  // seconds dropped once hours show: rounded to the minute
            (7530, "2 h 6 m"),
            (86_399, "1 d"),  // 23 h 59 m 59 s rounds to a day
            (97_200, "1 d 3 h"),
            (3 * 86_400, "3 d"),
            (-5, "\u{2013}"),  // impossible: shown as missing
            (.nan, "\u{2013}"),
            (.infinity, "\u{2013}"),
        ]
        for (seconds, expected) in cases {
            #expect(ReportFormat.duration(seconds: seconds) == expected, "\(String(describing: seconds))")
        }
    }

    @Test func percentagesNeverRoundToAllOrNothing() {
        // Each case: value, text.
        let cases: [(Double?, String)] = [
            (nil, "\u{2013}"),
            (100, "100.0 %"),
            (99.96, "99.9 %"),  // not all met: never written as 100
            (0, "0.0 %"),
            (0.02, "0.1 %"),  // some met: never written as 0
            (87.54, "87.5 %"),
            (87.55, "87.6 %"),
            (.nan, "\u{2013}"),
        ]
        for (value, expected) in cases {
            #expect(ReportFormat.percent(value) == expected, "\(String(describing: value))")
        }
    }

    @Test func numbersForTheMarkupAreFiniteAndShort() {
        // Each case: value, attribute text.
        let cases: [(Double, String)] = [
            (0, "0"), (12, "12"), (12.5, "12.5"), (1 / 3, "0.33"), (-0.001, "0"), (-2.25, "-2.25"),
            (.nan, "0"), (.infinity, "0"), (-.infinity, "0"), (1e300, "1000000000"),
        ]
        for (value, expected) in cases {
            #expect(ReportFormat.svg(value) == expected, "\(value)")
        }
        #expect(ReportFormat.count(1_234_567) == "1,234,567")
        #expect(ReportFormat.count(-1000) == "-1,000")
        #expect(ReportFormat.dateTime(BrowserFixtures.since) == "2026-11-01 00:00 UTC")
    }

    @Test func everyDataPointHasOneMark() {
        let report = BrowserFixtures.richReport()
        let html = HTMLReport.render(report)
        let compliance = chart("chart-compliance", in: html)
        #expect(occurrences(of: "data-value=", in: compliance) == report.compliance.filter { $0.clocks > 0 }.count)

        let heatmap = chart("chart-breach-heatmap", in: html)
        var holderService = Set<String>()
        var holderPriority = Set<String>()
        for breach in report.breaches where breach.count > 0 {
            holderService.insert("\(breach.supplier ?? "(unassigned)")|\(breach.service)")
            holderPriority.insert("\(breach.supplier ?? "(unassigned)")|\(breach.priority)")
        }
        #expect(occurrences(of: "data-value=", in: heatmap) == holderService.count)
        for pair in holderService {
            let parts = pair.split(separator: "|")
            #expect(heatmap.contains("data-holder=\"\(parts[0])\" data-service=\"\(parts[1])\""), "\(pair)")
        }
        let priority = chart("chart-breach-priority", in: html)
        #expect(occurrences(of: "data-value=", in: priority) == holderPriority.count)

        let rates = chart("chart-rates", in: html)
        let figures = report.suppliers.reduce(0) { $0 + ($1.acceptanceRate == nil ? 0 : 1) + ($1.olaMetPercent == nil ? 0 : 1) }
        #expect(occurrences(of: "data-value=", in: rates) == figures)

        // Every chart is an accessible image with a title and a data table.
        for id in ["chart-compliance", "chart-breach-heatmap", "chart-breach-priority", "chart-rates"] {
            let svg = chart(id, in: html)
            #expect(svg.contains("role=\"img\" class=\"chart-svg\" aria-labelledby=\"\(id)-title \(id)-desc\""), "\(id)")
            #expect(svg.contains("<title id=\"\(id)-title\">"), "\(id)")
            #expect(html.contains("<details class=\"chart-data\" id=\"\(id)-data\">"), "\(id)")
        }
    }

    @Test func heatmapCellsCarryTheirCounts() {
        var report = BrowserFixtures.emptyReport()
        report.breaches = [
            BreachCount(supplier: "acme", service: "network", priority: "P1", count: 2),
            BreachCount(supplier: "acme", service: "network", priority: "P2", count: 3),  // same cell: 5
            BreachCount(supplier: nil, service: "email", priority: "P4", count: 1),
            BreachCount(supplier: "acme", service: "email", priority: "P3", count: 0),  // no breach: no cell
        ]
        let heatmap = chart("chart-breach-heatmap", in: HTMLReport.render(report))
        #expect(occurrences(of: "data-value=", in: heatmap) == 2)
        #expect(heatmap.contains("data-holder=\"acme\" data-service=\"network\" data-value=\"5\""))
        #expect(heatmap.contains("data-holder=\"(unassigned)\" data-service=\"email\" data-value=\"1\""))
        #expect(heatmap.contains(">Unassigned</text>"))
    }

    @Test func emptyComplianceBucketsAreGapsNotZeros() {
        var report = BrowserFixtures.emptyReport()
        report.suppliers = [silentSupplier("acme", name: "Acme")]
        let day = BrowserFixtures.day
        report.compliance = [
            ComplianceBucket(supplier: "acme", start: BrowserFixtures.since, clocks: 4, met: 4),
            ComplianceBucket(supplier: "acme", start: BrowserFixtures.since.advanced(by: day), clocks: 0, met: 0),
            ComplianceBucket(supplier: "acme", start: BrowserFixtures.since.advanced(by: 2 * day), clocks: 2, met: 1),
            ComplianceBucket(supplier: "acme", start: BrowserFixtures.since.advanced(by: 3 * day), clocks: 4, met: 3),
        ]
        let svg = chart("chart-compliance", in: HTMLReport.render(report))
        #expect(occurrences(of: "data-value=", in: svg) == 3)
        #expect(svg.contains("data-value=\"100\""))
        #expect(svg.contains("data-value=\"50\""))
        #expect(!svg.contains("data-value=\"0\""))
        // The line: a point, a gap, then a segment of two points.
        let line = svg.components(separatedBy: "class=\"line\" d=\"")[1].prefix { $0 != "\"" }
        #expect(line.filter { $0 == "M" }.count == 2)
        #expect(line.filter { $0 == "L" }.count == 1)
    }
}
