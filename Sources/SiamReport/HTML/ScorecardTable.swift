/// The scorecard table: one row per supplier with every figure of its scorecard, figures
/// that need attention marked, and a totals row.
struct ScorecardTable {
    let report: ScorecardReport

    /// The table and its legend, or the empty state when the period has no suppliers.
    func html() -> String {
        guard !report.suppliers.isEmpty else {
            return emptyState("scorecards", "No supplier had a scorecard for this period.")
        }
        var out = "<div class=\"table-wrap\">\n<table class=\"scorecards\" id=\"scorecard-table\">\n"
        out += "<caption class=\"sr-only\">Supplier scorecards, one row per supplier</caption>\n"
        out += header()
        out += "<tbody>\n"
        for score in report.suppliers {
            out += row(score)
        }
        out += "</tbody>\n"
        out += footer()
        out += "</table>\n</div>\n"
        out += legend()
        return out
    }

    private func header() -> String {
        // Second-row headings carry their column's position, which the sorting script needs
        // because the first row's spans make positions ambiguous.
        func sortable(_ label: String, _ column: Int, _ hint: String? = nil) -> String {
            "<th scope=\"col\" class=\"num\" data-sort data-column=\"\(column)\"\(hint.map { attribute("title", $0) } ?? "")>\(label)</th>"
        }
        var out = "<thead>\n<tr class=\"groups\">"
        out += "<th scope=\"col\" rowspan=\"2\" class=\"supplier-col\" data-sort data-column=\"0\">Supplier</th>"
        out += "<th scope=\"colgroup\" colspan=\"6\" class=\"group\">Handoffs</th>"
        out += "<th scope=\"colgroup\" colspan=\"1\" class=\"group\">OLA</th>"
        out += "<th scope=\"colgroup\" colspan=\"5\" class=\"group\">Breaches and disputes</th>"
        out += "<th scope=\"colgroup\" colspan=\"1\" class=\"group\">Customer</th>"
        out += "</tr>\n<tr>"
        out += sortable("Offered", 1)
        out += sortable("Accepted", 2)
        out += sortable("Rejected", 3)
        out += sortable("Expired", 4)
        out += sortable("Accept&shy;ance", 5, "Accepted of accepted, rejected and expired")
        out += sortable("Median to accept", 6, "Median real time from offer to acceptance")
        out += sortable("Met", 7, "OLA clocks (accept and resolve) met of those decided")
        out += sortable("SLA breaches", 8, "Customer SLA clocks breached while the supplier held the incident")
        out += sortable("Bounces", 9, "Incidents escalated as ping-pong that the supplier took part in")
        out += sortable("Disputes", 10, "Scope disputes raised in the period (rejections as out of scope), and how many of those the integrator upheld (out of scope: the refusal was fair) or overturned (in scope)")
        out += sortable("Escal&shy;ations", 11)
        out += sortable("Com&shy;plaints", 12)
        out += sortable("Satis&shy;faction", 13, "Mean of the customer's feedback, 1 to 5")
        out += "</tr>\n</thead>\n"
        return out
    }

    private func row(_ score: SupplierScore) -> String {
        var out = "<tr\(attribute("data-supplier", score.supplier))>"
        out += "<th scope=\"row\"\(attribute("data-sort", score.name.lowercased()))>"
        out += "<span class=\"name\">\(htmlEscaped(score.name))</span>"
        out += "<span class=\"ident\"><span class=\"code\">\(htmlEscaped(score.supplier))</span> "
        out += "<span class=\"status\"\(attribute("data-status", score.status))>\(htmlEscaped(score.status))</span></span></th>"
        out += count(score.offered)
        out += count(score.accepted)
        out += count(score.rejected)
        out += count(score.expired)
        out += figure(ReportFormat.percent(score.acceptancePercent), sort: score.acceptancePercent,
                      low: ScorecardThresholds.isLow(score.acceptancePercent, below: ScorecardThresholds.acceptancePercent))
        out += figure(ReportFormat.duration(seconds: score.medianSecondsToAccept), sort: score.medianSecondsToAccept)
        out += figure(ReportFormat.percent(score.olaMetPercent), sort: score.olaMetPercent,
                      low: ScorecardThresholds.isLow(score.olaMetPercent, below: ScorecardThresholds.olaMetPercent),
                      detail: score.olaClocks > 0 ? "\(ReportFormat.count(score.olaMet))/\(ReportFormat.count(score.olaClocks))" : nil)
        out += count(score.slaBreaches)
        out += count(score.bounces)
        out += disputes(raised: score.disputesRaised, upheld: score.disputesUpheld, overturned: score.disputesOverturned)
        out += count(score.escalations)
        out += count(score.complaints)
        let satisfaction = score.feedbackCount > 0 ? ReportFormat.finite(score.satisfaction) : nil
        out += figure(ReportFormat.score(satisfaction), sort: satisfaction,
                      low: ScorecardThresholds.isLow(satisfaction, below: ScorecardThresholds.satisfaction),
                      detail: satisfaction == nil ? nil : "n = \(ReportFormat.count(score.feedbackCount))")
        out += "</tr>\n"
        return out
    }

    private func footer() -> String {
        let totals = ScorecardTotals(report)
        let held = report.suppliers.reduce(0) { $0 + $1.slaBreaches }
        var out = "<tfoot><tr><th scope=\"row\">All suppliers</th>"
        out += count(totals.offered)
        out += count(report.suppliers.reduce(0) { $0 + $1.accepted })
        out += count(report.suppliers.reduce(0) { $0 + $1.rejected })
        out += count(report.suppliers.reduce(0) { $0 + $1.expired })
        out += figure(ReportFormat.percent(totals.acceptancePercent), sort: nil,
                      low: ScorecardThresholds.isLow(totals.acceptancePercent, below: ScorecardThresholds.acceptancePercent))
        // A median of medians would be no median at all: the cell stays blank.
        out += "<td class=\"num\"></td>"
        out += figure(ReportFormat.percent(totals.olaMetPercent), sort: nil,
                      low: ScorecardThresholds.isLow(totals.olaMetPercent, below: ScorecardThresholds.olaMetPercent),
                      detail: totals.olaClocks > 0 ? "\(ReportFormat.count(totals.olaMet))/\(ReportFormat.count(totals.olaClocks))" : nil)
        out += count(held)
        // A ping-pong incident counts for every supplier in its round: a sum would count it
        // several times, so the cell stays blank.
        out += "<td class=\"num\"></td>"
        out += disputes(raised: totals.disputesRaised, upheld: totals.disputesUpheld, overturned: totals.disputesOverturned)
        out += count(totals.escalations)
        out += count(totals.complaints)
        out += figure(ReportFormat.score(totals.meanSatisfaction), sort: nil,
                      low: ScorecardThresholds.isLow(totals.meanSatisfaction, below: ScorecardThresholds.satisfaction),
                      detail: totals.feedbackCount > 0 ? "n = \(ReportFormat.count(totals.feedbackCount))" : nil)
        out += "</tr></tfoot>\n"
        return out
    }

    private func count(_ value: Int) -> String {
        "<td class=\"num\" data-sort=\"\(value)\">\(ReportFormat.count(value))</td>"
    }

    /// The disputes raised, with how many of them were upheld and overturned beneath (one
    /// column, so that the table keeps its width).
    private func disputes(raised: Int, upheld: Int, overturned: Int) -> String {
        var out = "<td class=\"num\" data-sort=\"\(raised)\">\(ReportFormat.count(raised))"
        if raised > 0 {
            out += "<span class=\"sub\">\(ReportFormat.count(upheld)) upheld</span>"
            out += "<span class=\"sub\">\(ReportFormat.count(overturned)) overturned</span>"
        }
        return out + "</td>"
    }

    /// A figure cell; `low` marks it with a shade, a glyph and words for screen readers, so
    /// that neither colour nor sight is needed to see it.
    private func figure(_ text: String, sort: Double?, low: Bool = false, detail: String? = nil) -> String {
        var out = "<td class=\"num\(low ? " low" : "")\(text == ReportFormat.missing ? " missing" : "")\""
        out += attribute("data-sort", ReportFormat.finite(sort).map(ReportFormat.svg) ?? "") + ">"
        if low { out += "<span class=\"flag\" aria-hidden=\"true\">\u{25BC}</span>" }
        out += htmlEscaped(text)
        if low { out += "<span class=\"sr-only\"> (needs attention)</span>" }
        if let detail { out += "<span class=\"sub\">\(htmlEscaped(detail))</span>" }
        return out + "</td>"
    }

    private func legend() -> String {
        """
        <p class="table-legend"><span class="legend-low"><span class="flag" aria-hidden="true">\u{25BC}</span>Needs attention</span> \
        acceptance below \(ReportFormat.percent(ScorecardThresholds.acceptancePercent)), \
        OLA met below \(ReportFormat.percent(ScorecardThresholds.olaMetPercent)), \
        satisfaction below \(ReportFormat.score(ScorecardThresholds.satisfaction)) of 5. \
        <span class="legend-dash">\(ReportFormat.missing)</span> nothing to measure in the period (not zero). \
        <span class="sort-hint" hidden>Click a column heading to sort.</span></p>

        """
    }
}
