/// Chart 3: each supplier's acceptance rate and share of OLA clocks met, as a pair of bars
/// on one 0–100 % scale, each with a tick at the figure's threshold.
struct RatesChart {
    let report: ScorecardReport
    let directory: SupplierDirectory

    static let width = 1080.0
    private let labelWidth = 230.0, right = 96.0, top = 8.0, rowHeight = 48.0, barHeight = 15.0, barGap = 4.0, axisHeight = 28.0

    /// One bar: which figure, its value, its threshold.
    private struct Metric {
        let key: String
        let label: String
        let colour: String
        let threshold: Double
        let value: (SupplierScore) -> Double?
        let detail: (SupplierScore) -> String
    }

    private let metrics = [
        Metric(key: "acceptance", label: "Acceptance rate", colour: Palette.acceptance,
               threshold: ScorecardThresholds.acceptancePercent, value: { $0.acceptancePercent },
               detail: { "\($0.accepted) accepted of \($0.accepted + $0.rejected + $0.expired) answered or expired" }),
        Metric(key: "ola", label: "OLA met", colour: Palette.ola,
               threshold: ScorecardThresholds.olaMetPercent, value: { $0.olaMetPercent },
               detail: { "\($0.olaMet) of \($0.olaClocks) OLA clocks met" }),
    ]

    /// The chart, or the empty state when no supplier has either figure.
    func html() -> String {
        let scores = report.suppliers
        guard scores.contains(where: { score in metrics.contains { ReportFormat.finite($0.value(score)) != nil } }) else {
            return emptyState("rates", "No handoffs were answered and no OLA clocks were decided.")
        }
        let f = ReportFormat.svg
        let plotWidth = Self.width - labelWidth - right
        let plotBottom = top + rowHeight * Double(scores.count)
        let height = plotBottom + axisHeight
        func x(_ percent: Double) -> Double { labelWidth + plotWidth * ReportFormat.clamped(percent, 0, 100) / 100 }

        var body = "<g class=\"axis\">\n"
        for tick in stride(from: 0, through: 100, by: 20) {
            body += "<line class=\"grid\" x1=\"\(f(x(Double(tick))))\" x2=\"\(f(x(Double(tick))))\" y1=\"\(f(top))\" y2=\"\(f(plotBottom))\"/>"
            body += "<text class=\"tick\" x=\"\(f(x(Double(tick))))\" y=\"\(f(plotBottom + 18))\" text-anchor=\"middle\">\(tick) %</text>\n"
        }
        body += "</g>\n"

        for (row, score) in scores.enumerated() {
            let rowTop = top + rowHeight * Double(row)
            let name = directory.name(of: score.supplier)
            let pairTop = rowTop + (rowHeight - 2 * barHeight - barGap) / 2
            body += "<g class=\"row\"\(attribute("data-supplier", score.supplier))>\n"
            body += "<text class=\"row-head\" x=\"\(f(labelWidth - 12))\" y=\"\(f(rowTop + rowHeight / 2 + 4.5))\" text-anchor=\"end\">"
            body += "<title>\(htmlEscaped(name))</title>\(htmlEscaped(truncated(name, 30)))</text>\n"
            for (index, metric) in metrics.enumerated() {
                let barTop = pairTop + Double(index) * (barHeight + barGap)
                let textY = f(barTop + barHeight / 2 + 4.5)
                guard let value = ReportFormat.finite(metric.value(score)) else {
                    body += "<text class=\"bar-value none\" x=\"\(f(labelWidth + 6))\" y=\"\(textY)\">\(ReportFormat.missing) no \(metric.key == "ola" ? "OLA clocks decided" : "handoffs answered")</text>\n"
                    continue
                }
                let end = x(value)
                let low = ScorecardThresholds.isLow(value, below: metric.threshold)
                let tip = "\(name), \(metric.label.lowercased()): \(ReportFormat.percent(value)) (\(metric.detail(score)))"
                body += "<rect class=\"mark\" x=\"\(f(labelWidth))\" y=\"\(f(barTop))\" width=\"\(f(end - labelWidth))\" height=\"\(f(barHeight))\" fill=\"\(metric.colour)\""
                body += attribute("data-supplier", score.supplier) + attribute("data-metric", metric.key) + attribute("data-value", f(value)) + ">"
                body += "<title>\(htmlEscaped(tip))</title></rect>"
                let target = x(metric.threshold)
                body += "<line class=\"target\" x1=\"\(f(target))\" x2=\"\(f(target))\" y1=\"\(f(barTop - 2))\" y2=\"\(f(barTop + barHeight + 2))\"/>"
                body += "<text class=\"bar-value\(low ? " low" : "")\" x=\"\(f(max(end, target) + 8))\" y=\"\(textY)\">\(low ? "\u{25BC} " : "")\(ReportFormat.percent(value))</text>\n"
            }
            body += "</g>\n"
        }
        body += "<line class=\"baseline\" x1=\"\(f(labelWidth))\" x2=\"\(f(labelWidth))\" y1=\"\(f(top))\" y2=\"\(f(plotBottom))\"/>\n"

        let figure = ChartFigure(
            id: "chart-rates",
            title: "Acceptance rate and OLA met per supplier",
            description: "For each supplier, the percentage of handoffs accepted of those answered or expired, and the percentage of OLA clocks met, on a scale of 0 to 100 %. The tick on each bar marks its threshold: \(ReportFormat.percent(ScorecardThresholds.acceptancePercent)) for acceptance, \(ReportFormat.percent(ScorecardThresholds.olaMetPercent)) for OLA.",
            width: Self.width, height: height, encoding: "length-x", body: body,
            legend: legend(), table: table())
        return figure.html()
    }

    private func legend() -> String {
        var out = "<ul class=\"legend\" aria-hidden=\"true\">"
        for metric in metrics {
            out += "<li><span class=\"chip\" style=\"background:\(metric.colour)\"></span>\(htmlEscaped(metric.label))</li>"
        }
        out += "<li><span class=\"target-chip\"></span>Threshold (\(htmlEscaped(ReportFormat.percent(ScorecardThresholds.acceptancePercent))) acceptance, \(htmlEscaped(ReportFormat.percent(ScorecardThresholds.olaMetPercent))) OLA)</li>"
        return out + "</ul>"
    }

    private func table() -> DataTable {
        DataTable(
            caption: "Acceptance rate and OLA met per supplier",
            headers: ["Supplier", "Acceptance rate", "OLA met", "OLA clocks"],
            rows: report.suppliers.map {
                [directory.name(of: $0.supplier), ReportFormat.percent($0.acceptancePercent),
                 ReportFormat.percent($0.olaMetPercent), ReportFormat.count($0.olaClocks)]
            })
    }
}
