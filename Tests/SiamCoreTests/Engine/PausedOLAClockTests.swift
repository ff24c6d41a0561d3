@testable import SiamCore
import Testing

/// The owner's OLA resolve clock while the incident is pending: a span that pauses
/// (`Assignment.pausesWhenPending`) stands still while pending, and afterwards its thresholds
/// are counted in business time minus the incident's ended pauses that overlap it (its due
/// instant was moved by them, as `siam.resumed_ola_due` does). A span that does not pause
/// (its OLA target opts out, or it began before the setting existed) runs through pauses.
///
/// beta owns incident 1 since Monday 09:00Z on a 4 h OLA, 24×7 unless a case says; one rule,
/// `ola-resolve` at 50 % without repeats, so that each case shows one threshold.
@Suite("paused OLA clocks")
struct PausedOLAClockTests {
    static func t(_ text: String) -> Instant { EngineTime.instant(text) }

    static let world = WorldSnapshot.fixture(rules: [
        EscalationRule(code: "ola-resolve", measure: .olaResolve, thresholds: [50], notify: "supplier",
                       repeatEvery: nil, window: nil),
    ])

    static func span(_ supplier: String = "beta", pauses: Bool, startedAt: Instant = EngineTime.monday,
                     due: String, calendar: String? = nil) -> Assignment {
        Assignment(id: 1, incident: 1, supplier: supplier, role: "owner", handoff: 1, startedAt: startedAt,
                   endedAt: nil, resolveDue: t(due), olaCalendar: calendar, businessTime: nil, olaMet: nil,
                   pausesWhenPending: pauses)
    }

    static func snapshot(_ state: IncidentState, _ span: Assignment, pauses: [Range<Instant>] = []) -> IncidentSnapshot {
        .fixture(.fixture(state: state, owner: span.supplier),
                 handoffs: [.fixture(1, to: span.supplier, state: .accepted)], owners: [span], pauses: pauses)
    }

    static func half(_ supplier: String = "beta", due: String) -> Decision {
        .about(.raise("ola-resolve", 1, handoff: 1, supplier: supplier), "OLA resolve (\(supplier)) 50 % elapsed (due \(due))")
    }

    static let cases: [PlanCase] = [
        // Pending since 10:00Z: the span's clock stands still, so its stale due (13:00Z) raises
        // nothing and nothing is scheduled (leaving pending wakes the incident).
        .init(why: "pending, the span pauses",
              snapshot: snapshot(.pending, span(pauses: true, due: "2026-01-05T13:00:00Z")),
              world: world, now: t("2026-01-05T14:00:00Z"), decisions: []),
        // Its OLA target opts out: the clock runs through the pause; 50 % was 11:00Z.
        .init(why: "pending, the span does not pause",
              snapshot: snapshot(.pending, span(pauses: false, due: "2026-01-05T13:00:00Z")),
              world: world, now: t("2026-01-05T14:00:00Z"), decisions: [half(due: "2026-01-05T13:00:00Z")]),
        // Pending 10:00Z-11:00Z, ended: the due moved to 14:00Z; 50 % of the 4 h is 2 h of
        // running time, 12:00Z (not 11:30Z, the middle of 09:00Z-14:00Z in wall time).
        .init(why: "after a pause",
              snapshot: snapshot(.inProgress, span(pauses: true, due: "2026-01-05T14:00:00Z"),
                                 pauses: [t("2026-01-05T10:00:00Z")..<t("2026-01-05T11:00:00Z")]),
              world: world, now: t("2026-01-05T11:30:00Z"), decisions: [], nextCheck: t("2026-01-05T12:00:00Z")),
        .init(why: "after a pause, at 50 %",
              snapshot: snapshot(.inProgress, span(pauses: true, due: "2026-01-05T14:00:00Z"),
                                 pauses: [t("2026-01-05T10:00:00Z")..<t("2026-01-05T11:00:00Z")]),
              world: world, now: t("2026-01-05T12:00:00Z"), decisions: [half(due: "2026-01-05T14:00:00Z")]),
        // A pause that ended before the span began takes nothing from it: 50 % is 11:00Z.
        .init(why: "a pause before the span",
              snapshot: snapshot(.inProgress, span(pauses: true, due: "2026-01-05T13:00:00Z"),
                                 pauses: [t("2026-01-05T07:00:00Z")..<t("2026-01-05T08:00:00Z")]),
              world: world, now: t("2026-01-05T11:00:00Z"), decisions: [half(due: "2026-01-05T13:00:00Z")]),
        // Begun during a pause (08:30Z-10:00Z) at 09:00Z: it started paused, its due is 4 h
        // from 10:00Z and its 50 % is 12:00Z.
        .init(why: "a span begun during the pause",
              snapshot: snapshot(.inProgress, span(pauses: true, due: "2026-01-05T14:00:00Z"),
                                 pauses: [t("2026-01-05T08:30:00Z")..<t("2026-01-05T10:00:00Z")]),
              world: world, now: t("2026-01-05T11:59:59Z"), decisions: [], nextCheck: t("2026-01-05T12:00:00Z")),
        // A span that does not pause ignores the incident's ended pauses: 50 % of 09:00Z-13:00Z.
        .init(why: "an ended pause and a span that does not pause",
              snapshot: snapshot(.inProgress, span(pauses: false, due: "2026-01-05T13:00:00Z"),
                                 pauses: [t("2026-01-05T10:00:00Z")..<t("2026-01-05T11:00:00Z")]),
              world: world, now: t("2026-01-05T11:00:00Z"), decisions: [half(due: "2026-01-05T13:00:00Z")]),
        // On the eu office calendar (Berlin 08-12, 13-17): acme from Mon 10:00 Berlin, 4 h,
        // pending Mon 11:00 to Tue 11:00 Berlin, so due Tue 15:00 Berlin (14:00Z). 50 % is 2 h
        // of running time: Mon 10-11 and Tue 11-12 Berlin, Tue 11:00Z (not Mon 17:00 Berlin,
        // half of the 12 business hours from start to due).
        .init(why: "after a pause on business hours",
              snapshot: snapshot(.inProgress, span("acme", pauses: true, due: "2026-01-06T14:00:00Z", calendar: "eu"),
                                 pauses: [t("2026-01-05T10:00:00Z")..<t("2026-01-06T10:00:00Z")]),
              world: world, now: t("2026-01-06T10:59:59Z"), decisions: [], nextCheck: t("2026-01-06T11:00:00Z")),
    ]

    @Test(arguments: cases)
    func pausedOLAResolveClock(_ c: PlanCase) { c.check() }

    /// `runningClocks` itself: the paused span has no running clock; after the pause its clock
    /// carries the pauses that overlap the span, and only those.
    @Test func runningClocksCarryTheOverlappingPauses() {
        let before = Self.t("2026-01-05T07:00:00Z")..<Self.t("2026-01-05T08:00:00Z")
        let during = Self.t("2026-01-05T10:00:00Z")..<Self.t("2026-01-05T11:00:00Z")
        let pausing = Self.span(pauses: true, due: "2026-01-05T14:00:00Z")
        let resumed = IncidentPlanner(snapshot: Self.snapshot(.inProgress, pausing, pauses: [before, during]),
                                      now: Self.t("2026-01-05T11:30:00Z"))
        let clock = resumed.runningClocks(world: Self.world).first { $0.measure == .olaResolve }
        #expect(clock?.pauses == [during])
        #expect(clock?.length == BusinessDuration(seconds: 4 * 3600))

        let paused = IncidentPlanner(snapshot: Self.snapshot(.pending, pausing, pauses: [before]),
                                     now: Self.t("2026-01-05T11:30:00Z"))
        #expect(!paused.runningClocks(world: Self.world).contains { $0.measure == .olaResolve })

        let running = IncidentPlanner(snapshot: Self.snapshot(.inProgress, Self.span(pauses: false, due: "2026-01-05T13:00:00Z"),
                                                              pauses: [during]),
                                      now: Self.t("2026-01-05T11:30:00Z"))
        #expect(running.runningClocks(world: Self.world).first { $0.measure == .olaResolve }?.pauses == [])
    }
}
