import Foundation
import Synchronization
import SiamCore
import SiamDaemon
import SiamReport
import SiamStore
import Testing

/// `Store.operationalStatus` (what `siamd status` shows) on known data, and the daemons'
/// registry behind its liveness (`siam.daemon`, `siam.daemon_started/_passed/_stopped`,
/// `siam.daemon_status`), with the database clock fixed and moved by hand.
@Suite struct StatusTests {
    static func t(_ time: String) -> String { ReportWorld.june1(time) }
    static func instant(_ time: String) -> Instant { try! Instant(parsing: t(time)) }
    static let hour = BusinessDuration(seconds: 3600)

    func status(_ database: TestDatabase, horizon: BusinessDuration = hour, limit: Int = 10) throws -> OperationalStatus {
        try database.store().operationalStatus(horizon: horizon, limit: limit)
    }

    // MARK: - Open work

    @Test func countsOpenIncidentsByStateAndPriority() throws {
        let fixture = try ReportStatusFixture()
        let status = try status(fixture.world.database)
        #expect(status.now == Self.instant("12:00:00"))
        #expect(status.horizonSeconds == 3600)
        // Resolved (s5) and cancelled (s12) are not open; states in lifecycle order.
        #expect(status.openIncidents == [
            StateCount(state: "new", priority: "P2", count: 2),          // s1, s3
            StateCount(state: "new", priority: "P3", count: 4),          // s6, s9, s10, s11
            StateCount(state: "assigned", priority: "P1", count: 1),     // s13
            StateCount(state: "in_progress", priority: "P2", count: 1),  // s2
            StateCount(state: "pending", priority: "P2", count: 1),      // s4
        ])
    }

    @Test func overdueAndDueSoonFollowTheHorizonAndLeavePausedSLAClocksOut() throws {
        let fixture = try ReportStatusFixture()
        let status = try status(fixture.world.database)
        // Overdue: s1 acknowledge, s1 resolve (due exactly now), s2 OLA, s3 acknowledge. Due
        // soon: s2 resolve, due exactly at now + horizon. s3 resolve is one second beyond it.
        // s4 is pending: its SLA clocks and delta's OLA resolve clock are paused.
        #expect(status.overdueCount == 4)
        #expect(status.dueSoonCount == 1)
        #expect(status.clocksAtRisk == [
            ClockAtRisk(incident: fixture.s1, title: "Core router down", service: "network", priority: "P2",
                        supplier: nil, clock: "sla acknowledge", due: Self.instant("09:00:00")),
            ClockAtRisk(incident: fixture.s3, title: "DNS slow", service: "network", priority: "P2",
                        supplier: nil, clock: "sla acknowledge", due: Self.instant("10:00:01")),
            ClockAtRisk(incident: fixture.s2, title: "WAN latency", service: "network", priority: "P2",
                        supplier: "delta", clock: "ola resolve", due: Self.instant("11:00:00")),
            ClockAtRisk(incident: fixture.s1, title: "Core router down", service: "network", priority: "P2",
                        supplier: nil, clock: "sla resolve", due: Self.instant("12:00:00")),
            ClockAtRisk(incident: fixture.s2, title: "WAN latency", service: "network", priority: "P2",
                        supplier: "delta", clock: "sla resolve", due: Self.instant("13:00:00")),
        ])
        // The pending incident's clocks (SLA acknowledge 09:00, resolve 12:00; OLA 10:00) are not there.
        #expect(!status.clocksAtRisk.contains { $0.incident == fixture.s4 })

        // The counts cover every clock; the list only the first `limit`.
        let short = try self.status(fixture.world.database, limit: 3)
        #expect(short.overdueCount == 4)
        #expect(short.dueSoonCount == 1)
        #expect(short.clocksAtRisk.map(\.due) == [Self.instant("09:00:00"), Self.instant("10:00:01"), Self.instant("11:00:00")])

        // One second longer a horizon takes in s3's resolve clock; a zero horizon only the overdue.
        let longer = try self.status(fixture.world.database, horizon: BusinessDuration(seconds: 3601))
        #expect(longer.dueSoonCount == 2)
        #expect(longer.clocksAtRisk.last?.due == Self.instant("13:00:01"))
        let zero = try self.status(fixture.world.database, horizon: .zero)
        #expect(zero.overdueCount == 4)
        #expect(zero.dueSoonCount == 0)
        #expect(zero.clocksAtRisk.count == 4)
    }

    @Test func anOLAClockThatDoesNotPauseStaysAtRiskWhilePending() throws {
        // The same world with the P2 OLA opted out of pausing: s4's OLA (10:00) runs and is overdue.
        let fixture = try ReportStatusFixture(olaPausesWhenPending: false)
        let status = try status(fixture.world.database)
        #expect(status.overdueCount == 5)
        #expect(status.clocksAtRisk.filter { $0.incident == fixture.s4 } == [
            ClockAtRisk(incident: fixture.s4, title: "VPN flapping", service: "network", priority: "P2",
                        supplier: "delta", clock: "ola resolve", due: Self.instant("10:00:00")),
        ])
    }

    @Test func anOLAClockPausedRightNowIsNeitherOverdueNorAtRisk() throws {
        // OLA resolve 2h (24x7), no SLA; beta's own 2h target opts out of pausing.
        let world = try ReportWorld(now: Self.t("08:00:00"), ola: (accept: nil, resolve: 2 * 3600))
        var step = try world.at(Self.t("08:00:00"))
        try step.store.setTarget(TargetChange(kind: .ola, priority: .p2, service: nil, supplier: "beta", calendar: nil,
                                              accept: nil, acknowledge: nil, resolve: BusinessDuration(seconds: 2 * 3600),
                                              pausesWhenPending: false))
        let paused = try step.openOffered(to: "acme", title: "Paused"), running = try step.openOffered(to: "beta", title: "Running")
        for offer in [paused, running] { try step.accept(offer.handoff) }     // due 10:00
        step = try world.at(Self.t("08:30:00"))
        for offer in [paused, running] { try step.setState(offer.incident, "pending") }
        _ = try world.at(Self.t("12:00:00"))
        var status = try status(world.database)
        // acme's clock stands still (its 10:00 is stale); beta's ran and is overdue.
        #expect((status.overdueCount, status.dueSoonCount) == (1, 0))
        #expect(status.clocksAtRisk == [
            ClockAtRisk(incident: running.incident, title: "Running", service: "network", priority: "P2",
                        supplier: "beta", clock: "ola resolve", due: Self.instant("10:00:00")),
        ])
        // Back at work at 13:00: acme's 1h30m left count from then, due 14:30, soon within 2h.
        step = try world.at(Self.t("13:00:00"))
        try step.setState(paused.incident, "in_progress")
        status = try self.status(world.database, horizon: BusinessDuration(seconds: 2 * 3600))
        #expect((status.overdueCount, status.dueSoonCount) == (1, 1))
        #expect(status.clocksAtRisk.last == ClockAtRisk(incident: paused.incident, title: "Paused", service: "network",
                                                        priority: "P2", supplier: "acme", clock: "ola resolve",
                                                        due: Self.instant("14:30:00")))
    }

    @Test func aClockDueExactlyNowIsOverdueAndOneSecondLaterIsDueSoon() throws {
        let world = try ReportWorld(now: Self.t("08:00:00"), sla: (acknowledge: 3600, resolve: 4 * 3600))
        let id = try world.at(Self.t("08:00:00")).open(hold: true)
        // Acknowledge due 09:00.
        _ = try world.at(Self.t("08:59:59"))
        var status = try status(world.database, horizon: BusinessDuration(seconds: 1))
        #expect((status.overdueCount, status.dueSoonCount) == (0, 1))
        _ = try world.at(Self.t("09:00:00"))
        status = try self.status(world.database, horizon: BusinessDuration(seconds: 1))
        #expect((status.overdueCount, status.dueSoonCount) == (1, 0))
        #expect(status.clocksAtRisk.map(\.incident) == [id])
        // Acknowledged: that clock stops; the resolve clock (12:00) is still far off.
        let step = try world.at(Self.t("09:00:00"))
        try step.offer(id, to: "acme")
        try step.accept(try step.offerOf(id))
        try step.setState(id, "in_progress")
        status = try self.status(world.database)
        #expect((status.overdueCount, status.dueSoonCount) == (0, 0))
        #expect(status.clocksAtRisk.isEmpty)
    }

    @Test func pendingHandoffsComeEarliestDeadlineFirstWithoutDeadlineLast() throws {
        let fixture = try ReportStatusFixture()
        let status = try status(fixture.world.database)
        #expect(status.pendingHandoffCount == 4)
        #expect(status.pendingHandoffs == [
            PendingHandoff(id: fixture.offerS10, incident: fixture.s10, toSupplier: "beta",
                           offeredAt: Self.instant("11:10:00"), acceptDue: Self.instant("11:40:00")),
            PendingHandoff(id: fixture.offerS9, incident: fixture.s9, toSupplier: "beta",
                           offeredAt: Self.instant("11:40:00"), acceptDue: Self.instant("12:10:00")),
            // No deadline: last, in id order.
            PendingHandoff(id: fixture.offerS6, incident: fixture.s6, toSupplier: "acme",
                           offeredAt: Self.instant("11:00:00"), acceptDue: nil),
            PendingHandoff(id: fixture.offerS11, incident: fixture.s11, toSupplier: "acme",
                           offeredAt: Self.instant("11:20:00"), acceptDue: nil),
        ])
        let limited = try self.status(fixture.world.database, limit: 1)
        #expect(limited.pendingHandoffCount == 4)
        #expect(limited.pendingHandoffs.map(\.id) == [fixture.offerS10])
    }

    @Test func openEscalationsUnacknowledgedFirstThenHighestLevelThenLatest() throws {
        let fixture = try ReportStatusFixture()
        let status = try status(fixture.world.database)
        // e4 is closed; e2 is acknowledged.
        #expect(status.openEscalationCount == 4)
        #expect(status.unacknowledgedEscalationCount == 3)
        #expect(status.openEscalations.map(\.id) == [fixture.e1, fixture.e5, fixture.e3, fixture.e2])
        #expect(status.openEscalations[0] == OpenEscalation(
            id: fixture.e1, rule: "sla-acknowledge", level: 2, incident: fixture.s1, supplier: nil, notify: "integrator",
            raisedAt: Self.instant("09:30:00"), acknowledged: false, reason: "75 % of the acknowledge clock"))
        #expect(status.openEscalations[2] == OpenEscalation(
            id: fixture.e3, rule: "capacity", level: 1, incident: nil, supplier: "delta", notify: "integrator",
            raisedAt: Self.instant("11:00:00"), acknowledged: false, reason: "delta at 50 % of its capacity"))
        #expect(status.openEscalations[3].acknowledged)
        #expect(status.openEscalations[3].level == 4)
        let limited = try self.status(fixture.world.database, limit: 2)
        #expect(limited.openEscalationCount == 4)
        #expect(limited.openEscalations.map(\.id) == [fixture.e1, fixture.e5])
    }

    @Test func suppliersShowLoadCapacityAndOffersButNotTheRetired() throws {
        let fixture = try ReportStatusFixture()
        let status = try status(fixture.world.database)
        #expect(status.suppliers == [
            SupplierLoadStatus(supplier: "acme", status: "active", load: 0, capacity: nil, offers: 2),   // s6, s11
            SupplierLoadStatus(supplier: "beta", status: "active", load: 1, capacity: nil, offers: 2),   // s13 (s5 resolved); s9, s10
            SupplierLoadStatus(supplier: "delta", status: "active", load: 2, capacity: 4, offers: 0),    // s2, s4 (pending counts)
            SupplierLoadStatus(supplier: "gamma", status: "active", load: 0, capacity: nil, offers: 0),
        ])
    }

    @Test func daemonsOfTheFixtureAliveFirst() throws {
        let fixture = try ReportStatusFixture()
        let status = try status(fixture.world.database)
        #expect(status.daemons == [
            DaemonStatus(host: "ops-1", pid: 4242, version: "0.2.0", startedAt: Self.instant("11:59:00"),
                         lastPassAt: Self.instant("11:59:50"), lastPassSeconds: 0.125, passes: 12, actions: 3,
                         alive: true, stoppedAt: nil),
            DaemonStatus(host: "ops-2", pid: 77, version: "0.2.0", startedAt: Self.instant("10:00:00"),
                         lastPassAt: nil, lastPassSeconds: nil, passes: 0, actions: 0, alive: false,
                         stoppedAt: Self.instant("10:30:00")),
        ])
        #expect(status.daemonAlive)
    }

    @Test func anEmptyDatabaseHasNothingToShow() throws {
        let database = try TestDatabase(now: Self.t("12:00:00"))
        let status = try status(database)
        #expect(status.openIncidents.isEmpty)
        #expect((status.overdueCount, status.dueSoonCount, status.pendingHandoffCount) == (0, 0, 0))
        #expect(status.clocksAtRisk.isEmpty && status.pendingHandoffs.isEmpty && status.openEscalations.isEmpty)
        #expect(status.suppliers.isEmpty && status.daemons.isEmpty)
        #expect(!status.daemonAlive)
    }

    // MARK: - Daemons

    static let instanceA = "0b5e2d8c-1111-4a6e-8f00-00000000000a"
    static let instanceB = "0b5e2d8c-1111-4a6e-8f00-00000000000b"
    static let instanceC = "0b5e2d8c-1111-4a6e-8f00-00000000000c"

    func daemonEvents(_ database: TestDatabase) throws -> [(kind: String, reason: String, data: String)] {
        try database.connect().query(
            "SELECT kind, reason, data::text AS data FROM siam.event WHERE kind LIKE 'daemon.%' ORDER BY id"
        ).rows.map { (try $0.string("kind"), try $0.string("reason"), try $0.string("data")) }
    }

    @Test func aDaemonIsAliveWithinTwicePollPlusTenSecondsOfItsLastPass() throws {
        let world = try ReportWorld(now: Self.t("12:00:00"))
        var step = try world.at(Self.t("12:00:00"))
        try step.daemonStarted(Self.instanceA, host: "ops-1", pid: 100, poll: "30 seconds")
        let started = try daemonEvents(world.database)
        #expect(started.map(\.kind) == ["daemon.started"])
        #expect(started.first?.reason == "siamd run started on ops-1 (pid 100)")
        #expect(started.first?.data.contains("\"reconnected\": false") == true)
        var daemon = try #require(try status(world.database).daemons.first)
        #expect(daemon.alive)
        #expect(daemon.lastPassAt == nil && daemon.passes == 0)

        // A pass at 12:00:30; liveness only: no event.
        step = try world.at(Self.t("12:00:30"))
        #expect(try step.daemonPassed(Self.instanceA, seconds: 0.25, passes: 3, actions: 2) == true)
        #expect(try daemonEvents(world.database).count == 1)
        // 2 x 30 s + 10 s after the last pass: still alive; one second more: not.
        _ = try world.at(Self.t("12:01:40"))
        daemon = try #require(try status(world.database).daemons.first)
        #expect(daemon == DaemonStatus(host: "ops-1", pid: 100, version: "0.2.0", startedAt: Self.instant("12:00:00"),
                                       lastPassAt: Self.instant("12:00:30"), lastPassSeconds: 0.25, passes: 3, actions: 2,
                                       alive: true, stoppedAt: nil))
        step = try world.at(Self.t("12:01:41"))
        daemon = try #require(try status(world.database).daemons.first)
        #expect(!daemon.alive)
        #expect(daemon.stoppedAt == nil)
        #expect(try status(world.database).daemonAlive == false)
        // It comes back with its next pass; counts add up; a negative count adds nothing.
        #expect(try step.daemonPassed(Self.instanceA, seconds: 0.5, passes: 1, actions: -4) == true)
        daemon = try #require(try status(world.database).daemons.first)
        #expect(daemon.alive)
        #expect((daemon.passes, daemon.actions, daemon.lastPassSeconds) == (4, 2, 0.5))
    }

    @Test func aStoppedDaemonShowsStoppedAndRecordsNoMorePasses() throws {
        let world = try ReportWorld(now: Self.t("12:00:00"))
        var step = try world.at(Self.t("12:00:00"))
        try step.daemonStarted(Self.instanceA, host: "ops-1", pid: 100, poll: "30 seconds")
        #expect(try step.daemonPassed(Self.instanceA, seconds: 0.1, passes: 5, actions: 1) == true)
        step = try world.at(Self.t("12:00:10"))
        #expect(try step.daemonStopped(Self.instanceA))
        // Stopping twice: false, and no second event.
        #expect(try !step.daemonStopped(Self.instanceA))
        // A stopped daemon's passes are not recorded (it would register again).
        #expect(try step.daemonPassed(Self.instanceA, seconds: 0.1, passes: 1, actions: 0) == nil)
        let events = try daemonEvents(world.database)
        #expect(events.map(\.kind) == ["daemon.started", "daemon.stopped"])
        #expect(events.last?.reason == "siamd run stopped on ops-1 (pid 100) after 5 passes")
        let daemon = try #require(try status(world.database).daemons.first)
        #expect(!daemon.alive)
        #expect(daemon.stoppedAt == Self.instant("12:00:10"))
        #expect(daemon.passes == 5)
        let row = try #require(try world.database.connect().query(
            "SELECT alive, connected FROM siam.daemon_status WHERE instance = $1::uuid", [Self.instanceA]).first)
        #expect(try !row.bool("alive") && !row.bool("connected"))

        // Registering the same instance again (a reconnect) clears stopped_at.
        step = try world.at(Self.t("12:05:00"))
        try step.daemonStarted(Self.instanceA, host: "ops-1", pid: 100, poll: "30 seconds")
        let again = try daemonEvents(world.database)
        #expect(again.map(\.kind) == ["daemon.started", "daemon.stopped", "daemon.started"])
        #expect(again.last?.reason == "siamd run reconnected on ops-1 (pid 100)")
        #expect(again.last?.data.contains("\"reconnected\": true") == true)
        let back = try #require(try status(world.database).daemons.first)
        #expect(back.stoppedAt == nil && back.passes == 5)
        #expect(try world.database.count("siam.daemon") == 1)
        // Registering is being seen: it should be alive at once, as a first registration is.
        // daemon_started's ON CONFLICT keeps the old started_at and last_pass_at (12:00), so
        // it shows "not alive" until its next pass is recorded.
        #expect(back.alive)
        #expect(try step.daemonPassed(Self.instanceA, seconds: 0.1, passes: 1, actions: 0) == true)
        #expect(try status(world.database).daemons.first?.alive == true)
    }

    @Test func passesOfAnUnknownInstanceReturnNull() throws {
        let database = try TestDatabase(now: Self.t("12:00:00"))
        let row = try database.connect().query(
            "SELECT siam.daemon_passed($1::uuid, 0.1, 1, 0) AS recorded", [Self.instanceC]).first!
        #expect(try row.optionalBool("recorded") == nil)
        #expect(try database.count("siam.daemon") == 0)
    }

    @Test func startingForgetsDaemonsNotSeenForSevenDays() throws {
        let world = try ReportWorld(now: "2026-06-01T12:00:00Z")
        try world.at("2026-06-01T12:00:00Z").daemonStarted(Self.instanceA, host: "old", pid: 1, poll: "30 seconds")
        // Exactly seven days later it is kept (and no longer listed by status: over a day).
        try world.at("2026-06-08T12:00:00Z").daemonStarted(Self.instanceB, host: "new-1", pid: 2, poll: "30 seconds")
        let hosts = { try world.database.connect().query("SELECT host FROM siam.daemon ORDER BY host").rows.map { try $0.string("host") } }
        #expect(try hosts() == ["new-1", "old"])
        #expect(try status(world.database).daemons.map(\.host) == ["new-1"])
        // One second more: forgotten when the next daemon starts, and the event says so.
        try world.at("2026-06-08T12:00:01Z").daemonStarted(Self.instanceC, host: "new-2", pid: 3, poll: "30 seconds")
        #expect(try hosts() == ["new-1", "new-2"])
        let events = try daemonEvents(world.database)
        #expect(events.map { $0.data.contains("\"forgotten\": 1") } == [false, false, true])
    }

    static let badRegistrations: [(arguments: String, sqlState: String)] = [
        ("NULL, 'h', 1, 'v', '30 seconds'", "22004"),
        ("$1::uuid, NULL, 1, 'v', '30 seconds'", "22004"),
        ("$1::uuid, 'h', NULL, 'v', '30 seconds'", "22004"),
        ("$1::uuid, 'h', 1, NULL, '30 seconds'", "22004"),
        ("$1::uuid, 'h', 1, 'v', NULL", "22004"),
        ("$1::uuid, '', 1, 'v', '30 seconds'", "22023"),
        ("$1::uuid, '   ', 1, 'v', '30 seconds'", "22023"),
        ("$1::uuid, repeat('h', 256), 1, 'v', '30 seconds'", "22023"),
        ("$1::uuid, 'h', 0, 'v', '30 seconds'", "22023"),
        ("$1::uuid, 'h', -5, 'v', '30 seconds'", "22023"),
        ("$1::uuid, 'h', 1, repeat('v', 101), '30 seconds'", "22023"),
        ("$1::uuid, 'h', 1, 'v', '0 seconds'", "22023"),
        ("$1::uuid, 'h', 1, 'v', '-30 seconds'", "22023"),
    ]

    @Test func badRegistrationIsRefusedAndWritesNothing() throws {
        let database = try TestDatabase(now: Self.t("12:00:00"))
        let connection = try database.connect()
        let events = try database.count("siam.event")
        for bad in Self.badRegistrations {
            let sql = "SELECT siam.daemon_started(\(bad.arguments))"
            let parameters: [any SQLParameter] = bad.arguments.contains("$1") ? [Self.instanceA] : []
            #expect(sqlState(connection, sql, parameters) == bad.sqlState, "\(bad.arguments)")
        }
        #expect(try database.count("siam.daemon") == 0)
        #expect(try database.count("siam.event") == events)
        // The longest accepted values.
        #expect(sqlState(connection, "SELECT siam.daemon_started($1::uuid, repeat('h', 255), 1, repeat('v', 100), '1 second')",
                         [Self.instanceA]) == nil)
        #expect(try database.count("siam.daemon") == 1)
    }

    @Test func theRealDaemonRegistersPassesAndMarksItsStop() throws {
        let world = try ReportWorld(now: Self.t("12:00:00"))
        let daemon = Daemon(
            settings: DaemonSettings(database: world.database.conninfo, pollInterval: .seconds(5), once: true),
            logger: Logger(level: .error, sink: { _ in }), notifier: SystemdNotifier(environment: [:]), signals: nil)
        #expect(try daemon.run() == 0)
        let row = try #require(try world.database.connect().query("""
            SELECT host, pid, version, poll_interval = interval '5 seconds' AS poll_ok, passes, last_pass_at,
                   stopped_at, started_at
            FROM siam.daemon
            """).first)
        #expect(try row.string("host") == ProcessInfo.processInfo.hostName)
        #expect(try row.int("pid") == Int(getpid()))
        #expect(try row.string("version") == SiamdVersion.current)
        #expect(try row.bool("poll_ok"))
        #expect(try row.int("passes") >= 1)
        #expect(try row.optionalInstant("last_pass_at") == Self.instant("12:00:00"))
        #expect(try row.optionalInstant("stopped_at") == Self.instant("12:00:00"))
        #expect(try world.database.count("siam.daemon") == 1)
        let events = try world.database.connect().query(
            "SELECT kind, actor FROM siam.event WHERE kind LIKE 'daemon.%' ORDER BY id").rows
        #expect(try events.map { try $0.string("kind") } == ["daemon.started", "daemon.stopped"])
        #expect(try events.allSatisfy { try $0.string("actor") == "siamd" })
        let shown = try #require(try status(world.database).daemons.first)
        #expect(!shown.alive && shown.stoppedAt != nil)
    }

    @Test func aDaemonThatCannotRegisterStillCoordinates() throws {
        // DaemonRegistration: "Liveness is best effort: a failure to record it is logged and
        // never stops coordination." E.g. roles.sql not re-run after the upgrade that added
        // siam.daemon_started: the daemon's role may not call it.
        let world = try ReportWorld(now: Self.t("12:00:00"))
        let incident = try world.at(Self.t("12:00:00")).open()
        let role = try world.database.loginRole("coordinator", group: "siam_daemon")
        try world.database.connect().query(
            "REVOKE EXECUTE ON FUNCTION siam.daemon_started(uuid, text, integer, text, interval) FROM siam_daemon")
        let lines = Mutex<[String]>([])
        let daemon = Daemon(
            settings: DaemonSettings(database: role.conninfo, pollInterval: .seconds(5), once: true),
            logger: Logger(level: .warning, sink: { line in lines.withLock { $0.append(line) } }),
            notifier: SystemdNotifier(environment: [:]), signals: nil)
        #expect(try daemon.run() == 0)
        // It routed the incident all the same, and said why it is not in siam.daemon.
        #expect(try world.database.store().handoffs(HandoffFilter(incident: incident)).count == 1)
        #expect(try world.database.count("siam.daemon") == 0)
        let logged = lines.withLock { $0 }
        #expect(logged.contains { $0.contains("cannot register in siam.daemon") && $0.contains("permission denied") }, "\(logged)")
    }

    @Test func aDryRunRegistersNothing() throws {
        let world = try ReportWorld(now: Self.t("12:00:00"))
        try world.at(Self.t("12:00:00")).open()
        let events = try world.database.count("siam.event")
        let daemon = Daemon(
            settings: DaemonSettings(database: world.database.conninfo, pollInterval: .seconds(5), once: false,
                                     engine: EngineSettings(dryRun: true)),
            logger: Logger(level: .error, sink: { _ in }), notifier: SystemdNotifier(environment: [:]), signals: nil)
        #expect(try daemon.run() == 0)
        #expect(try world.database.count("siam.daemon") == 0)
        #expect(try world.database.count("siam.event") == events)
        // The binary too.
        let result = try CLI.run(["run", "--dry-run"], database: world.database.conninfo)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try world.database.count("siam.daemon") == 0)
        #expect(try world.database.count("siam.event") == events)
    }
}
