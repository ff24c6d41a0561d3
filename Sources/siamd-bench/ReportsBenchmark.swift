import Foundation
import SiamCore
import SiamReport
import SiamStore

/// What operators and the governance meeting wait for, at scale, on a private PostgreSQL it
/// starts itself: `siamd status`, the 30-day scorecards and the HTML page, over 90 days of
/// history (default 1,000,000 incidents, a tenth of them open, five suppliers, four services).
/// Writes its section of BENCHMARKS.md.
enum ReportsBenchmark {
    static let command = BenchmarkCommand(
        name: "reports", summary: "siamd status, the 30-day scorecards and the HTML report over 90 days of history",
        details: """
            On a private PostgreSQL 15 it starts, 90 days of generated history (a tenth of the
            incidents open, 5 suppliers, 4 services): siamd status, siam.scorecard over 30 days,
            the whole 30-day report and its HTML rendering, median of 5 runs after one warm-up.
            """,
        options: [
            .init(name: "incidents", defaultValue: "1000000", help: "incidents in the history"),
            BenchmarkCommand.output, BenchmarkCommand.date,
        ],
        run: run)

    static func run(_ arguments: BenchmarkArguments) throws {
        let output = arguments.output
        let total = try arguments.int("incidents")
        let date = arguments.date

        let (cluster, connection) = try historyDatabase(incidents: total)
        defer { cluster.stop() }

        let store = Store(connection: connection, actor: "bench")
        let now = try store.now()
        let since = now.advanced(by: -30 * 86_400), until = now.advanced(by: 1)
        let status = try timed("siamd status (Store.operationalStatus)") {
            _ = try store.operationalStatus(horizon: BusinessDuration(seconds: 3600), limit: 10)
        }
        let scorecard = try timed("30-day scorecards (siam.scorecard)") {
            _ = try connection.query("SELECT * FROM siam.scorecard($1::timestamptz, $2::timestamptz)", [since, until])
        }
        var report: ScorecardReport? = nil
        let full = try timed("30-day report: scorecards, daily compliance, breaches") {
            report = try store.scorecardReport(since: since, until: until, bucket: BusinessDuration(seconds: 86_400))
        }
        var page = ""
        let render = try timed("HTML page rendered") { page = HTMLReport.render(report!) }
        let clocks = try connection.query("""
            SELECT count(*) AS n FROM siam.sla_outcomes($1::timestamptz, $2::timestamptz)
            """, [since, until]).first!.int("n")
        print("page: \(page.utf8.count / 1024) KiB for \(clocks) SLA clocks decided in 30 days")

        let section = """
            ## Status and reports (`siamd status`, `siamd report`)

            A private PostgreSQL 15 started by the benchmark, holding 90 days of generated history:
            \(BenchmarkSupport.grouped(Double(total))) incidents over 5 suppliers and 4 services, a tenth of them open, each
            with its accepted handoff and owner span, a tenth reassigned after an expired offer, and
            escalations, complaints and feedback on some. Median of 5 runs after one warm-up, measured
            in the process (the CLI adds its start-up and one connection).

            | measure | median | runs (ms) |
            | --- | ---: | --- |
            | `siamd status` (one snapshot: counts, clocks at risk, offers, escalations, loads, daemons) | **\(status.median) ms** | \(status.runs) |
            | `siam.scorecard` over 30 days | **\(scorecard.median) ms** | \(scorecard.runs) |
            | the whole 30-day report: scorecards, daily SLA compliance per supplier, breaches (`siamd report html`; `report scorecard` reads the scorecards only) | **\(full.median) ms** | \(full.runs) |
            | rendering the HTML page (\(page.utf8.count / 1024) KiB) | \(render.median) ms | \(render.runs) |

            \(BenchmarkSupport.grouped(Double(clocks))) SLA clocks were decided in the 30 days. Machine: \(BenchmarkSupport.machine()); measured \(date).
            """
        try BenchmarkSupport.rewriteSection(section, named: "reports", in: output)
        print("wrote the reports section of \(output)")
    }

    /// A private PostgreSQL holding one database with the schema and 90 days of generated
    /// history (`populate`), vacuumed and analysed. The caller stops the cluster.
    static func historyDatabase(incidents total: Int) throws -> (LocalCluster, PostgresConnection) {
        print("starting a private PostgreSQL …")
        let cluster = try LocalCluster.startTemporary(prefix: "siamd-bench-", durable: true,
                                                      settings: ["shared_buffers": "512MB", "max_wal_size": "4GB"])
        do {
            let admin = try PostgresConnection.connect(cluster.conninfo(), statementTimeout: "0")
            try admin.query("CREATE DATABASE history")
            let connection = try PostgresConnection.connect(cluster.conninfo(database: "history"), statementTimeout: "0")
            try connection.migrate(siamdVersion: SiamdVersion.current)
            print("generating 90 days of history: \(total) incidents …")
            let generated = ContinuousClock.now
            try populate(connection, incidents: total)
            try connection.query("VACUUM ANALYZE")
            print("generated in \(BenchmarkSupport.twoDecimals((ContinuousClock.now - generated) / .seconds(1))) s")
            return (cluster, connection)
        } catch {
            cluster.stop()
            throw error
        }
    }

    /// Median and all runs (ms) of 5 timed runs after one warm-up.
    static func timed(_ what: String, _ body: () throws -> Void) throws -> (median: Int, runs: String) {
        try body()
        var runs: [Int] = []
        for _ in 0..<5 {
            let started = ContinuousClock.now
            try body()
            runs.append(Int((ContinuousClock.now - started) / .milliseconds(1)))
        }
        let median = runs.sorted()[runs.count / 2]
        print("\(what): median \(median) ms (\(runs.map(String.init).joined(separator: ", ")))")
        return (median, runs.map(String.init).joined(separator: ", "))
    }

    /// The world through the write path; the history written directly, in bulk (the shapes
    /// the write path would leave, without its events, which the reports do not read).
    static func populate(_ connection: PostgresConnection, incidents: Int) throws {
        try connection.transaction(actor: "bench") {
            for service in ["network", "workplace", "sap-hr", "cloud"] {
                try connection.query("SELECT siam.service_add($1, $1)", [service])
            }
            for n in 1...5 {
                try connection.query("SELECT siam.supplier_add($1, $2, 1000)", ["s\(n)", "Supplier \(n)"])
                try connection.query("SELECT siam.supplier_set_status($1, 'active')", ["s\(n)"])
            }
        }
        // Incident n opens at an even spread over 90 days; times inside it vary with n so that
        // about four in five SLA clocks are met.
        try connection.query("""
            INSERT INTO siam.incident (title, service, priority, state, customer, owner, opened_at, acknowledged_at,
                                       resolved_at, closed_at, acknowledge_due, resolve_due, handoff_count, next_check_at)
            SELECT 'incident ' || n,
                   (ARRAY['network', 'workplace', 'sap-hr', 'cloud'])[n % 4 + 1],
                   (ARRAY['P1', 'P2', 'P3', 'P4'])[n % 7 % 4 + 1],
                   CASE WHEN n % 10 = 0 THEN 'in_progress' ELSE 'closed' END,
                   NULL, 's' || (n % 5 + 1), opened,
                   opened + (n % 80 + 5) * interval '1 minute',
                   CASE WHEN n % 10 = 0 THEN NULL ELSE opened + (n % 600 + 45) * interval '1 minute' END,
                   CASE WHEN n % 10 = 0 THEN NULL ELSE opened + (n % 600 + 105) * interval '1 minute' END,
                   opened + interval '1 hour', opened + interval '8 hours',
                   CASE WHEN n % 10 = 3 THEN 2 ELSE 1 END,
                   CASE WHEN n % 10 = 0 THEN opened + interval '8 hours' END
            FROM (SELECT n, date_trunc('second', now() - interval '90 days' + n * (interval '90 days' / $1::integer)) AS opened
                  FROM generate_series(1, $1::integer) AS n) AS s
            """, [incidents])
        try connection.query("""
            INSERT INTO siam.handoff (incident, to_supplier, state, offered_at, offered_by, accept_due, answered_at, answered_by, reason)
            SELECT id, s.owner,
                   'accepted', opened_at + interval '1 minute', 'siamd', opened_at + interval '31 minutes',
                   opened_at + (id % 40 + 2) * interval '1 minute', 'bench', NULL
            FROM siam.incident AS s
            """)
        try connection.query("""
            INSERT INTO siam.handoff (incident, to_supplier, state, offered_at, offered_by, accept_due, answered_at, answered_by, reason)
            SELECT id, 's' || ((id + 1) % 5 + 1), 'expired', opened_at, 'siamd', opened_at + interval '30 minutes',
                   opened_at + interval '30 minutes', 'siamd', 'not accepted in time'
            FROM siam.incident WHERE handoff_count = 2
            """)
        try connection.query("""
            INSERT INTO siam.assignment (incident, supplier, role, handoff, started_at, ended_at, resolve_due)
            SELECT i.id, i.owner, 'owner', h.id, h.answered_at, i.resolved_at, h.answered_at + interval '4 hours'
            FROM siam.incident AS i JOIN siam.handoff AS h ON h.incident = i.id AND h.state = 'accepted'
            """)
        try connection.query("""
            INSERT INTO siam.escalation (rule, level, incident, notify, reason, raised_at, last_notified_at, closed_at, close_reason)
            SELECT 'sla-resolve', 4, id, 'integrator', 'SLA resolve 100 % elapsed', resolve_due, resolve_due,
                   resolved_at, 'incident closed'
            FROM siam.incident WHERE resolved_at > resolve_due AND id % 3 = 0
            """)
        try connection.query("""
            INSERT INTO siam.complaint (incident, source, body, received_at, recorded_by)
            SELECT id, 'customer', 'too slow', resolve_due + interval '10 minutes', 'bench'
            FROM siam.incident WHERE id % 50 = 0 AND resolved_at > resolve_due + interval '10 minutes'
            """)
        try connection.query("""
            INSERT INTO siam.feedback (incident, score, received_at, recorded_by)
            SELECT id, id % 5 + 1, resolved_at + interval '1 hour', 'bench'
            FROM siam.incident WHERE id % 3 = 1 AND resolved_at IS NOT NULL
            """)
    }
}
