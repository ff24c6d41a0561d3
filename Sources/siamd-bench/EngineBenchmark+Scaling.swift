import Foundation
import SiamStore

/// (a) The burst again, by 1, 2, 4 … real `siamd run` processes on one database: how the
/// work scales, and that no action is done twice when daemons compete for it.
extension EngineBenchmark {
    struct ScalingRun {
        var daemons: Int
        var actions: Int
        /// From the commit that made the burst due to the commit of its last action.
        var seconds: Double
        /// Actions done more than once (each counted once per extra time).
        var duplicates: Int
        var duplicateKinds: [String: Int]
    }

    /// Runs the burst on a fresh copy of `template` for each number of daemons.
    static func scaling(cluster: LocalCluster, template: String, siamd: String, daemonCounts: [Int], burst: Int) throws -> [ScalingRun] {
        let admin = try PostgresConnection.connect(cluster.conninfo(), statementTimeout: "0")
        var runs: [ScalingRun] = []
        for count in daemonCounts {
            let database = "burst_daemons_\(count)"
            try admin.query("CREATE DATABASE \(try admin.quoteIdentifier(database)) TEMPLATE \(try admin.quoteIdentifier(template))")
            let run = try burstByDaemons(conninfo: cluster.conninfo(database: database), siamd: siamd, count: count, burst: burst)
            print("\(count) × siamd run: \(run.actions) actions in \(BenchmarkSupport.twoDecimals(run.seconds)) s = "
                  + "\(BenchmarkSupport.grouped(Double(run.actions) / run.seconds))/s, duplicates \(run.duplicates)"
                  + (run.duplicateKinds.isEmpty ? "" : " \(run.duplicateKinds)"))
            runs.append(run)
            try admin.query("DROP DATABASE \(try admin.quoteIdentifier(database))")
        }
        return runs
    }

    static func burstByDaemons(conninfo: String, siamd: String, count: Int, burst: Int) throws -> ScalingRun {
        let setup = try PostgresConnection.connect(conninfo, statementTimeout: "0")
        // The burst waits until every daemon has started and made its first (idle) pass.
        try setup.query("UPDATE siam.incident SET next_check_at = NULL WHERE state = 'new'")
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["DATABASE_URL"] = conninfo
        let logLevel = ProcessInfo.processInfo.environment["SIAMD_BENCH_DAEMON_LOG"] ?? "warning"
        let daemons = try (0..<count).map { _ in
            try ChildProcess.start(siamd, ["run", "--poll-interval", "1s", "--log-level", logLevel], environment: environment)
        }
        var stopped = false
        func stopDaemons() {
            guard !stopped else { return }
            stopped = true
            for daemon in daemons { daemon.signal(SIGTERM) }
            for (n, daemon) in daemons.enumerated() {
                if let result = try? daemon.wait(), !result.stderr.isEmpty {
                    let path = "/tmp/siamd-bench-daemon-\(count)-\(n).log"
                    try? result.stderr.write(toFile: path, atomically: true, encoding: .utf8)
                    print("daemon log: \(path)")
                }
            }
        }
        defer { stopDaemons() }
        try waitFor("\(count) daemons to make their first pass", timeout: .seconds(60)) {
            for daemon in daemons where kill(daemon.pid, 0) != 0 {
                throw BenchmarkError("siamd run ended at start (see SIAMD_BENCH_DAEMON_LOG=info)")
            }
            return try setup.query(
                "SELECT count(*) AS n FROM siam.daemon WHERE last_pass_at IS NOT NULL AND stopped_at IS NULL").first!.int("n") >= count
        }

        // Due now, and a notification to wake the daemons (as any event would).
        let before = try setup.query("SELECT coalesce(max(id), 0) AS id FROM siam.event").first!.int64("id")
        let xid = try setup.transaction(actor: "bench") {
            try setup.query("UPDATE siam.incident SET next_check_at = siam.clock() WHERE state = 'new' AND next_check_at IS NULL")
            try setup.query("NOTIFY siam_event")
            return try setup.query("SELECT pg_current_xact_id()::text AS xid").first!.string("xid")
        }
        let expected = burst * actionsPerBurstIncident
        let work = """
            SELECT count(*) AS n FROM siam.event
            WHERE id > $1::bigint AND actor = 'siamd' AND kind IN ('handoff.expired', 'handoff.offered', 'escalation.raised')
            """
        try waitFor("the daemons' \(expected) actions", timeout: .seconds(max(120, burst / 50))) {
            try setup.query(work, [before]).first!.int("n") >= expected
        }
        // Then until nothing is due (an incident scheduled for now, if any) and the daemons stopped,
        // so that an action done twice, late, would be counted.
        try waitFor("nothing due", timeout: .seconds(max(120, burst / 50))) {
            try setup.query("SELECT count(*) AS n FROM siam.incident WHERE next_check_at <= siam.clock()").first!.int("n") == 0
        }
        stopDaemons()

        let timing = try setup.query("""
            SELECT count(*) AS actions,
                   extract(epoch FROM max(pg_xact_commit_timestamp(e.xmin)) - pg_xact_commit_timestamp($2::text::xid)) AS seconds
            FROM siam.event AS e
            WHERE e.id > $1::bigint AND e.actor = 'siamd' AND e.kind NOT LIKE 'daemon.%'
            """, [before, xid]).first!
        var duplicateKinds: [String: Int] = [:]
        for row in try setup.query("""
            -- Actions that must happen once: per handoff its expiry, per incident of the burst one
            -- new offer, per incident and rule one escalation raised; and never two open offers.
            SELECT what, sum(n - 1) AS extra FROM (
                SELECT 'handoff.expired twice' AS what, count(*) AS n FROM siam.event
                WHERE id > $1::bigint AND kind = 'handoff.expired' GROUP BY handoff
                UNION ALL
                SELECT 'handoff.offered twice', count(*) FROM siam.event
                WHERE id > $1::bigint AND kind = 'handoff.offered' GROUP BY incident
                UNION ALL
                SELECT 'escalation.raised twice', count(*) FROM siam.event
                WHERE id > $1::bigint AND kind = 'escalation.raised' GROUP BY incident, data ->> 'rule'
                UNION ALL
                SELECT 'two open offers', count(*) FROM siam.handoff
                WHERE state = 'offered' AND part IS NULL GROUP BY incident
            ) AS counted
            WHERE n > 1 GROUP BY what
            """, [before]).rows {
            duplicateKinds[try row.string("what")] = try row.int("extra")
        }
        return ScalingRun(daemons: count, actions: try timing.int("actions"),
                          seconds: try timing.text("seconds").flatMap(Double.init) ?? .nan,
                          duplicates: duplicateKinds.values.reduce(0, +), duplicateKinds: duplicateKinds)
    }

    /// Polls `done` every 20 ms until it is true; throws after `timeout`.
    static func waitFor(_ what: String, timeout: Duration, _ done: () throws -> Bool) throws {
        let started = ContinuousClock.now
        while try !done() {
            guard ContinuousClock.now - started < timeout else { throw BenchmarkError("gave up waiting for \(what) after \(timeout)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
}
