import Testing

@testable import SiamCore

/// One planning case: a snapshot, the world it is planned in, `now`, and the exact plan.
struct PlanCase: CustomTestStringConvertible, Sendable {
    let why: String
    let snapshot: IncidentSnapshot
    var world: WorldSnapshot = .fixture()
    var now: Instant = EngineTime.monday
    let decisions: [Decision]
    var nextCheck: Instant? = nil

    var testDescription: String { why }

    /// Plans the case and checks the decisions (actions and reasons, in order) and the next check.
    func check(sourceLocation: SourceLocation = #_sourceLocation) {
        var world = world
        let plan = Planner.plan(snapshot, world: &world, now: now)
        #expect(plan.incident == snapshot.incident.id, sourceLocation: sourceLocation)
        #expect(plan.decisions == decisions, sourceLocation: sourceLocation)
        #expect(plan.nextCheck == nextCheck, sourceLocation: sourceLocation)
    }
}

/// The planner over hand-built snapshots. Default world (EngineFixtures.swift): network served
/// by acme (rank 1, capacity 2), beta (rank 2, unlimited), gamma (rank 3, onboarding), the
/// schema's default rules, calendar `eu`. Now is Monday 2026-01-05 09:00Z unless a case says.
/// A plan's next check is always in the future; the accept clock of an offer it makes is
/// added by `Planner.finish` once the database made the offer (FinishPlanTests).
@Suite("planner")
struct PlannerTests {
    static func t(_ text: String) -> Instant { EngineTime.instant(text) }
    static let monday = EngineTime.monday

    // MARK: Routing new incidents

    static let routingCases: [PlanCase] = [
        // A new incident without an offer goes to the best eligible supplier.
        .init(why: "new incident routed", snapshot: .fixture(),
              decisions: [.about(.offer(to: "acme"), "new incident: best eligible supplier (rank 1, load 0/2)")]),
        // Held by the integrator: not routed, nothing scheduled.
        .init(why: "held incident not routed", snapshot: .fixture(.fixture(onHold: true)), decisions: []),
        // Routing stopped after ping-pong: not routed either.
        .init(why: "routing stopped", snapshot: .fixture(.fixture(routingStopped: true)), decisions: []),
        // An open offer already waits for an answer: nothing to do until its deadline.
        .init(why: "open offer waits",
              snapshot: .fixture(handoffs: [.fixture(1, to: "acme", acceptDue: t("2026-01-05T09:30:00Z"))]),
              world: .fixture(rules: []), decisions: [], nextCheck: t("2026-01-05T09:30:00Z")),
        // An offer of a part does not count as an offer of the incident: it is still routed.
        .init(why: "part offer does not stop routing",
              snapshot: .fixture(handoffs: [.fixture(1, to: "beta", part: "diagnostics")]),
              decisions: [.about(.offer(to: "acme"), "new incident: best eligible supplier (rank 1, load 0/2)")]),
        // An owned incident with an active owner stays where it is.
        .init(why: "owned by an active supplier",
              snapshot: .fixture(.fixture(state: .inProgress, owner: "acme"),
                                 handoffs: [.fixture(1, to: "acme", state: .accepted)]),
              decisions: []),
        // acme is full (2/2): beta gets it.
        .init(why: "best supplier at capacity",
              snapshot: .fixture(),
              world: .fixture(candidates: ["network": [.fixture("acme", rank: 1, capacity: 2, load: 2),
                                                       .fixture("beta", rank: 2)]]),
              decisions: [.about(.offer(to: "beta"), "new incident: best eligible supplier (rank 2, load 0/unlimited); ranked above it: 1 at capacity")]),
        // Nobody serves the service: the integrator is told.
        .init(why: "no supplier serves the service",
              snapshot: .fixture(.fixture(service: "sap-hr")),
              decisions: [.about(.raise("no-supplier", 1), "cannot route sap-hr incident: no supplier serves the service")],
              // Its first hourly repeat.
              nextCheck: t("2026-01-05T10:00:00Z")),
    ]

    @Test(arguments: routingCases)
    func routing(_ c: PlanCase) { c.check() }

    /// The world counts planned offers as load, so later incidents of the same pass see it:
    /// acme (capacity 2) takes two, beta the third; the load counts in every service acme serves.
    @Test func plannedOffersFillCapacityWithinAPass() {
        var world = WorldSnapshot.fixture(candidates: [
            "network": Candidate.defaultNetwork,
            "sap-hr": [.fixture("acme", rank: 1, capacity: 2)],
        ])
        var offers: [[Decision]] = []
        for id in Int64(1)...3 {
            offers.append(Planner.plan(.fixture(.fixture(id: id)), world: &world, now: Self.monday).decisions)
        }
        #expect(offers == [
            [.about(.offer(to: "acme"), "new incident: best eligible supplier (rank 1, load 0/2)", incident: 1)],
            [.about(.offer(to: "acme"), "new incident: best eligible supplier (rank 1, load 1/2)", incident: 2)],
            [.about(.offer(to: "beta"), "new incident: best eligible supplier (rank 2, load 0/unlimited); ranked above it: 1 at capacity", incident: 3)],
        ])
        #expect(world.load(of: "acme") == 2)
        #expect(world.load(of: "beta") == 1)
        #expect(world.load(of: "acme", in: "sap-hr") == 2)
        // sap-hr: acme is full now, nobody else serves it.
        let fourth = Planner.plan(.fixture(.fixture(id: 4, service: "sap-hr")), world: &world, now: Self.monday)
        #expect(fourth.decisions == [.about(
            .raise("no-supplier", 1), "cannot route sap-hr incident: no eligible supplier: acme is at capacity (2/2)",
            incident: 4)])
    }

    // MARK: Offers: expiry, suppliers that can no longer take work

    /// acme's 30-minute offer (09:00Z-09:30Z) expiring before any of its levels was raised:
    /// the highest crossed, at once, naming those passed over.
    static let expiredCatchUp = Decision.about(
        .raise("ola-accept", 3, handoff: 1, supplier: "acme"),
        "OLA accept (acme, handoff 1) 90 % elapsed (due 2026-01-05T09:30:00Z) before it expired; caught up, passing over level 1 (50 %), level 2 (75 %)")

    static let offerCases: [PlanCase] = [
        // Before its deadline the offer stands; the OLA accept 50 % threshold (09:15Z) comes first.
        .init(why: "offer not yet due",
              snapshot: .fixture(handoffs: [.fixture(1, to: "acme", acceptDue: t("2026-01-05T09:30:00Z"))]),
              now: t("2026-01-05T09:10:00Z"), decisions: [], nextCheck: t("2026-01-05T09:15:00Z")),
        // Past its deadline: it expires and the incident goes to the next best, never back to acme.
        // (The levels of its accept clock, never raised, are raised and closed with it: see
        // endedOfferCases.)
        .init(why: "offer past due expires and reroutes",
              snapshot: .fixture(handoffs: [.fixture(1, to: "acme", acceptDue: t("2026-01-05T09:30:00Z"))]),
              now: t("2026-01-05T09:31:00Z"),
              decisions: [
                  .about(.expireHandoff(handoff: 1), "not accepted by acme by 2026-01-05T09:30:00Z"),
                  expiredCatchUp,
                  .about(.closeRaisedEscalation(rule: "ola-accept", handoff: 1, supplier: "acme", cause: .expired), "handoff 1 expired"),
                  .about(.offer(to: "beta"), "after an expired offer: best eligible supplier (rank 2, load 0/unlimited); ranked above it: 1 let an offer of it expire"),
              ]),
        // Exactly at its deadline it expires (due <= now).
        .init(why: "offer expires at its deadline",
              snapshot: .fixture(handoffs: [.fixture(1, to: "acme", acceptDue: t("2026-01-05T09:30:00Z"))]),
              now: t("2026-01-05T09:30:00Z"),
              decisions: [
                  .about(.expireHandoff(handoff: 1), "not accepted by acme by 2026-01-05T09:30:00Z"),
                  expiredCatchUp,
                  .about(.closeRaisedEscalation(rule: "ola-accept", handoff: 1, supplier: "acme", cause: .expired), "handoff 1 expired"),
                  .about(.offer(to: "beta"), "after an expired offer: best eligible supplier (rank 2, load 0/unlimited); ranked above it: 1 let an offer of it expire"),
              ]),
        // Expired in an earlier pass: acme stays excluded.
        .init(why: "earlier expiry excludes",
              snapshot: .fixture(handoffs: [.fixture(1, to: "acme", state: .expired)]),
              decisions: [.about(.offer(to: "beta"), "after an expired offer: best eligible supplier (rank 2, load 0/unlimited); ranked above it: 1 let an offer of it expire")]),
        // Rejected: acme stays excluded.
        .init(why: "rejection excludes",
              snapshot: .fixture(handoffs: [.fixture(1, to: "acme", state: .rejected)]),
              decisions: [.about(.offer(to: "beta"), "after a rejected offer: best eligible supplier (rank 2, load 0/unlimited); ranked above it: 1 rejected it")]),
        // Cancelled by a person: acme may be offered it again.
        .init(why: "cancellation does not exclude",
              snapshot: .fixture(handoffs: [.fixture(1, to: "acme", state: .cancelled)]),
              decisions: [.about(.offer(to: "acme"), "after a cancelled offer: best eligible supplier (rank 1, load 0/2)")]),
        // An expired offer of a part does not exclude its supplier from the whole incident.
        .init(why: "part expiry does not exclude",
              snapshot: .fixture(handoffs: [.fixture(1, to: "acme", state: .expired, part: "diagnostics")]),
              decisions: [.about(.offer(to: "acme"), "new incident: best eligible supplier (rank 1, load 0/2)")]),
    ]

    @Test(arguments: offerCases)
    func offers(_ c: PlanCase) { c.check() }

    /// An open offer to a supplier that can no longer take work is withdrawn, whatever its
    /// deadline, and the incident goes to the next best.
    @Test(arguments: [SupplierStatus.suspended, .exiting, .onboarding, .retired])
    func offerToSupplierThatCannotTakeWorkIsCancelled(_ status: SupplierStatus) throws {
        var world = WorldSnapshot.fixture(status: ["acme": status])
        let snapshot = IncidentSnapshot.fixture(handoffs: [.fixture(1, to: "acme", acceptDue: Self.t("2026-01-05T09:30:00Z"))])
        let plan = Planner.plan(snapshot, world: &world, now: Self.monday)
        #expect(plan.decisions.map(\.action) == [.cancelHandoff(handoff: 1), .offer(to: "beta")])
        #expect(plan.decisions.map(\.reason) == [
            "supplier acme is \(status.rawValue)",
            "after an offer that could no longer be taken: best eligible supplier (rank 2, load 0/unlimited); ranked above it: 1 could no longer take its offer",
        ])
        // The new offer's clock starts when the database makes it (Planner.finish).
        #expect(plan.nextCheck == nil)
    }

    /// An offer to a supplier the world does not know (deleted) counts as retired.
    @Test func offerToUnknownSupplierIsCancelled() {
        var world = WorldSnapshot.fixture()
        let plan = Planner.plan(.fixture(.fixture(onHold: true), handoffs: [.fixture(1, to: "ghost")]),
                                world: &world, now: Self.monday)
        #expect(plan.decisions == [.about(.cancelHandoff(handoff: 1), "supplier ghost is retired")])
        #expect(plan.nextCheck == nil)
    }

    /// Regression: the offer made after cancelling an offer to a suspended supplier used to
    /// say the supplier "let it expire" (every offer ended in the pass counted as an expiry).
    @Test func rerouteAfterCancellationDoesNotClaimAnExpiry() throws {
        var world = WorldSnapshot.fixture(status: ["acme": .suspended])
        let plan = Planner.plan(.fixture(handoffs: [.fixture(1, to: "acme")]), world: &world, now: Self.monday)
        let offer = try #require(plan.decisions.last)
        #expect(offer.action == .offer(to: "beta"))
        #expect(!offer.reason.contains("let it expire"), "\(offer.reason)")
    }

    // MARK: Owners that can no longer hold work

    /// The incident of an owner that is suspended, exiting or retired is offered to the next
    /// best; the reason names neither the old owner nor its status (the offered supplier reads
    /// it). Pending incidents move too.
    @Test(arguments: [
        (SupplierStatus.suspended, IncidentState.inProgress), (.exiting, .assigned), (.retired, .inProgress),
        (.suspended, .pending),
    ])
    func ownerThatCannotHoldWorkLosesIt(_ status: SupplierStatus, _ state: IncidentState) {
        PlanCase(why: "owner \(status)",
                 snapshot: .fixture(.fixture(state: state, owner: "acme"),
                                    handoffs: [.fixture(1, to: "acme", state: .accepted)],
                                    owners: [.owner("acme", handoff: 1)]),
                 world: .fixture(status: ["acme": status]),
                 decisions: [.about(.offer(to: "beta"),
                                    "the owner can no longer hold it: best eligible supplier (rank 2, load 0/unlimited); ranked above it: 1 owns it")])
            .check()
    }

    /// An owner the world does not know any more counts as retired.
    @Test func unknownOwnerCountsAsRetired() {
        PlanCase(why: "unknown owner", snapshot: .fixture(.fixture(state: .assigned, owner: "ghost")),
                 decisions: [.about(.offer(to: "acme"), "the owner can no longer hold it: best eligible supplier (rank 1, load 0/2)")])
            .check()
    }

    /// A suspended owner's incident already offered elsewhere is left alone.
    @Test func movingOwnerWithOpenOfferWaits() {
        PlanCase(why: "already offered on",
                 snapshot: .fixture(.fixture(state: .inProgress, owner: "acme"),
                                    handoffs: [.fixture(1, to: "acme", state: .accepted), .fixture(2, to: "beta")]),
                 world: .fixture(status: ["acme": .suspended]), decisions: [])
            .check()
    }

    // MARK: Nobody eligible

    /// Nobody eligible: one `no-supplier` escalation listing every refusal; an existing one
    /// with the same key (open or closed) prevents a second, and only its repeat is scheduled.
    @Test func unroutableEscalatesOnce() {
        let rejectedTwice: [Handoff] = [.fixture(1, to: "acme", state: .rejected),
                                        .fixture(2, to: "beta", state: .rejected, offeredAt: Self.t("2026-01-05T09:10:00Z"))]
        let now = Self.t("2026-01-05T10:00:00Z")
        // First time: raised, with each supplier's refusal.
        PlanCase(why: "first", snapshot: .fixture(handoffs: rejectedTwice), now: now,
                 decisions: [.about(.raise("no-supplier", 1), "cannot route network incident: no eligible supplier: "
                     + "acme declined or holds it, beta declined or holds it, gamma is onboarding")],
                 // Its first hourly repeat.
                 nextCheck: Self.t("2026-01-05T11:00:00Z"))
            .check()
        // Raised before and still open: not again; its hourly repeat is the next check.
        PlanCase(why: "open", snapshot: .fixture(handoffs: rejectedTwice,
                                                 escalations: [.fixture(7, rule: "no-supplier", raisedAt: Self.t("2026-01-05T09:30:00Z"))]),
                 now: now, decisions: [], nextCheck: Self.t("2026-01-05T10:30:00Z"))
            .check()
        // Raised before and closed since: not again (once per incident × rule × level; only
        // capacity escalations start a new episode, as the schema's comment on siam.escalation says).
        PlanCase(why: "closed", snapshot: .fixture(handoffs: rejectedTwice,
                                                   escalations: [.fixture(7, rule: "no-supplier", closedAt: Self.t("2026-01-05T09:20:00Z"))]),
                 now: now, decisions: [])
            .check()
    }

    // MARK: SLA clocks

    /// Held (so not routed) P2 on `eu`, opened Monday 10:00 Berlin: acknowledge 1 h (due
    /// 10:00Z), resolve 8 h (due Tuesday 10:00 Berlin = 09:00Z).
    static let slaIncident = Incident.fixture(onHold: true, acknowledgeDue: t("2026-01-05T10:00:00Z"),
                                              resolveDue: t("2026-01-06T09:00:00Z"), slaCalendar: "eu")

    /// The one decision that takes a clock's escalation from level `from` (0: none yet) to
    /// `level`, naming the levels a catch-up passes over.
    static func sla(_ which: String, _ level: Int, from: Int = 0) -> Decision {
        let percents = [50, 75, 90, 100]
        let due = which == "acknowledge" ? "2026-01-05T10:00:00Z" : "2026-01-06T09:00:00Z"
        let skipped = (from + 1..<max(level, from + 1)).map { "level \($0) (\(percents[$0 - 1]) %)" }
        let caughtUp = skipped.isEmpty ? "" : "; caught up, passing over \(skipped.joined(separator: ", "))"
        return .about(.raise("sla-\(which)", level), "SLA \(which) \(percents[level - 1]) % elapsed (due \(due))\(caughtUp)")
    }

    static let slaCases: [PlanCase] = [
        // At opening nothing is reached; acknowledge 50 % (30 min) comes first.
        .init(why: "at opening", snapshot: .fixture(slaIncident), now: t("2026-01-05T09:00:00Z"),
              decisions: [], nextCheck: t("2026-01-05T09:30:00Z")),
        // One second before 50 %: still nothing.
        .init(why: "just before 50 %", snapshot: .fixture(slaIncident), now: t("2026-01-05T09:29:59Z"),
              decisions: [], nextCheck: t("2026-01-05T09:30:00Z")),
        // 45 min, first look: one acknowledge escalation, straight at level 2 (75 %), passing
        // over 50 %; next is 90 % (54 min).
        .init(why: "acknowledge 75 %", snapshot: .fixture(slaIncident), now: t("2026-01-05T09:45:00Z"),
              decisions: [sla("acknowledge", 2)], nextCheck: t("2026-01-05T09:54:00Z")),
        // Acknowledge overdue; resolve 50 % (4 business hours: 15:00 Berlin) one second away.
        .init(why: "acknowledge overdue", snapshot: .fixture(slaIncident), now: t("2026-01-05T13:59:59Z"),
              decisions: [sla("acknowledge", 4)], nextCheck: t("2026-01-05T14:00:00Z")),
        // Resolve 50 % reached; 75 % is 6 business hours (the evening closing, 17:00 Berlin =
        // 16:00Z), but the first repeat of what was just raised comes earlier, an hour on.
        .init(why: "resolve 50 %", snapshot: .fixture(slaIncident), now: t("2026-01-05T14:00:00Z"),
              decisions: [sla("acknowledge", 4)] + [sla("resolve", 1)],
              nextCheck: t("2026-01-05T15:00:00Z")),
        // Overnight the office is closed: after 75 %, 90 % is Tuesday 09:12 Berlin (08:12Z); repeats
        // run in real time, so the first repeat of what was just raised (midnight) comes first.
        .init(why: "overnight", snapshot: .fixture(slaIncident), now: t("2026-01-05T23:00:00Z"),
              decisions: [sla("acknowledge", 4)] + [sla("resolve", 2)],
              nextCheck: t("2026-01-06T00:00:00Z")),
        // Past resolve due: both straight to level 4; no threshold is left, only the first repeats.
        .init(why: "all overdue", snapshot: .fixture(slaIncident), now: t("2026-01-06T09:30:00Z"),
              decisions: [sla("acknowledge", 4)] + [sla("resolve", 4)],
              nextCheck: t("2026-01-06T10:30:00Z")),
        // Levels raised before are not raised again; the next check is the earlier of the next
        // threshold (acknowledge 90 % at 09:54Z) and the repeats (10:45Z).
        .init(why: "raised once",
              snapshot: .fixture(slaIncident, escalations: [
                  .fixture(1, rule: "sla-acknowledge", level: 1, raisedAt: t("2026-01-05T09:45:00Z")),
                  .fixture(2, rule: "sla-acknowledge", level: 2, raisedAt: t("2026-01-05T09:45:00Z")),
              ]),
              now: t("2026-01-05T09:50:00Z"), decisions: [], nextCheck: t("2026-01-05T09:54:00Z")),
        // Acknowledged: the acknowledge clock stops; only resolve thresholds remain.
        .init(why: "acknowledged",
              snapshot: .fixture(Incident.fixture(onHold: true, acknowledgedAt: t("2026-01-05T09:10:00Z"),
                                                  acknowledgeDue: t("2026-01-05T10:00:00Z"),
                                                  resolveDue: t("2026-01-06T09:00:00Z"), slaCalendar: "eu")),
              now: t("2026-01-05T09:45:00Z"), decisions: [], nextCheck: t("2026-01-05T14:00:00Z")),
        // Pending: the SLA clocks do not run, so nothing is reached or scheduled.
        .init(why: "pending",
              snapshot: .fixture(.fixture(state: .pending, owner: "beta", acknowledgeDue: t("2026-01-05T10:00:00Z"),
                                          resolveDue: t("2026-01-06T09:00:00Z"), slaCalendar: "eu")),
              now: t("2026-01-05T14:00:00Z"), decisions: []),
        // The same incident in progress: the thresholds are reached.
        .init(why: "in progress",
              snapshot: .fixture(.fixture(state: .inProgress, owner: "beta", acknowledgeDue: t("2026-01-05T10:00:00Z"),
                                          resolveDue: t("2026-01-06T09:00:00Z"), slaCalendar: "eu")),
              now: t("2026-01-05T14:00:00Z"),
              decisions: [sla("acknowledge", 4)] + [sla("resolve", 1)],
              nextCheck: t("2026-01-05T15:00:00Z")),
        // An ended pause (09:10Z-09:40Z, 24×7) pushes the thresholds after it by 30 minutes:
        // acknowledge 1 h is due 10:30Z and its 50 % is 10:00Z, not 09:30Z.
        .init(why: "ended pause",
              snapshot: .fixture(.fixture(onHold: true, acknowledgeDue: t("2026-01-05T10:30:00Z")),
                                 pauses: [t("2026-01-05T09:10:00Z")..<t("2026-01-05T09:40:00Z")]),
              now: t("2026-01-05T09:50:00Z"), decisions: [], nextCheck: t("2026-01-05T10:00:00Z")),
        // A rule scoped to another priority does not apply; one scoped to this one does.
        .init(why: "rule scope",
              snapshot: .fixture(.fixture(onHold: true, acknowledgeDue: t("2026-01-05T10:00:00Z"))),
              world: .fixture(rules: [
                  EscalationRule(code: "p1-ack", measure: .slaAcknowledge, thresholds: [10], notify: "integrator",
                                 repeatEvery: nil, window: nil, priority: .p1),
                  EscalationRule(code: "p2-ack", measure: .slaAcknowledge, thresholds: [10], notify: "integrator",
                                 repeatEvery: nil, window: nil, priority: .p2),
                  EscalationRule(code: "off", measure: .slaAcknowledge, thresholds: [10], notify: "integrator",
                                 repeatEvery: nil, window: nil, enabled: false),
              ]),
              now: t("2026-01-05T09:06:00Z"),
              decisions: [.about(.raise("p2-ack", 1), "SLA acknowledge 10 % elapsed (due 2026-01-05T10:00:00Z)")]),
    ]

    @Test(arguments: slaCases)
    func slaThresholds(_ c: PlanCase) { c.check() }

    // MARK: OLA clocks

    /// acme's 30-minute offer on 24×7, made Monday 09:00Z, due 09:30Z.
    static let offered = IncidentSnapshot.fixture(handoffs: [.fixture(1, to: "acme", acceptDue: t("2026-01-05T09:30:00Z"))])

    static func accept(_ level: Int) -> Decision {
        let percent = [50, 75, 90][level - 1]
        return .about(.raise("ola-accept", level, handoff: 1, supplier: "acme"),
                      "OLA accept (acme, handoff 1) \(percent) % elapsed (due 2026-01-05T09:30:00Z)")
    }

    static let olaCases: [PlanCase] = [
        // 50 % of the accept clock is 09:15Z.
        .init(why: "before 50 %", snapshot: offered, now: t("2026-01-05T09:14:59Z"),
              decisions: [], nextCheck: t("2026-01-05T09:15:00Z")),
        .init(why: "50 %", snapshot: offered, now: t("2026-01-05T09:15:00Z"),
              decisions: [accept(1)], nextCheck: t("2026-01-05T09:22:30Z")),
        // At 90 % the next check is the deadline itself, not a 100 % level.
        .init(why: "90 %", snapshot: offered, now: t("2026-01-05T09:29:59Z"),
              decisions: [.about(.raise("ola-accept", 3, handoff: 1, supplier: "acme"),
                                 "OLA accept (acme, handoff 1) 90 % elapsed (due 2026-01-05T09:30:00Z); caught up, passing over level 1 (50 %), level 2 (75 %)")],
              nextCheck: t("2026-01-05T09:30:00Z")),
        // At 100 % the offer expires instead: no level 4, and its open escalations close.
        .init(why: "100 % expires, no level",
              snapshot: .fixture(handoffs: offered.handoffs, escalations: [
                  .fixture(5, rule: "ola-accept", level: 1, handoff: 1, supplier: "acme", raisedAt: t("2026-01-05T09:15:00Z")),
              ]),
              now: t("2026-01-05T09:30:00Z"),
              // Level 1 (09:15Z) was raised, 75 % and 90 % were not (the daemon came at 100 %):
              // it climbs to 3, naming 2, and closes with the offer in the same plan.
              decisions: [
                  .about(.expireHandoff(handoff: 1), "not accepted by acme by 2026-01-05T09:30:00Z"),
                  .about(.raise("ola-accept", 3, handoff: 1, supplier: "acme"),
                         "OLA accept (acme, handoff 1) 90 % elapsed (due 2026-01-05T09:30:00Z) before it expired; caught up, passing over level 2 (75 %)"),
                  .about(.closeRaisedEscalation(rule: "ola-accept", handoff: 1, supplier: "acme", cause: .expired), "handoff 1 expired"),
                  .about(.offer(to: "beta"), "after an expired offer: best eligible supplier (rank 2, load 0/unlimited); ranked above it: 1 let an offer of it expire"),
              ]),
        // On a business calendar: offered Friday 16:50 Berlin with 30 min on `eu`, due Monday
        // 08:20 Berlin; on Saturday the next check is 50 %: Monday 08:05 Berlin.
        .init(why: "accept clock over the weekend",
              snapshot: .fixture(handoffs: [.fixture(1, to: "acme", offeredAt: t("2026-01-09T16:50:00+01:00"),
                                                     acceptDue: t("2026-01-12T08:20:00+01:00"), acceptCalendar: "eu")]),
              now: t("2026-01-10T12:00:00+01:00"), decisions: [], nextCheck: t("2026-01-12T08:05:00+01:00")),
        // The owner's OLA resolve clock (4 h on 24×7 from 09:00Z): 50 % at 11:00Z, next 75 % at 12:00Z.
        .init(why: "OLA resolve of the owner",
              snapshot: .fixture(.fixture(state: .inProgress, owner: "beta"),
                                 handoffs: [.fixture(1, to: "beta", state: .accepted)],
                                 owners: [.owner("beta", handoff: 1, resolveDue: t("2026-01-05T13:00:00Z"))]),
              now: t("2026-01-05T11:00:00Z"),
              decisions: [.about(.raise("ola-resolve", 1, handoff: 1, supplier: "beta"),
                                 "OLA resolve (beta) 50 % elapsed (due 2026-01-05T13:00:00Z)")],
              nextCheck: t("2026-01-05T12:00:00Z")),
    ]

    @Test(arguments: olaCases)
    func olaThresholds(_ c: PlanCase) { c.check() }

    // MARK: Ping-pong

    /// Network served by four active suppliers: after three rejections delta is still free.
    static let fourSuppliers = WorldSnapshot.fixture(candidates: ["network": [
        .fixture("acme", rank: 1, capacity: 2), .fixture("beta", rank: 2), .fixture("gamma", rank: 3),
        .fixture("delta", rank: 4),
    ]])

    static func rejections(firstAt first: Instant) -> [Handoff] {
        [.fixture(1, to: "acme", state: .rejected, offeredAt: first),
         .fixture(2, to: "beta", state: .rejected, offeredAt: t("2026-01-05T09:10:00Z")),
         .fixture(3, to: "gamma", state: .rejected, offeredAt: t("2026-01-05T09:20:00Z"))]
    }

    static func bounced(_ count: Int, _ who: String, stop tail: String) -> [Decision] {
        [.about(.raise("bounce", 1), "bounced \(count) times within 1d (\(who)): ping-pong"),
         .about(.stopRouting, "bounced \(count) times within 1d: automatic routing stopped until a person offers it; \(tail)")]
    }

    static let bounceCases: [PlanCase] = [
        // Three refusals within 24 h (answered 09:35Z yesterday, 09:15Z, 09:25Z): a bounce
        // escalation, routing stops, and no offer is made although delta could take it.
        .init(why: "third bounce in the window",
              snapshot: .fixture(handoffs: rejections(firstAt: t("2026-01-04T09:30:00Z"))),
              world: fourSuppliers, now: t("2026-01-05T09:30:00Z"),
              decisions: bounced(3, "acme rejected, beta rejected, gamma rejected", stop: "no offer stands")),
        // Exactly 24 h old still counts; 24 h and 1 s old does not.
        .init(why: "at the window's edge",
              snapshot: .fixture(handoffs: rejections(firstAt: monday), bounces: [
                  BounceRecord(supplier: "acme", at: t("2026-01-04T09:30:00Z"), kind: .rejected),
                  BounceRecord(supplier: "beta", at: t("2026-01-05T09:15:00Z"), kind: .rejected),
                  BounceRecord(supplier: "gamma", at: t("2026-01-05T09:25:00Z"), kind: .rejected)]),
              world: fourSuppliers, now: t("2026-01-05T09:30:00Z"),
              decisions: bounced(3, "acme rejected, beta rejected, gamma rejected", stop: "no offer stands")),
        .init(why: "first bounce outside the window",
              snapshot: .fixture(handoffs: rejections(firstAt: monday), bounces: [
                  BounceRecord(supplier: "acme", at: t("2026-01-04T09:29:59Z"), kind: .rejected),
                  BounceRecord(supplier: "beta", at: t("2026-01-05T09:15:00Z"), kind: .rejected),
                  BounceRecord(supplier: "gamma", at: t("2026-01-05T09:25:00Z"), kind: .rejected)]),
              world: fourSuppliers, now: t("2026-01-05T09:30:00Z"),
              decisions: [.about(.offer(to: "delta"), "after a rejected offer: best eligible supplier (rank 4, load 0/unlimited); ranked above it: 3 rejected it")]),
        // Expiries are neglect, not bounces (the OLA accept clock escalates them): three
        // offers let expire are no ping-pong, and the first routing is none either.
        .init(why: "expiries are no bounces",
              snapshot: .fixture(handoffs: [.fixture(1, to: "acme", state: .expired),
                                            .fixture(2, to: "beta", state: .expired),
                                            .fixture(3, to: "gamma", state: .expired)]),
              world: fourSuppliers, now: t("2026-01-05T09:30:00Z"),
              decisions: [.about(.offer(to: "delta"), "after an expired offer: best eligible supplier (rank 4, load 0/unlimited); ranked above it: 3 let an offer of it expire")]),
        // One expiry and one rejection: one bounce, no ping-pong (the old count said two).
        .init(why: "expiry plus rejection is one bounce",
              snapshot: .fixture(handoffs: [.fixture(1, to: "acme", state: .expired),
                                            .fixture(2, to: "beta", state: .rejected, offeredAt: t("2026-01-05T09:10:00Z"))]),
              world: fourSuppliers, now: t("2026-01-05T09:30:00Z"),
              decisions: [.about(.offer(to: "gamma"), "after a rejected offer: best eligible supplier (rank 3, load 0/unlimited); ranked above it: 1 let an offer of it expire, 1 rejected it")]),
        // Offers of parts are not handoffs of the incident: no ping-pong.
        .init(why: "parts do not count",
              snapshot: .fixture(handoffs: [.fixture(1, to: "acme", state: .rejected),
                                            .fixture(2, to: "beta", state: .rejected),
                                            .fixture(3, to: "gamma", state: .rejected, part: "diagnostics")]),
              world: fourSuppliers, now: t("2026-01-05T09:30:00Z"),
              decisions: [.about(.offer(to: "gamma"), "after a rejected offer: best eligible supplier (rank 3, load 0/unlimited); ranked above it: 2 rejected it")]),
        // A hand-back is a bounce of the supplier that held it; the next offer goes elsewhere.
        .init(why: "handed back, then offered on",
              snapshot: .fixture(handoffs: [.fixture(1, to: "acme", state: .accepted)],
                                 bounces: [BounceRecord(supplier: "acme", at: t("2026-01-05T09:20:00Z"), kind: .handedBack)]),
              world: fourSuppliers, now: t("2026-01-05T09:30:00Z"),
              decisions: [.about(.offer(to: "beta"), "handed back by its owner: best eligible supplier (rank 2, load 0/unlimited); ranked above it: 1 handed it back")]),
        // The stop withdraws the daemon's own standing offer ...
        .init(why: "the daemon's standing offer is withdrawn",
              snapshot: .fixture(handoffs: rejections(firstAt: monday) + [.fixture(4, to: "delta", automatic: true)],
                                 bounces: BounceRecord.rejections(in: rejections(firstAt: monday))),
              world: fourSuppliers, now: t("2026-01-05T09:30:00Z"),
              decisions: [bounced(3, "acme rejected, beta rejected, gamma rejected", stop: "")[0],
                          .about(.cancelHandoff(handoff: 4),
                                 "routing stopped (ping-pong): the daemon's offer is withdrawn; a person chooses who gets the work"),
                          .about(.stopRouting, "bounced 3 times within 1d: automatic routing stopped until a person offers it; the daemon's standing offer 4 to delta is withdrawn")]),
        // ... and keeps a person's: a person chose that supplier.
        .init(why: "a person's standing offer stands",
              snapshot: .fixture(handoffs: rejections(firstAt: monday) + [.fixture(4, to: "delta")]),
              world: fourSuppliers, now: t("2026-01-05T09:30:00Z"),
              decisions: bounced(3, "acme rejected, beta rejected, gamma rejected",
                                 stop: "the standing offer 4 to delta, made by a person, stands")),
        // Raised before and routing already stopped: nothing more.
        .init(why: "already stopped",
              snapshot: .fixture(.fixture(routingStopped: true), handoffs: rejections(firstAt: monday),
                                 escalations: [.fixture(4, rule: "bounce", raisedAt: t("2026-01-05T09:20:00Z"))]),
              world: fourSuppliers, now: t("2026-01-05T09:30:00Z"), decisions: []),
        // A person offered it again (routing resumed) and it was rejected: the bounce, at its
        // only level already, is not raised again, and routing goes on.
        .init(why: "resumed by a person",
              snapshot: .fixture(handoffs: rejections(firstAt: monday)
                                     + [.fixture(4, to: "beta", state: .rejected, offeredAt: t("2026-01-05T09:25:00Z"))],
                                 escalations: [.fixture(4, rule: "bounce", raisedAt: t("2026-01-05T09:20:00Z"))]),
              world: fourSuppliers, now: t("2026-01-05T09:30:00Z"),
              decisions: [.about(.offer(to: "delta"), "after a rejected offer: best eligible supplier (rank 4, load 0/unlimited); ranked above it: 3 rejected it")]),
    ]

    @Test(arguments: bounceCases)
    func bounces(_ c: PlanCase) { c.check() }

    // MARK: Complaints

    static func complaint(_ level: Int, _ weight: Int, customers: Int, users: Int, from: Int = 0) -> Decision {
        let caughtUp = level - from > 1 ? "; caught up, passing over level 1 (1)" : ""
        return .about(.raise("complaint", level),
                      "complaints weigh \(weight) (\(customers) from the customer, \(users) from users)\(caughtUp)")
    }

    static let held = Incident.fixture(onHold: true)

    /// Default rule `complaint`: thresholds 1 and 3 over 7 days; a customer weighs 2, a user 1.
    static let complaintCases: [PlanCase] = [
        // No complaint, no escalation.
        .init(why: "none", snapshot: .fixture(held), decisions: []),
        // One user: weight 1 reaches level 1.
        .init(why: "one user", snapshot: .fixture(held, complaints: [.user()]),
              decisions: [complaint(1, 1, customers: 0, users: 1)]),
        // One customer: weight 2, level 1 only.
        .init(why: "one customer", snapshot: .fixture(held, complaints: [.customer()]),
              decisions: [complaint(1, 2, customers: 1, users: 0)]),
        // A customer and a user: weight 3 reaches level 2 at once (one escalation, level 2).
        .init(why: "customer and user", snapshot: .fixture(held, complaints: [.customer(), .user()]),
              decisions: [complaint(2, 3, customers: 1, users: 1)]),
        // Two users weigh 2: level 1 only.
        .init(why: "two users", snapshot: .fixture(held, complaints: [.user(), .user()]),
              decisions: [complaint(1, 2, customers: 0, users: 2)]),
        // Three users weigh as much as a customer and a user.
        .init(why: "three users", snapshot: .fixture(held, complaints: [.user(), .user(), .user()]),
              decisions: [complaint(2, 3, customers: 0, users: 3)]),
        // A customer complaint one second older than the 7-day window no longer counts.
        .init(why: "outside the window",
              snapshot: .fixture(held, complaints: [.customer(at: t("2025-12-29T08:59:59Z")), .user()]),
              decisions: [complaint(1, 1, customers: 0, users: 1)]),
        // Exactly 7 days old still counts.
        .init(why: "at the window's edge",
              snapshot: .fixture(held, complaints: [.customer(at: t("2025-12-29T09:00:00Z")), .user()]),
              decisions: [complaint(2, 3, customers: 1, users: 1)]),
        // Level 1 raised before: it climbs to level 2.
        .init(why: "level 1 raised before",
              snapshot: .fixture(held, escalations: [.fixture(3, rule: "complaint", level: 1)],
                                 complaints: [.customer(), .user()]),
              decisions: [complaint(2, 3, customers: 1, users: 1, from: 1)]),
    ]

    @Test(arguments: complaintCases)
    func complaints(_ c: PlanCase) { c.check() }

    // MARK: Offers that ended before the daemon got to them

    /// An offer answered, expired or withdrawn before the daemon looked: every level its accept
    /// clock crossed before it ended is raised — the highest at once, naming those passed
    /// over — and closed in the same plan with the offer's cause (an escalation opened
    /// already climbs, then closes). A subject whose escalation closed already is left alone.
    static func quick(_ state: HandoffState, escalations: [Escalation] = []) -> IncidentSnapshot {
        // Offered 09:00Z for 8 minutes (50 % 09:04Z, 75 % 09:06Z, 90 % 09:07:12Z); answered
        // 09:05Z (62.5 %) when answered.
        .fixture(state == .accepted ? .fixture(state: .assigned, owner: "acme") : .fixture(onHold: true),
                 handoffs: [.fixture(1, to: "acme", state: state, acceptDue: t("2026-01-05T09:08:00Z"))],
                 escalations: escalations)
    }

    static let endedOfferCases: [PlanCase] = [
        // Accepted at 62.5 % before the daemon saw 50 %: level 1, raised and closed.
        .init(why: "accepted after 50 %, never raised", snapshot: quick(.accepted), now: t("2026-01-05T09:10:00Z"),
              decisions: [
                  .about(.raise("ola-accept", 1, handoff: 1, supplier: "acme"),
                         "OLA accept (acme, handoff 1) 50 % elapsed (due 2026-01-05T09:08:00Z) before it was accepted"),
                  .about(.closeRaisedEscalation(rule: "ola-accept", handoff: 1, supplier: "acme", cause: .accepted), "handoff 1 accepted"),
              ]),
        // Rejected at 62.5 % likewise, with its cause.
        .init(why: "rejected after 50 %, never raised", snapshot: quick(.rejected), now: t("2026-01-05T09:10:00Z"),
              decisions: [
                  .about(.raise("ola-accept", 1, handoff: 1, supplier: "acme"),
                         "OLA accept (acme, handoff 1) 50 % elapsed (due 2026-01-05T09:08:00Z) before it was rejected"),
                  .about(.closeRaisedEscalation(rule: "ola-accept", handoff: 1, supplier: "acme", cause: .rejected), "handoff 1 rejected"),
              ]),
        // Level 1 was raised and nothing more was crossed before the answer: it just closes.
        .init(why: "accepted, its levels all raised",
              snapshot: quick(.accepted, escalations: [.fixture(2, rule: "ola-accept", handoff: 1, supplier: "acme")]),
              now: t("2026-01-05T09:10:00Z"),
              decisions: [.about(.closeEscalation(escalation: 2, cause: .accepted), "handoff 1 accepted")]),
        // Expired in an earlier pass whose plan did not raise its levels (the expiry made
        // elsewhere): raised and closed now.
        .init(why: "expired earlier, never raised", snapshot: quick(.expired), now: t("2026-01-05T09:20:00Z"),
              decisions: [
                  .about(.raise("ola-accept", 3, handoff: 1, supplier: "acme"),
                         "OLA accept (acme, handoff 1) 90 % elapsed (due 2026-01-05T09:08:00Z) before it expired; caught up, passing over level 1 (50 %), level 2 (75 %)"),
                  .about(.closeRaisedEscalation(rule: "ola-accept", handoff: 1, supplier: "acme", cause: .expired), "handoff 1 expired"),
              ]),
        // Its escalation closed already (at level 1): a level is not raised again after that.
        .init(why: "closed already, not raised again",
              snapshot: quick(.expired, escalations: [.fixture(2, rule: "ola-accept", handoff: 1, supplier: "acme",
                                                               closedAt: t("2026-01-05T09:08:00Z"))]),
              now: t("2026-01-05T09:20:00Z"), decisions: []),
        // Answered before 50 %: nothing was crossed, nothing to raise.
        .init(why: "accepted before 50 %",
              snapshot: .fixture(.fixture(state: .assigned, owner: "acme"),
                                 handoffs: [.fixture(1, to: "acme", state: .accepted, acceptDue: t("2026-01-05T09:30:00Z"))]),
              now: t("2026-01-05T09:40:00Z"), decisions: []),
        // Withdrawn in this plan (acme suspended) at 09:20Z, 66 % of 09:00Z-09:30Z: level 1.
        .init(why: "withdrawn now after 50 %",
              snapshot: .fixture(held, handoffs: [.fixture(1, to: "acme", acceptDue: t("2026-01-05T09:30:00Z"))]),
              world: .fixture(status: ["acme": .suspended]), now: t("2026-01-05T09:20:00Z"),
              decisions: [
                  .about(.cancelHandoff(handoff: 1), "supplier acme is suspended"),
                  .about(.raise("ola-accept", 1, handoff: 1, supplier: "acme"),
                         "OLA accept (acme, handoff 1) 50 % elapsed (due 2026-01-05T09:30:00Z) before it was withdrawn"),
                  .about(.closeRaisedEscalation(rule: "ola-accept", handoff: 1, supplier: "acme", cause: .withdrawn), "handoff 1 withdrawn"),
              ]),
        // The incident is resolved: its escalations close, nothing is raised for it any more.
        .init(why: "incident resolved",
              snapshot: .fixture(.fixture(state: .resolved, owner: "acme"),
                                 handoffs: [.fixture(1, to: "acme", state: .accepted, acceptDue: t("2026-01-05T09:08:00Z"))]),
              now: t("2026-01-05T09:20:00Z"), decisions: []),
    ]

    @Test(arguments: endedOfferCases)
    func endedOffers(_ c: PlanCase) { c.check() }

    // MARK: Closing escalations

    static let closeCases: [PlanCase] = [
        // Acknowledged: the SLA acknowledge escalations close (and do not repeat).
        .init(why: "acknowledged",
              snapshot: .fixture(.fixture(state: .assigned, owner: "acme", acknowledgedAt: t("2026-01-05T09:20:00Z")),
                                 escalations: [.fixture(1, rule: "sla-acknowledge", lastNotifiedAt: t("2026-01-04T09:00:00Z"))]),
              decisions: [.about(.closeEscalation(escalation: 1, cause: .workStarted), "work started")]),
        // The offer was accepted: its OLA accept escalation closes.
        .init(why: "handoff accepted",
              snapshot: .fixture(.fixture(state: .assigned, owner: "acme"),
                                 handoffs: [.fixture(1, to: "acme", state: .accepted)],
                                 escalations: [.fixture(2, rule: "ola-accept", handoff: 1, supplier: "acme")]),
              decisions: [.about(.closeEscalation(escalation: 2, cause: .accepted), "handoff 1 accepted")]),
        // The offer was rejected: likewise.
        .init(why: "handoff rejected",
              snapshot: .fixture(held, handoffs: [.fixture(1, to: "acme", state: .rejected)],
                                 escalations: [.fixture(2, rule: "ola-accept", handoff: 1, supplier: "acme")]),
              decisions: [.about(.closeEscalation(escalation: 2, cause: .rejected), "handoff 1 rejected")]),
        // The offer is withdrawn in this very pass (acme suspended): closes as "withdrawn".
        .init(why: "handoff cancelled now",
              snapshot: .fixture(held, handoffs: [.fixture(1, to: "acme")],
                                 escalations: [.fixture(2, rule: "ola-accept", handoff: 1, supplier: "acme")]),
              world: .fixture(status: ["acme": .suspended]),
              decisions: [.about(.cancelHandoff(handoff: 1), "supplier acme is suspended"),
                          .about(.closeEscalation(escalation: 2, cause: .withdrawn), "handoff 1 withdrawn")]),
        // A still-open offer keeps its escalation (until its next repeat).
        .init(why: "handoff still offered",
              snapshot: .fixture(held, handoffs: [.fixture(1, to: "acme")],
                                 escalations: [.fixture(2, rule: "ola-accept", handoff: 1, supplier: "acme")]),
              decisions: [], nextCheck: t("2026-01-05T10:00:00Z")),
        // The owner changed: beta's OLA resolve escalation closes.
        .init(why: "owner changed",
              snapshot: .fixture(.fixture(state: .assigned, owner: "acme"),
                                 handoffs: [.fixture(1, to: "beta", state: .accepted), .fixture(2, to: "acme", state: .accepted)],
                                 owners: [.owner("acme", handoff: 2)],
                                 escalations: [.fixture(3, rule: "ola-resolve", handoff: 1, supplier: "beta")]),
              decisions: [.about(.closeEscalation(escalation: 3, cause: .handedOn), "beta no longer holds it")]),
        // The owner still holds it: its OLA resolve escalation stays.
        .init(why: "owner unchanged",
              snapshot: .fixture(.fixture(state: .assigned, owner: "beta"),
                                 handoffs: [.fixture(1, to: "beta", state: .accepted)],
                                 owners: [.owner("beta", handoff: 1)],
                                 escalations: [.fixture(3, rule: "ola-resolve", handoff: 1, supplier: "beta")]),
              decisions: [], nextCheck: t("2026-01-05T10:00:00Z")),
        // Unroutable, then someone took it: closes.
        .init(why: "unroutable, now owned",
              snapshot: .fixture(.fixture(state: .assigned, owner: "beta"),
                                 escalations: [.fixture(4, rule: "no-supplier")]),
              decisions: [.about(.closeEscalation(escalation: 4, cause: .routed), "owned by beta")]),
        // Unroutable, then offered (by a person or an earlier pass): closes.
        .init(why: "unroutable, now offered",
              snapshot: .fixture(handoffs: [.fixture(1, to: "beta")], escalations: [.fixture(4, rule: "no-supplier")]),
              decisions: [.about(.closeEscalation(escalation: 4, cause: .routed), "offered")]),
        // Unroutable and the owner must still move: stays open.
        .init(why: "unroutable, owner still suspended",
              snapshot: .fixture(.fixture(state: .inProgress, owner: "acme"), escalations: [.fixture(4, rule: "no-supplier")]),
              world: .fixture(candidates: ["network": [.fixture("acme", rank: 1, capacity: 2)]], status: ["acme": .suspended]),
              decisions: [], nextCheck: t("2026-01-05T10:00:00Z")),
        // Resolved: every open escalation closes, whatever its rule.
        .init(why: "incident resolved",
              snapshot: .fixture(.fixture(state: .resolved, owner: "acme", resolvedAt: monday),
                                 escalations: [.fixture(5, rule: "sla-resolve", level: 2), .fixture(6, rule: "bounce"),
                                               .fixture(7, rule: "complaint", level: 1)]),
              decisions: [.about(.closeEscalation(escalation: 5, cause: .resolved), "incident resolved"),
                          .about(.closeEscalation(escalation: 6, cause: .resolved), "incident resolved"),
                          .about(.closeEscalation(escalation: 7, cause: .resolved), "incident resolved")]),
        // Closed ones are not closed again.
        .init(why: "already closed",
              snapshot: .fixture(.fixture(state: .resolved, owner: "acme", resolvedAt: monday),
                                 escalations: [.fixture(5, rule: "sla-resolve", closedAt: monday)]),
              decisions: []),
        // While the incident is open, SLA resolve, bounce and complaint escalations stay open.
        .init(why: "open incident keeps the rest",
              snapshot: .fixture(held, escalations: [.fixture(5, rule: "sla-resolve", acknowledgedAt: monday),
                                                     .fixture(6, rule: "bounce"),
                                                     .fixture(7, rule: "complaint", acknowledgedAt: monday)]),
              decisions: []),
    ]

    @Test(arguments: closeCases)
    func closing(_ c: PlanCase) { c.check() }

    // MARK: Repeats

    /// A held incident with one open `sla-resolve` escalation (hourly repeat), notified last at
    /// `last`; nothing else runs.
    static func repeating(last: String, count: Int = 1, acknowledged: Bool = false, closed: Bool = false,
                          rule: String = "sla-resolve") -> IncidentSnapshot {
        .fixture(held, escalations: [.fixture(9, rule: rule, raisedAt: t("2026-01-05T06:00:00Z"), lastNotifiedAt: t(last),
                                              notifiedCount: count, acknowledgedAt: acknowledged ? monday : nil,
                                              closedAt: closed ? monday : nil)])
    }

    static let repeatCases: [PlanCase] = [
        // Exactly one interval since the last notification: repeat; the next one an hour on.
        .init(why: "due exactly", snapshot: repeating(last: "2026-01-05T08:00:00Z"),
              decisions: [.about(.repeatEscalation(escalation: 9), "level 1 not acknowledged since 2026-01-05T08:00:00Z (notified 1×)")],
              nextCheck: t("2026-01-05T10:00:00Z")),
        // Long overdue (a daemon was down): one repeat, not one per missed interval.
        .init(why: "overdue", snapshot: repeating(last: "2026-01-05T06:30:00Z", count: 3),
              decisions: [.about(.repeatEscalation(escalation: 9), "level 1 not acknowledged since 2026-01-05T06:30:00Z (notified 3×)")],
              nextCheck: t("2026-01-05T10:00:00Z")),
        // One second early: no repeat; the next check is the repeat instant.
        .init(why: "one second early", snapshot: repeating(last: "2026-01-05T08:00:01Z"),
              decisions: [], nextCheck: t("2026-01-05T09:00:01Z")),
        // Acknowledged: never repeats, nothing scheduled.
        .init(why: "acknowledged", snapshot: repeating(last: "2026-01-05T07:00:00Z", acknowledged: true), decisions: []),
        // Closed: never repeats.
        .init(why: "closed", snapshot: repeating(last: "2026-01-05T07:00:00Z", closed: true), decisions: []),
        // A rule without a repeat interval notifies once.
        .init(why: "rule without repeat", snapshot: repeating(last: "2026-01-04T07:00:00Z", rule: "bounce"), decisions: []),
        // The repeat (09:30Z) comes before the next threshold (acknowledge 75 % at 09:45Z) and
        // is the next check; the threshold is not lost behind it.
        .init(why: "repeat before threshold",
              snapshot: .fixture(slaIncident, escalations: [
                  .fixture(1, rule: "sla-acknowledge", level: 1, raisedAt: t("2026-01-05T08:30:00Z")),
              ]),
              now: t("2026-01-05T09:20:00Z"), decisions: [], nextCheck: t("2026-01-05T09:30:00Z")),
    ]

    @Test(arguments: repeatCases)
    func repeats(_ c: PlanCase) { c.check() }

    // MARK: Incidents that are no longer open

    /// Resolved, closed or cancelled: open offers are withdrawn and open escalations close;
    /// nothing is raised (although every clock is overdue and complaints abound), routed or
    /// repeated, and nothing is scheduled.
    @Test(arguments: [IncidentState.resolved, .closed, .cancelled])
    func finishedIncidentOnlyCleansUp(_ state: IncidentState) {
        let finished = IncidentSnapshot.fixture(
            .fixture(state: state, owner: state == .cancelled ? nil : "acme", acknowledgeDue: Self.t("2026-01-05T01:00:00Z"),
                     resolveDue: Self.t("2026-01-05T02:00:00Z")),
            handoffs: [.fixture(1, to: "beta", state: .rejected, offeredAt: Self.t("2026-01-05T08:00:00Z")),
                       .fixture(2, to: "gamma", state: .rejected, offeredAt: Self.t("2026-01-05T08:10:00Z")),
                       .fixture(3, to: "acme", offeredAt: Self.t("2026-01-05T08:20:00Z"),
                                acceptDue: Self.t("2026-01-05T08:50:00Z"))],
            owners: [.owner("acme", handoff: 3, resolveDue: Self.t("2026-01-05T03:00:00Z"))],
            escalations: [.fixture(8, rule: "sla-acknowledge", lastNotifiedAt: Self.t("2026-01-05T02:00:00Z"))],
            complaints: [.customer(), .customer()])
        PlanCase(why: "\(state)", snapshot: finished, now: Self.t("2026-01-05T12:00:00Z"),
                 decisions: [.about(.cancelHandoff(handoff: 3), "incident \(state.rawValue)"),
                             .about(.closeEscalation(escalation: 8, cause: state == .cancelled ? .cancelled : .resolved), "incident \(state.rawValue)")])
            .check()
    }

    // MARK: Regressions

    /// Regression: an escalation raised by a plan puts its first repeat (`now + repeatEvery`)
    /// into `nextCheck`. It used not to: with the acknowledge clock overdue and nothing else
    /// running, the plan scheduled nothing, and as raising does not wake the incident the
    /// hourly repeat (10:00Z) never came.
    @Test func raisedEscalationSchedulesItsFirstRepeat() {
        var world = WorldSnapshot.fixture()
        let snapshot = IncidentSnapshot.fixture(.fixture(onHold: true, openedAt: Self.t("2026-01-05T07:30:00Z"),
                                                         acknowledgeDue: Self.t("2026-01-05T08:30:00Z")))
        let plan = Planner.plan(snapshot, world: &world, now: Self.monday)
        #expect(plan.decisions.map(\.action) == [Decision.Action.raise("sla-acknowledge", 4)])
        #expect(plan.nextCheck == Self.t("2026-01-05T10:00:00Z"))
    }

    /// Regression: a level above 100 % (an overdue ladder such as `{100,150}`, which the
    /// schema allows) is reached half a clock after due; it used to be raised at the due
    /// instant together with the 100 % level.
    @Test func thresholdAbove100IsReachedAfterDue() {
        var world = WorldSnapshot.fixture(rules: [
            EscalationRule(code: "overdue", measure: .slaResolve, thresholds: [100, 150], notify: "integrator",
                           repeatEvery: nil, window: nil),
        ])
        // 8 h on 24×7 from 09:00Z: due 17:00Z, 150 % at 21:00Z.
        let snapshot = IncidentSnapshot.fixture(.fixture(onHold: true, resolveDue: Self.t("2026-01-05T17:00:00Z")))
        let plan = Planner.plan(snapshot, world: &world, now: Self.t("2026-01-05T17:00:00Z"))
        #expect(plan.decisions == [.about(.raise("overdue", 1), "SLA resolve 100 % elapsed (due 2026-01-05T17:00:00Z)")])
        #expect(plan.nextCheck == Self.t("2026-01-05T21:00:00Z"))
    }

    // MARK: Whole plans

    /// Everything at once on one incident, in the documented order: settle offers, close,
    /// clocks, counts, route, repeat.
    @Test func stepsComeInOrder() {
        let snapshot = IncidentSnapshot.fixture(
            .fixture(acknowledgeDue: Self.t("2026-01-05T10:00:00Z")),
            handoffs: [.fixture(1, to: "acme", acceptDue: Self.t("2026-01-05T09:30:00Z"))],
            escalations: [.fixture(2, rule: "ola-accept", level: 1, handoff: 1, supplier: "acme"),
                          .fixture(3, rule: "complaint", level: 1, raisedAt: Self.t("2026-01-05T08:00:00Z"))],
            complaints: [.customer(), .user()])
        PlanCase(why: "all steps", snapshot: snapshot,
                 world: .fixture(rules: EscalationRule.schemaDefaults.map { rule in
                     var rule = rule
                     if rule.code == "complaint" { rule.repeatEvery = 3_600 }
                     return rule
                 }),
                 now: Self.t("2026-01-05T09:40:00Z"),
                 decisions: [
                     .about(.expireHandoff(handoff: 1), "not accepted by acme by 2026-01-05T09:30:00Z"),
                     // Its accept escalation (level 1) climbs to the levels crossed before the
                     // expiry and closes with it.
                     .about(.raise("ola-accept", 3, handoff: 1, supplier: "acme"),
                            "OLA accept (acme, handoff 1) 90 % elapsed (due 2026-01-05T09:30:00Z) before it expired; caught up, passing over level 2 (75 %)"),
                     .about(.closeRaisedEscalation(rule: "ola-accept", handoff: 1, supplier: "acme", cause: .expired), "handoff 1 expired"),
                     .about(.raise("sla-acknowledge", 1), "SLA acknowledge 50 % elapsed (due 2026-01-05T10:00:00Z)"),
                     // Escalation 3 climbs from level 1; the climb notifies, so it does not repeat too.
                     .about(.raise("complaint", 2), "complaints weigh 3 (1 from the customer, 1 from users)"),
                     .about(.offer(to: "beta"), "after an expired offer: best eligible supplier (rank 2, load 0/unlimited); ranked above it: 1 let an offer of it expire"),
                 ],
                 // The 75 % threshold (09:45Z) before the repeat (10:40Z); the new offer's clock
                 // is added when the database made it (Planner.finish).
                 nextCheck: Self.t("2026-01-05T09:45:00Z"))
            .check()
    }

    /// `nextCheck` is always in the future (an offer's accept clock is added by
    /// `Planner.finish`); planning is a pure function: the same snapshot, world and instant
    /// give the same plan.
    @Test func planIsPureAndLooksAhead() {
        for c in Self.routingCases + Self.offerCases + Self.slaCases + Self.olaCases + Self.bounceCases
            + Self.complaintCases + Self.closeCases + Self.repeatCases {
            var first = c.world
            var second = c.world
            let a = Planner.plan(c.snapshot, world: &first, now: c.now)
            let b = Planner.plan(c.snapshot, world: &second, now: c.now)
            #expect(a == b, "\(c.why)")
            if let next = a.nextCheck {
                #expect(next > c.now, "\(c.why)")
            }
        }
    }
}
