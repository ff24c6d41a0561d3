/// The supplier scorecards of one period as a single self-contained HTML page, for the
/// integrator's governance meeting: headline figures, the scorecard table, three charts and
/// the scope disputes.
///
/// The page fetches nothing: styles are inline, charts are SVG drawn here, and a content
/// security policy forbids any load, so it can travel as an email attachment and print as
/// it shows. A few lines of script make the table sortable; without them nothing is lost.
/// Every text that comes from data is escaped, and no figure can be NaN or infinite.
public enum HTMLReport {
    /// The page for `report`, titled `title`.
    public static func render(_ report: ScorecardReport, title: String = "Supplier scorecards") -> String {
        let directory = SupplierDirectory(report)
        let matrix = BreachMatrix(report, directory)
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
            <meta name="color-scheme" content="light">
            <meta name="generator" content="siamd">
            <title>\(htmlEscaped(title)) \u{2013} \(ReportFormat.dateTime(report.since)) to \(ReportFormat.dateTime(report.until))</title>
            <style>
            \(stylesheet)</style>
            </head>
            <body>
            <main>

            """
        out += Headline(report: report, title: title).html()

        out += section("scorecards", "Scorecards",
                       "Each supplier\u{2019}s handoffs, OLA, breaches and customer feedback in the period.")
        out += ScorecardTable(report: report).html()
        out += "</section>\n"

        out += section("compliance", "SLA compliance over time",
                       "Share of SLA clocks met on incidents each supplier owned, per \(ReportFormat.per(seconds: report.bucketSeconds)) from the start of the period. A gap means the supplier had no SLA clock decided then.")
        out += ComplianceChart(report: report, directory: directory).html()
        out += "</section>\n"

        out += section("breaches", "Where SLA breaches happened",
                       "Who held the incident when its SLA clock ran out, by service and by priority. Unassigned: no supplier held it (not yet routed or accepted).")
        if matrix.isEmpty {
            out += emptyState("breaches", lead: "No SLA breaches in this period.", "No SLA clock ran out.")
        } else {
            out += BreachHeatmap(matrix: matrix, directory: directory).html()
            out += BreachPriorityChart(matrix: matrix, directory: directory).html()
        }
        out += "</section>\n"

        out += section("rates", "Acceptance and OLA by supplier",
                       "How readily each supplier accepted the work offered, and how often it met its OLA clocks.")
        out += RatesChart(report: report, directory: directory).html()
        out += "</section>\n"

        out += section("disputes", "Scope disputes",
                       "Work a supplier rejected as outside its scope, with its reason and the integrator\u{2019}s ruling: raised in the period, or open during it. Upheld: the refusal was fair; overturned: the work was the supplier\u{2019}s.")
        out += DisputeTable(report: report, directory: directory).html()
        out += "</section>\n"

        out += definitions
        out += "</main>\n<script>\n\(sortScript)</script>\n</body>\n</html>\n"
        return out
    }

    /// Nothing may be loaded, not even by accident: inline styles and scripts only, images
    /// only from `data:`.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

    private static func section(_ id: String, _ heading: String, _ intro: String) -> String {
        "<section class=\"panel\" id=\"\(id)\" aria-labelledby=\"\(id)-heading\">\n<h2 id=\"\(id)-heading\">\(htmlEscaped(heading))</h2>\n<p class=\"intro\">\(htmlEscaped(intro))</p>\n"
    }

    private static let definitions = """
        <footer class="definitions">
        <h2>Definitions</h2>
        <dl>
        <div><dt>Acceptance rate</dt><dd>Handoffs accepted, of those accepted, rejected or expired. Cancelled offers do not count.</dd></div>
        <div><dt>Median to accept</dt><dd>Median real (not business) time from offer to acceptance.</dd></div>
        <div><dt>OLA met</dt><dd>Supplier OLA clocks (accept and resolve) decided in the period that were met.</dd></div>
        <div><dt>SLA breaches</dt><dd>Customer SLA clocks (acknowledge, resolve) that ran out; in the table, while the supplier held the incident.</dd></div>
        <div><dt>Bounces</dt><dd>Work the supplier refused or handed back after holding it (not expiries, not the first routing), less refusals whose scope dispute the integrator upheld.</dd></div>
        <div><dt>Disputes</dt><dd>Scope disputes the supplier raised in the period: rejections of work as outside its scope, for the integrator to rule on.</dd></div>
        <div><dt>Upheld, overturned</dt><dd>Of those disputes, how many the integrator has ruled so far (whenever it ruled): upheld, out of scope (the refusal was fair), or overturned, in scope (the work was the supplier\u{2019}s).</dd></div>
        <div><dt>Escalations</dt><dd>Raised about the supplier, or about incidents it owned when raised; one escalation may count for two suppliers.</dd></div>
        <div><dt>Satisfaction</dt><dd>Mean customer feedback score (1 to 5) on incidents the supplier owned; n is the number of responses.</dd></div>
        </dl>
        <p class="colophon">Made by siamd. All times UTC. \u{2013} means there was nothing to measure, not zero.</p>
        </footer>

        """
}
