import Foundation
import SiamCore
import SiamDaemon
import SiamStore
import Testing

/// What `siamd run --http` exposes, against known data: actions by kind, how late each was
/// against its due instant, passes, the backlog; and the real binary serving /metrics and
/// /healthz.
@Suite struct DaemonMetricsTests {
    /// One pass of a daemon that feeds `metrics`, at the database's fixed clock.
    func pass(_ database: TestDatabase, _ metrics: DaemonMetrics) throws {
        let daemon = Daemon(
            settings: DaemonSettings(database: database.conninfo, once: true),
            logger: Logger(level: .error, sink: { _ in }), notifier: SystemdNotifier(environment: [:]), signals: nil,
            metrics: metrics)
        #expect(try daemon.run() == 0)
    }

    func open(_ world: World, _ title: String) throws -> Int64 {
        try world.store.openIncident(NewIncident(
            service: "network", priority: .p2, title: title, customer: nil, userTier: nil, offerTo: nil, hold: false))
    }

    /// The sample lines of one metric family (no comments).
    func samples(_ text: String, _ family: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.hasPrefix(family) }
    }

    @Test func actionsAndTheirLagAreCountedByKind() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        _ = try open(world, "Router down")
        // Looked at 30 s after it was opened: the offer is 30 s late.
        try database.setClock("2026-01-05T09:00:30Z")
        let metrics = DaemonMetrics(startedAtUnix: 0)
        try pass(database, metrics)
        let text = metrics.render()
        #expect(samples(text, "siamd_actions_total{action=\"offer\"}") == ["siamd_actions_total{action=\"offer\"} 1"])
        #expect(samples(text, "siamd_actions_total{action=\"expire\"}") == ["siamd_actions_total{action=\"expire\"} 0"])
        let lag = samples(text, "siamd_action_deadline_lag_seconds")
        #expect(lag.contains("siamd_action_deadline_lag_seconds_bucket{action=\"offer\",le=\"10\"} 0"), "\(lag)")
        #expect(lag.contains("siamd_action_deadline_lag_seconds_bucket{action=\"offer\",le=\"30\"} 1"), "\(lag)")
        #expect(lag.contains("siamd_action_deadline_lag_seconds_sum{action=\"offer\"} 30"), "\(lag)")
        #expect(lag.contains("siamd_action_deadline_lag_seconds_count{action=\"offer\"} 1"), "\(lag)")
        #expect(samples(text, "siamd_passes_total") == ["siamd_passes_total 1"])
        #expect(samples(text, "siamd_incidents_examined_total") == ["siamd_incidents_examined_total 1"])
        #expect(samples(text, "siamd_database_connected") == ["siamd_database_connected 1"])
        #expect(samples(text, "siamd_pass_duration_seconds_count") == ["siamd_pass_duration_seconds_count 1"])
        // The new offer's clock was scheduled from what the offer returned: no second look due.
        #expect(samples(text, "siamd_due_items") == ["siamd_due_items 0"])
        #expect(metrics.lastPassUnix != nil)
    }

    @Test func anExpiryIsMeasuredFromItsDeadline() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        let world = try World.build(in: database)
        let incident = try open(world, "Router down")
        _ = try world.store.offer(incident: incident, to: "beta", part: nil, reason: "by hand")
        // The OLA gives 30 minutes to accept; the daemon looks 5 s after the deadline.
        try database.setClock("2026-01-05T09:30:05Z")
        let metrics = DaemonMetrics(startedAtUnix: 0)
        try pass(database, metrics)
        let text = metrics.render()
        #expect(samples(text, "siamd_actions_total{action=\"expire\"}") == ["siamd_actions_total{action=\"expire\"} 1"])
        #expect(samples(text, "siamd_action_deadline_lag_seconds_sum{action=\"expire\"}")
            == ["siamd_action_deadline_lag_seconds_sum{action=\"expire\"} 5"])
        #expect(samples(text, "siamd_action_deadline_lag_seconds_bucket{action=\"expire\",le=\"2.5\"}")
            == ["siamd_action_deadline_lag_seconds_bucket{action=\"expire\",le=\"2.5\"} 0"])
        #expect(samples(text, "siamd_action_deadline_lag_seconds_bucket{action=\"expire\",le=\"5\"}")
            == ["siamd_action_deadline_lag_seconds_bucket{action=\"expire\",le=\"5\"} 1"])
    }

    @Test func binaryServesMetricsAndHealthWhenAsked() throws {
        let database = try TestDatabase()
        try World.build(in: database)
        let port = try Loopback.freePort()
        let socket = try SystemdNotifierTests.FakeNotifySocket(abstract: false)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") && $0.key != "DATABASE_URL" }
        environment["DATABASE_URL"] = database.conninfo
        environment["NOTIFY_SOCKET"] = socket.name
        let child = try ChildProcess.start(CLI.binary, ["run", "--http", "127.0.0.1:\(port)"], environment: environment)
        // READY=1 comes after the first pass; the endpoint listens before the loop starts.
        guard (try? socket.receive()) != nil else {
            child.signal(SIGKILL)
            Issue.record("no READY=1: \(try child.wait().stderr)")
            return
        }
        let health = try exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let scrape = try exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        child.signal(SIGTERM)
        let result = try child.wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(health.status == 200)
        #expect(health.body.hasPrefix("ok"))
        #expect(scrape.status == 200)
        #expect(scrape.body.contains("\nsiamd_passes_total "))
        #expect(scrape.body.contains("\nsiamd_database_connected 1\n"))
        #expect(result.stderr.contains("msg=\"serving metrics\" address=127.0.0.1:\(port)"), "\(result.stderr)")
    }

    @Test func withoutHttpNothingListensAndABadAddressIsRefused() throws {
        let bad = try CLI.run(["run", "--http", "localhost"])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("siamd: error: "))
        #expect(bad.stderr.contains("127.0.0.1:9464"), "\(bad.stderr)")
        #expect(bad.stderr.filter { $0 == "\n" }.count == 1)
    }
}
