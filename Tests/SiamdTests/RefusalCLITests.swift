import Foundation
import SiamStore
import Testing

/// Refusals that tell the truth: a malformed value names what is wrong and what is accepted,
/// a negative number reaches its option's own check, and relative instants work where an
/// instant is taken.
@Suite struct RefusalCLITests {
    static let calendar = ["--tz", "Europe/Berlin", "--hours", "mon-fri 08:00-17:00"]
    static let forms = "use an ISO-8601 instant with an offset (2026-11-01T09:00:00+01:00), a UTC date (2026-11-01), now, or now-2h / now+30m"

    @Test(arguments: [
        (["calendar", "deadline"] + calendar + ["--from", "2026-13-01T00:00:00Z", "--duration", "4h"],
         "invalid instant '2026-13-01T00:00:00Z': month 13 does not exist; \(forms)"),
        (["calendar", "deadline"] + calendar + ["--from", "2026-02-30", "--duration", "4h"],
         "invalid date '2026-02-30': day 30 does not exist: 2026-02 has 28 days; \(forms)"),
        (["calendar", "elapsed"] + calendar + ["--from", "2026-12-01T10:00", "--to", "now"],
         "invalid instant '2026-12-01T10:00': no UTC offset: a local time is no instant; add Z or an offset such as +01:00; \(forms)"),
        (["calendar", "elapsed"] + calendar + ["--from", "now-2x", "--to", "now"],
         "invalid instant 'now-2x': '2x' is no duration (90s, 15m, 4h, 3d, 3h30m); \(forms)"),
        (["calendar", "deadline"] + calendar + ["--from", "now", "--duration", "-4h"],
         "invalid duration '-4h': durations cannot be negative"),
        (["report", "scorecard", "--since", "2026-13-01"], "invalid date '2026-13-01': month 13 does not exist; \(forms)"),
        (["incident", "list", "--limit", "-5"], "siamd: error: --limit must be at least 1, not -5\n"),
        (["handoff", "list", "--limit", "-1"], "siamd: error: --limit must be at least 1, not -1\n"),
        (["status", "--limit", "-3"], "siamd: error: --limit must be from 1 to 1000, not -3\n"),
        (["events", "tail", "--limit", "-2"], "siamd: error: --limit must be from 1 to 10000, not -2\n"),
    ])
    func malformedValuesSayWhatIsWrongAndWhatIsAccepted(_ arguments: [String], _ message: String) throws {
        let result = try CLI.run(arguments + ["--database", "host=/nonexistent"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func relativeInstantsAndDatesAreTaken() throws {
        let since = try CLI.run(["calendar", "elapsed", "--tz", "UTC", "--hours", "mon-sun 00:00-24:00", "--from", "now-2h", "--to", "now", "--json"])
        #expect(since.status == 0, "\(since.stderr)")
        #expect(since.stdout == #"{"seconds":7200}"# + "\n")
        let date = try CLI.run(["calendar", "elapsed", "--tz", "UTC", "--hours", "mon-sun 00:00-24:00",
                                "--from", "2026-11-01", "--to", "2026-11-02T06:00:00+01:00", "--json"])
        #expect(date.stdout == #"{"seconds":104400}"# + "\n", "\(date.stderr)")

        let database = try TestDatabase()
        let report = try CLI.run(["report", "scorecard", "--since", "now-2h", "--until", "now", "--json"], database: database.conninfo)
        #expect(report.status == 0, "\(report.stderr)")
    }

    @Test func aRefusedStateChangeListsTheAllowedOnes() throws {
        let database = try TestDatabase()
        let world = try World.build(in: database)
        let id = try world.store.openIncident(.init(service: "network", priority: .p2, title: "VPN down", customer: nil,
                                                     userTier: nil, offerTo: "acme", hold: false))
        let offer = try #require(try world.store.handoffs(HandoffFilter(incident: id)).first)
        try database.store(actor: "acme-sync").accept(handoff: offer.id, reason: nil)
        try CLI.expectRefused(["incident", "set-state", String(id), "closed"], database, status: 1,
                              "incident \(id) cannot go from assigned to closed: from assigned it can go to cancelled, in_progress, pending, resolved",
                              atStart: false)
    }

    @Test func aCodeOneTypoAwayGetsADidYouMean() throws {
        let database = try TestDatabase()
        try World.build(in: database)
        try CLI.expectRefused(["supplier", "show", "acmee"], database, status: 1, "unknown supplier 'acmee': did you mean 'acme'?", atStart: false)
        try CLI.expectRefused(["incident", "list", "--owner", "bta"], database, status: 1, "unknown supplier 'bta': did you mean 'beta'?", atStart: false)
        try CLI.expectRefused(["rule", "show", "bounse"], database, status: 1, "unknown escalation rule 'bounse': did you mean 'bounce'?", atStart: false)
        try CLI.expectRefused(["calendar", "deadline", "--calendar", "ue", "--from", "now", "--duration", "1h"], database, status: 1,
                              "unknown calendar 'ue': did you mean 'eu'?", atStart: false)
        try CLI.expectRefused(["incident", "open", "--service", "netwrk", "--priority", "P2", "--title", "T"], database, status: 1,
                              "unknown service 'netwrk': did you mean 'network'?", atStart: false)
        // Nothing near: no suggestion.
        try CLI.expectRefused(["supplier", "show", "zzz"], database, status: 1, "unknown supplier 'zzz'\n", atStart: false)
    }

    @Test func anAcknowledgementTakesTheActorWhenNoByIsGiven() throws {
        let world = try ReportWorld(now: ReportWorld.june1("08:00:00"))
        let step = try world.at(ReportWorld.june1("08:00:00"))
        let incident = try step.open()
        let escalation = try step.raise("sla-acknowledge", incident: incident)
        let result = try CLI.run(["escalation", "ack", String(escalation), "--actor", "duty manager"], database: world.database.conninfo)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "escalation \(escalation) acknowledged by duty manager\n")
        let by = try world.database.connect().query("SELECT acknowledged_by FROM siam.escalation WHERE id = $1::bigint", [escalation])
            .first!.string("acknowledged_by")
        #expect(by == "duty manager")
    }
}
