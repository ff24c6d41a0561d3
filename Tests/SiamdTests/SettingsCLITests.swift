import Foundation
import SiamCore
import SiamStore
import Testing

/// Every setting from the CLI (issue 13): complaints, feedback, escalation rules, suppliers,
/// calendars and holidays, each through its SQL function with its event; whole outputs, and
/// refusals that change nothing.
@Suite struct SettingsCLITests {
    @discardableResult
    func ok(_ arguments: [String], _ database: TestDatabase, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try CLI.run(arguments + ["--actor", "alice"], database: database.conninfo)
        #expect(result.status == 0, "siamd \(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, sourceLocation: sourceLocation)
        return result.stdout
    }

    /// The last event's kind and reason, by alice.
    func lastEvent(_ database: TestDatabase) throws -> String {
        let event = try #require(try database.store().events().last)
        #expect(event.actor == "alice")
        return "\(event.kind): \(event.reason)"
    }

    func world() throws -> TestDatabase {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        try World.build(in: database)
        try database.store().openIncident(NewIncident(
            service: "network", priority: .p2, title: "Router down", customer: nil, userTier: nil, offerTo: "acme", hold: false))
        return database
    }

    @Test func complaintsAndFeedbackAreRecordedWithTheirEvents() throws {
        let database = try world()
        #expect(try ok(["complaint", "record", "1", "--from", "customer", "--text", "Still down"], database)
                == "complaint 1 recorded on incident 1 (customer)\n")
        #expect(try lastEvent(database) == "complaint.recorded: customer complaint")
        #expect(try ok(["complaint", "record", "1", "--from", "user", "--text", "Slow", "--json"], database)
                == #"{"id":2,"incident":1,"source":"user","body":"Slow"}"# + "\n")
        #expect(try ok(["feedback", "record", "1", "--score", "4", "--comment", "Quick"], database)
                == "feedback 1 recorded on incident 1 (4/5)\n")
        #expect(try lastEvent(database) == "feedback.recorded: satisfaction 4/5")
        #expect(try database.count("siam.complaint") == 2 && database.count("siam.feedback") == 1)
    }

    @Test func rulesAreAddedWithTheirScopeAndEnabledOrDisabled() throws {
        let database = try world()
        #expect(try ok(["rule", "add", "vip-resolve", "--measure", "sla_resolve", "--thresholds", "25,50,75",
                        "--priority", "P1", "--user-tier", "vip", "--repeat", "30m", "--notify", "customer"], database)
                == "rule vip-resolve added\n")
        #expect(try lastEvent(database) == "escalation_rule.added: rule vip-resolve added: sla_resolve at 25,50,75 to the customer")
        #expect(try ok(["rule", "show", "vip-resolve"], database) == """
            code          vip-resolve
            measure       sla_resolve
            thresholds    25,50,75
            notify        customer
            repeat_every  30m
            time_window   -
            priority      P1
            service       -
            supplier      -
            user_tier     vip
            enabled       yes

            """)
        try ok(["rule", "add", "acme-bounce", "--measure", "bounces", "--thresholds", "2", "--window", "12h",
                "--service", "network", "--supplier", "acme"], database)
        #expect(try ok(["rule", "disable", "vip-resolve"], database) == "rule vip-resolve disabled\n")
        #expect(try lastEvent(database) == "escalation_rule.disabled: rule vip-resolve disabled: it raises, climbs and repeats no escalation")
        let list = try ok(["rule", "list"], database)
        #expect(list.contains("acme-bounce      bounces          2             integrator  once          12h          service=network supplier=acme  yes\n"), "\(list)")
        #expect(list.contains("vip-resolve      sla_resolve      25,50,75      customer    30m           -            priority=P1 user_tier=vip      no\n"), "\(list)")
        #expect(try ok(["rule", "enable", "vip-resolve"], database) == "rule vip-resolve enabled\n")
        #expect(try lastEvent(database) == "escalation_rule.enabled: rule vip-resolve enabled")
    }

    @Test func suppliersAreChangedAndStopServing() throws {
        let database = try world()
        #expect(try ok(["supplier", "set", "acme", "--name", "Acme AG", "--capacity", "4", "--no-calendar"], database)
                == "supplier acme changed\n")
        #expect(try lastEvent(database) == "supplier.changed: name Acme Ltd -> Acme AG, capacity 2 -> 4, calendar eu -> 24x7")
        try ok(["supplier", "set", "beta", "--capacity", "1", "--calendar", "eu"], database)
        try ok(["supplier", "set", "beta", "--unlimited"], database)
        #expect(try lastEvent(database) == "supplier.changed: capacity 1 -> unlimited")
        #expect(try ok(["supplier", "unserve", "gamma", "network"], database) == "supplier gamma no longer serves network\n")
        #expect(try lastEvent(database) == "supplier.unserved: no longer serves network (was rank 3)")
        #expect(try ok(["supplier", "list"], database) == """
            CODE   NAME       STATUS      CAPACITY  OPEN_LOAD  CALENDAR  SERVES
            acme   Acme AG    active      4         0          -         network:1
            beta   Beta GmbH  active      -         0          eu        network:2
            gamma  Gamma      onboarding  -         0          -         -

            """)
    }

    @Test func calendarsChangeTheirHoursAndHolidays() throws {
        let database = try world()
        #expect(try ok(["calendar", "set", "eu", "--hours", "mon-fri 09:00-17:00"], database)
                == "calendar eu changed (Europe/Berlin: mon-fri 09:00-17:00)\n")
        #expect(try lastEvent(database) == "calendar.changed: weekly hours changed")
        try ok(["calendar", "set", "eu", "--tz", "Europe/Paris"], database)
        #expect(try lastEvent(database) == "calendar.changed: time zone Europe/Berlin -> Europe/Paris")
        #expect(try ok(["calendar", "holiday", "add", "eu", "2026-12-24"], database) == "holiday 2026-12-24 added to calendar eu\n")
        #expect(try lastEvent(database) == "calendar.holiday_added: holiday 2026-12-24 added")
        #expect(try ok(["calendar", "holiday", "remove", "eu", "12-25"], database) == "holiday 12-25 removed from calendar eu\n")
        #expect(try lastEvent(database) == "calendar.holiday_removed: holiday 12-25 removed")
        #expect(try ok(["calendar", "list"], database) == """
            NAME  TIME_ZONE     HOURS                HOLIDAYS
            eu    Europe/Paris  mon-fri 09:00-17:00  2026-12-24

            """)
        // The new hours count for the clocks that start afterwards: 09:00 Paris opens.
        #expect(try ok(["calendar", "deadline", "--calendar", "eu", "--from", "2026-01-05T07:00:00Z", "--duration", "1h"], database)
                .hasPrefix("deadline 2026-01-05T09:00:00Z (local 2026-01-05 10:00:00 +01:00)\n"))
    }

    @Test func listsShowTheStateAndLevelOfEscalations() throws {
        let database = try world()
        let connection = try database.connect()
        _ = try connection.query("SELECT siam.escalation_raise('sla-resolve', 2, 1::bigint, NULL, NULL, 'SLA resolve 75 % elapsed')")
        _ = try connection.query("SELECT siam.escalation_raise('sla-acknowledge', 1, 1::bigint, NULL, NULL, 'SLA acknowledge 50 % elapsed')")
        try ok(["escalation", "ack", "2", "--by", "duty manager"], database)
        #expect(try ok(["escalation", "list"], database) == """
            ID  RULE             LEVEL  STATE                        INCIDENT  SUPPLIER  NOTIFY      RAISED_AT             REASON
            1   sla-resolve      2      open                         1         -         integrator  2026-01-05T09:00:00Z  SLA resolve 75 % elapsed
            2   sla-acknowledge  1      acknowledged (duty manager)  1         -         integrator  2026-01-05T09:00:00Z  SLA acknowledge 50 % elapsed

            """)
    }

    @Test(arguments: [
        (["complaint", "record", "9", "--from", "user", "--text", "x"], Int32(1), "unknown incident 9"),
        (["complaint", "record", "1", "--from", "boss", "--text", "x"], Int32(1), "invalid complaint source 'boss': use user or customer"),
        (["feedback", "record", "1", "--score", "9"], Int32(1), "invalid satisfaction score 9: use 1 (poor) to 5 (excellent)"),
        (["feedback", "record", "9", "--score", "3"], Int32(1), "unknown incident 9"),
        (["rule", "add", "bounce", "--measure", "bounces", "--thresholds", "2", "--window", "1h"], Int32(1),
         "escalation rule 'bounce' exists already"),
        (["rule", "add", "x", "--measure", "speed", "--thresholds", "1"], Int32(2), "invalid measure speed: use sla_acknowledge"),
        (["rule", "add", "x", "--measure", "bounces", "--thresholds", "2"], Int32(1), "a rule on bounces counts within a window: give one"),
        (["rule", "add", "x", "--measure", "unroutable", "--thresholds", "1,2"], Int32(1), "has one level (threshold 1)"),
        (["rule", "add", "x", "--measure", "sla_resolve", "--thresholds", "75,50"], Int32(1), "invalid thresholds {75,50}"),
        (["rule", "add", "x", "--measure", "sla_resolve", "--thresholds", "50", "--service", "nosuch"], Int32(1), "unknown service 'nosuch'"),
        (["rule", "add", "x", "--measure", "sla_resolve", "--thresholds", "50", "--notify", "boss"], Int32(1),
         "invalid party to notify 'boss': use integrator, supplier or customer"),
        (["rule", "add", "x", "--measure", "sla_resolve", "--thresholds", "50", "--user-tier", "V I P"], Int32(1), "invalid user tier"),
        (["rule", "enable", "bounce"], Int32(1), "rule 'bounce' is enabled already"),
        (["rule", "disable", "nosuch"], Int32(1), "unknown escalation rule 'nosuch'"),
        (["supplier", "set", "acme"], Int32(2), "nothing to change: give --name, --capacity, --unlimited, --calendar or --no-calendar"),
        (["supplier", "set", "acme", "--capacity", "2"], Int32(1), "supplier 'acme' has these settings already: nothing to change"),
        (["supplier", "set", "acme", "--capacity", "3", "--unlimited"], Int32(2), "give --capacity N or --unlimited, not both"),
        (["supplier", "set", "acme", "--capacity", "0"], Int32(2), "--capacity must be from 1 to 1000000"),
        (["supplier", "set", "acme", "--calendar", "nocal"], Int32(1), "unknown calendar 'nocal'"),
        (["supplier", "set", "nosuch", "--capacity", "3"], Int32(1), "unknown supplier 'nosuch'"),
        (["supplier", "unserve", "acme", "sap-hr"], Int32(1), "supplier 'acme' does not serve 'sap-hr'"),
        (["supplier", "unserve", "acme", "nosuch"], Int32(1), "unknown service 'nosuch'"),
        (["supplier", "unserve", "nosuch", "network"], Int32(1), "unknown supplier 'nosuch'"),
        (["calendar", "set", "eu"], Int32(2), "nothing to change: give --tz or --hours"),
        (["calendar", "set", "eu", "--tz", "Mars/Base"], Int32(2), "Mars/Base"),
        (["calendar", "set", "eu", "--hours", "mon-fri 17:00-08:00"], Int32(2), "17:00-08:00"),
        (["calendar", "set", "eu", "--tz", "Europe/Berlin"], Int32(1), "calendar 'eu' has these hours and time zone already"),
        (["calendar", "set", "nocal", "--tz", "UTC"], Int32(1), "unknown calendar 'nocal'"),
        (["calendar", "holiday", "add", "eu", "12-25"], Int32(1), "calendar 'eu' has holiday 12-25 already"),
        (["calendar", "holiday", "add", "eu", "13-45"], Int32(2), "invalid holiday '13-45'"),
        (["calendar", "holiday", "add", "nocal", "12-24"], Int32(1), "unknown calendar 'nocal'"),
        (["calendar", "holiday", "remove", "eu", "01-01"], Int32(1), "calendar 'eu' has no holiday 01-01"),
        // Filters naming what does not exist are mistakes, not empty answers.
        (["incident", "list", "--owner", "nosuch"], Int32(1), "unknown supplier 'nosuch'"),
        (["handoff", "list", "--incident", "99"], Int32(1), "unknown incident 99"),
    ])
    func badSettingsAreRefusedAndChangeNothing(_ arguments: [String], _ status: Int32, _ message: String) throws {
        let database = try world()
        let snapshot = """
            SELECT concat_ws(';',
              (SELECT string_agg(r::text, ',' ORDER BY code) FROM siam.escalation_rule AS r),
              (SELECT string_agg(s::text, ',' ORDER BY code) FROM siam.supplier AS s),
              (SELECT string_agg(ss::text, ',' ORDER BY supplier, service) FROM siam.supplier_service AS ss),
              (SELECT string_agg(c::text, ',' ORDER BY name) FROM siam.calendar AS c),
              (SELECT string_agg(i::text, ',' ORDER BY calendar, iso_weekday, opens) FROM siam.calendar_interval AS i),
              (SELECT string_agg(h::text, ',' ORDER BY id) FROM siam.calendar_holiday AS h),
              (SELECT count(*)::text FROM siam.complaint), (SELECT count(*)::text FROM siam.feedback)) AS s
            """
        let before = try database.connect().query(snapshot).first!.string("s")
        try CLI.expectRefused(arguments, database, status: status, message, atStart: false)
        #expect(try database.connect().query(snapshot).first!.string("s") == before)
    }
}
