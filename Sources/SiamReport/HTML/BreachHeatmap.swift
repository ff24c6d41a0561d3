/// Chart 2: where the SLA breaches happened, as a grid of holder against service whose cells
/// are shaded by count and carry the count written in them. Empty cells are blank.
struct BreachHeatmap {
    let matrix: BreachMatrix
    let directory: SupplierDirectory

    private let labelWidth = 230.0, totalWidth = 76.0, rowHeight = 36.0
    private let footerHeight = 34.0, gap = 2.0

    /// The chart; the caller shows the empty state when there were no breaches.
    func html() -> String {
        let f = ReportFormat.svg
        let services = matrix.services
        let cellWidth = ReportFormat.clamped((1080 - labelWidth - totalWidth) / Double(max(services.count, 1)), 48, 120)
        let gridRight = labelWidth + cellWidth * Double(services.count)
        let largest = matrix.largestCell
        // Service codes that do not fit across their column are written slanted, up to 24
        // characters, rather than cut short.
        let fitting = max(3, Int(cellWidth / 7.5))
        let longest = services.map(\.count).max() ?? 0
        let slanted = longest > fitting
        let headerHeight = slanted ? 24 + Double(min(longest, 24)) * 7.5 * 0.64 : 40
        // Room on the right for the last slanted label.
        let overhang = slanted ? max(0, Double(min(longest, 24)) * 7.5 * 0.77 - cellWidth / 2 - totalWidth) : 0
        let width = gridRight + totalWidth + overhang
        let height = headerHeight + rowHeight * Double(matrix.holders.count) + footerHeight

        var body = "<g class=\"axis\">\n"
        for (column, service) in services.enumerated() {
            let cx = labelWidth + cellWidth * (Double(column) + 0.5)
            if slanted {
                body += "<text class=\"col-head\" transform=\"translate(\(f(cx - 4)) \(f(headerHeight - 10))) rotate(-40)\">"
                body += "<title>\(htmlEscaped(service))</title>\(htmlEscaped(truncated(service, 24)))</text>\n"
            } else {
                body += "<text class=\"col-head\" x=\"\(f(cx))\" y=\"\(f(headerHeight - 12))\" text-anchor=\"middle\">"
                body += "<title>\(htmlEscaped(service))</title>\(htmlEscaped(service))</text>\n"
            }
        }
        body += "<text class=\"col-head total\" x=\"\(f(gridRight + totalWidth - 8))\" y=\"\(f(headerHeight - 12))\" text-anchor=\"end\">Total</text>\n"
        body += "</g>\n"

        for (row, holder) in matrix.holders.enumerated() {
            let top = headerHeight + rowHeight * Double(row)
            let label = matrix.label(holder, directory)
            body += "<g class=\"row\"\(attribute("data-holder", holder.key))>\n"
            body += "<text class=\"row-head\(holder.supplier == nil ? " unassigned" : "")\" x=\"\(f(labelWidth - 12))\" y=\"\(f(top + rowHeight / 2 + 4.5))\" text-anchor=\"end\">"
            body += "<title>\(htmlEscaped(label))</title>\(htmlEscaped(truncated(label, 30)))</text>\n"
            for (column, service) in services.enumerated() {
                let x = labelWidth + cellWidth * Double(column)
                let count = matrix.count(holder, service: service)
                let colours = Palette.heat(count, of: largest)
                let rect = "x=\"\(f(x + gap / 2))\" y=\"\(f(top + gap / 2))\" width=\"\(f(cellWidth - gap))\" height=\"\(f(rowHeight - gap))\" rx=\"3\""
                guard count > 0 else {
                    body += "<rect class=\"cell empty\" \(rect)/>\n"
                    continue
                }
                let tip = "\(label), \(service): \(ReportFormat.count(count)) SLA \(count == 1 ? "breach" : "breaches")"
                body += "<g class=\"cell\"><rect class=\"mark\" \(rect) fill=\"\(colours.fill)\""
                body += attribute("data-holder", holder.key) + attribute("data-service", service) + " data-value=\"\(count)\">"
                body += "<title>\(htmlEscaped(tip))</title></rect>"
                body += "<text x=\"\(f(x + cellWidth / 2))\" y=\"\(f(top + rowHeight / 2 + 5))\" text-anchor=\"middle\"\(attribute("class", colours.onDark ? "cell-value on-dark" : "cell-value"))>\(ReportFormat.count(count))</text></g>\n"
            }
            body += "<text class=\"row-total\" x=\"\(f(gridRight + totalWidth - 8))\" y=\"\(f(top + rowHeight / 2 + 4.5))\" text-anchor=\"end\">\(ReportFormat.count(matrix.total(holder)))</text>\n"
            body += "</g>\n"
        }

        let footerY = headerHeight + rowHeight * Double(matrix.holders.count)
        body += "<g class=\"totals\">\n<line class=\"baseline\" x1=\"\(f(labelWidth))\" x2=\"\(f(gridRight + totalWidth))\" y1=\"\(f(footerY + 1))\" y2=\"\(f(footerY + 1))\"/>\n"
        body += "<text class=\"row-head total\" x=\"\(f(labelWidth - 12))\" y=\"\(f(footerY + 22))\" text-anchor=\"end\">Total</text>\n"
        for (column, service) in services.enumerated() {
            let cx = labelWidth + cellWidth * (Double(column) + 0.5)
            body += "<text class=\"col-total\" x=\"\(f(cx))\" y=\"\(f(footerY + 22))\" text-anchor=\"middle\">\(ReportFormat.count(matrix.total(service: service)))</text>\n"
        }
        body += "<text class=\"col-total grand\" x=\"\(f(gridRight + totalWidth - 8))\" y=\"\(f(footerY + 22))\" text-anchor=\"end\">\(ReportFormat.count(matrix.total))</text>\n"
        body += "</g>\n"

        let figure = ChartFigure(
            id: "chart-breach-heatmap",
            title: "SLA breaches by holder and service",
            description: "Number of SLA breaches in the period for each holder of the incident when the clock ran out (a supplier, or unassigned) and each service. Darker cells hold more breaches; empty cells had none.",
            width: width, height: height, encoding: "label", body: body,
            table: table())
        return figure.html()
    }

    private func table() -> DataTable {
        var rows: [[String]] = []
        for holder in matrix.holders {
            for service in matrix.services where matrix.count(holder, service: service) > 0 {
                rows.append([matrix.label(holder, directory), service, ReportFormat.count(matrix.count(holder, service: service))])
            }
        }
        return DataTable(caption: "SLA breaches by holder and service", headers: ["Holder", "Service", "Breaches"], rows: rows)
    }
}
