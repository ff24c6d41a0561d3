import Foundation
import SiamCore
import SiamStore
import Testing

/// `siamd events tail` reads like `tail`: the end of the feed by default, history on request,
/// each line with what changed; `incident show` keeps to the latest events.
@Suite struct EventsTailCLITests {
    /// A world with more than ten events, all visible in the feed.
    func world() throws -> (TestDatabase, kinds: [String]) {
        let database = try TestDatabase()
        try World.build(in: database)
        try database.waitForFeed()
        let kinds = try database.connect().query("SELECT kind FROM siam.events_after(NULL, 10000)").rows.map { try $0.string("kind") }
        return (database, kinds)
    }

    func lines(_ output: String) -> [Substring] { output.split(separator: "\n") }
    /// The kind on a tail line: its third column.
    func kind(_ line: Substring) -> String { line.components(separatedBy: "  ")[2] }

    @Test func byDefaultTheLastTenEventsOldestFirst() throws {
        let (database, kinds) = try world()
        #expect(kinds.count > 10)
        let result = try CLI.run(["events", "tail"], database: database.conninfo)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(lines(result.stdout).map(kind) == Array(kinds.suffix(10)), "\(result.stdout)")
        let three = try CLI.run(["events", "tail", "--limit", "3"], database: database.conninfo)
        #expect(lines(three.stdout).map(kind) == Array(kinds.suffix(3)))
    }

    @Test func historyFromTheStartOrACursorCappedByLimit() throws {
        let (database, kinds) = try world()
        let all = try CLI.run(["events", "tail", "--from-start"], database: database.conninfo)
        #expect(lines(all.stdout).map(kind) == kinds)
        let first = try CLI.run(["events", "tail", "--from-start", "--limit", "2"], database: database.conninfo)
        #expect(lines(first.stdout).map(kind) == Array(kinds.prefix(2)))
        // After the second event's cursor: all the rest, or the next three.
        let cursor = String(lines(first.stdout)[1].components(separatedBy: "  ")[0])
        let rest = try CLI.run(["events", "tail", "--since", cursor], database: database.conninfo)
        #expect(lines(rest.stdout).map(kind) == Array(kinds.dropFirst(2)))
        let next = try CLI.run(["events", "tail", "--since", cursor, "--limit", "3"], database: database.conninfo)
        #expect(lines(next.stdout).map(kind) == Array(kinds.dropFirst(2).prefix(3)))
        // The end of the feed continues without a gap: the last cursor of the tail resumes to nothing.
        let last = String(lines(all.stdout).last!.components(separatedBy: "  ")[0])
        #expect(try CLI.run(["events", "tail", "--since", last], database: database.conninfo).stdout == "")
    }

    @Test func eachLineShowsWhatChangedAndWhy() throws {
        let (database, _) = try world()
        let store = try database.store(actor: "desk")
        try store.setSupplierStatus(code: "beta", status: "suspended", reason: "contract review")
        try database.waitForFeed()
        let result = try CLI.run(["events", "tail", "--limit", "1"], database: database.conninfo)
        let line = try #require(lines(result.stdout).first)
        #expect(line.hasSuffix("supplier.status_changed  supplier=beta  active → suspended  desk: contract review"), "\(line)")
        let json = try CLI.run(["events", "tail", "--limit", "1", "--json"], database: database.conninfo)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["change"] as? String == "active → suspended")
        #expect((object["data"] as? [String: Any])?["to"] as? String == "suspended")
        #expect(object["cursor"] is String)
    }

    @Test(arguments: [
        (["events", "tail", "--limit", "0"], "--limit must be from 1 to 10000, not 0"),
        (["events", "tail", "--limit", "10001"], "--limit must be from 1 to 10000, not 10001"),
        (["events", "tail", "--from-start", "--since", "1:1"], "--from-start and --since both say where to start: give one"),
        (["incident", "show", "1", "--events", "0"], "--events must be from 1 to 10000, not 0"),
    ])
    func badOptionsAreUsageErrors(_ arguments: [String], _ message: String) throws {
        let database = try TestDatabase()
        let result = try CLI.run(arguments, database: database.conninfo)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func incidentShowKeepsToTheLatestEvents() throws {
        let database = try TestDatabase()
        let world = try World.build(in: database)
        let id = try world.store.openIncident(NewIncident(service: "network", priority: .p2, title: "VPN down", customer: nil,
                                                          userTier: nil, offerTo: nil, hold: true))
        _ = try world.store.offer(incident: id, to: "beta", part: nil, reason: "desk")
        let show = try CLI.run(["incident", "show", String(id), "--events", "1"], database: database.conninfo)
        #expect(show.status == 0, "\(show.stderr)")
        let total = try database.connect().query("SELECT count(*) AS n FROM siam.event WHERE incident = $1::bigint", [id]).first!.int("n")
        #expect(total > 1)
        #expect(show.stdout.contains("events (latest 1 of \(total): --events N for more):\n"), "\(show.stdout)")
        let json = try CLI.run(["incident", "show", String(id), "--events", "1", "--json"], database: database.conninfo)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["events"] as? [Any])?.count == 1)
        #expect(object["events_total"] as? Int == total)
        let all = try CLI.run(["incident", "show", String(id)], database: database.conninfo)
        #expect(all.stdout.contains("\nevents:\n"), "\(all.stdout)")
    }
}
