import SiamCore

/// The scope disputes of the period: each out-of-scope rejection with the supplier's reason
/// and the integrator's ruling (or that it is still open), oldest first.
struct DisputeTable {
    let report: ScorecardReport
    let directory: SupplierDirectory

    func html() -> String {
        guard !report.disputes.isEmpty else {
            return emptyState("disputes", lead: "No scope disputes in this period.",
                              "No supplier rejected work as out of scope, and none was waiting for a ruling.")
        }
        let open = report.disputes.filter(\.isOpen).count
        var out = "<p class=\"dispute-summary\">\(ReportFormat.count(report.disputes.count)) "
        out += report.disputes.count == 1 ? "dispute" : "disputes"
        out += ", \(ReportFormat.count(open)) waiting for a ruling.</p>\n"
        out += "<div class=\"table-wrap\">\n<table class=\"data disputes\" id=\"dispute-table\">\n"
        out += "<caption class=\"sr-only\">Scope disputes, oldest first</caption>\n"
        out += "<thead><tr><th scope=\"col\" class=\"num\">Dispute</th><th scope=\"col\">Raised</th>"
        out += "<th scope=\"col\" class=\"num\">Incident</th><th scope=\"col\">Supplier</th>"
        out += "<th scope=\"col\">Supplier\u{2019}s reason</th><th scope=\"col\">Ruling</th>"
        out += "<th scope=\"col\">Ruled by</th><th scope=\"col\">Note</th></tr></thead>\n<tbody>\n"
        for dispute in report.disputes {
            out += row(dispute)
        }
        out += "</tbody>\n</table>\n</div>\n"
        return out
    }

    private func row(_ dispute: ScopeDispute) -> String {
        var out = "<tr\(attribute("data-dispute", String(dispute.id)))\(attribute("data-ruling", dispute.ruling?.rawValue ?? "open"))>"
        out += "<td class=\"num\">\(dispute.id)</td>"
        out += "<td><time\(attribute("datetime", dispute.raisedAt.iso8601))>\(htmlEscaped(ReportFormat.dateTime(dispute.raisedAt)))</time></td>"
        out += "<td class=\"num\">\(dispute.incident)</td>"
        out += "<td><span class=\"name\">\(htmlEscaped(directory.name(of: dispute.supplier)))</span> "
        out += "<span class=\"code\">\(htmlEscaped(dispute.supplier))</span></td>"
        out += "<td class=\"text\">\(htmlEscaped(dispute.reason))</td>"
        out += "<td>\(ruling(dispute))</td>"
        if let ruledBy = dispute.ruledBy, let ruledAt = dispute.ruledAt {
            out += "<td>\(htmlEscaped(ruledBy))<span class=\"sub\"><time\(attribute("datetime", ruledAt.iso8601))>"
            out += "\(htmlEscaped(ReportFormat.dateTime(ruledAt)))</time></span></td>"
        } else {
            out += "<td class=\"missing\">\(ReportFormat.missing)</td>"
        }
        out += dispute.note.map { "<td class=\"text\">\(htmlEscaped($0))</td>" } ?? "<td class=\"missing\">\(ReportFormat.missing)</td>"
        out += "</tr>\n"
        return out
    }

    /// In words, never by colour alone.
    private func ruling(_ dispute: ScopeDispute) -> String {
        switch dispute.ruling {
        case nil:
            return "<strong class=\"ruling open\">Open</strong>"
        case .outOfScope?:
            return "<span class=\"ruling upheld\">Upheld</span><span class=\"sub\">out of scope</span>"
        case .inScope?:
            var out = "<span class=\"ruling overturned\">Overturned</span><span class=\"sub\">in scope"
            if let handoff = dispute.sentBackHandoff { out += ", sent back (handoff \(handoff))" }
            return out + "</span>"
        }
    }
}
