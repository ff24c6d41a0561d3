import Foundation
import SiamCore
import SiamDaemon
import SiamStore

/// The coordination engine at scale, on a private PostgreSQL it starts itself:
/// (a) a burst of expired handoffs, reassigned and escalated by the engine, against one
///     hand-written set-based statement doing the same work on a copy of the same data
///     (EngineBenchmark+Burst.swift), and by 1, 2, 4 real `siamd run` processes on fresh
///     copies (EngineBenchmark+Scaling.swift);
/// (b) reaction latency of the real `siamd run` binary while writers make changes at a
///     steady rate, measured inside the database from commit timestamps;
/// (c) the database time of a pass when nothing is due, at two table sizes;
/// (d) the daemon's resident memory.
/// Writes its section of BENCHMARKS.md.
enum EngineBenchmark {
    static let command = BenchmarkCommand(
        name: "engine", summary: "the coordination engine: a burst, reaction latency, idle passes, memory",
        details: """
            On a private PostgreSQL 15 it starts (durable, track_commit_timestamp=on):
            (a) a burst of offers past their deadline, each expired, re-offered and its SLA
                acknowledge clock escalated (3 actions each), by the engine in this process and by
                one hand-written set-based statement on a copy of the same data (both must write
                the same rows and events), then by 1, 2, 4 real siamd run processes on fresh
                copies (actions/s; actions done twice must be 0);
            (b) reaction latency of siamd run under --rate changes/s for --seconds;
            (c) the time of a pass with nothing due at --open and --incidents incidents;
            (d) the daemon's resident memory under (b).
            """,
        options: [
            .init(name: "incidents", defaultValue: "1000000", help: "incidents in all"),
            .init(name: "open", defaultValue: "100000", help: "open incidents among them"),
            .init(name: "burst", defaultValue: "10000", help: "offers past their deadline in the burst"),
            .init(name: "daemons", defaultValue: "1,2,4", help: "numbers of siamd run processes for the burst, comma-separated"),
            .init(name: "rate", defaultValue: "200", help: "changes per second written during (b)"),
            .init(name: "seconds", defaultValue: "30", help: "length of (b)"),
            .init(name: "siamd", defaultValue: nil, help: "the siamd binary (default: siamd next to siamd-bench)"),
            BenchmarkCommand.output, BenchmarkCommand.date,
        ],
        run: run)

    static func run(_ arguments: BenchmarkArguments) throws {
        let output = arguments.output
        let total = try arguments.int("incidents")
        let open = try arguments.int("open")
        let burst = try arguments.int("burst")
        let rate = try arguments.int("rate")
        let seconds = try arguments.int("seconds")
        let daemonCounts = try arguments.string("daemons")!.split(separator: ",").map { text in
            guard let n = Int(text), n >= 1 else {
                throw BenchmarkUsageError("--daemons takes numbers of at least 1 separated by commas, e.g. 1,2,4")
            }
            return n
        }
        guard open <= total else { throw BenchmarkUsageError("--open (\(open)) cannot exceed --incidents (\(total))") }
        let siamd = arguments.string("siamd") ?? BenchmarkSupport.siamdNextToBench()
        guard FileManager.default.isExecutableFile(atPath: siamd) else {
            throw BenchmarkError("\(siamd) not found: build it (swift build -c release) or give --siamd PATH")
        }
        let date = arguments.date

        print("starting a private PostgreSQL (track_commit_timestamp=on) …")
        let cluster = try LocalCluster.startTemporary(
            prefix: "siamd-bench-", durable: true,
            settings: ["track_commit_timestamp": "on", "shared_buffers": "512MB", "max_wal_size": "4GB",
                       // Where the engine's time goes (its section's statement tables).
                       "shared_preload_libraries": "pg_stat_statements", "pg_stat_statements.track": "all"])
        defer { cluster.stop() }
        let admin = try PostgresConnection.connect(cluster.conninfo(), statementTimeout: "0")

        try admin.query("CREATE DATABASE bench")
        let (idleSmall, idleLarge) = try prepareBase(cluster.conninfo(database: "bench"), total: total, open: open, burst: burst)

        // (a) The burst, on two copies of the same data (the template has no connection left).
        try admin.query("CREATE DATABASE burst_engine TEMPLATE bench")
        try admin.query("CREATE DATABASE burst_sql TEMPLATE bench")
        try admin.query("CREATE DATABASE latency TEMPLATE bench")
        let engineRun = try burstByEngine(cluster.conninfo(database: "burst_engine"))
        print("engine: \(engineRun.actions) actions in \(BenchmarkSupport.twoDecimals(engineRun.seconds)) s = \(BenchmarkSupport.grouped(Double(engineRun.actions) / engineRun.seconds))/s")
        let sqlRun = try burstBySQL(cluster.conninfo(database: "burst_sql"))
        print("set-based statement: \(sqlRun.actions) actions in \(BenchmarkSupport.twoDecimals(sqlRun.seconds)) s = \(BenchmarkSupport.grouped(Double(sqlRun.actions) / sqlRun.seconds))/s")
        try compareBurst(engine: try burstTally(cluster.conninfo(database: "burst_engine")),
                         sql: try burstTally(cluster.conninfo(database: "burst_sql")))
        let expected = burst * actionsPerBurstIncident
        guard engineRun.actions == expected, sqlRun.actions == expected else {
            throw BenchmarkError("expected \(expected) actions (\(actionsPerBurstIncident) per burst incident), "
                                 + "the engine did \(engineRun.actions), the statement \(sqlRun.actions)")
        }
        let scaling = try scaling(cluster: cluster, template: "bench", siamd: siamd, daemonCounts: daemonCounts, burst: burst)

        // (b) + (d) The real daemon under steady writes.
        print("reaction latency of \(siamd) with \(rate) changes/s for \(seconds) s …")
        let latency = try reactionLatency(cluster: cluster, database: "latency", siamd: siamd, rate: rate, seconds: seconds)
        print("rejection -> reassignment: p50 \(latency.rejection.p50) ms, p99 \(latency.rejection.p99) ms (\(latency.rejection.count) samples)")
        print("deadline -> expiry: p50 \(latency.deadline.p50) ms, p99 \(latency.deadline.p99) ms (\(latency.deadline.count) samples)")
        print("daemon memory: peak RSS \(latency.peakRSSKiB / 1024) MiB, final RSS \(latency.rssKiB / 1024) MiB")

        let ratio = engineRun.seconds / sqlRun.seconds
        let section = """
            ## Coordination engine (`siamd run`)

            A private PostgreSQL 15 started by the benchmark (durable: fsync on, `synchronous_commit` on;
            `track_commit_timestamp=on` to time reactions inside the database), \(BenchmarkSupport.grouped(Double(total))) incidents of which
            \(BenchmarkSupport.grouped(Double(open))) open, 5 active suppliers, SLA/OLA targets and the default escalation rules.

            | measure | figure | target |
            | --- | ---: | --- |
            | (a) burst: \(BenchmarkSupport.grouped(Double(burst))) offers past their deadline, each expired, re-offered and its SLA acknowledge clock escalated (one escalation, raised straight to level 4) — engine (batches of 500, in the benchmark's process) | \(BenchmarkSupport.grouped(Double(engineRun.actions))) actions in \(BenchmarkSupport.twoDecimals(engineRun.seconds)) s = **\(BenchmarkSupport.grouped(Double(engineRun.actions) / engineRun.seconds)) actions/s** | ≥ 20,000 actions/s |
            | (a) the same work as one hand-written set-based statement | \(BenchmarkSupport.grouped(Double(sqlRun.actions))) actions in \(BenchmarkSupport.twoDecimals(sqlRun.seconds)) s = \(BenchmarkSupport.grouped(Double(sqlRun.actions) / sqlRun.seconds)) actions/s | |
            | (a) engine time / set-based time | **\(BenchmarkSupport.twoDecimals(ratio))×** | ≤ 1.5× |
            \(scaling.map { run in
                "| (a) the same burst by \(run.daemons) `siamd run` process\(run.daemons == 1 ? "" : "es") on a fresh copy; "
                    + "actions done twice | \(BenchmarkSupport.grouped(Double(run.actions))) actions in "
                    + "\(BenchmarkSupport.twoDecimals(run.seconds)) s = **\(BenchmarkSupport.grouped(Double(run.actions) / run.seconds)) actions/s**; "
                    + "**\(run.duplicates)** twice | 0 twice |"
            }.joined(separator: "\n"))
            | (b) rejection committed → reassignment committed, p50 / p99 (\(latency.rejection.count) samples, \(rate) changes/s) | \(latency.rejection.p50) ms / **\(latency.rejection.p99) ms** | p99 ≤ 50 ms |
            | (b) accept deadline passed → expiry committed, p50 / p99 (\(latency.deadline.count) samples) | \(latency.deadline.p50) ms / **\(latency.deadline.p99) ms** | p99 ≤ 50 ms |
            | (c) pass with nothing due, \(BenchmarkSupport.grouped(Double(open))) incidents: median / p99 | \(idleSmall.median) µs / \(idleSmall.p99) µs | flat |
            | (c) pass with nothing due, \(BenchmarkSupport.grouped(Double(total))) incidents: median / p99 | \(idleLarge.median) µs / \(idleLarge.p99) µs | flat |
            | (d) daemon resident memory under (b): peak / at the end | \(latency.peakRSSKiB / 1024) MiB / \(latency.rssKiB / 1024) MiB | ≤ 50 MB |

            The engine plans each incident in Swift and carries out each batch through the schema's
            set-based action functions (`siam.handoffs_expire`, `siam.handoffs_offer_automatic`,
            `siam.escalations_raise`, which re-check every decision, write one event per action and
            return what they changed), then schedules every incident from what came back (a new
            offer's accept clock included) in the same transaction, without a second look; the
            set-based statement writes the same rows and events in one go, without those checks (the benchmark compares the handoffs, escalations and events by kind of both
            databases and stops when they differ). The `siamd run` rows start the processes
            (`--poll-interval 1s`) with the burst not yet due, make it due in one transaction that
            notifies them, and time from its commit to the commit of the last action; an action done
            twice is a second `handoff.expired` of one handoff, `handoff.offered` of one incident or
            `escalation.raised` of one incident and rule, or a second open offer of one incident.
            Reaction latencies come from commit timestamps of the event rows. Idle passes are
            measured from the client over the unix socket (200 passes after 20 warm-up passes), so
            they include the round trips.

            Where the engine's burst (a) spends its database time, from `pg_stat_statements`
            (`track = all`) over the engine's run of \(BenchmarkSupport.twoDecimals(engineRun.seconds)) s: the statements it sends, then
            the costliest statements inside the schema's functions (their time is part of the first).

            \(costTable(engineRun.topLevel, seconds: engineRun.seconds))

            \(costTable(engineRun.nested, seconds: engineRun.seconds))

            The daemon's own statements during (b) (\(seconds) s at \(rate) changes/s; the writer's left out):

            \(costTable(latency.daemonStatements, seconds: Double(seconds)))

            Machine: \(BenchmarkSupport.machine()); measured \(date).
            Reproduce: `swift build -c release && .build/release/siamd-bench engine` (options: `--incidents`,
            `--open`, `--burst`, `--daemons`, `--rate`, `--seconds`, `--siamd PATH`; `--help` describes them).
            """
        try BenchmarkSupport.rewriteSection(section, named: "engine", in: output)
        print("wrote the engine section of \(output)")
    }

    // MARK: Data

    /// Builds the base database: the world, open incidents (idle passes measured), closed ones
    /// up to the total (idle passes again), then the burst. Its connections end on return, so
    /// that it can serve as a template.
    static func prepareBase(_ conninfo: String, total: Int, open: Int, burst: Int) throws
        -> (small: (median: Int, p99: Int), large: (median: Int, p99: Int)) {
        let base = try PostgresConnection.connect(conninfo, statementTimeout: "0")
        try base.migrate(siamdVersion: SiamdVersion.current)
        try populateWorld(base)
        print("inserting \(open) open incidents …")
        try insertIncidents(base, count: open, open: true)
        try base.query("VACUUM ANALYZE")
        let small = try idlePasses(conninfo)
        print("idle pass at \(open) incidents: median \(small.median) µs, p99 \(small.p99) µs")
        print("inserting \(total - open) closed incidents …")
        try insertIncidents(base, count: total - open, open: false)
        try base.query("VACUUM ANALYZE")
        let large = try idlePasses(conninfo)
        print("idle pass at \(total) incidents: median \(large.median) µs, p99 \(large.p99) µs")
        print("preparing a burst of \(burst) expired offers …")
        try insertBurst(base, count: burst)
        try base.query("VACUUM ANALYZE")
        return (small, large)
    }

    static func populateWorld(_ connection: PostgresConnection) throws {
        try connection.transaction(actor: "bench") {
            try connection.query("SELECT siam.service_add('network', 'Network')")
            for n in 1...5 {
                try connection.query("SELECT siam.supplier_add($1, $2)", ["s\(n)", "Supplier \(n)"])
                try connection.query("SELECT siam.supplier_set_status($1, 'active')", ["s\(n)"])
                try connection.query("SELECT siam.supplier_serve($1, 'network', $2::integer)", ["s\(n)", n])
            }
            try connection.query("SELECT siam.target_set('sla', 'P2', NULL, NULL, NULL, NULL, '1 hour', '8 hours')")
            try connection.query("SELECT siam.target_set('ola', 'P2', NULL, NULL, NULL, '30 minutes', NULL, '4 hours')")
        }
    }

    /// Open incidents are in progress with nothing due for a day; closed ones are done.
    static func insertIncidents(_ connection: PostgresConnection, count: Int, open: Bool) throws {
        guard count > 0 else { return }
        try connection.query(open ? """
            INSERT INTO siam.incident (title, service, priority, state, owner, opened_at, acknowledged_at,
                                       acknowledge_due, resolve_due, next_check_at)
            SELECT 'open ' || n, 'network', 'P2', 'in_progress', 's' || (n % 5 + 1), now() - interval '1 hour',
                   now() - interval '50 minutes', now(), now() + interval '2 days', now() + interval '1 day'
            FROM generate_series(1, $1::integer) AS n
            """ : """
            INSERT INTO siam.incident (title, service, priority, state, owner, opened_at, acknowledged_at,
                                       resolved_at, closed_at, next_check_at)
            SELECT 'closed ' || n, 'network', 'P2', 'closed', 's' || (n % 5 + 1), now() - interval '30 days',
                   now() - interval '29 days', now() - interval '28 days', now() - interval '27 days', NULL
            FROM generate_series(1, $1::integer) AS n
            """, [count])
    }

    /// New incidents whose offer to s1 expired ten minutes ago and whose SLA acknowledge clock
    /// has run out: each needs an expiry, a new offer and one escalation at the rule's top level.
    static func insertBurst(_ connection: PostgresConnection, count: Int) throws {
        try connection.query("""
            WITH burst AS (
                INSERT INTO siam.incident (title, service, priority, state, opened_at, acknowledge_due, resolve_due,
                                           next_check_at, handoff_count)
                SELECT 'burst ' || n, 'network', 'P2', 'new', siam.clock() - interval '2 hours',
                       siam.clock() - interval '1 hour', siam.clock() + interval '6 hours', siam.clock(), 1
                FROM generate_series(1, $1::integer) AS n
                RETURNING id
            )
            INSERT INTO siam.handoff (incident, to_supplier, offered_at, offered_by, accept_due, reason)
            SELECT id, 's1', siam.clock() - interval '40 minutes', 'bench', siam.clock() - interval '10 minutes', 'burst'
            FROM burst
            """, [count])
    }

    // MARK: (c)

    static func idlePasses(_ conninfo: String) throws -> (median: Int, p99: Int) {
        let engine = Engine(
            connection: try PostgresConnection.connect(conninfo), settings: EngineSettings(batchSize: 500, actor: "siamd"),
            logger: Logger(level: .error, sink: { _ in }))
        for _ in 0..<20 { _ = try engine.pass() }
        var samples: [Int] = []
        for _ in 0..<200 {
            let started = ContinuousClock.now
            let report = try engine.pass()
            precondition(report.incidents == 0, "an idle pass found work")
            samples.append(Int((ContinuousClock.now - started) / .microseconds(1)))
        }
        samples.sort()
        return (samples[samples.count / 2], samples[samples.count * 99 / 100])
    }

    // MARK: (b), (d)

    struct Percentiles {
        var count = 0
        var p50 = 0
        var p99 = 0
        init(_ values: [Double]) {
            let sorted = values.sorted()
            count = sorted.count
            guard !sorted.isEmpty else { return }
            p50 = Int(sorted[sorted.count / 2].rounded())
            p99 = Int(sorted[min(sorted.count - 1, sorted.count * 99 / 100)].rounded())
        }
    }

    static func reactionLatency(cluster: LocalCluster, database: String, siamd: String, rate: Int, seconds: Int) throws
        -> (rejection: Percentiles, deadline: Percentiles, peakRSSKiB: Int, rssKiB: Int, daemonStatements: [StatementCost]) {
        let conninfo = cluster.conninfo(database: database)
        let setup = try PostgresConnection.connect(conninfo, statementTimeout: "0")
        // The burst of this copy is not part of this measure: take it out of the daemon's way.
        try setup.query("UPDATE siam.incident SET next_check_at = NULL WHERE state = 'new'")
        try setup.query("""
            UPDATE siam.handoff SET state = 'cancelled', answered_at = siam.clock(), reason = 'benchmark setup'
            WHERE state = 'offered'
            """)
        // Short accept clocks so that deadlines pass during the run.
        try setup.transaction(actor: "bench") {
            try setup.query("SELECT siam.target_set('ola', 'P3', NULL, NULL, NULL, '3 seconds', NULL, '4 hours')")
        }
        try startCountingStatements(setup)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["DATABASE_URL"] = conninfo
        let logLevel = ProcessInfo.processInfo.environment["SIAMD_BENCH_DAEMON_LOG"] ?? "warning"
        let daemon = try ChildProcess.start(siamd, ["run", "--log-level", logLevel], environment: environment)
        defer {
            daemon.signal(SIGTERM)
            if let result = try? daemon.wait(), logLevel != "warning" || !result.stderr.isEmpty {
                try? result.stderr.write(toFile: "/tmp/siamd-bench-daemon.log", atomically: true, encoding: .utf8)
                print("daemon log: /tmp/siamd-bench-daemon.log")
            }
        }

        // The writer: rate changes per second, evenly spaced, cycling through
        // open-with-offer (P2, 30 min to accept) -> reject (the daemon reassigns);
        // open-with-offer (P3, 3 s to accept, left to expire); accept of a reassigned offer.
        let writer = try PostgresConnection.connect(conninfo)
        let interval = Duration.seconds(1) / rate
        let start = ContinuousClock.now
        var next = start
        var step = 0
        var toReject: [Int64] = []
        var rejected: [Int64] = []
        var peakRSS = 0
        var refused = 0
        while ContinuousClock.now - start < .seconds(seconds) {
            // An integration loses races with the daemon now and then (it accepts an offer
            // that just expired): it gets a clear error and goes on, as this writer does.
            do { try writer.transaction(actor: "bench-writer") {
                switch step % 4 {
                case 0:
                    let id = try writer.query("SELECT siam.incident_open('network', 'P2', 'latency', NULL, NULL, 's1') AS id").first!.int64("id")
                    toReject.append(id)
                case 1:
                    if let incident = toReject.popLast(),
                       let handoff = try writer.query(
                        "SELECT id FROM siam.handoff WHERE incident = $1::bigint AND state = 'offered'", [incident]).first {
                        let id = try handoff.int64("id")
                        try writer.query("SELECT siam.handoff_reject($1::bigint, 'busy')", [id])
                        rejected.append(id)
                    }
                case 2:
                    _ = try writer.query("SELECT siam.incident_open('network', 'P3', 'deadline', NULL, NULL, 's2')")
                default:
                    try writer.query("""
                        SELECT siam.handoff_accept(id) FROM siam.handoff
                        WHERE state = 'offered' AND offered_by = 'siamd' ORDER BY id LIMIT 1
                        """)
                }
            } } catch let error as DatabaseError where error.kind == .wrongState {
                refused += 1
            }
            step += 1
            if step % rate == 0 { peakRSS = max(peakRSS, residentKiB(daemon.pid).peak) }
            next = next.advanced(by: interval)
            let now = ContinuousClock.now
            if next > now { Thread.sleep(forTimeInterval: (next - now) / .seconds(1)) }
        }
        print("writer: \(step) changes, \(refused) refused by races with the daemon")
        // Let the last deadlines pass and be handled.
        Thread.sleep(forTimeInterval: 5)
        let memory = residentKiB(daemon.pid)
        let rejection = try writer.query("""
            -- Event rows are append-only, so their xmin is the transaction that wrote them (a
            -- handoff row's xmin moves when it is later accepted).
            SELECT DISTINCT ON (r.id)
                   extract(epoch FROM pg_xact_commit_timestamp(n.xmin) - pg_xact_commit_timestamp(r.xmin)) * 1000 AS ms
            FROM siam.event AS r
            JOIN siam.event AS n ON n.incident = r.incident AND n.kind = 'handoff.offered' AND n.actor = 'siamd' AND n.id > r.id
            WHERE r.kind = 'handoff.rejected' AND r.handoff = ANY ($1::bigint[])
            ORDER BY r.id, n.id
            """, [rejected.map(String.init)]).rows.compactMap { try $0.text("ms").flatMap(Double.init) }
        let deadline = try writer.query("""
            SELECT extract(epoch FROM pg_xact_commit_timestamp(e.xmin) - h.accept_due) * 1000 AS ms
            FROM siam.handoff AS h
            JOIN siam.incident AS i ON i.id = h.incident
            JOIN siam.event AS e ON e.handoff = h.id AND e.kind = 'handoff.expired'
            WHERE h.state = 'expired' AND i.title = 'deadline'
            """).rows.compactMap { try $0.text("ms").flatMap(Double.init) }
        // The daemon's statements only (the writer's are its own: siam.incident_open, handoff_*).
        let daemonStatements = try statementCosts(setup, topLevel: true, limit: 12).filter { cost in
            !["siam.incident_open", "siam.handoff_reject", "siam.handoff_accept", "FROM siam.handoff WHERE incident"]
                .contains { cost.text.contains($0) }
        }.prefix(8)
        return (Percentiles(rejection), Percentiles(deadline), max(peakRSS, memory.peak), memory.current, Array(daemonStatements))
    }

    /// VmHWM (peak) and VmRSS of a process, in KiB.
    static func residentKiB(_ pid: pid_t) -> (peak: Int, current: Int) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Int {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first }
                .flatMap { Int($0) } ?? 0
        }
        return (field("VmHWM"), field("VmRSS"))
    }
}
