import Foundation
import SiamCore
import SiamStore
import Testing

/// `siamd target set | clear | delete | check`: targets inherited per field, refusals that say
/// what is wrong and change nothing, and the warnings of an OLA that does not cover its SLA.
@Suite struct TargetCLITests {
    @discardableResult
    func ok(_ arguments: [String], _ database: TestDatabase, stderr: String = "",
            sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try CLI.run(arguments + ["--actor", "alice"], database: database.conninfo)
        #expect(result.status == 0, "siamd \(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr == stderr, sourceLocation: sourceLocation)
        return result.stdout
    }

    /// World's eu calendar (mon-fri 08-12, 13-17 Berlin), acme on it, beta and gamma 24x7; a
    /// Monday 09:00 UTC (10:00 Berlin).
    func world() throws -> TestDatabase {
        let database = try TestDatabase(now: "2026-01-05T09:00:00Z")
        try World.build(in: database)
        return database
    }

    @Test func aSupplierOverrideOfOneDurationKeepsTheOthers() throws {
        let database = try world()
        // The issue's case: acme's own OLA of only --accept; its resolve time stays 4h.
        #expect(try ok(["target", "set", "--kind", "ola", "--priority", "P2", "--supplier", "acme", "--accept", "10m"], database)
                == "target 3 set (ola P2)\n")
        #expect(try ok(["target", "list"], database) == """
            ID  KIND  PRIORITY  SERVICE  SUPPLIER  CALENDAR  ACCEPT  ACKNOWLEDGE  RESOLVE  PAUSES_WHEN_PENDING
            1   sla   P2        -        -         eu        -       1h           8h       -
            2   ola   P2        -        -         -         30m     -            4h       -
            3   ola   P2        -        acme      -         10m     -            -        -

            """)
        try ok(["incident", "open", "--service", "network", "--priority", "P2", "--title", "Router down", "--to", "acme"], database)
        #expect(try ok(["handoff", "list"], database).contains("2026-01-05T09:10:00Z"))  // acme's 10m
        try ok(["handoff", "accept", "1"], database)
        let show = try JSONSerialization.jsonObject(with: Data(try ok(["incident", "show", "1", "--json"], database).utf8)) as! [String: Any]
        let span = try #require((show["assignments"] as? [[String: Any]])?.first)
        // 4h of acme's eu calendar from 10:00 Berlin, with the lunch hour: 15:00 Berlin.
        #expect(span["resolve_due"] as? String == "2026-01-05T14:00:00Z")
        // The SLA: a service's target of only --resolve keeps the general acknowledge time.
        try ok(["target", "set", "--kind", "sla", "--priority", "P2", "--service", "network", "--resolve", "6h"], database)
        try ok(["incident", "open", "--service", "network", "--priority", "P2", "--title", "Switch down", "--hold"], database)
        let second = try JSONSerialization.jsonObject(with: Data(try ok(["incident", "show", "2", "--json"], database).utf8)) as! [String: Any]
        #expect(second["acknowledge_due"] as? String == "2026-01-05T10:00:00Z")
        #expect(second["resolve_due"] as? String == "2026-01-05T16:00:00Z")
    }

    @Test func clearAndDeleteChangeOneTargetWithTheirEvents() throws {
        let database = try world()
        try ok(["target", "set", "--kind", "ola", "--priority", "P2", "--supplier", "beta", "--accept", "10m", "--resolve", "2h"], database)
        #expect(try ok(["target", "clear", "--kind", "ola", "--priority", "P2", "--supplier", "beta", "--resolve"], database)
                == "target 3 cleared (OLA P2 for supplier beta: resolve)\n")
        #expect(try ok(["target", "list"], database).contains("3   ola   P2        -        beta      -         10m     -            -        -\n"))
        #expect(try ok(["target", "delete", "--kind", "ola", "--priority", "P2", "--supplier", "beta"], database)
                == "target 3 deleted (OLA P2 for supplier beta)\n")
        #expect(!(try ok(["target", "list"], database).contains("beta")))
        let kinds = try database.store().events().suffix(3).map(\.kind)
        #expect(kinds == ["target.set", "target.cleared", "target.deleted"])
        #expect(try database.store().events().last?.actor == "alice")
    }

    @Test(arguments: [
        // Durations more than zero.
        (["target", "set", "--kind", "ola", "--priority", "P2", "--accept", "0s"], Int32(1),
         "invalid accept time 0s: a target's time must be more than zero (to remove it, use siamd target clear)"),
        (["target", "set", "--kind", "sla", "--priority", "P1", "--resolve", "0s"], Int32(1), "invalid resolve time 0s"),
        // Acknowledge at most resolve, as they apply (inherited included).
        (["target", "set", "--kind", "sla", "--priority", "P2", "--acknowledge", "9h"], Int32(1),
         "acknowledge time 9h would be longer than resolve time 8h (SLA P2): acknowledge must be at most resolve"),
        (["target", "set", "--kind", "sla", "--priority", "P2", "--service", "network", "--resolve", "30m"], Int32(1),
         "acknowledge time 1h would be longer than resolve time 30m (SLA P2 of service network)"),
        (["target", "set", "--kind", "sla", "--priority", "P3", "--acknowledge", "2h", "--resolve", "1h"], Int32(1),
         "acknowledge time 2h would be longer than resolve time 1h (SLA P3)"),
        // Nothing to set: a clear usage error, not a check constraint.
        (["target", "set", "--kind", "ola", "--priority", "P2"], Int32(2),
         "nothing to set: give --accept, --acknowledge, --resolve, --calendar or --[no-]pause-when-pending"),
        (["target", "set", "--kind", "ola", "--priority", "P1", "--calendar", "eu"], Int32(1),
         "a new target needs at least one of accept, acknowledge or resolve time"),
        (["target", "set", "--kind", "ola", "--priority", "P1", "--supplier", "nosuch", "--accept", "1h"], Int32(1),
         "unknown supplier 'nosuch'"),
        // Clear and delete.
        (["target", "clear", "--kind", "ola", "--priority", "P2"], Int32(2), "nothing to clear"),
        (["target", "clear", "--kind", "ola", "--priority", "P2", "--calendar"], Int32(1),
         "OLA P2 target 2 sets no calendar (it inherits it already)"),
        (["target", "clear", "--kind", "ola", "--priority", "P2", "--accept", "--resolve"], Int32(1),
         "OLA P2 target 2 would have no time left: delete it instead (siamd target delete)"),
        (["target", "clear", "--kind", "ola", "--priority", "P1", "--accept"], Int32(1), "no OLA P1 target"),
        (["target", "delete", "--kind", "sla", "--priority", "P2", "--service", "network"], Int32(1),
         "no SLA P2 of service network target"),
        (["target", "delete", "--kind", "ola", "--priority", "P2", "--supplier", "nosuch"], Int32(1), "unknown supplier 'nosuch'"),
        (["target", "check", "--service", "nosuch"], Int32(1), "unknown service 'nosuch'"),
    ])
    func badTargetChangesAreRefusedAndChangeNothing(_ arguments: [String], _ status: Int32, _ message: String) throws {
        let database = try world()
        let targets = try database.connect().query("SELECT string_agg(t::text, ';' ORDER BY id) AS s FROM siam.target AS t")
            .first!.string("s")
        try CLI.expectRefused(arguments, database, status: status, message, atStart: true)
        #expect(try database.connect().query("SELECT string_agg(t::text, ';' ORDER BY id) AS s FROM siam.target AS t")
                    .first!.string("s") == targets)
    }

    @Test func checkFlagsAnOLALongerThanItsSLAAndASupplierCalendarThatLeavesItUncovered() throws {
        let database = try world()
        #expect(try ok(["target", "check"], database) == "no warnings: every OLA covers the SLA it serves\n")
        // P1: SLA 24x7 (30m, 4h); the OLA names no calendar, so acme's eu calendar applies.
        try ok(["target", "set", "--kind", "sla", "--priority", "P1", "--acknowledge", "30m", "--resolve", "4h"], database)
        let warning = "siamd: warning: P1 network acme: OLA accept 15m on calendar eu (the supplier's: the OLA names no calendar): offered at 2026-01-05T11:00Z it is due 2026-01-05T12:15Z, after the SLA acknowledge due 2026-01-05T11:30Z\n"
        #expect(try ok(["target", "set", "--kind", "ola", "--priority", "P1", "--accept", "15m", "--resolve", "3h"], database,
                       stderr: warning + "siamd: warning: P1 network acme: OLA resolve 3h on calendar eu (the supplier's: the OLA names no calendar): offered at 2026-01-05T09:00Z it can be due 2026-01-05T13:15Z, after the SLA resolve due 2026-01-05T13:00Z\n")
                == "target 4 set (ola P1)\n")
        // P2, one calendar (acme's eu is the SLA's): beta and gamma are 24x7, so only acme.
        try ok(["target", "set", "--kind", "ola", "--priority", "P2", "--supplier", "acme", "--resolve", "8h"], database,
               stderr: "siamd: warning: P2 network acme: OLA accept 30m + resolve 8h is longer than the SLA resolve 8h\n")
        #expect(try ok(["target", "check", "--priority", "P2"], database)
                == "warning: P2 network acme: OLA accept 30m + resolve 8h is longer than the SLA resolve 8h\n")
        let json = try JSONSerialization.jsonObject(with: Data(try ok(["target", "check", "--json"], database).utf8)) as! [[String: Any]]
        #expect(json.map { "\($0["priority"]!) \($0["supplier"]!) \($0["problem"]!)" } == [
            "P1 acme ola_calendar_leaves_sla_uncovered", "P1 acme ola_calendar_leaves_sla_uncovered",
            "P2 acme ola_longer_than_sla",
        ])
        // The fix: the P1 OLA counts on 24x7 of its own.
        try ok(["calendar", "add", "always", "--tz", "UTC", "--hours", "mon-sun 00:00-24:00"], database)
        try ok(["target", "set", "--kind", "ola", "--priority", "P1", "--calendar", "always"], database)
        #expect(try ok(["target", "check", "--priority", "P1"], database) == "no warnings: every OLA covers the SLA it serves\n")
    }
}
