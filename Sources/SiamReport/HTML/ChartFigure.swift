/// The HTML around one chart: a figure with its heading, the inline SVG with an accessible
/// name and description, an optional legend, and the same numbers as a table, so that a
/// screen reader, a print-out or someone copying figures into minutes loses nothing.
struct ChartFigure {
    /// Unique on the page; the SVG's title and description ids derive from it.
    var id: String
    /// Plain text, escaped here.
    var title: String
    var description: String
    /// The SVG's coordinate system; it scales to the width of the page.
    var width: Double
    var height: Double
    /// What the marks' `data-value` means to the browser test: `length-x` (bars whose width
    /// is proportional to the value), `position-y` (points whose height is linear in the
    /// value) or `label` (cells that write their value).
    var encoding: String
    /// SVG elements, already escaped.
    var body: String
    /// HTML shown above the chart, already escaped; may be empty.
    var legend = ""
    var table: DataTable

    func html() -> String {
        var out = "<figure class=\"chart\" id=\"\(id)\">\n<figcaption>\(htmlEscaped(title))</figcaption>\n"
        if !legend.isEmpty { out += legend + "\n" }
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"chart-svg\""
        out += attribute("aria-labelledby", "\(id)-title \(id)-desc")
        // The natural size, which CSS lets shrink to the page's width but never grow past.
        out += attribute("width", ReportFormat.svg(width)) + attribute("height", ReportFormat.svg(height))
        out += attribute("viewBox", "0 0 \(ReportFormat.svg(width)) \(ReportFormat.svg(height))")
        out += attribute("data-chart", id) + attribute("data-encoding", encoding)
        out += " preserveAspectRatio=\"xMinYMin meet\">\n"
        out += "<title id=\"\(id)-title\">\(htmlEscaped(title))</title>\n"
        out += "<desc id=\"\(id)-desc\">\(htmlEscaped(description))</desc>\n"
        out += body
        out += "</svg>\n"
        out += table.html(id: "\(id)-data")
        out += "</figure>\n"
        return out
    }
}

/// The numbers behind a chart as a plain table, folded away under a summary. The first
/// column names the row; the others hold figures and are aligned right.
struct DataTable {
    var caption: String
    var headers: [String]
    /// Plain text cells, escaped when written.
    var rows: [[String]]

    func html(id: String) -> String {
        var out = "<details class=\"chart-data\" id=\"\(id)\"><summary>Data table: \(htmlEscaped(caption))</summary>\n"
        out += "<table class=\"data\"><thead><tr>"
        for (index, header) in headers.enumerated() {
            out += "<th scope=\"col\"\(index > 0 ? " class=\"num\"" : "")>\(htmlEscaped(header))</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>"
            for (index, cell) in row.enumerated() {
                out += index == 0 ? "<th scope=\"row\">\(htmlEscaped(cell))</th>" : "<td class=\"num\">\(htmlEscaped(cell))</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody></table></details>\n"
        return out
    }
}

/// The message a section shows instead of a chart or table when the period has nothing to show.
func emptyState(_ section: String, lead: String = "No data in this period.", _ message: String) -> String {
    "<p class=\"empty-state\"\(attribute("data-empty", section))><strong>\(htmlEscaped(lead))</strong> \(htmlEscaped(message))</p>\n"
}

/// `text` cut to `limit` characters with an ellipsis, for SVG labels, which cannot wrap.
/// Counts characters, not bytes, so emoji and accents are never split.
func truncated(_ text: String, _ limit: Int) -> String {
    text.count <= limit ? text : String(text.prefix(max(1, limit - 1))) + "\u{2026}"
}
