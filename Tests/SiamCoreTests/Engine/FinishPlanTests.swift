import Testing
@testable import SiamCore

/// `Planner.finish`: the plan completed from what its actions changed, so that an incident is
/// scheduled once per change, without a second look.
struct FinishPlanTests {
    static func t(_ text: String) -> Instant { try! Instant(parsing: text) }
    static let now = t("2026-01-05T09:00:00Z")
    static let incident = Incident.fixture()

    static func plan(_ next: Instant?) -> IncidentPlan {
        IncidentPlan(incident: 1, decisions: [.about(.offer(to: "acme"), "new incident")], nextCheck: next)
    }

    static func offer(due: Instant?, calendar: String? = nil) -> NewOffer {
        NewOffer(handoff: 7, incident: 1, supplier: "acme", offeredAt: now, acceptDue: due, acceptCalendar: calendar)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let why: String
        let plan: IncidentPlan
        let offers: [NewOffer]
        var refused = false
        var putOff = false
        var escalations: [Escalation] = []
        let expected: Instant?
        var testDescription: String { why }
    }

    static let cases: [Case] = [
        // 30 min to accept on 24×7: the first OLA accept threshold (50 %) is 09:15Z.
        Case(why: "offer made: its first threshold", plan: plan(nil), offers: [offer(due: t("2026-01-05T09:30:00Z"))],
             expected: t("2026-01-05T09:15:00Z")),
        // The plan's own next check comes first when earlier.
        Case(why: "earlier own check", plan: plan(t("2026-01-05T09:05:00Z")), offers: [offer(due: t("2026-01-05T09:30:00Z"))],
             expected: t("2026-01-05T09:05:00Z")),
        // No OLA accept deadline: the offer never expires, nothing to schedule for it.
        Case(why: "offer without deadline", plan: plan(t("2026-01-05T12:00:00Z")), offers: [offer(due: nil)],
             expected: t("2026-01-05T12:00:00Z")),
        // On office hours (`eu`, Monday 10:00 Berlin = 09:00Z opening): due 09:30Z, 50 % at 09:15Z.
        Case(why: "offer on a business calendar", plan: plan(nil),
             offers: [offer(due: t("2026-01-05T09:30:00Z"), calendar: "eu")], expected: t("2026-01-05T09:15:00Z")),
        // Another incident's offer is not this plan's.
        Case(why: "another incident's offer", plan: plan(nil),
             offers: [NewOffer(handoff: 8, incident: 2, supplier: "acme", offeredAt: now, acceptDue: t("2026-01-05T09:30:00Z"),
                               acceptCalendar: nil)], expected: nil),
        // An open unroutable escalation closes when it sees the offer: look again now.
        Case(why: "offer ends an unroutable escalation", plan: plan(nil), offers: [offer(due: t("2026-01-05T09:30:00Z"))],
             escalations: [.fixture(4, rule: "no-supplier")], expected: now),
        // The database refused the offer (its supplier filled up): look again now.
        Case(why: "offer refused", plan: plan(t("2026-01-05T12:00:00Z")), offers: [], refused: true, expected: now),
        // Its supplier's row is held by another transaction (an integration's accept not yet
        // committed): a second later, not now (which would plan the same offer in a loop).
        Case(why: "offer put off", plan: plan(t("2026-01-05T12:00:00Z")), offers: [], putOff: true,
             expected: t("2026-01-05T09:00:01Z")),
    ]

    @Test(arguments: cases)
    func finish(_ c: Case) {
        let finished = Planner.finish(c.plan, snapshot: .fixture(Self.incident, escalations: c.escalations),
                                      newOffers: c.offers, offerRefused: c.refused, offerPutOff: c.putOff, world: .fixture(), now: Self.now)
        #expect(finished.nextCheck == c.expected)
        #expect(finished.decisions == c.plan.decisions)
    }
}
