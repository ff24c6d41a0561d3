import Foundation
import SiamCore

/// Chart 1: the share of SLA clocks met per supplier, bucket by bucket, as one line per
/// supplier. A bucket in which a supplier had no clocks is a gap in its line, not a zero.
struct ComplianceChart {
    let report: ScorecardReport
    let directory: SupplierDirectory

    static let width = 1080.0
    static let height = 340.0
    private let left = 58.0, right = 20.0, top = 18.0, bottom = 52.0

    /// More buckets than this are drawn only where there is data, not as a full grid.
    static let gridLimit = 1000

    /// The chart, or the empty state when no supplier had an SLA clock decided in the period.
    func html() -> String {
        let series = self.series()
        guard !series.isEmpty else {
            return emptyState("compliance", "No SLA clocks were decided for incidents that suppliers owned.")
        }
        let starts = bucketStarts()
        let plotWidth = Self.width - left - right
        let plotHeight = Self.height - top - bottom
        let step = plotWidth / Double(max(starts.count, 1))
        let column = Dictionary(starts.enumerated().map { ($1.seconds, $0) }, uniquingKeysWith: { first, _ in first })
        func x(_ index: Int) -> Double { left + (Double(index) + 0.5) * step }
        func y(_ percent: Double) -> Double { top + plotHeight * (1 - ReportFormat.clamped(percent, 0, 100) / 100) }
        // Markers shrink when buckets crowd, so that the lines stay readable.
        let radius = ReportFormat.clamped(step * 0.3, 2.5, 4.5)
        let f = ReportFormat.svg

        var body = "<g class=\"axis\">\n"
        for tick in stride(from: 0, through: 100, by: 20) {
            let ty = y(Double(tick))
            body += "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(Self.width - right))\" y1=\"\(f(ty))\" y2=\"\(f(ty))\"/>"
            body += "<text class=\"tick\" x=\"\(f(left - 8))\" y=\"\(f(ty + 4))\" text-anchor=\"end\">\(tick) %</text>\n"
        }
        // As many date labels as fit; the others are marked with a tick only.
        let every = max(1, Int((Double(starts.count) * 78 / plotWidth).rounded(.up)))
        var lastYear = ""
        for (index, start) in starts.enumerated() {
            let tx = x(index)
            body += "<line class=\"tick-mark\" x1=\"\(f(tx))\" x2=\"\(f(tx))\" y1=\"\(f(top + plotHeight))\" y2=\"\(f(top + plotHeight + 5))\"/>"
            guard index % every == 0 else { continue }
            let parts = CivilParts(start)
            let label: String
            if report.bucketSeconds % 86_400 == 0 && parts.secondOfDay == 0 {
                label = parts.dayMonth
            } else if report.bucketSeconds % 60 == 0 {
                label = "\(parts.dayMonth) \(parts.time)"
            } else {
                // Buckets of seconds (a short period): minutes alone would repeat.
                label = "\(parts.time):" + String(format: "%02d", parts.secondOfDay % 60)
            }
            body += "<text class=\"tick\" x=\"\(f(tx))\" y=\"\(f(top + plotHeight + 20))\" text-anchor=\"middle\">\(htmlEscaped(label))</text>"
            if parts.year != lastYear {
                body += "<text class=\"tick year\" x=\"\(f(tx))\" y=\"\(f(top + plotHeight + 36))\" text-anchor=\"middle\">\(htmlEscaped(parts.year))</text>"
                lastYear = parts.year
            }
            body += "\n"
        }
        body += "<line class=\"baseline\" x1=\"\(f(left))\" x2=\"\(f(Self.width - right))\" y1=\"\(f(top + plotHeight))\" y2=\"\(f(top + plotHeight))\"/>\n"
        body += "</g>\n"

        for line in series {
            let colour = Palette.series(line.index)
            let points = line.buckets.compactMap { bucket -> (column: Int, bucket: ComplianceBucket, percent: Double)? in
                guard let percent = ReportFormat.finite(bucket.percent), let index = column[bucket.start.seconds] else { return nil }
                return (index, bucket, percent)
            }.sorted { $0.column < $1.column }
            // Segments join neighbouring buckets only: a bucket without clocks breaks the line.
            var path = ""
            var previous: Int?
            for point in points {
                path += (previous.map { $0 + 1 == point.column } ?? false ? "L" : "M") + "\(f(x(point.column))) \(f(y(point.percent)))"
                previous = point.column
            }
            body += "<g class=\"series\"\(attribute("data-series", line.code))>\n"
            if !path.isEmpty {
                body += "<path class=\"line\" d=\"\(path)\" stroke=\"\(colour)\"\(Palette.dash(line.index).map { " stroke-dasharray=\"\($0)\"" } ?? "")/>\n"
            }
            for point in points {
                let name = directory.name(of: line.code)
                let tip = "\(name): \(ReportFormat.dateTime(point.bucket.start)), \(ReportFormat.percent(point.percent)) met (\(point.bucket.met) of \(point.bucket.clocks) clocks)"
                body += "<path class=\"mark\" d=\"\(Palette.marker(line.index).path(x: x(point.column), y: y(point.percent), r: radius))\" fill=\"\(colour)\""
                body += attribute("data-supplier", line.code) + attribute("data-bucket", point.bucket.start.iso8601)
                body += attribute("data-value", f(point.percent))
                body += " data-clocks=\"\(point.bucket.clocks)\" data-met=\"\(point.bucket.met)\"><title>\(htmlEscaped(tip))</title></path>\n"
            }
            body += "</g>\n"
        }

        let figure = ChartFigure(
            id: "chart-compliance",
            title: "SLA clocks met per supplier, one point per \(ReportFormat.per(seconds: report.bucketSeconds))",
            description: "Percentage of SLA clocks met for incidents each supplier owned, per time bucket from \(ReportFormat.dateTime(report.since)), on a scale of 0 to 100 %. Buckets without clocks are left as gaps.",
            width: Self.width, height: Self.height, encoding: "position-y", body: body,
            legend: legend(series), table: table(series, starts))
        return figure.html()
    }

    /// One supplier's buckets with at least one clock.
    struct Series {
        let code: String
        let index: Int
        let buckets: [ComplianceBucket]
    }

    func series() -> [Series] {
        let byCode = Dictionary(grouping: report.compliance.filter { ReportFormat.finite($0.percent) != nil }, by: \.supplier)
        return byCode.keys.sorted { directory.index(of: $0) < directory.index(of: $1) }.map {
            Series(code: $0, index: directory.index(of: $0), buckets: byCode[$0]!)
        }
    }

    /// The x axis: every bucket of the period, and any bucket of the data off that grid.
    func bucketStarts() -> [Instant] {
        var seconds = Set(report.compliance.map(\.start.seconds))
        let length = report.bucketSeconds
        if length > 0, report.until > report.since,
           (report.until.seconds - report.since.seconds) / length < Int64(Self.gridLimit) {
            for start in stride(from: report.since.seconds, to: report.until.seconds, by: Int(length)) {
                seconds.insert(start)
            }
        }
        return seconds.sorted().map { Instant(seconds: $0) }
    }

    private func legend(_ series: [Series]) -> String {
        var out = "<ul class=\"legend\" aria-hidden=\"true\">"
        for line in series {
            let colour = Palette.series(line.index)
            out += "<li><svg class=\"swatch\" viewBox=\"0 0 28 12\" width=\"28\" height=\"12\">"
            out += "<line x1=\"1\" x2=\"27\" y1=\"6\" y2=\"6\" stroke=\"\(colour)\" stroke-width=\"2.5\"\(Palette.dash(line.index).map { " stroke-dasharray=\"\($0)\"" } ?? "")/>"
            out += "<path d=\"\(Palette.marker(line.index).path(x: 14, y: 6, r: 4))\" fill=\"\(colour)\"/></svg>"
            out += htmlEscaped(directory.name(of: line.code)) + "</li>"
        }
        return out + "</ul>"
    }

    private func table(_ series: [Series], _ starts: [Instant]) -> DataTable {
        var rows: [[String]] = []
        for line in series {
            for bucket in line.buckets.sorted(by: { $0.start < $1.start }) {
                rows.append([directory.name(of: line.code), ReportFormat.dateTime(bucket.start),
                             ReportFormat.count(bucket.clocks), ReportFormat.count(bucket.met), ReportFormat.percent(bucket.percent)])
            }
        }
        return DataTable(caption: "SLA compliance per supplier and bucket",
                         headers: ["Supplier", "Bucket start", "Clocks", "Met", "Met %"], rows: rows)
    }
}
