import Foundation
import SiamCore
import SiamReport
import Testing

/// The HTML report as a real browser renders it: headless Chromium loads the page with a
/// checker script added, and the test compares what the checker measured (sizes, positions,
/// texts, fetches, overflow) with what the report's data says the page must show.
///
/// Needs Debian's `chromium` (or `SIAMD_CHROMIUM`); without it these tests fail, saying so.
@Suite struct HTMLReportBrowserTests {
    /// Renders `report`, loads it in Chromium and returns the findings and the screenshot's size.
    private func check(_ report: ScorecardReport, name: String) async throws -> (BrowserFindings, screenshotBytes: Int) {
        let workspace = try BrowserWorkspace(name)
        defer { workspace.finish() }
        let html = HTMLReport.render(report)
        _ = try workspace.write(html, to: "report.html")
        let page = try workspace.write(BrowserChecker.instrument(html), to: "report-checked.html")
        let screenshot = workspace.file("report.png")
        let run = try await ChromiumHeadless.load(page: page, screenshot: screenshot, profile: workspace.file("profile"))
        try #require(run.status == 0, Comment(rawValue: run.diagnosis))
        let findings: BrowserFindings
        do {
            findings = try BrowserChecker.findings(in: run.dom)
        } catch {
            Issue.record(Comment(rawValue: "\(error)\n\(run.diagnosis)"))
            throw error
        }
        #expect(findings.failure == nil, Comment(rawValue: findings.failure ?? ""))
        let size = (try? FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? nil
        return (findings, size ?? 0)
    }

    @Test func richReportRendersCompletelyInARealBrowser() async throws {
        let report = BrowserFixtures.richReport()
        let (findings, screenshotBytes) = try await check(report, name: "html-report")

        // Self-contained and quiet: nothing fetched, nothing blocked, no script error, and no
        // script but the page's own and the test's two (the hostile name stayed text).
        #expect(findings.resources == 0)
        #expect(findings.errors.isEmpty, "\(findings.errors)")
        #expect(findings.scripts == 3)

        // Fits a 1280 px window without horizontal scrolling.
        #expect(findings.innerWidth == Double(ChromiumHeadless.windowSize.width))
        #expect(findings.scrollWidth <= findings.innerWidth)
        #expect(findings.overflowing.isEmpty, "\(findings.overflowing)")

        // Every chart is drawn, named, and has one visible mark per data point, placed by its value.
        let expectedMarks = [
            // One point per supplier bucket with clocks; the empty delta-ops bucket is a gap.
            "chart-compliance": report.compliance.filter { $0.clocks > 0 }.count,
            // Non-zero (holder, service) pairs: acme ×2, beta ×2, cloudy ×2, delta-ops, unassigned ×3.
            "chart-breach-heatmap": 10,
            // Non-zero (holder, priority) pairs: acme 2, beta 4, cloudy 2, delta-ops 1, unassigned 3.
            "chart-breach-priority": 12,
            // Two bars each for the four suppliers with figures; echo has neither.
            "chart-rates": 8,
        ]
        #expect(Set(findings.charts.map(\.id)) == Set(expectedMarks.keys))
        for chart in findings.charts {
            let about = Comment(rawValue: chart.id)
            #expect(chart.width > 300 && chart.height > 100, about)
            #expect(chart.role == "img" && !chart.title.isEmpty && chart.labelsResolve, about)
            #expect(chart.marks == expectedMarks[chart.id], about)
            #expect(chart.zeroSized.isEmpty, "\(chart.id): \(chart.zeroSized)")
            #expect(chart.outside.isEmpty, "\(chart.id): \(chart.outside)")
            #expect(chart.mislabelled.isEmpty, "\(chart.id): \(chart.mislabelled)")
            switch chart.encoding {
            case "length-x":
                // Bars proportional to their values, to within a pixel.
                #expect(chart.slope > 0, about)
                #expect(chart.maxDeviation <= 1, "\(chart.id): \(chart.maxDeviation) px off")
            case "position-y":
                // Points linear in their values (marker shapes differ by under a pixel).
                #expect(chart.slope > 1, about)
                #expect(chart.maxDeviation <= 1.5, "\(chart.id): \(chart.maxDeviation) px off")
            default:
                #expect(chart.encoding == "label", about)
            }
        }

        // The scorecard table: every supplier, in order, with its figures as people read them.
        #expect(findings.rows.map(\.supplier) == report.suppliers.map(\.supplier))
        for (row, score) in zip(findings.rows, report.suppliers) {
            #expect(row.height > 0, "\(score.supplier)")
            for text in [score.name, score.supplier, score.status, String(score.offered)] {
                #expect(row.text.contains(text), "\(score.supplier) row lacks '\(text)': \(row.text)")
            }
        }
        let expectedTexts: [String: [String]] = [
            "acme": ["95.8 %", "4 m 12 s", "97.2 %", "309/318", "4.4", "n = 61"],
            "beta": ["<script>alert(1)</script>", "71.6 %", "3 h 5 m", "90.0 %", "171/190", "2.7", "n = 23"],
            "cloudy": ["\u{2601}\u{FE0F}", "\"EU\"", "91.7 %", "42 s", "84.2 %", "101/120", "3.9"],
            "delta-ops": ["0.0 %", "33.3 %", "4/12", "\u{2013}"],
            "echo": ["\u{00C9}cho S\u{00E9}curit\u{00E9} & Fils", "\u{2013}"],
        ]
        for row in findings.rows {
            for text in expectedTexts[row.supplier] ?? [] {
                #expect(row.text.contains(text), "\(row.supplier) row lacks '\(text)': \(row.text)")
            }
        }
        // Missing figures are dashes, never zeros: echo answered nothing and had no OLA clocks.
        let echo = try #require(findings.rows.first { $0.supplier == "echo" })
        #expect(!echo.text.contains("%"))

        // Headline figures.
        #expect(findings.kpis["offered"]?.contains("750") == true)
        #expect(findings.kpis["acceptance"]?.contains("86.3 %") == true)
        #expect(findings.kpis["ola"]?.contains("91.4 %") == true)
        #expect(findings.kpis["breaches"]?.contains("39") == true)
        #expect(findings.kpis["breaches"]?.contains("7 unassigned") == true)
        #expect(findings.kpis["satisfaction"]?.contains("3.9") == true)

        // The sorting script works: by offered, up then down.
        #expect(findings.sort?.ascending == ["echo", "delta-ops", "cloudy", "beta", "acme"])
        #expect(findings.sort?.descending == ["acme", "beta", "cloudy", "delta-ops", "echo"])

        #expect(findings.emptyStates.isEmpty, "\(findings.emptyStates)")
        // A real picture of the page, not an error placeholder (pixels are not compared).
        #expect(screenshotBytes > 50_000, "screenshot is \(screenshotBytes) bytes")
    }

    @Test func emptyReportShowsItsEmptyStatesInARealBrowser() async throws {
        let (findings, screenshotBytes) = try await check(BrowserFixtures.emptyReport(), name: "html-report-empty")
        #expect(findings.resources == 0)
        #expect(findings.errors.isEmpty, "\(findings.errors)")
        #expect(findings.charts.isEmpty)
        #expect(findings.rows.isEmpty)
        #expect(findings.scrollWidth <= findings.innerWidth)
        #expect(findings.emptyStates.count == 5, "\(findings.emptyStates)")
        #expect(findings.emptyStates.contains { $0.contains("No scope disputes in this period") })
        #expect(findings.emptyStates.filter { $0.contains("No data in this period") }.count == 3)
        #expect(findings.emptyStates.contains { $0.contains("No SLA breaches in this period") })
        #expect(findings.kpis["acceptance"]?.contains("\u{2013}") == true)
        #expect(findings.kpis["satisfaction"]?.contains("\u{2013}") == true)
        #expect(screenshotBytes > 10_000, "screenshot is \(screenshotBytes) bytes")
    }
}
