/// Chart 2, second part: each holder's SLA breaches as one bar, split by priority, so that
/// the meeting sees at a glance whether the breaches were urgent incidents or routine ones.
struct BreachPriorityChart {
    let matrix: BreachMatrix
    let directory: SupplierDirectory

    static let width = 1080.0
    private let labelWidth = 230.0, right = 64.0, top = 8.0, rowHeight = 32.0, barHeight = 20.0, axisHeight = 28.0

    /// The chart; the caller shows the empty state when there were no breaches.
    func html() -> String {
        let f = ReportFormat.svg
        let ticks = countTicks(upTo: matrix.holders.map { matrix.total($0) }.max() ?? 0)
        let scaleTop = Double(ticks.last ?? 1)
        let plotWidth = Self.width - labelWidth - right
        let plotBottom = top + rowHeight * Double(matrix.holders.count)
        let height = plotBottom + axisHeight
        func x(_ value: Double) -> Double { labelWidth + plotWidth * value / scaleTop }

        var body = "<g class=\"axis\">\n"
        for tick in ticks {
            body += "<line class=\"grid\" x1=\"\(f(x(Double(tick))))\" x2=\"\(f(x(Double(tick))))\" y1=\"\(f(top))\" y2=\"\(f(plotBottom))\"/>"
            body += "<text class=\"tick\" x=\"\(f(x(Double(tick))))\" y=\"\(f(plotBottom + 18))\" text-anchor=\"middle\">\(ReportFormat.count(tick))</text>\n"
        }
        body += "</g>\n"

        for (row, holder) in matrix.holders.enumerated() {
            let rowTop = top + rowHeight * Double(row)
            let barTop = rowTop + (rowHeight - barHeight) / 2
            let label = matrix.label(holder, directory)
            body += "<g class=\"row\"\(attribute("data-holder", holder.key))>\n"
            body += "<text class=\"row-head\(holder.supplier == nil ? " unassigned" : "")\" x=\"\(f(labelWidth - 12))\" y=\"\(f(rowTop + rowHeight / 2 + 4.5))\" text-anchor=\"end\">"
            body += "<title>\(htmlEscaped(label))</title>\(htmlEscaped(truncated(label, 30)))</text>\n"
            var offset = 0
            for (rank, priority) in matrix.priorities.enumerated() {
                let count = matrix.count(holder, priority: priority)
                guard count > 0 else { continue }
                let fill = Self.colour(rank)
                let x0 = x(Double(offset)), x1 = x(Double(offset + count))
                let tip = "\(label), \(priority): \(ReportFormat.count(count)) SLA \(count == 1 ? "breach" : "breaches")"
                body += "<rect class=\"mark\" x=\"\(f(x0))\" y=\"\(f(barTop))\" width=\"\(f(x1 - x0))\" height=\"\(f(barHeight))\" fill=\"\(fill)\""
                body += attribute("data-holder", holder.key) + attribute("data-priority", priority) + " data-value=\"\(count)\">"
                body += "<title>\(htmlEscaped(tip))</title></rect>"
                // The count inside the segment when it fits; the tooltip and the table have it always.
                if x1 - x0 >= 9 * Double(ReportFormat.count(count).count) + 8 {
                    body += "<text\(attribute("class", Palette.isDark(fill) ? "segment-value on-dark" : "segment-value")) x=\"\(f((x0 + x1) / 2))\" y=\"\(f(barTop + barHeight / 2 + 4.5))\" text-anchor=\"middle\">\(ReportFormat.count(count))</text>"
                }
                body += "\n"
                offset += count
            }
            body += "<text class=\"bar-total\" x=\"\(f(x(Double(offset)) + 8))\" y=\"\(f(rowTop + rowHeight / 2 + 4.5))\">\(ReportFormat.count(offset))</text>\n"
            body += "</g>\n"
        }
        body += "<line class=\"baseline\" x1=\"\(f(labelWidth))\" x2=\"\(f(labelWidth))\" y1=\"\(f(top))\" y2=\"\(f(plotBottom))\"/>\n"

        let figure = ChartFigure(
            id: "chart-breach-priority",
            title: "SLA breaches by holder and priority",
            description: "For each holder, the number of SLA breaches in the period as a bar split by the incident's priority, most urgent first.",
            width: Self.width, height: height, encoding: "length-x", body: body,
            legend: legend(), table: table())
        return figure.html()
    }

    /// The colour of the `rank`th priority present, most urgent first.
    static func colour(_ rank: Int) -> String {
        rank < Palette.priorities.count ? Palette.priorities[rank] : Palette.otherPriority
    }

    private func legend() -> String {
        var out = "<ul class=\"legend\" aria-hidden=\"true\"><li class=\"legend-title\">Priority</li>"
        for (rank, priority) in matrix.priorities.enumerated() {
            out += "<li><span class=\"chip\" style=\"background:\(Self.colour(rank))\"></span>\(htmlEscaped(priority))</li>"
        }
        return out + "</ul>"
    }

    private func table() -> DataTable {
        var rows: [[String]] = []
        for holder in matrix.holders {
            rows.append([matrix.label(holder, directory)]
                + matrix.priorities.map { ReportFormat.count(matrix.count(holder, priority: $0)) }
                + [ReportFormat.count(matrix.total(holder))])
        }
        return DataTable(caption: "SLA breaches by holder and priority", headers: ["Holder"] + matrix.priorities + ["Total"], rows: rows)
    }
}
