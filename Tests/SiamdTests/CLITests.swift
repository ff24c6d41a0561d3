import Foundation
import SiamStore
import Testing

/// The `siamd` binary as a newcomer uses it: whole outputs and exit codes, error paths included.
@Suite struct CLITests {
    /// Runs siamd and expects success.
    @discardableResult
    func ok(_ arguments: [String], _ database: TestDatabase, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try CLI.run(arguments + ["--actor", "alice"], database: database.conninfo)
        #expect(result.status == 0, "siamd \(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Runs siamd, expects the exit status and a one-line error, and that nothing changed.
    func refused(_ arguments: [String], _ database: TestDatabase, status: Int32, contains text: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        try CLI.expectRefused(arguments, database, status: status, text, atStart: false, sourceLocation: sourceLocation)
    }

    /// A database without the schema, for `db` commands.
    func emptyDatabase() throws -> TestDatabase {
        let database = try TestDatabase()
        try database.connect().query("DROP SCHEMA siam CASCADE")
        return database
    }

    @Test func dbInitCreatesTheSchemaOnceAndStatusChecksIt() throws {
        let database = try emptyDatabase()
        let missing = try CLI.run(["db", "status"], database: database.conninfo)
        #expect(missing.status == 4)
        #expect(missing.stderr == "siamd: error: the database has no siamd schema: run 'siamd db migrate' (or 'siamd db init') first\n")
        let commands = try CLI.run(["supplier", "list"], database: database.conninfo)
        #expect(commands.status == 4)
        let latest = Schema.latest.name
        let applied = Schema.migrations.map { "  \($0.name)\n" }.joined()
        #expect(try ok(["db", "init"], database)
                == "applied, from an empty database:\n\(applied)  definitions (\(Schema.definitions.count) files)\nschema \(latest) is current\n")
        #expect(try ok(["db", "init"], database) == "schema \(latest) is current; nothing to do\n")
        let status = try JSONSerialization.jsonObject(with: Data(try ok(["db", "status", "--json"], database).utf8)) as! [String: Any]
        #expect(status["schema_version"] as? String == latest)
        #expect(status["pending"] as? [String] == [])
        #expect((status["applied"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == Schema.migrations.map(\.name))
        #expect(status["ok"] as? Bool == true)
    }

    @Test func aDatabaseNewerThanThisSiamdIsRefused() throws {
        let database = try TestDatabase()
        try database.connect().query("INSERT INTO siam.schema_migration (id, name, checksum) VALUES (9999, '9999_from_the_future', 'x')")
        let result = try CLI.run(["incident", "list"], database: database.conninfo)
        #expect(result.status == 4)
        #expect(result.stderr == "siamd: error: the database schema is at 9999_from_the_future, newer than this siamd (which knows up to \(Schema.latest.name)): use a newer siamd\n")
        let migrate = try CLI.run(["db", "migrate"], database: database.conninfo)
        #expect(migrate.status == 4)
        #expect(migrate.stderr == result.stderr)
    }

    @Test func unreachableDatabaseExits3() throws {
        let result = try CLI.run(["supplier", "list"], database: "host=/nonexistent-siamd dbname=x connect_timeout=2")
        #expect(result.status == 3)
        #expect(result.stderr.hasPrefix("siamd: error: cannot connect to the database: "))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
    }

    @Test func libpqEnvironmentIsUsedWhenNoURLIsGiven() throws {
        let database = try TestDatabase()
        let cluster = try TestCluster.cluster()
        let result = try CLI.run(["service", "list"], environment: [
            "PGHOST": cluster.directory, "PGUSER": cluster.superuser, "PGDATABASE": database.name,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "no services\n")
    }

    @Test func aNewcomersFirstSession() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        #expect(try ok(["calendar", "add", "eu", "--tz", "Europe/Berlin", "--hours", "mon-fri 08:00-12:00,13:00-17:00", "--holiday", "12-25", "--holiday", "2026-12-24"], database)
            == "added calendar eu (Europe/Berlin: mon-fri 08:00-12:00,13:00-17:00)\n")
        try ok(["service", "add", "network", "--name", "Network"], database)
        try ok(["customer", "add", "contoso", "--name", "Contoso AG"], database)
        #expect(try ok(["supplier", "add", "acme", "--name", "Acme Ltd", "--capacity", "5", "--calendar", "eu"], database)
            == "added supplier acme (onboarding)\n")
        try ok(["supplier", "add", "beta", "--name", "Beta GmbH"], database)
        #expect(try ok(["supplier", "set-status", "acme", "active"], database) == "supplier acme is active now\n")
        try ok(["supplier", "set-status", "beta", "active"], database)
        #expect(try ok(["supplier", "serve", "acme", "network"], database) == "supplier acme serves network at rank 1\n")
        try ok(["supplier", "serve", "beta", "network", "--rank", "2"], database)
        #expect(try ok(["target", "set", "--kind", "sla", "--priority", "P2", "--calendar", "eu", "--acknowledge", "1h", "--resolve", "8h"], database)
            == "target 1 set (sla P2)\n")
        try ok(["target", "set", "--kind", "ola", "--priority", "P2", "--accept", "30m", "--resolve", "4h"], database)
        #expect(try ok(["incident", "open", "--service", "network", "--priority", "P2", "--title", "Router down", "--customer", "contoso", "--to", "acme"], database)
            == "opened incident 1, offered to acme\n")
        #expect(try ok(["handoff", "accept", "1"], database) == "handoff 1 accepted\n")
        #expect(try ok(["incident", "set-state", "1", "in_progress"], database) == "incident 1 is in_progress now\n")
        #expect(try ok(["handoff", "offer", "1", "--to", "beta"], database)
            == "handoff 2: incident 1 offered to beta, to accept by 2026-01-05T09:30:00Z\n")
        #expect(try ok(["handoff", "reject", "2", "--reason", "not our network", "--out-of-scope"], database)
            == "handoff 2 rejected (out of scope)\n")

        #expect(try ok(["supplier", "list"], database) == """
            CODE  NAME       STATUS  CAPACITY  OPEN_LOAD  CALENDAR  SERVES
            acme  Acme Ltd   active  5         1          eu        network:1
            beta  Beta GmbH  active  -         0          -         network:2

            """)
        #expect(try ok(["target", "list"], database) == """
            ID  KIND  PRIORITY  SERVICE  SUPPLIER  CALENDAR  ACCEPT  ACKNOWLEDGE  RESOLVE  PAUSES_WHEN_PENDING
            1   sla   P2        -        -         eu        -       1h           8h       -
            2   ola   P2        -        -         -         30m     -            4h       -

            """)
        #expect(try ok(["handoff", "list"], database) == """
            ID  INCIDENT  FROM          TO_SUPPLIER  PART     STATE     OUT_OF_SCOPE  ACCEPT_DUE            REASON
            1   1         (integrator)  acme         (whole)  accepted  no            2026-01-05T09:30:00Z  offered when opened
            2   1         acme          beta         (whole)  rejected  yes           2026-01-05T09:30:00Z  not our network

            """)
        #expect(try ok(["incident", "list"], database) == """
            ID  PRIORITY  STATE        SERVICE  OWNER  RESOLVE_DUE           TITLE
            1   P2        in_progress  network  acme   2026-01-06T09:00:00Z  Router down

            """)
        #expect(try ok(["calendar", "list"], database) == """
            NAME  TIME_ZONE      HOURS                            HOLIDAYS
            eu    Europe/Berlin  mon-fri 08:00-12:00,13:00-17:00  2026-12-24, 12-25

            """)
        #expect(try ok(["service", "list"], database) == "CODE     NAME\nnetwork  Network\n")
        #expect(try ok(["escalation", "list"], database) == "no escalations\n")

        let show = try ok(["incident", "show", "1"], database)
        #expect(show.contains("owner            acme\n"))
        #expect(show.contains("handoffs:\n"))
        #expect(show.contains("held by:\n  SUPPLIER  ROLE   STARTED_AT            ENDED_AT  BUSINESS_TIME  PAUSED  RESOLVE_DUE           OLA_MET\n  acme      owner  2026-01-05T09:00:00Z  -         0s             0s      2026-01-05T14:00:00Z  -\n"))

        // JSON uses the schema's column names, references by code.
        let incident = try JSONSerialization.jsonObject(with: Data(try ok(["incident", "show", "1", "--json"], database).utf8)) as! [String: Any]
        #expect(incident["owner"] as? String == "acme")
        #expect(incident["customer"] as? String == "contoso")
        #expect(incident["resolve_due"] as? String == "2026-01-06T09:00:00Z")
        #expect((incident["handoffs"] as? [[String: Any]])?.count == 2)
        #expect((incident["events"] as? [[String: Any]])?.map { $0["kind"] as! String }
            == ["incident.opened", "handoff.offered", "handoff.accepted", "incident.state_changed", "handoff.offered", "handoff.rejected"])
        #expect((incident["events"] as? [[String: Any]])?.allSatisfy { $0["actor"] as? String == "alice" } == true)
        let suppliers = try JSONSerialization.jsonObject(with: Data(try ok(["supplier", "list", "--json"], database).utf8)) as! [[String: Any]]
        #expect(suppliers.map { $0["code"] as! String } == ["acme", "beta"])
        #expect(suppliers[1]["capacity"] is NSNull)
        let targets = try JSONSerialization.jsonObject(with: Data(try ok(["target", "list", "--json"], database).utf8)) as! [[String: Any]]
        #expect(targets[0]["resolve_within"] as? Int == 8 * 3600)
        let handoffs = try JSONSerialization.jsonObject(with: Data(try ok(["handoff", "list", "--state", "rejected", "--json"], database).utf8)) as! [[String: Any]]
        #expect(handoffs.count == 1)
        #expect(handoffs[0]["out_of_scope"] as? Bool == true)
    }

    @Test func targetsPauseWhenPendingUnlessAnOLAOptsOut() throws {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        try World.build(in: database)
        #expect(try ok(["target", "set", "--kind", "ola", "--priority", "P2", "--no-pause-when-pending"], database)
            == "target 2 set (ola P2)\n")
        let targets = try JSONSerialization.jsonObject(with: Data(try ok(["target", "list", "--json"], database).utf8)) as! [[String: Any]]
        #expect(targets.map { $0["pauses_when_pending"] as? Bool } == [nil, false])  // the SLA's inherited: pause
        #expect(targets[1]["resolve_within"] as? Int == 4 * 3600)   // only the flag changed
        #expect(try ok(["target", "list"], database).contains("2   ola   P2        -        -         -         30m     -            4h       no\n"))
        // An SLA always pauses: a usage error, before the database (which refuses it too: ClockTests).
        try refused(["target", "set", "--kind", "sla", "--priority", "P2", "--no-pause-when-pending"], database, status: 2,
                    contains: "SLA clocks always pause while pending")
        // Pending now: acme (on the opted-out OLA) is not paused, as incident show says.
        try ok(["incident", "open", "--service", "network", "--priority", "P2", "--title", "Router down", "--to", "acme"], database)
        try ok(["handoff", "accept", "1"], database)
        try ok(["incident", "set-state", "1", "pending"], database)
        let show = try JSONSerialization.jsonObject(with: Data(try ok(["incident", "show", "1", "--json"], database).utf8)) as! [String: Any]
        let span = try #require((show["assignments"] as? [[String: Any]])?.first)
        #expect(span["pauses_when_pending"] as? Bool == false)
        #expect(span["paused_seconds"] as? Int == 0)
        #expect(try ok(["incident", "show", "1"], database).contains("  acme      owner  2026-01-05T09:00:00Z  -         0s             never   2026-01-05T14:00:00Z  -\n"))
        #expect(try ok(["target", "set", "--kind", "ola", "--priority", "P2", "--pause-when-pending", "--json"], database)
            .contains("\"pauses_when_pending\":true"))
    }

    @Test func badInputGetsOneLineAndChangesNothing() throws {
        let database = try TestDatabase()
        try World.build(in: database)
        try ok(["incident", "open", "--service", "network", "--priority", "P2", "--title", "Router down", "--to", "acme"], database)
        // Unknown code.
        try refused(["supplier", "serve", "nobody", "network"], database, status: 1, contains: "unknown supplier 'nobody'")
        try refused(["handoff", "offer", "1", "--to", "ghost"], database, status: 1, contains: "unknown supplier 'ghost'")
        try refused(["incident", "show", "77"], database, status: 1, contains: "unknown incident 77")
        // Illegal state change.
        try refused(["incident", "set-state", "1", "resolved"], database, status: 1, contains: "incident 1 cannot go from new to resolved: from new it can go to cancelled")
        try refused(["supplier", "set-status", "gamma", "suspended"], database, status: 1, contains: "cannot go from onboarding to suspended: from onboarding it can go to active, retired")
        try ok(["handoff", "reject", "1", "--reason", "no capacity"], database)
        try refused(["handoff", "accept", "1"], database, status: 1, contains: "handoff 1 is rejected, not offered")
        // Duplicate code.
        try refused(["supplier", "add", "acme", "--name", "Again"], database, status: 1, contains: "supplier 'acme' exists already")
        try refused(["service", "add", "network", "--name", "Again"], database, status: 1, contains: "service 'network' exists already")
        // Malformed duration or priority: usage errors, before any connection.
        try refused(["target", "set", "--kind", "sla", "--priority", "P9", "--resolve", "4h"], database, status: 2, contains: "'P9' is invalid for '--priority")
        try refused(["target", "set", "--kind", "ola", "--priority", "P1", "--accept", "4 hours"], database, status: 2, contains: "invalid duration '4 hours'")
        try refused(["target", "set", "--kind", "sla", "--priority", "P1", "--resolve=-4h"], database, status: 2, contains: "invalid duration '-4h'")
        try refused(["supplier", "add", "x", "--name", "X", "--capacity", "0"], database, status: 2, contains: "--capacity must be from 1 to 1000000")
        try refused(["incident", "open", "--service", "network", "--priority", "P2", "--title", "T", "--to", "acme", "--hold"], database, status: 2, contains: "either --to or --hold")
        try refused(["incident", "set-state", "1", "sleeping"], database, status: 2, contains: "'sleeping' is invalid")
        try refused(["supplier", "frobnicate"], database, status: 2, contains: "frobnicate")
        try refused(["calendar", "add", "c", "--tz", "Mars/Olympus", "--hours", "mon 08:00-09:00"], database, status: 2, contains: "Mars/Olympus")
        try refused(["calendar", "add", "c", "--tz", "UTC", "--hours", "mon 09:00-08:00"], database, status: 2, contains: "09:00-08:00")
        try refused(["calendar", "add", "c", "--tz", "UTC", "--hours", "mon 08:00-12:00,11:00-13:00"], database, status: 2, contains: "overlap")
        // Rejected by the database, not the CLI: a malformed code.
        try refused(["service", "add", "Bad Code", "--name", "X"], database, status: 1, contains: "invalid service code 'Bad Code'")
        // Hostile text is stored verbatim, not executed.
        let hostile = "x'); DROP TABLE siam.incident; --"
        try ok(["incident", "open", "--service", "network", "--priority", "P3", "--title", hostile, "--hold"], database)
        let incidents = try JSONSerialization.jsonObject(with: Data(try ok(["incident", "list", "--json"], database).utf8)) as! [[String: Any]]
        #expect(incidents.last?["title"] as? String == hostile)
    }

    @Test func calendarArithmeticNeedsNoDatabaseInline() throws {
        // No DATABASE_URL, no PG*: the inline mode works without any database.
        let result = try CLI.run(["calendar", "deadline", "--tz", "Europe/Berlin", "--hours", "mon-fri 08:00-17:00",
                                  "--from", "2026-03-27T16:00:00+01:00", "--duration", "3h", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "{\"deadline\":\"2026-03-30T08:00:00Z\"}\n")
        let elapsed = try CLI.run(["calendar", "elapsed", "--tz", "Europe/Berlin", "--hours", "mon-fri 08:00-17:00",
                                   "--from", "2026-03-27T16:00:00+01:00", "--to", "2026-03-30T10:00:00+02:00",
                                   "--pause", "2026-03-30T08:00:00+02:00/2026-03-30T09:00:00+02:00", "--json"])
        #expect(elapsed.stdout == "{\"seconds\":7200}\n")
        let human = try CLI.run(["calendar", "deadline", "--tz", "Europe/Berlin", "--hours", "mon-fri 08:00-17:00",
                                 "--from", "2026-03-27T16:00:00+01:00", "--duration", "3h"])
        #expect(human.stdout == """
            deadline 2026-03-30T08:00:00Z (local 2026-03-30 10:00:00 +02:00)
            calendar inline, zone Europe/Berlin, hours mon-fri 08:00-17:00
            from 2026-03-27T15:00:00Z (local 2026-03-27 16:00:00 +01:00), duration 3h

            """)
        let bad = try CLI.run(["calendar", "deadline", "--tz", "Europe/Berlin", "--hours", "mon-fri 08:00-17:00",
                               "--from", "yesterday", "--duration", "3h"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("invalid instant 'yesterday'"))
        let both = try CLI.run(["calendar", "deadline", "--calendar", "eu", "--tz", "UTC", "--hours", "mon 08:00-09:00",
                                "--from", "2026-03-27T16:00:00+01:00", "--duration", "3h"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("not both"))
    }

    @Test func calendarArithmeticOnAStoredCalendar() throws {
        let database = try TestDatabase()
        try World.build(in: database)
        let stdout = try ok(["calendar", "deadline", "--calendar", "eu", "--from", "2026-12-24T16:30:00+01:00", "--duration", "1h"], database)
        // 12-25 is a yearly holiday; 26 Dec 2026 is a Saturday: Mon 28 Dec 08:00 + 30 min.
        #expect(stdout.hasPrefix("deadline 2026-12-28T07:30:00Z (local 2026-12-28 08:30:00 +01:00)\ncalendar eu, zone Europe/Berlin"))
    }

    @Test func helpIsPrintedAndExitsZero() throws {
        let result = try CLI.run(["handoff", "reject", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--out-of-scope"))
        #expect(result.stderr.isEmpty)
    }
}
