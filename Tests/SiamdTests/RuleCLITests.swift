import Foundation
import SiamCore
import SiamStore
import Testing

/// `siamd rule list | show | set`: the escalation rules from the CLI, whole outputs and refusals.
@Suite struct RuleCLITests {
    @Test func listShowsEveryRuleWithItsLevelsAndTiming() throws {
        let database = try TestDatabase()
        let result = try CLI.run(["rule", "list"], database: database.conninfo)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            CODE             MEASURE          THRESHOLDS    NOTIFY      REPEAT_EVERY  TIME_WINDOW  SCOPE  ENABLED
            bounce           bounces          3             integrator  once          1d           any    yes
            capacity         capacity         100           integrator  4h            -            any    yes
            complaint        complaints       1,3           integrator  once          7d           any    yes
            no-supplier      unroutable       1             integrator  1h            -            any    yes
            ola-accept       ola_accept       50,75,90,100  supplier    1h            -            any    yes
            ola-resolve      ola_resolve      50,75,90,100  supplier    1h            -            any    yes
            scope-dispute    scope_dispute    1             integrator  4h            -            any    yes
            sla-acknowledge  sla_acknowledge  50,75,90,100  integrator  1h            -            any    yes
            sla-resolve      sla_resolve      50,75,90,100  integrator  1h            -            any    yes

            """)
    }

    @Test func setChangesWhatIsGivenInOneTransactionWithItsEvents() throws {
        let database = try TestDatabase()
        let events = try database.count("siam.event")
        let result = try CLI.run(["rule", "set", "bounce", "--thresholds", "2, 4", "--window", "12h", "--json"],
                                 database: database.conninfo)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(#""thresholds":[2.0,4.0]"#) && result.stdout.contains(#""time_window":43200"#))
        // Two changes, two events; the repeat kept its value (once).
        #expect(try database.count("siam.event") == events + 2)
        let show = try CLI.run(["rule", "show", "bounce"], database: database.conninfo)
        #expect(show.stdout.contains("thresholds    2,4\n") && show.stdout.contains("repeat_every  once\n")
                && show.stdout.contains("time_window   12h\n"), "\(show.stdout)")
        // --once and --repeat.
        #expect(try CLI.run(["rule", "set", "sla-resolve", "--once"], database: database.conninfo).status == 0)
        #expect(try CLI.run(["rule", "show", "sla-resolve"], database: database.conninfo).stdout.contains("repeat_every  once\n"))
        #expect(try CLI.run(["rule", "set", "sla-resolve", "--repeat", "30m"], database: database.conninfo).status == 0)
        #expect(try CLI.run(["rule", "show", "sla-resolve"], database: database.conninfo).stdout.contains("repeat_every  30m\n"))
    }

    @Test(arguments: [
        (["rule", "set", "bounce"], Int32(2), "nothing to change"),
        (["rule", "set", "bounce", "--once", "--repeat", "1h"], Int32(2), "give --repeat D or --once, not both"),
        (["rule", "set", "bounce", "--thresholds", "1,x"], Int32(2), "invalid thresholds 1,x"),
        (["rule", "set", "bounce", "--thresholds", "4,2"], Int32(1), "invalid thresholds"),
        (["rule", "set", "bounce", "--thresholds", "2", "--window", "0s"], Int32(1), "window"),
        (["rule", "set", "no-supplier", "--thresholds", "2"], Int32(1), "has one level"),
        (["rule", "set", "nosuch", "--once"], Int32(1), "unknown escalation rule 'nosuch'"),
        (["rule", "show", "nosuch"], Int32(1), "unknown escalation rule 'nosuch'"),
    ])
    func badChangesAreRefusedAndChangeNothing(_ arguments: [String], _ status: Int32, _ message: String) throws {
        let database = try TestDatabase()
        let rules = try database.connect().query("SELECT string_agg(r::text, ';' ORDER BY code) AS s FROM siam.escalation_rule AS r")
            .first!.string("s")
        try CLI.expectRefused(arguments, database, status: status, message, atStart: false)
        #expect(try database.connect().query("SELECT string_agg(r::text, ';' ORDER BY code) AS s FROM siam.escalation_rule AS r")
                    .first!.string("s") == rules)
    }
}
