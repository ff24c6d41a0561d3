import Foundation
import SiamStore

/// Where the engine's burst spends its database time: pg_stat_statements (loaded by the
/// benchmark's private cluster, `track = all`) over the engine's run, the statements it sends
/// (top level) and the statements inside the schema's functions (nested).
extension EngineBenchmark {
    struct StatementCost {
        let text: String
        let calls: Int
        let milliseconds: Double
    }

    /// Starts counting in the database (the extension is created by the superuser).
    static func startCountingStatements(_ connection: PostgresConnection) throws {
        try connection.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        try connection.query("SELECT pg_stat_statements_reset()")
    }

    /// The costliest statements of this database since the reset, top level or nested.
    static func statementCosts(_ connection: PostgresConnection, topLevel: Bool, limit: Int = 6) throws -> [StatementCost] {
        try connection.query("""
            SELECT regexp_replace(left(s.query, 400), '\\s+', ' ', 'g') AS text, s.calls, s.total_exec_time AS ms
            FROM pg_stat_statements AS s
            WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND s.toplevel = $1::boolean
              AND s.query NOT ILIKE '%pg_stat_statements%'
            ORDER BY s.total_exec_time DESC
            LIMIT $2::integer
            """, [topLevel, limit]).rows.map { row in
                StatementCost(text: try row.string("text"), calls: try row.int("calls"),
                              milliseconds: Double(try row.string("ms")) ?? 0)
            }
    }

    /// A Markdown table of statement costs: the statement's start, calls, total and per call.
    static func costTable(_ costs: [StatementCost], seconds: Double) -> String {
        let rows = costs.map { cost in
            let text = cost.text.count > 90 ? String(cost.text.prefix(90)) + "…" : cost.text
            let share = seconds > 0 ? cost.milliseconds / 10 / seconds : 0
            return "| `\(text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'"))` | \(cost.calls) "
                + "| \(BenchmarkSupport.grouped(cost.milliseconds)) ms (\(Int(share.rounded())) % of the run) "
                + "| \(BenchmarkSupport.twoDecimals(cost.milliseconds / Double(max(cost.calls, 1)))) ms |"
        }
        return (["| statement | calls | total | per call |", "| --- | ---: | ---: | ---: |"] + rows).joined(separator: "\n")
    }
}
