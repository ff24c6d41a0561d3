/// The top of the page: title, period, when it was made, and the period's headline figures.
struct Headline {
    let report: ScorecardReport
    let title: String

    func html() -> String {
        let totals = ScorecardTotals(report)
        let length = report.until.seconds - report.since.seconds
        var out = "<header class=\"masthead\">\n"
        out += "<p class=\"eyebrow\">Supplier governance report</p>\n"
        out += "<h1>\(htmlEscaped(title))</h1>\n"
        out += "<dl class=\"period\">"
        out += "<div><dt>Period</dt><dd><time\(attribute("datetime", report.since.iso8601))>\(ReportFormat.dateTime(report.since))</time>"
        out += " \u{2192} <time\(attribute("datetime", report.until.iso8601))>\(ReportFormat.dateTime(report.until))</time>"
        if length > 0 { out += " <span class=\"muted\">(\(ReportFormat.bucketLength(seconds: length)))</span>" }
        out += "</dd></div>"
        out += "<div><dt>Generated</dt><dd><time\(attribute("datetime", report.generatedAt.iso8601))>\(ReportFormat.dateTime(report.generatedAt))</time></dd></div>"
        out += "<div><dt>Suppliers</dt><dd>\(ReportFormat.count(report.suppliers.count))</dd></div>"
        out += "</dl>\n</header>\n"

        out += "<section class=\"kpis\" aria-label=\"Headline figures\">\n"
        out += tile("offered", "Handoffs", ReportFormat.count(totals.offered),
                    totals.offered == 0 ? "none offered" : "offered, \(ReportFormat.count(totals.accepted)) accepted")
        out += tile("acceptance", "Acceptance rate", ReportFormat.percent(totals.acceptancePercent),
                    totals.decided == 0 ? "no answers" : "of \(ReportFormat.count(totals.decided)) answered or expired",
                    low: ScorecardThresholds.isLow(totals.acceptancePercent, below: ScorecardThresholds.acceptancePercent))
        out += tile("ola", "OLA met", ReportFormat.percent(totals.olaMetPercent),
                    totals.olaClocks == 0 ? "no OLA clocks" : "\(ReportFormat.count(totals.olaMet)) of \(ReportFormat.count(totals.olaClocks)) clocks",
                    low: ScorecardThresholds.isLow(totals.olaMetPercent, below: ScorecardThresholds.olaMetPercent))
        out += tile("breaches", "SLA breaches", ReportFormat.count(totals.slaBreaches),
                    totals.slaBreaches == 0 ? "none in the period"
                        : totals.unassignedBreaches == 0 ? "all while a supplier held" : "\(ReportFormat.count(totals.unassignedBreaches)) unassigned")
        out += tile("escalations", "Escalations", ReportFormat.count(totals.escalations), "summed over suppliers")
        out += tile("complaints", "Complaints", ReportFormat.count(totals.complaints), "about suppliers\u{2019} incidents")
        out += tile("satisfaction", "Satisfaction", ReportFormat.score(totals.meanSatisfaction),
                    totals.feedbackCount == 0 ? "no feedback" : "of 5, n = \(ReportFormat.count(totals.feedbackCount))",
                    low: ScorecardThresholds.isLow(totals.meanSatisfaction, below: ScorecardThresholds.satisfaction))
        out += "</section>\n"
        return out
    }

    private func tile(_ key: String, _ label: String, _ value: String, _ note: String, low: Bool = false) -> String {
        var out = "<div class=\"kpi\(low ? " low" : "")\"\(attribute("data-kpi", key))>"
        out += "<div class=\"kpi-label\">\(htmlEscaped(label))</div>"
        out += "<div class=\"kpi-value\">\(low ? "<span class=\"flag\" aria-hidden=\"true\">\u{25BC}</span>" : "")\(htmlEscaped(value))"
        if low { out += "<span class=\"sr-only\"> (needs attention)</span>" }
        out += "</div><div class=\"kpi-note\">\(htmlEscaped(note))</div></div>\n"
        return out
    }
}
