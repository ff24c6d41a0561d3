import ArgumentParser
import Foundation
import SiamCore
import SiamReport
import SiamStore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Supplier scorecards for governance: as a table, JSON, CSV, or one self-contained HTML page.",
        subcommands: [Scorecard.self, HTML.self])

    /// The period options both reports take.
    struct PeriodOptions: ParsableArguments {
        @Option(help: ArgumentHelp("Start of the period: \(reportBoundHelp).", valueName: "when"), transform: parseReportBound)
        var since: When = .relative(-30 * 86_400)
        @Option(help: ArgumentHelp("End of the period (default: now), same forms.", valueName: "when"), transform: parseReportBound)
        var until: When?
    }

    struct Scorecard: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One scorecard per supplier for a period (default: the last 30 days).",
            discussion: """
                Per supplier: handoffs offered to it in the period and how they ended (accepted, rejected, \
                expired); acceptance rate (accepted of accepted + rejected + expired); median real time from \
                offer to acceptance; OLA clocks (accept, resolve) decided in the period and the share met; SLA \
                breaches while it owned the incident; bounces charged to it (work it refused or handed back, \
                less refusals whose scope dispute the integrator upheld); scope disputes it raised in the period \
                and how many of those were upheld or overturned; escalations about it or its incidents; \
                complaints and satisfaction (1-5) about incidents it owned. Computed by the SQL function siam.scorecard, which reporting tools may call \
                too. Figures that have nothing to count are empty (CSV), null (JSON) or '-' (table).
                """)
        @OptionGroup var period: PeriodOptions
        @Option(help: "table, json or csv (--json means json).")
        var format: ScorecardFormat?
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if options.json, let format, format != .json {
                throw ValidationError("--json and --format \(format.rawValue) disagree: give one of them")
            }
        }

        func run() throws {
            let store = try options.openStore()
            let range = try ReportPeriod(since: period.since, until: period.until, now: try store.now())
            let report = try store.scorecardReport(since: range.since, until: range.until, bucket: automaticBucket(range), charts: false)
            switch format ?? (options.json ? .json : .table) {
            case .json: print(report.json.serialized())
            case .csv: print(ScorecardCSV.render(report.suppliers), terminator: "")
            case .table: ScorecardTable(report: report).print()
            }
        }
    }

    struct HTML: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "html",
            abstract: "Write the scorecards as one self-contained HTML page with charts.",
            discussion: """
                The page needs nothing else (no scripts, styles, fonts or images from elsewhere): \
                headline figures, the scorecard table, SLA compliance per supplier over time (in buckets \
                of --bucket, default: at most 24 over the period), where the SLA breaches happened (holder x \
                service), and acceptance and OLA met per supplier. Written atomically.
                """)
        @OptionGroup var period: PeriodOptions
        @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The file to write.", valueName: "file"))
        var output: String
        @Option(help: "Length of a compliance bucket (default: a round length giving at most 24 over the period).", transform: parseDuration)
        var bucket: BusinessDuration?
        @Option(help: "The page's title.")
        var title = "Supplier scorecards"
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if let bucket, bucket.seconds < 1 { throw ValidationError("--bucket must be at least 1s") }
            guard !output.isEmpty else { throw ValidationError("--output needs a file name") }
        }

        func run() throws {
            let store = try options.openStore()
            let range = try ReportPeriod(since: period.since, until: period.until, now: try store.now())
            let length = bucket ?? automaticBucket(range)
            guard range.until.seconds - range.since.seconds <= 1000 * length.seconds else {
                throw ValidationError("--bucket \(length) makes more than 1000 buckets in the period; choose a longer one")
            }
            let report = try store.scorecardReport(since: range.since, until: range.until, bucket: length)
            let page = HTMLReport.render(report, title: title)
            try writeFile(Data(page.utf8), to: output)
            let message = "wrote \(output): \(report.suppliers.count) suppliers, \(range.since.iso8601) to \(range.until.iso8601)"
            Output(json: options.json).done(message, record: .object([
                ("file", .string(output)), ("suppliers", JSONValue(report.suppliers.count)),
                ("since", JSONValue(range.since)), ("until", JSONValue(range.until)), ("bucket_seconds", JSONValue(length.seconds)),
            ]))
        }
    }
}

enum ScorecardFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// At most 24 compliance buckets over the period, each a round length (5s ... 28d).
func automaticBucket(_ period: ReportPeriod) -> BusinessDuration {
    let wanted = max(1, (period.until.seconds - period.since.seconds + 23) / 24)
    let round: [Int64] = [5, 10, 15, 30, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600,
                          86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 28 * 86_400]
    let length = round.first { $0 >= wanted } ?? ((wanted + 86_399) / 86_400 * 86_400)
    return BusinessDuration(seconds: length)
}
