import SiamCore
import Foundation
import SiamStore

/// The database-level integration API under sustained load, on a private PostgreSQL it starts
/// itself: `pgbench` clients call the `siam.*` functions an integration calls (open, accept,
/// reject, change state, complain), once without the daemon (baseline) and once with the real
/// `siamd run` binary reacting to their changes. Reports the API throughput of both runs, the
/// daemon's work, reaction latency over the run (from commit timestamps) and memory.
/// Writes its section of BENCHMARKS.md.
enum ApiBenchmark {
    /// The integration calls, one per pgbench transaction, weighted in percent by `r`.
    /// Every statement is written so that it cannot fail under concurrency: the rows a call
    /// works on are chosen and locked with `FOR UPDATE SKIP LOCKED`, so that they are still in the
    /// state the call needs once locked (PostgreSQL re-checks the WHERE clause on the newest row
    /// version), and a call whose row another client or the daemon holds does nothing instead of
    /// waiting or failing. (A deadlock on the supplier rows that offering and accepting lock would
    /// be retried by `--max-tries`; none occurred.)
    static let script = """
        -- siamd-bench api: one integration API call per transaction.
        \\set r random(1, 100)
        \\set s random(1, 5)
        \\if :r <= 25
        -- 25 %: an incident is opened and offered to a supplier at once.
        SELECT siam.incident_open('network', 'P2', 'pgbench offered', NULL, NULL, 's' || :s);
        \\elif :r <= 30
        -- 5 %: an incident is opened without an offer: the daemon routes it.
        SELECT siam.incident_open('network', 'P2', 'pgbench routed');
        \\elif :r <= 50
        -- 20 %: a supplier accepts the offer waiting longest, and this client remembers its incident.
        WITH offer AS (
            SELECT h.id, h.incident
            FROM siam.incident AS i JOIN siam.handoff AS h ON h.incident = i.id
            WHERE h.state = 'offered' AND h.part IS NULL AND i.state IN ('new', 'assigned', 'in_progress', 'pending')
            ORDER BY h.accept_due LIMIT 1
            FOR UPDATE OF i, h SKIP LOCKED
        )
        SELECT coalesce(max(incident), 0) AS accepted, count(siam.handoff_accept(id)) AS calls FROM offer \\gset
        \\elif :r <= 55
        -- 5 %: a supplier rejects the offer waiting longest, with a reason (the daemon reassigns it).
        WITH offer AS (
            SELECT h.id
            FROM siam.incident AS i JOIN siam.handoff AS h ON h.incident = i.id
            WHERE h.state = 'offered' AND h.part IS NULL AND i.state IN ('new', 'assigned', 'in_progress', 'pending')
            ORDER BY h.accept_due LIMIT 1
            FOR UPDATE OF i, h SKIP LOCKED
        )
        SELECT count(siam.handoff_reject(id, 'busy')) AS calls FROM offer;
        \\elif :r <= 75 AND :accepted > 0
        -- 20 %: the supplier starts work on the incident this client accepted last
        -- (a complaint instead when it has none left).
        SELECT count(siam.incident_set_state(id, 'in_progress')) AS calls
        FROM (SELECT id FROM siam.incident WHERE id = :accepted AND state = 'assigned' FOR UPDATE SKIP LOCKED) AS i;
        \\set accepted 0
        \\else
        -- 25 %: a user complains about a random open incident.
        \\set incident random(:open_first, :open_last)
        SELECT count(siam.complaint_record(id, 'user', 'slow')) AS calls
        FROM (SELECT id FROM siam.incident WHERE id = :incident AND state IN ('new', 'assigned', 'in_progress', 'pending')
              FOR UPDATE SKIP LOCKED) AS i;
        \\endif

        """

    static let command = BenchmarkCommand(
        name: "api", summary: "the integration API under pgbench load, without and with siamd run",
        details: """
            On a private PostgreSQL 15 it starts, pgbench clients call the siam.* functions an
            integration calls (open, accept, reject, change state, complain), once without the
            daemon and once with the real siamd run binary; API calls/s, the daemon's work and
            sessions, reaction latency over the run (commit timestamps) and the daemon's memory.
            Needs pgbench beside the PostgreSQL server programs ($SIAMD_PG_BINDIR or pg_config --bindir).
            """,
        options: [
            .init(name: "seconds", defaultValue: "30", help: "length of each pgbench run"),
            .init(name: "clients", defaultValue: "8", help: "pgbench clients (-c)"),
            .init(name: "threads", defaultValue: "2", help: "pgbench threads (-j)"),
            .init(name: "mode", defaultValue: "prepared", help: "pgbench query mode: prepared, extended or simple"),
            .init(name: "open", defaultValue: "10000", help: "open incidents"),
            .init(name: "closed", defaultValue: "50000", help: "closed incidents"),
            .init(name: "siamd", defaultValue: nil, help: "the siamd binary (default: siamd next to siamd-bench)"),
            BenchmarkCommand.output, BenchmarkCommand.date,
        ],
        run: run)

    static func run(_ arguments: BenchmarkArguments) throws {
        let output = arguments.output
        let closed = try arguments.int("closed", minimum: 0)
        let open = try arguments.int("open")
        let seconds = try arguments.int("seconds")
        let clients = try arguments.int("clients")
        let threads = try arguments.int("threads")
        let mode = arguments.string("mode")!
        guard ["prepared", "extended", "simple"].contains(mode) else {
            throw BenchmarkUsageError("--mode is prepared, extended or simple, not \(mode)")
        }
        let siamd = arguments.string("siamd") ?? BenchmarkSupport.siamdNextToBench()
        let date = arguments.date
        guard FileManager.default.isExecutableFile(atPath: siamd) else {
            throw BenchmarkError("\(siamd) not found: build it (swift build -c release) or give --siamd PATH")
        }
        let pgbenchPath = try LocalCluster.findBinaries() + "/pgbench"
        guard FileManager.default.isExecutableFile(atPath: pgbenchPath) else {
            throw BenchmarkError("\(pgbenchPath) not found: pgbench comes with the PostgreSQL server programs")
        }

        print("starting a private PostgreSQL (durable, track_commit_timestamp=on) …")
        let cluster = try LocalCluster.startTemporary(
            prefix: "siamd-bench-", durable: true,
            settings: ["track_commit_timestamp": "on", "shared_buffers": "512MB", "max_wal_size": "4GB"])
        defer { cluster.stop() }
        let admin = try PostgresConnection.connect(cluster.conninfo(), statementTimeout: "0")
        try admin.query("CREATE DATABASE api")
        let offered = min(3000, open / 3)
        print("preparing \(open) open incidents (\(offered) of them offered) and \(closed) closed ones …")
        let openRange = try prepareBase(cluster.conninfo(database: "api"), open: open, offered: offered, closed: closed)
        try admin.query("CREATE DATABASE api_baseline TEMPLATE api")
        try admin.query("CREATE DATABASE api_daemon TEMPLATE api")
        try admin.query("CREATE DATABASE api_probe TEMPLATE api")

        let scriptPath = cluster.directory + "/api.pgbench"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        chmod(scriptPath, 0o644)
        let bench = Pgbench(
            path: pgbenchPath, cluster: cluster, script: scriptPath, clients: clients, threads: threads,
            seconds: seconds, mode: mode,
            variables: ["accepted": "0", "open_first": String(openRange.first), "open_last": String(openRange.last)])

        print("pgbench without the daemon: -c \(clients) -j \(threads) -T \(seconds) -M \(mode) …")
        try admin.query("CHECKPOINT")
        let baseline = try bench.run(database: "api_baseline")
        let baselineCalls = try apiCalls(cluster.conninfo(database: "api_baseline"), result: baseline)
        print(baseline.summary + "; API calls \(BenchmarkSupport.grouped(baselineCalls.perSecond))/s")
        print("  pgbench sessions: " + states(baseline.waits))

        print("pgbench with \(siamd) running …")
        let loaded = try underDaemon(cluster: cluster, database: "api_daemon", siamd: siamd, bench: bench, admin: admin)
        print(loaded.pgbench.summary + "; API calls \(BenchmarkSupport.grouped(loaded.calls.perSecond))/s")
        print("  pgbench sessions: " + states(loaded.pgbench.waits))
        print("  daemon session busy \(percent(loaded.pgbench.daemonBusy)): " + states(loaded.pgbench.daemonWaits))
        print("  tps by 5 s: " + loaded.pgbench.progress.map { String(Int($0)) }.joined(separator: " "))
        print("daemon: \(loaded.eventsDuring) events during the run, \(loaded.eventsAfter) once settled; CPU \(BenchmarkSupport.twoDecimals(loaded.cpuSeconds)) s; peak RSS \(loaded.peakRSSKiB / 1024) MiB")
        for (name, windows) in [("rejection -> reassignment", loaded.rejection), ("opened -> routed", loaded.routing)] {
            print("  \(name): " + windows.map { "\($0.label): p50 \($0.p.p50) ms p99 \($0.p.p99) ms (\($0.p.count))" }.joined(separator: "; "))
        }

        // Where the ceiling comes from, on a third copy: one client alone (the cost of a call
        // without any waiting), then all clients with commits that do not wait for the flush.
        let probeSeconds = max(5, seconds / 3)
        print("probe: 1 client for \(probeSeconds) s …")
        let single = try bench.run(database: "api_probe", clients: 1, seconds: probeSeconds)
        print(single.summary)
        print("probe: \(clients) clients with synchronous_commit=off for \(probeSeconds) s …")
        let asynchronous = try bench.run(database: "api_probe", seconds: probeSeconds, settings: "-c synchronous_commit=off")
        print(asynchronous.summary)
        print("  pgbench sessions: " + states(asynchronous.waits))
        // What NOTIFY costs: the same clients with the event trigger's NOTIFY switched off (a
        // measurement only: daemons and feed readers would then learn of changes by polling).
        print("probe: \(clients) clients without the event trigger's NOTIFY for \(probeSeconds) s …")
        let probe = try PostgresConnection.connect(cluster.conninfo(database: "api_probe"), statementTimeout: "0")
        try probe.query("ALTER TABLE siam.event DISABLE TRIGGER event_notify")
        let silent = try bench.run(database: "api_probe", seconds: probeSeconds)
        try probe.query("ALTER TABLE siam.event ENABLE TRIGGER event_notify")
        print(silent.summary)
        print("  pgbench sessions: " + states(silent.waits))

        let section = report(
            open: open, offered: offered, closed: closed, clients: clients, threads: threads, seconds: seconds, mode: mode,
            baseline: baseline, baselineCalls: baselineCalls, loaded: loaded,
            single: single, asynchronous: asynchronous, silent: silent, probeSeconds: probeSeconds, date: date)
        try BenchmarkSupport.rewriteSection(section, named: "api", in: output)
        print("wrote the api section of \(output)")
    }

    // MARK: Data

    /// The world of EngineBenchmark, `open` open incidents (`offered` of them new with an
    /// open offer, the rest in progress) and `closed` closed ones. Returns the id range of the
    /// open incidents. Its connection ends on return, so that the database can be a template.
    static func prepareBase(_ conninfo: String, open: Int, offered: Int, closed: Int) throws -> (first: Int, last: Int) {
        let base = try PostgresConnection.connect(conninfo, statementTimeout: "0")
        try base.migrate(siamdVersion: SiamdVersion.current)
        try EngineBenchmark.populateWorld(base)
        // Offers waiting to be answered: 10 to 60 minutes left to accept, nothing due during the run.
        if offered > 0 {
            try base.query("""
                WITH offered AS (
                    INSERT INTO siam.incident (title, service, priority, state, opened_at, acknowledge_due, resolve_due,
                                               next_check_at, handoff_count, updated_at)
                    SELECT 'offered ' || n, 'network', 'P2', 'new', siam.clock(), siam.clock() + interval '1 hour',
                           siam.clock() + interval '8 hours', siam.clock() + interval '5 minutes', 1, siam.clock()
                    FROM generate_series(1, $1::integer) AS n
                    RETURNING id
                )
                INSERT INTO siam.handoff (incident, to_supplier, offered_at, offered_by, accept_due, reason)
                SELECT id, 's' || (id % 5 + 1), siam.clock(), 'bench',
                       siam.clock() + interval '10 minutes' + (id % 3000) * interval '1 second', 'seed'
                FROM offered
                """, [offered])
        }
        try EngineBenchmark.insertIncidents(base, count: open - offered, open: true)
        let range = try base.query("SELECT min(id) AS first, max(id) AS last FROM siam.incident").first!
        try EngineBenchmark.insertIncidents(base, count: closed, open: false)
        try base.query("VACUUM ANALYZE")
        return (try range.int("first"), try range.int("last"))
    }

    // MARK: pgbench

    struct Pgbench {
        let path: String
        let cluster: LocalCluster
        let script: String
        let clients: Int
        let threads: Int
        let seconds: Int
        let mode: String
        let variables: [String: String]

        /// Runs pgbench on `database`, as the server's OS user when we are root (as LocalCluster
        /// runs PostgreSQL's programs); the API calls record `pgbench` as their actor.
        /// `clients`/`seconds` override the benchmark's; `settings` are extra session settings.
        func run(database: String, clients: Int? = nil, seconds: Int? = nil, settings: String = "") throws -> PgbenchResult {
            let clients = clients ?? self.clients, seconds = seconds ?? self.seconds
            var arguments = [
                "PGOPTIONS=-c siam.actor=pgbench \(settings)", path,
                "-h", cluster.directory, "-p", "5432", "-U", cluster.superuser,
                "-n", "-M", mode, "-c", String(clients), "-j", String(min(threads, clients)), "-T", String(seconds),
                "-P", "5", "--max-tries=5", "--failures-detailed", "-f", script,
            ]
            for (name, value) in variables.sorted(by: { $0.key < $1.key }) { arguments += ["-D", "\(name)=\(value)"] }
            arguments.append(database)  // pgbench's -d is --debug: the database is its last argument
            let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
            let counters = try PostgresConnection.connect(cluster.conninfo(), statementTimeout: "0")
            // The next transaction id (assigned only to transactions that write) and the WAL flushes.
            let countersSQL = "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xid, wal_sync FROM pg_stat_wal"
            let before = try counters.query(countersSQL).first!
            let sampler = WaitSampler(conninfo: cluster.conninfo(database: database) + " application_name=siamd-bench")
            defer { _ = sampler.stop() }
            let result: ChildProcess.Result
            if geteuid() == 0, cluster.superuser == "postgres" {
                result = try ChildProcess.run(
                    "/usr/sbin/runuser", ["-u", "postgres", "--", "/usr/bin/env"] + arguments,
                    environment: environment, directory: cluster.directory)
            } else {
                result = try ChildProcess.run("/usr/bin/env", arguments, environment: environment, directory: cluster.directory)
            }
            guard result.status == 0 else {
                let tail = (result.stdout + result.stderr).split(separator: "\n").suffix(5).joined(separator: "; ")
                throw BenchmarkError("pgbench failed (exit \(result.status)): \(tail)")
            }
            var parsed = try PgbenchResult(stdout: result.stdout, stderr: result.stderr)
            (parsed.waits, parsed.daemonWaits, parsed.daemonBusy) = sampler.stop()
            let after = try counters.query(countersSQL).first!
            parsed.writeTransactions = try after.int("xid") - before.int("xid")
            parsed.walSyncs = try after.int("wal_sync") - before.int("wal_sync")
            return parsed
        }
    }

    /// Samples what the pgbench sessions are doing (`pg_stat_activity.wait_event`, or on CPU)
    /// every 50 ms, on a thread and connection of its own.
    final class WaitSampler: @unchecked Sendable {
        private let lock = NSLock()
        private var stopped = false
        private var counts: [String: Int] = [:]
        private var rounds = 0
        private let done = DispatchSemaphore(value: 0)

        init(conninfo: String) {
            Thread.detachNewThread { [self] in
                defer { done.signal() }
                guard let connection = try? PostgresConnection.connect(conninfo) else { return }
                while !lock.withLock({ stopped }) {
                    if let rows = try? connection.query("""
                        SELECT application_name || ' ' || coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w, count(*) AS n
                        FROM pg_stat_activity
                        WHERE application_name IN ('pgbench', 'siamd') AND state IN ('active', 'idle in transaction')
                          AND pid <> pg_backend_pid() AND datname = current_database()
                        GROUP BY 1
                        """).rows {
                        let pairs = rows.compactMap { row in (try? row.string("w")).flatMap { w in (try? row.int("n")).map { (w, $0) } } }
                        lock.withLock {
                            rounds += 1
                            for (w, n) in pairs { counts[w, default: 0] += n }
                        }
                    }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
        }

        /// Stops sampling; returns, for pgbench's sessions and for the daemon's, each state's
        /// share of their samples, largest first.
        /// `daemonBusy`: the share of samples in which the daemon's session was busy.
        /// Stopping again returns the same.
        func stop() -> (pgbench: [(state: String, share: Double)], daemon: [(state: String, share: Double)], daemonBusy: Double) {
            let first = lock.withLock { () -> Bool in
                defer { stopped = true }
                return !stopped
            }
            if first { done.wait() }
            func shares(_ prefix: String) -> [(state: String, share: Double)] {
                let mine = counts.filter { $0.key.hasPrefix(prefix) }
                let total = Double(max(1, mine.values.reduce(0, +)))
                return mine.map { (String($0.key.dropFirst(prefix.count)), Double($0.value) / total) }.sorted { $0.share > $1.share }
            }
            let daemonBusy = Double(counts.filter { $0.key.hasPrefix("siamd ") }.values.reduce(0, +)) / Double(max(1, rounds))
            return (shares("pgbench "), shares("siamd "), daemonBusy)
        }
    }

    /// What pgbench 15 prints at the end, and its progress lines.
    struct PgbenchResult {
        var transactions = 0
        var failed = 0
        var retried = 0
        var latencyAverage = 0.0
        var latencyStddev = 0.0
        var connectionTime = 0.0
        var tps = 0.0
        /// `tps = ... (without initial connection time)`, verbatim.
        var tpsLine = ""
        /// tps of each 5-second progress interval.
        var progress: [Double] = []
        /// Transactions that wrote (by anyone) and WAL flushes in the cluster during the run.
        var writeTransactions = 0
        var walSyncs = 0
        /// What the pgbench sessions were doing, sampled: wait event (or CPU) and share.
        var waits: [(state: String, share: Double)] = []
        /// The same for the daemon's session(s), when it runs: busy states only.
        var daemonWaits: [(state: String, share: Double)] = []
        var daemonBusy = 0.0

        init(stdout: String, stderr: String) throws {
            func number(after prefix: String, in line: Substring) -> Double? {
                guard line.hasPrefix(prefix) else { return nil }
                let rest = line.dropFirst(prefix.count).drop(while: { $0 == " " })
                return Double(rest.prefix(while: { $0.isNumber || $0 == "." }))
            }
            for line in stdout.split(separator: "\n") {
                if let v = number(after: "number of transactions actually processed:", in: line) { transactions = Int(v) }
                if let v = number(after: "number of failed transactions:", in: line) { failed = Int(v) }
                if let v = number(after: "number of transactions retried:", in: line) { retried = Int(v) }
                if let v = number(after: "latency average =", in: line) { latencyAverage = v }
                if let v = number(after: "latency stddev =", in: line) { latencyStddev = v }
                if let v = number(after: "initial connection time =", in: line) { connectionTime = v }
                if let v = number(after: "tps =", in: line) { tps = v; tpsLine = String(line) }
            }
            for line in stderr.split(separator: "\n") where line.hasPrefix("progress:") {
                // progress: 5.0 s, 1234.5 tps, lat 6.123 ms stddev 3.210, 0 failed
                let fields = line.split(separator: ",")
                if fields.count > 1, let v = Double(fields[1].split(separator: " ").first ?? "") { progress.append(v) }
            }
            guard transactions > 0, tps > 0 else {
                throw BenchmarkError("cannot read pgbench's results: \(stdout.split(separator: "\n").suffix(5).joined(separator: "; "))")
            }
        }

        var summary: String {
            "\(tpsLine); \(transactions) transactions, \(failed) failed, \(retried) retried; latency \(latencyAverage) ms ± \(latencyStddev) ms; \(writeTransactions) write transactions, \(walSyncs) WAL flushes in the cluster"
        }

        /// The measured run time in seconds.
        var seconds: Double { Double(transactions) / tps }
    }

    /// The API calls that changed something (one event each, actor `pgbench`), by kind.
    struct ApiCalls {
        var byKind: [String: Int] = [:]
        var total: Int { byKind.values.reduce(0, +) }
        var perSecond = 0.0
    }

    static func apiCalls(_ conninfo: String, result: PgbenchResult) throws -> ApiCalls {
        let connection = try PostgresConnection.connect(conninfo, statementTimeout: "0")
        var calls = ApiCalls()
        // incident_open with an offer writes incident.opened and handoff.offered: one call.
        for row in try connection.query("""
            SELECT kind, count(*) AS n FROM siam.event
            WHERE actor = 'pgbench' AND kind IN ('incident.opened', 'handoff.accepted', 'handoff.rejected',
                                                 'incident.state_changed', 'complaint.recorded')
            GROUP BY kind
            """).rows {
            calls.byKind[try row.string("kind")] = try row.int("n")
        }
        calls.perSecond = Double(calls.total) / result.seconds
        return calls
    }

    // MARK: With the daemon

    struct Window {
        let label: String
        let p: EngineBenchmark.Percentiles
    }

    struct Loaded {
        var pgbench: PgbenchResult
        var calls: ApiCalls
        var eventsDuring = 0
        var eventsAfter = 0
        var daemonKinds: [(kind: String, count: Int)] = []
        var settleSeconds = 0.0
        var cpuSeconds = 0.0
        var peakRSSKiB = 0
        var rssKiB = 0
        var rejection: [Window] = []
        var routing: [Window] = []
        var rejectedWithoutOffer = 0
    }

    static func underDaemon(cluster: LocalCluster, database: String, siamd: String, bench: Pgbench, admin: PostgresConnection)
        throws -> Loaded {
        let conninfo = cluster.conninfo(database: database)
        // Named, so that the sampler does not take it for the daemon (whose sessions are `siamd`).
        let observer = try PostgresConnection.connect(conninfo + " application_name=siamd-bench", statementTimeout: "0")
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["DATABASE_URL"] = conninfo
        let logLevel = ProcessInfo.processInfo.environment["SIAMD_BENCH_DAEMON_LOG"] ?? "warning"
        let daemon = try ChildProcess.start(siamd, ["run", "--log-level", logLevel], environment: environment)
        var stopped = false
        func stopDaemon() {
            guard !stopped else { return }
            stopped = true
            daemon.signal(SIGTERM)
            if let result = try? daemon.wait(), logLevel != "warning" || !result.stderr.isEmpty {
                try? result.stderr.write(toFile: "/tmp/siamd-bench-api-daemon.log", atomically: true, encoding: .utf8)
                print("daemon log: /tmp/siamd-bench-api-daemon.log")
            }
        }
        defer { stopDaemon() }

        func siamdEvents(after id: Int) throws -> Int {
            try observer.query("SELECT count(*) AS n FROM siam.event WHERE actor = 'siamd' AND id > $1::bigint", [id]).first!.int("n")
        }
        // Let the daemon start and look at the world once: it has nothing to do in it.
        Thread.sleep(forTimeInterval: 2)
        guard kill(daemon.pid, 0) == 0 else { throw BenchmarkError("siamd run ended at start (see SIAMD_BENCH_DAEMON_LOG=info)") }
        try admin.query("CHECKPOINT")
        let startRow = try observer.query("SELECT coalesce(max(id), 0) AS id, clock_timestamp()::text AS at FROM siam.event").first!
        let startID = try startRow.int("id")
        let startAt = try startRow.string("at")
        let idleEvents = try siamdEvents(after: 0)
        let cpuBefore = cpuSeconds(daemon.pid)

        let result = try bench.run(database: database)
        var loaded = Loaded(pgbench: result, calls: try apiCalls(conninfo, result: result))
        loaded.eventsDuring = try siamdEvents(after: startID)
        loaded.cpuSeconds = cpuSeconds(daemon.pid) - cpuBefore
        // Then until the daemon has caught up (no new events for a second), at most 20 s.
        let settleStart = ContinuousClock.now
        var last = loaded.eventsDuring
        while ContinuousClock.now - settleStart < .seconds(20) {
            Thread.sleep(forTimeInterval: 1)
            let now = try siamdEvents(after: startID)
            if now == last { break }
            last = now
        }
        loaded.eventsAfter = last
        loaded.settleSeconds = (ContinuousClock.now - settleStart) / .seconds(1)
        let memory = EngineBenchmark.residentKiB(daemon.pid)
        loaded.peakRSSKiB = memory.peak
        loaded.rssKiB = memory.current
        stopDaemon()
        if idleEvents > 0 { print("note: the daemon wrote \(idleEvents) events before the run (setup)") }

        loaded.daemonKinds = try observer.query("""
            SELECT kind, count(*) AS n FROM siam.event WHERE actor = 'siamd' AND id > $1::bigint GROUP BY kind ORDER BY n DESC, kind
            """, [startID]).rows.map { (try $0.string("kind"), try $0.int("n")) }

        // Reaction latency inside the database, from commit timestamps: event rows are
        // append-only, so their xmin is the transaction that wrote them.
        let thirds = Double(bench.seconds) / 3
        func windows(_ sql: String) throws -> [Window] {
            let samples = try observer.query(sql, [startAt]).rows.map { (try $0.text("t").flatMap(Double.init) ?? 0, try $0.text("ms").flatMap(Double.init) ?? 0) }
            var result = [Window(label: "all", p: EngineBenchmark.Percentiles(samples.map(\.1)))]
            for i in 0..<3 {
                let from = Double(i) * thirds, to = i == 2 ? Double.infinity : Double(i + 1) * thirds
                let label = i == 2 ? "\(Int(from))s-end" : "\(Int(from))-\(Int(to))s"
                result.append(Window(label: label, p: EngineBenchmark.Percentiles(samples.filter { $0.0 >= from && $0.0 < to }.map(\.1))))
            }
            return result
        }
        loaded.rejection = try windows("""
            SELECT DISTINCT ON (r.id)
                   extract(epoch FROM pg_xact_commit_timestamp(r.xmin) - $1::timestamptz) AS t,
                   extract(epoch FROM pg_xact_commit_timestamp(n.xmin) - pg_xact_commit_timestamp(r.xmin)) * 1000 AS ms
            FROM siam.event AS r
            JOIN siam.event AS n ON n.incident = r.incident AND n.kind = 'handoff.offered' AND n.actor = 'siamd' AND n.id > r.id
            WHERE r.kind = 'handoff.rejected' AND r.actor = 'pgbench'
            ORDER BY r.id, n.id
            """)
        loaded.routing = try windows("""
            SELECT DISTINCT ON (o.id)
                   extract(epoch FROM pg_xact_commit_timestamp(o.xmin) - $1::timestamptz) AS t,
                   extract(epoch FROM pg_xact_commit_timestamp(n.xmin) - pg_xact_commit_timestamp(o.xmin)) * 1000 AS ms
            FROM siam.event AS o
            JOIN siam.incident AS i ON i.id = o.incident AND i.title = 'pgbench routed'
            JOIN siam.event AS n ON n.incident = o.incident AND n.kind = 'handoff.offered' AND n.actor = 'siamd' AND n.id > o.id
            WHERE o.kind = 'incident.opened' AND o.actor = 'pgbench'
            ORDER BY o.id, n.id
            """)
        let rejections = loaded.calls.byKind["handoff.rejected"] ?? 0
        loaded.rejectedWithoutOffer = rejections - (loaded.rejection.first?.p.count ?? 0)
        return loaded
    }

    /// User + system CPU time of a process, in seconds.
    static func cpuSeconds(_ pid: pid_t) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // After "pid (comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    // MARK: Report

    static func percent(_ share: Double) -> String {
        "\(Int((share * 100).rounded())) %"
    }

    /// `Lock:object 59 %, CPU 18 %, …` (the five largest).
    static func states(_ states: [(state: String, share: Double)]) -> String {
        states.prefix(5).map { "\($0.state) \(percent($0.share))" }.joined(separator: ", ")
    }

    static func report(
        open: Int, offered: Int, closed: Int, clients: Int, threads: Int, seconds: Int, mode: String,
        baseline: PgbenchResult, baselineCalls: ApiCalls, loaded: Loaded,
        single: PgbenchResult, asynchronous: PgbenchResult, silent: PgbenchResult, probeSeconds: Int, date: String
    ) -> String {
        let g = BenchmarkSupport.grouped
        func range(_ r: PgbenchResult) -> String {
            guard let low = r.progress.min(), let high = r.progress.max() else { return "" }
            return "\(g(low))–\(g(high))"
        }
        func kinds(_ c: ApiCalls) -> String {
            ["incident.opened", "handoff.accepted", "handoff.rejected", "incident.state_changed", "complaint.recorded"]
                .map { "\($0) \(g(Double(c.byKind[$0] ?? 0)))" }.joined(separator: ", ")
        }
        func windows(_ w: [Window]) -> String {
            w.map { "\($0.label): \($0.p.p50) / \($0.p.p99) ms (\($0.p.count))" }.joined(separator: "; ")
        }
        func ms(_ value: Double) -> String { String(format: "%.2f ms", value) }
        let daemonKinds = loaded.daemonKinds.map { "\($0.kind) \(g(Double($0.count)))" }.joined(separator: ", ")
        let b = baseline, d = loaded.pgbench
        return """
            ## Integration API under load (`pgbench`, with and without `siamd run`)

            A private PostgreSQL 15 started by the benchmark (durable: fsync on, `synchronous_commit` on;
            `track_commit_timestamp=on`), the world of the engine benchmark (service `network`, 5 active
            suppliers, SLA P2 acknowledge 1h / resolve 8h, OLA P2 accept 30m / resolve 4h, default escalation
            rules), \(g(Double(open))) open incidents (\(g(Double(offered))) of them new with an open offer) and \(g(Double(closed))) closed ones.
            On copies of that database, `pgbench -c \(clients) -j \(threads) -T \(seconds) -n -M \(mode) -P 5 --max-tries=5`
            (as the database superuser, over the unix socket) runs the script below: once without the daemon,
            once with the real `siamd run` binary running (started 2 s before, stopped once it caught up).
            API calls/s count the calls that changed something (one event row each, actor `pgbench`); a
            transaction that found nothing to do (no free offer, its incident held by another) is no call.

            | measure | without the daemon | with `siamd run` | target |
            | --- | ---: | ---: | --- |
            | pgbench tps (without initial connection time) | \(g(b.tps)) | **\(g(d.tps))** | |
            | API calls that changed something, per second | \(g(baselineCalls.perSecond)) | **\(g(loaded.calls.perSecond))** | ≥ 2,000/s (\(loaded.calls.perSecond >= 2000 ? "met" : "not met")) |
            | tps of the 5-s progress intervals, min–max | \(range(b)) | \(range(d)) | |
            | latency average / stddev | \(ms(b.latencyAverage)) / \(ms(b.latencyStddev)) | \(ms(d.latencyAverage)) / \(ms(d.latencyStddev)) | |
            | transactions / failed / retried (deadlocks) | \(g(Double(b.transactions))) / \(b.failed) / \(b.retried) | \(g(Double(d.transactions))) / \(d.failed) / \(d.retried) | 0 failed |
            | write transactions in the cluster during the run (pgbench and daemon) / WAL flushes | \(g(Double(b.writeTransactions))) / \(g(Double(b.walSyncs))) | \(g(Double(d.writeTransactions))) / \(g(Double(d.walSyncs))) | |
            | pgbench sessions, sampled every 50 ms | \(states(b.waits)) | \(states(d.waits)) | |
            | daemon events (`actor = 'siamd'`) during the run / once caught up (\(BenchmarkSupport.twoDecimals(loaded.settleSeconds)) s later) | — | \(g(Double(loaded.eventsDuring))) / \(g(Double(loaded.eventsAfter))) | |
            | daemon's database session: busy share of the samples; its states | — | \(percent(d.daemonBusy)); \(states(d.daemonWaits)) | |
            | daemon process CPU time during the run | — | \(BenchmarkSupport.twoDecimals(loaded.cpuSeconds)) s of \(seconds) s | |
            | daemon resident memory: peak (VmHWM) / at the end | — | \(loaded.peakRSSKiB / 1024) MiB / \(loaded.rssKiB / 1024) MiB | ≤ 50 MB |
            | rejection committed → reassignment committed, p50 / p99 (samples), over the run and by thirds | — | \(windows(loaded.rejection)) | no growth |
            | unrouted incident committed → daemon's offer committed, p50 / p99 (samples) | — | \(windows(loaded.routing)) | no growth |

            pgbench printed `\(b.tpsLine)` without the daemon and `\(d.tpsLine)` with it.
            API calls with the daemon: \(kinds(loaded.calls)); without: \(kinds(baselineCalls)).
            The daemon's events: \(daemonKinds.isEmpty ? "none" : daemonKinds). Rejections that got no new offer
            (no eligible supplier left, or ping-pong: routing stopped, escalated instead): \(loaded.rejectedWithoutOffer).
            Reaction latencies come from the commit timestamps of the event rows (`pg_xact_commit_timestamp(xmin)`).
            The daemon's session busy share counts the samples in which it ran a statement or was inside a
            transaction (planning in Swift between statements shows as `Client:ClientRead`).
            Each column is one run: repeated runs on this machine varied by about 10 % in tps without the daemon
            and by up to 20 % with it.

            Where the ceiling comes from, on a third copy without the daemon (\(probeSeconds) s each):
            one client alone, \(g(single.tps)) tps at \(ms(single.latencyAverage)) a call (the server's work for a call plus one
            WAL flush, no lock waits); \(clients) clients with `synchronous_commit=off` (commits do not wait for the
            WAL flush), \(g(asynchronous.tps)) tps, sessions \(states(asynchronous.waits)); \(clients) clients with the
            event trigger's `NOTIFY` switched off (flushes and commits otherwise as in production; a measurement
            only, since daemons and feed readers would then have to poll), \(g(silent.tps)) tps, sessions
            \(states(silent.waits)).
            Session states: `CPU` is running or waiting for a processor; `Lock:object` is the lock PostgreSQL 15
            takes at commit to serialize the commits of transactions that `NOTIFY` (every API call notifies through
            the event trigger), held through the commit's WAL flush, so commits do not share flushes (WAL flushes ≈
            write transactions above); `IO:WALSync` is the flush itself; `Lock:transactionid`/`Lock:tuple` are
            row-lock waits (e.g. on the supplier row that offering and accepting lock).

            The pgbench script (`-D accepted=0 -D open_first=… -D open_last=…`, the ids of the open incidents):

            ```
            \(script.trimmingCharacters(in: .newlines))
            ```

            Machine: \(BenchmarkSupport.machine()); measured \(date).
            Reproduce: `swift build -c release && .build/release/siamd-bench api` (options: `--seconds`, `--clients`,
            `--threads`, `--mode prepared|extended|simple`, `--open`, `--closed`, `--siamd PATH`).
            """
    }
}
