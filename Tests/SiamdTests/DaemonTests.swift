import Foundation
import SiamCore
import SiamDaemon
import SiamStore
import Synchronization
import Testing

/// The daemon's loop on real time: it wakes on NOTIFY, reconnects after losing its
/// connection, tells systemd what it does, and stops cleanly. Tests wait on the database's
/// notifications (with a generous bound), never on fixed sleeps.
@Suite struct DaemonTests {
    /// Waits on `siam_event` notifications until the condition holds.
    func waitUntil(_ listener: PostgresConnection, _ what: String, timeout: Duration = .seconds(20),
                   _ condition: () throws -> Bool) throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while try !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting for \(what)")
                return
            }
            _ = try listener.waitForNotifications(timeout: .milliseconds(500))
        }
    }

    @Test func wakesOnChangesAndReconnectsAfterALostConnection() throws {
        let database = try TestDatabase()
        let world = try World.build(in: database)
        let listener = try database.connect()
        try listener.listen("siam_event")
        let daemon = Daemon(
            settings: DaemonSettings(database: database.conninfo + " application_name=siamd-under-test",
                                     pollInterval: .seconds(60)),
            logger: Logger(level: .error, sink: { _ in }), notifier: SystemdNotifier(environment: [:]), signals: nil)
        let running = DedicatedThread { try daemon.run() }

        let first = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: nil, hold: false))
        try waitUntil(listener, "the first offer") { try !world.store.handoffs(HandoffFilter(incident: first)).isEmpty }

        // Kill the daemon's connection; the next change must still be handled.
        let killed = try database.connect().query("""
            SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'siamd-under-test'
            """)
        #expect(killed.rows.count == 1)
        let second = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Switch down", customer: nil, userTier: nil, offerTo: nil, hold: false))
        try waitUntil(listener, "the second offer after reconnecting") {
            try !world.store.handoffs(HandoffFilter(incident: second)).isEmpty
        }
        daemon.requestStop()
        #expect(try running.value() == 0)
    }

    @Test func binaryTellsSystemdAndExitsZeroOnSIGTERM() throws {
        let database = try TestDatabase()
        try World.build(in: database)
        let socket = try SystemdNotifierTests.FakeNotifySocket(abstract: false)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") && $0.key != "DATABASE_URL" }
        environment["DATABASE_URL"] = database.conninfo
        environment["NOTIFY_SOCKET"] = socket.name
        environment["WATCHDOG_USEC"] = "20000000"
        let child = try ChildProcess.start(CLI.binary, ["run", "--poll-interval", "30s"], environment: environment)
        // READY only after connecting, LISTENing and the first pass; then a watchdog ping per pass.
        let ready = try? socket.receive()
        if ready == nil {
            child.signal(SIGKILL)
            Issue.record("no READY=1: \(try child.wait().stderr)")
            return
        }
        #expect(ready == "READY=1\nSTATUS=coordinating")
        #expect(try socket.receive() == "WATCHDOG=1")
        child.signal(SIGTERM)
        var messages: [String] = []
        while messages.last != "STOPPING=1", messages.count < 10 {
            messages.append(try socket.receive())
        }
        #expect(messages.last == "STOPPING=1")
        let result = try child.wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("level=info msg=stopped"))
    }

    @Test func dryRunPrintsDecisionsWithReasonsAndChangesNothing() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        _ = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: nil, hold: false))
        let events = try database.count("siam.event")
        let result = try CLI.run(["run", "--dry-run"], database: database.conninfo)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "action=offer incident=1 supplier=acme reason=new incident: best eligible supplier (rank 1, load 0/2)\n")
        #expect(try database.count("siam.event") == events)
        let once = try CLI.run(["run", "--once"], database: database.conninfo)
        #expect(once.status == 0)
        #expect(once.stderr.contains("msg=decision action=offer incident=1 supplier=acme reason=\"new incident: best eligible supplier (rank 1, load 0/2)\""))
        #expect(try database.count("siam.handoff") == 1)
    }

    @Test func badSettingsAreRefusedUpFront() throws {
        let bad = try CLI.run(["run", "--poll-interval", "0s"])
        #expect(bad.status == 2)
        #expect(bad.stderr == "siamd: error: --poll-interval must be at least 1s\n")
        #expect(throws: DaemonConfigError.self) { try DaemonConfig.parse("poll-interval = soon\n") }
        #expect(try DaemonConfig.parse("# comment\npoll-interval = 5s\nbatch-size = 50\nlog-level = debug\n")
            == DaemonConfig(pollInterval: BusinessDuration(seconds: 5), batchSize: 50, logLevel: .debug))
    }

    /// A connection dropped without a word of the protocol (a crashed server, a broken
    /// network): the daemon reconnects and goes on, it does not exit. (The error libpq then
    /// reports has no SQLSTATE; PostgresConnection classes every such error as a lost
    /// connection, whatever libpq's status says.)
    @Test func reconnectsWhenTheConnectionIsDroppedWithoutAWord() throws {
        let database = try TestDatabase()
        let world = try World.build(in: database)
        let cluster = try TestCluster.cluster()
        let port = try Loopback.freePort()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tcp_to_unix_proxy.py").path
        let socketPath = cluster.directory + "/.s.PGSQL.5432"
        func startProxy() throws -> ChildProcess.Running {
            let proxy = try ChildProcess.start("/usr/bin/env", ["python3", script, String(port), socketPath])
            // Listening once a connection through it works (bounded).
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while ContinuousClock.now < deadline {
                if (try? PostgresConnection.connect("host=127.0.0.1 port=\(port) user=\(cluster.superuser) dbname=\(database.name) connect_timeout=2")) != nil {
                    return proxy
                }
                _ = try database.connect().waitForNotifications(timeout: .milliseconds(100))
            }
            throw TestClusterError("the proxy did not start")
        }
        var proxy = try startProxy()
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") && $0.key != "DATABASE_URL" }
        environment["DATABASE_URL"] = "host=127.0.0.1 port=\(port) user=\(cluster.superuser) dbname=\(database.name)"
        let daemon = try ChildProcess.start(CLI.binary, ["run", "--poll-interval", "30s"], environment: environment)
        defer { daemon.signal(SIGKILL); proxy.signal(SIGKILL) }
        let listener = try database.connect()
        try listener.listen("siam_event")
        func waitFor(_ kind: String) throws -> Bool {
            let deadline = ContinuousClock.now.advanced(by: .seconds(30))
            while ContinuousClock.now < deadline {
                if try listener.query("SELECT count(*) AS n FROM siam.event WHERE kind = $1", [kind]).first!.int("n") > 0 { return true }
                _ = try listener.waitForNotifications(timeout: .seconds(1))
            }
            return false
        }
        #expect(try waitFor("daemon.started"))
        // Drop every connection through the proxy at once, then let it come back.
        proxy.signal(SIGKILL)
        _ = try proxy.wait()
        proxy = try startProxy()
        // New work: the daemon, reconnected, routes it.
        _ = try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "After the drop",
                                                     customer: nil, userTier: nil, offerTo: nil, hold: false))
        #expect(try waitFor("handoff.offered"), "the daemon routes new work after the drop")
        daemon.signal(SIGTERM)
        let result = try daemon.wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("database connection lost; reconnecting"), "\(result.stderr)")
    }

    /// PostgreSQL crashes and restarts (`pg_ctl stop -m immediate`, then start: crash
    /// recovery) while the daemon is idle between two of its statements: it reconnects and
    /// carries on, it does not exit. On a private cluster: the shared one serves every test.
    @Test func reconnectsAfterTheServerCrashesAndRestarts() throws {
        // Durable: an immediate stop loses what an asynchronous commit had not flushed.
        let cluster = try LocalCluster.startTemporary(prefix: "siamd-crash-test-", durable: true)
        defer { cluster.stop() }
        try PostgresConnection.connect(cluster.conninfo()).query("CREATE DATABASE siam")
        let database = TestDatabase(conninfo: cluster.conninfo(database: "siam"))
        try database.connect().migrate(siamdVersion: SiamdVersion.current)
        try World.build(in: database)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") && $0.key != "DATABASE_URL" }
        environment["DATABASE_URL"] = database.conninfo
        let daemon = try ChildProcess.start(CLI.binary, ["run", "--poll-interval", "30s"], environment: environment)
        defer { daemon.signal(SIGKILL) }
        func waitFor(_ kind: String, count: Int = 1) throws -> Bool {
            let deadline = ContinuousClock.now.advanced(by: .seconds(30))
            while ContinuousClock.now < deadline {
                if let listener = try? database.connect() {
                    try listener.listen("siam_event")
                    while ContinuousClock.now < deadline {
                        if try listener.query("SELECT count(*) AS n FROM siam.event WHERE kind = $1", [kind]).first!.int("n") >= count {
                            return true
                        }
                        _ = try listener.waitForNotifications(timeout: .seconds(1))
                    }
                }
            }
            return false
        }
        #expect(try waitFor("daemon.started"))
        // Idle: its last statement, asking when the next check is due, done; it waits on its
        // socket. Crash now, then recover.
        let watcher = try database.connect()
        let idleBy = ContinuousClock.now.advanced(by: .seconds(20))
        while try watcher.query("""
            SELECT count(*) AS n FROM pg_stat_activity
            WHERE application_name = 'siamd' AND state = 'idle' AND query LIKE '%min(next_check_at)%'
            """).first!.int("n") == 0, ContinuousClock.now < idleBy {
            _ = try watcher.waitForNotifications(timeout: .milliseconds(50))
        }
        cluster.stop(removeFiles: false)
        try cluster.start(durable: true)
        // It reconnects (registering again) and routes new work.
        #expect(try waitFor("daemon.started", count: 2), "the daemon reconnects after the crash")
        #expect(try database.connect().query("""
            SELECT count(*) AS n FROM siam.event WHERE kind = 'daemon.started' AND (data->>'reconnected')::boolean
            """).first!.int("n") == 1)
        let world = try World(store: database.store(actor: "world"))
        _ = try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "After the crash",
                                                     customer: nil, userTier: nil, offerTo: nil, hold: false))
        #expect(try waitFor("handoff.offered"), "the daemon routes new work after the crash")
        daemon.signal(SIGTERM)
        let result = try daemon.wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("database connection lost; reconnecting"), "\(result.stderr)")
    }

    /// An incident due now whose row another session holds (an integration's accept not yet
    /// committed): `SKIP LOCKED` skips it on every pass, so a sleep computed from it alone
    /// would be none — hundreds of passes a second. The daemon backs off instead; the
    /// passes are counted (onPass) over a few seconds in which nothing else happens.
    @Test func noBusyLoopWhileDueWorkIsLockedElsewhere() throws {
        let database = try TestDatabase()
        let world = try World.build(in: database)
        let incident = try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "acme", hold: false))
        let offer = try #require(try world.store.handoffs(HandoffFilter(incident: incident)).first).id
        let holder = try database.connect()
        try holder.query("BEGIN")
        try holder.query("SELECT siam.handoff_accept($1::bigint)", [offer])
        #expect(try database.connect().query("SELECT next_check_at <= now() AS due FROM siam.incident WHERE id = $1::bigint",
                                            [incident]).first!.bool("due"))
        // The only incident is held: none is free to fall due.
        #expect(try database.connect().query("SELECT siam.next_check_unlocked() IS NULL AS none").first!.bool("none"))
        final class Passes: Sendable { let count = Atomic<Int>(0) }
        let passes = Passes()
        let daemon = Daemon(
            settings: DaemonSettings(database: database.conninfo, pollInterval: .seconds(60)),
            logger: Logger(level: .error, sink: { _ in }), notifier: SystemdNotifier(environment: [:]), signals: nil)
        let running = DedicatedThread { try daemon.run(onPass: { _ in passes.count.add(1, ordering: .relaxed) }) }
        let quiet = try database.connect()
        let started = ContinuousClock.now.advanced(by: .seconds(20))
        while passes.count.load(ordering: .relaxed) == 0, ContinuousClock.now < started {
            _ = try quiet.waitForNotifications(timeout: .milliseconds(20))
        }
        let before = passes.count.load(ordering: .relaxed)
        // A window of three seconds (a measurement, not a wait for something): nothing
        // commits in it, so no notification wakes the daemon.
        let window = ContinuousClock.now.advanced(by: .seconds(3))
        while ContinuousClock.now < window { _ = try quiet.waitForNotifications(timeout: .milliseconds(100)) }
        let during = passes.count.load(ordering: .relaxed) - before
        #expect(during <= 6, "\(during) passes in 3 s while the due incident is locked elsewhere")
        // Once the holder commits, its notification wakes the daemon, which looks at it.
        try holder.query("COMMIT")
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while try database.connect().query("SELECT next_check_at <= now() AS due FROM siam.incident WHERE id = $1::bigint",
                                          [incident]).first!.bool("due"), ContinuousClock.now < deadline {
            _ = try quiet.waitForNotifications(timeout: .milliseconds(50))
        }
        #expect(passes.count.load(ordering: .relaxed) > before + during)
        daemon.requestStop()
        #expect(try running.value() == 0)
    }
}
