import Foundation
import SiamCore
import SiamReport

extension SupplierScore {
    /// The fields in the order of `siam.scorecard`'s columns, plus ola_met_pct.
    var fields: [(String, JSONValue)] {
        [
            ("supplier", .string(supplier)), ("name", .string(name)), ("status", .string(status)),
            ("offered", JSONValue(offered)), ("accepted", JSONValue(accepted)), ("rejected", JSONValue(rejected)),
            ("expired", JSONValue(expired)), ("cancelled", JSONValue(cancelled)),
            ("acceptance_rate", JSONValue(acceptanceRate)), ("median_seconds_to_accept", JSONValue(medianSecondsToAccept)),
            ("ola_clocks", JSONValue(olaClocks)), ("ola_met", JSONValue(olaMet)), ("ola_met_pct", JSONValue(olaMetPercent)),
            ("sla_breaches", JSONValue(slaBreaches)), ("bounces", JSONValue(bounces)),
            ("disputes_raised", JSONValue(disputesRaised)), ("disputes_upheld", JSONValue(disputesUpheld)),
            ("disputes_overturned", JSONValue(disputesOverturned)),
            ("escalations", JSONValue(escalations)), ("complaints", JSONValue(complaints)),
            ("satisfaction", JSONValue(satisfaction)), ("feedback_count", JSONValue(feedbackCount)),
        ]
    }
}

extension ScorecardReport {
    /// `siamd report scorecard --format json`.
    var json: JSONValue {
        .object([
            ("since", JSONValue(since)), ("until", JSONValue(until)), ("generated_at", JSONValue(generatedAt)),
            ("suppliers", .array(suppliers.map { .object($0.fields) })),
        ])
    }
}

/// The scorecards as CSV (RFC 4180): a header of column names, one row per supplier, empty
/// cells where there is nothing to count.
enum ScorecardCSV {
    static func render(_ scores: [SupplierScore]) -> String {
        let header = SupplierScore.csvColumns
        var out = header.joined(separator: ",") + "\r\n"
        for score in scores {
            out += score.fields.map { cell($0.1) }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func cell(_ value: JSONValue) -> String {
        let text: String
        switch value {
        case .null: text = ""
        case .string(let string): text = string
        default: text = value.serialized()
        }
        // Quote what would break the row, and what a spreadsheet would run as a formula
        // (a cell starting with = + - @, tab or carriage return: OWASP's list).
        let formula = text.unicodeScalars.first.map { "=+-@\t\r".unicodeScalars.contains($0) } == true
        let needsQuotes = formula || text.contains { $0 == "," || $0 == "\"" || $0.isNewline }
        guard needsQuotes else { return text }
        let guarded = formula ? "'" + text : text
        return "\"" + guarded.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension SupplierScore {
    static var csvColumns: [String] {
        SupplierScore(supplier: "", name: "", status: "", offered: 0, accepted: 0, rejected: 0, expired: 0, cancelled: 0,
                      acceptanceRate: nil, medianSecondsToAccept: nil, olaClocks: 0, olaMet: 0, slaBreaches: 0,
                      bounces: 0, disputesRaised: 0, disputesUpheld: 0, disputesOverturned: 0, escalations: 0, complaints: 0, satisfaction: nil, feedbackCount: 0)
            .fields.map(\.0)
    }
}

/// `siamd report scorecard` for people.
struct ScorecardTable {
    let report: ScorecardReport

    func print() {
        Swift.print("Supplier scorecards, \(report.since.iso8601) to \(report.until.iso8601)")
        guard !report.suppliers.isEmpty else {
            Swift.print("no suppliers")
            return
        }
        Swift.print("")
        Output(json: false).printTable(
            header: ["SUPPLIER", "STATUS", "OFFERED", "ACCEPTED", "REJECTED", "EXPIRED", "ACCEPT RATE", "MEDIAN ACCEPT",
                     "OLA MET", "SLA BREACHES", "BOUNCES", "DISPUTES", "UPHELD", "OVERTURNED",
                     "ESCALATIONS", "COMPLAINTS", "SATISFACTION"],
            rows: report.suppliers.map { score in
                [score.supplier, score.status, String(score.offered), String(score.accepted), String(score.rejected),
                 String(score.expired), percent(score.acceptanceRate.map { $0 * 100 }),
                 score.medianSecondsToAccept.map { BusinessDuration(seconds: Int64($0.rounded())).description } ?? "-",
                 score.olaClocks == 0 ? "-" : "\(percent(score.olaMetPercent)) (\(score.olaMet)/\(score.olaClocks))",
                 String(score.slaBreaches), String(score.bounces),
                 String(score.disputesRaised), String(score.disputesUpheld), String(score.disputesOverturned),
                 String(score.escalations),
                 String(score.complaints),
                 score.satisfaction.map { String(format: "%.1f/5 (%d)", $0, score.feedbackCount) } ?? "-"]
            })
    }

    func percent(_ value: Double?) -> String {
        value.map { String(format: "%.0f %%", $0) } ?? "-"
    }
}
