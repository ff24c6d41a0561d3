import Foundation
import SiamStore
import Testing

/// `siamd demo` as a newcomer runs it, faster: it must show every behaviour of its cast —
/// an offer expiring and being reassigned, an out-of-scope rejection and its dispute ruled,
/// escalations by threshold (climbing, acknowledged) and for capacity, a hand-back and a
/// ping-pong, a wait on the customer — and end with a scorecard that shows them too and that
/// the report command it prints gives again.
@Suite struct DemoTests {
    /// Runs blocking work on a thread of its own and awaits it, so that a long child process
    /// does not hold one of the test pool's two threads.
    func inBackground<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    @Test func demoShowsEveryBehaviourAndEndsWithTheScorecard() async throws {
        let database = try TestDatabase()
        let conninfo = database.conninfo
        // Pace 0.3: OLA accept 5 s (P2) or 6 s (P3); the slow supplier needs at least 5.4 s.
        let result = try await inBackground {
            try CLI.run(["demo", "--duration", "25s", "--pace", "0.3", "--seed", "7", "--json", "--database", conninfo])
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let lines = try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let told = lines.dropLast()
        func said(_ tag: String, where matches: ([String: Any]) -> Bool = { _ in true }) -> Bool {
            told.contains { $0["tag"] as? String == tag && matches($0) }
        }
        func text(_ line: [String: Any]) -> String { line["text"] as? String ?? "" }
        #expect(said("OPEN"))
        #expect(said("OFFER"))
        #expect(said("EXPIRE") { $0["supplier"] as? String == "slowtide" }, "the slow supplier lets an offer expire")
        #expect(said("REASSIGN") { text($0).contains("after an expired offer") }, "expired work is reassigned")
        #expect(said("REJECT") { $0["supplier"] as? String == "scopeguard" && text($0).contains("out of scope") })
        #expect(said("ESCALATE") { text($0).hasPrefix("ola-accept level 1") }, "a threshold escalation before the deadline")
        #expect(said("ESCALATE") { text($0).hasPrefix("capacity level 1") && text($0).contains("tinyops") })
        #expect(said("CLIMB") { text($0).contains("climbs from level 1 to 2") }, "an escalation climbs")
        #expect(said("ACK") { text($0).contains("acknowledged by duty manager") })
        #expect(said("DISPUTE") { $0["supplier"] as? String == "scopeguard" }, "a scope dispute for the integrator")
        #expect(said("RULING") { text($0).contains("ruled out of scope") })
        #expect(said("HANDBACK") { $0["supplier"] as? String == "northwind" })
        #expect(said("BOUNCE") { text($0).contains("scopeguard rejected, northwind handed back") }, "a ping-pong of real bounces")
        #expect(said("STOP") { text($0).contains("automatic routing stopped") }, "routing stopped after the ping-pong")
        #expect(said("PENDING") { text($0).contains("SLA and OLA clocks paused") })
        #expect(said("ACCEPT"))

        let final = try #require(lines.last)
        let scorecard = try #require(final["scorecard"] as? [String: Any])
        let suppliers = try #require(scorecard["suppliers"] as? [[String: Any]])
        func score(_ code: String) throws -> [String: Any] {
            try #require(suppliers.first { $0["supplier"] as? String == code }, "scorecard of \(code)")
        }
        #expect(suppliers.count == 5)
        #expect(try score("slowtide")["expired"] as? Int ?? 0 >= 1)
        #expect(try score("slowtide")["escalations"] as? Int ?? 0 >= 1)
        #expect(try score("scopeguard")["disputes_raised"] as? Int ?? 0 >= 1)
        #expect(try score("scopeguard")["disputes_upheld"] as? Int ?? 0 >= 1)
        #expect(try score("scopeguard")["rejected"] as? Int ?? 0 >= 1)
        #expect(try score("tinyops")["escalations"] as? Int ?? 0 >= 1, "capacity")
        #expect(try score("northwind")["accepted"] as? Int ?? 0 >= 1)
        #expect(try score("northwind")["bounces"] as? Int ?? 0 >= 1, "it handed work back")
        let summary = try #require(final["summary"] as? [String: Any])
        #expect(summary["BOUNCE"] as? Int ?? 0 >= 1)
        // A refusal ruled fair is no bounce of scopeguard: fewer bounces than refusals ruled.
        let scopeguard = try score("scopeguard")
        #expect((scopeguard["bounces"] as? Int ?? 0) <= (scopeguard["rejected"] as? Int ?? 0) - (scopeguard["disputes_upheld"] as? Int ?? 0))

        // The HTML report command it prints names the run's whole period and gives the same scorecard.
        let command = try #require(final["report_html"] as? [String])
        let since = try #require(command.firstIndex(of: "--since")), until = try #require(command.firstIndex(of: "--until"))
        let period = [command[since], command[since + 1], command[until], command[until + 1]]
        let again = try CLI.run(["report", "scorecard", "--json"] + period, database: conninfo)
        let againSuppliers = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])["suppliers"]
        #expect(NSArray(array: againSuppliers as? [Any] ?? []).isEqual(to: suppliers), "the report for the printed period agrees")
        let html = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: html) }
        let written = try CLI.run(["report", "html", "-o", html.path] + period, database: conninfo)
        #expect(written.status == 0, "\(written.stderr)")
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains(command[since + 1]) && page.contains(command[until + 1]))
        #expect(page.contains("schedule B of ScopeGuard"), "the HTML lists the ruled dispute with its note")
    }

    @Test func ctrlCStopsTheDemoWithItsScorecard() async throws {
        let database = try TestDatabase()
        let conninfo = database.conninfo
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") && $0.key != "DATABASE_URL" }
        environment["DATABASE_URL"] = database.conninfo
        let child = try ChildProcess.start(CLI.binary, ["demo", "--pace", "0.3"], environment: environment)
        // The first incident's offer means the world is built and the daemon coordinates.
        try await inBackground {
            let listener = try PostgresConnection.connect(conninfo)
            try listener.listen("siam_event")
            let deadline = ContinuousClock.now.advanced(by: .seconds(30))
            while try listener.query("SELECT count(*) AS n FROM siam.handoff").first!.int("n") == 0,
                  ContinuousClock.now < deadline {
                _ = try listener.waitForNotifications(timeout: .seconds(1))
            }
        }
        child.signal(SIGINT)
        let result = try await inBackground { try child.wait() }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("OFFER"))
        #expect(result.stdout.contains("Supplier scorecards, "))
        #expect(result.stdout.contains("Look around (with the same database settings):"))
        // The daemon it ran stopped cleanly too.
        #expect(try database.count("siam.daemon") == 1)
        #expect(try database.connect().query("SELECT stopped_at IS NOT NULL AS stopped FROM siam.daemon").first!.bool("stopped"))
    }

    @Test func demoRefusesADatabaseThatHoldsSuppliers() throws {
        let database = try TestDatabase()
        try World.build(in: database)
        try CLI.expectRefused(["demo", "--duration", "5s"], database, status: 1,
                              "the database holds suppliers already", atStart: true)
    }

    @Test(arguments: [
        (["--pace", "0"], "--pace must be from 0.1 to 10"),
        (["--duration", "0s"], "--duration must be at least 1s"),
        (["--duration", "soon"], "duration"),
        (["--incidents-every", "0s"], "--incidents-every must be at least 1s"),
    ])
    func demoRefusesBadOptions(_ arguments: [String], _ message: String) throws {
        let result = try CLI.run(["demo"] + arguments, database: "host=/nonexistent")
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("siamd: error: "))
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
