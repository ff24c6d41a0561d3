import Testing
@testable import SiamCore

/// One escalation per clock × rule whose level climbs; acknowledgements per level; repeats of
/// the current level only; scope disputes. (The store's half — clearing the acknowledgement
/// when the level rises, naming the levels passed over in the event — is tested on a real
/// database in EscalationLifecycleTests.)
struct ClimbingEscalationTests {
    static func t(_ text: String) -> Instant { try! Instant(parsing: text) }

    /// Held P2 on 24×7 opened Monday 09:00Z, acknowledge due 10:00Z: 50 % 09:30Z, 75 % 09:45Z,
    /// 90 % 09:54Z, 100 % 10:00Z.
    static let incident = Incident.fixture(onHold: true, acknowledgeDue: t("2026-01-05T10:00:00Z"))

    static func ack(_ level: Int, _ percent: String, _ caughtUp: String = "") -> Decision {
        .about(.raise("sla-acknowledge", level), "SLA acknowledge \(percent) elapsed (due 2026-01-05T10:00:00Z)\(caughtUp)")
    }

    static let cases: [PlanCase] = [
        // Level 1 open; at 90 % it climbs to 3 in one step, naming level 2 as passed over.
        .init(why: "climbs past a level",
              snapshot: .fixture(incident, escalations: [.fixture(1, rule: "sla-acknowledge", level: 1,
                                                                  raisedAt: t("2026-01-05T09:30:00Z"))]),
              now: t("2026-01-05T09:55:00Z"),
              decisions: [ack(3, "90 %", "; caught up, passing over level 2 (75 %)")],
              nextCheck: t("2026-01-05T10:00:00Z")),
        // Level 2 acknowledged: no repeat while the level holds; the next check is 90 %.
        .init(why: "acknowledged level holds",
              snapshot: .fixture(incident, escalations: [.fixture(1, rule: "sla-acknowledge", level: 2,
                                                                  raisedAt: t("2026-01-05T08:00:00Z"),
                                                                  acknowledgedAt: t("2026-01-05T09:46:00Z"))]),
              now: t("2026-01-05T09:50:00Z"), decisions: [], nextCheck: t("2026-01-05T09:54:00Z")),
        // The acknowledged escalation climbs at 90 %: raised again (the store then asks for a
        // new acknowledgement).
        .init(why: "acknowledged, then it climbs",
              snapshot: .fixture(incident, escalations: [.fixture(1, rule: "sla-acknowledge", level: 2,
                                                                  raisedAt: t("2026-01-05T09:45:00Z"),
                                                                  acknowledgedAt: t("2026-01-05T09:46:00Z"))]),
              now: t("2026-01-05T09:54:00Z"), decisions: [ack(3, "90 %")], nextCheck: t("2026-01-05T10:00:00Z")),
        // Unacknowledged at level 2, hourly repeats: the repeat is of level 2, the one decision.
        .init(why: "repeat of the current level",
              snapshot: .fixture(Incident.fixture(onHold: true, acknowledgeDue: t("2026-01-05T12:00:00Z")),
                                 escalations: [.fixture(1, rule: "sla-acknowledge", level: 2,
                                                        raisedAt: t("2026-01-05T09:00:00Z"))]),
              now: t("2026-01-05T10:00:00Z"),
              decisions: [.about(.repeatEscalation(escalation: 1), "level 2 not acknowledged since 2026-01-05T09:00:00Z (notified 1×)")],
              // The hourly repeat (11:00Z) comes before 90 % (11:42Z).
              nextCheck: t("2026-01-05T11:00:00Z")),
        // A closed escalation's levels are not raised again for the same clock.
        .init(why: "closed stays closed",
              snapshot: .fixture(incident, escalations: [.fixture(1, rule: "sla-acknowledge", level: 4,
                                                                  closedAt: t("2026-01-05T10:00:00Z"))]),
              now: t("2026-01-05T10:30:00Z"), decisions: []),
        // An unruled scope dispute raises its escalation once, to the integrator.
        .init(why: "dispute raised",
              snapshot: .fixture(Incident.fixture(onHold: true),
                                 handoffs: [.fixture(3, to: "acme", state: .rejected)],
                                 disputes: [DisputeRecord(id: 9, handoff: 3, supplier: "acme", ruling: nil)]),
              now: t("2026-01-05T09:10:00Z"),
              decisions: [.about(.raise("scope-dispute", 1, handoff: 3, supplier: "acme"),
                                 "scope dispute 9: acme refused handoff 3 as out of scope (not ours); the integrator rules on it")],
              nextCheck: t("2026-01-05T13:10:00Z")),
        .init(why: "dispute raised before",
              snapshot: .fixture(Incident.fixture(onHold: true),
                                 handoffs: [.fixture(3, to: "acme", state: .rejected)],
                                 escalations: [.fixture(5, rule: "scope-dispute", handoff: 3, supplier: "acme",
                                                        raisedAt: t("2026-01-05T09:10:00Z"))],
                                 disputes: [DisputeRecord(id: 9, handoff: 3, supplier: "acme", ruling: nil)]),
              now: t("2026-01-05T09:20:00Z"), decisions: [], nextCheck: t("2026-01-05T13:10:00Z")),
        // A ruled dispute raises nothing; its escalation is closed by the ruling itself.
        .init(why: "dispute ruled",
              snapshot: .fixture(Incident.fixture(onHold: true),
                                 handoffs: [.fixture(3, to: "acme", state: .rejected)],
                                 disputes: [DisputeRecord(id: 9, handoff: 3, supplier: "acme", ruling: "in_scope")]),
              now: t("2026-01-05T09:10:00Z"), decisions: []),
    ]

    @Test(arguments: cases)
    func climbing(_ c: PlanCase) { c.check() }

    /// Property: over any sequence of passes at increasing instants, applying each plan's
    /// raises as the store does, a clock has at most one escalation, its level never drops,
    /// and it ends at the highest threshold crossed by the last pass, whatever the gaps.
    @Test func climbingIsMonotoneAndCatchesUp() {
        var random = SplitMix64(seed: 12)
        for _ in 0..<200 {
            var escalation: Escalation?
            var minute: Int64 = 0
            var levels: [Int] = []
            while minute < 90 {
                minute += Int64(random.next() % 25) + 1
                let now = EngineTime.monday.plus(minutes: minute)
                var world = WorldSnapshot.fixture()
                let plan = Planner.plan(.fixture(Self.incident, escalations: escalation.map { [$0] } ?? []),
                                        world: &world, now: now)
                for decision in plan.decisions {
                    guard case .raiseEscalation(let rule, let level, _, _) = decision.action, rule == "sla-acknowledge"
                    else { continue }
                    #expect(level > (escalation?.level ?? 0))
                    escalation = .fixture(1, rule: rule, level: level, raisedAt: now)
                }
                levels.append(escalation?.level ?? 0)
                let percent = Double(min(minute, 60)) * 100 / 60
                let expected = (([50.0, 75, 90, 100].lastIndex { percent >= $0 }) ?? -1) + 1
                #expect(escalation?.level ?? 0 == expected, "at minute \(minute)")
            }
            #expect(levels == levels.sorted())
        }
    }
}

/// Regressions found in review: what a stop of routing withdraws closes with it, and an open
/// offer of a part keeps its supplier from being offered the whole.
struct StopAndPartOfferTests {
    static func t(_ text: String) -> Instant { try! Instant(parsing: text) }

    @Test func theWithdrawnStandingOfferClosesItsAcceptEscalationInTheSamePlan() {
        let rejections: [Handoff] = [.fixture(1, to: "acme", state: .rejected),
                                     .fixture(2, to: "beta", state: .rejected, offeredAt: Self.t("2026-01-05T09:10:00Z")),
                                     .fixture(3, to: "gamma", state: .rejected, offeredAt: Self.t("2026-01-05T09:20:00Z"))]
        let standing = Handoff.fixture(4, to: "delta", offeredAt: Self.t("2026-01-05T09:26:00Z"),
                                       acceptDue: Self.t("2026-01-05T09:56:00Z"), automatic: true)
        var world = WorldSnapshot.fixture(candidates: ["network": [.fixture("acme", rank: 1), .fixture("beta", rank: 2),
                                                                   .fixture("gamma", rank: 3), .fixture("delta", rank: 4)]])
        let snapshot = IncidentSnapshot.fixture(
            handoffs: rejections + [standing],
            escalations: [.fixture(9, rule: "ola-accept", level: 1, handoff: 4, supplier: "delta",
                                   raisedAt: Self.t("2026-01-05T08:00:00Z"))])
        let plan = Planner.plan(snapshot, world: &world, now: Self.t("2026-01-05T09:50:00Z"))
        #expect(plan.decisions.contains(.about(.cancelHandoff(handoff: 4),
                                               "routing stopped (ping-pong): the daemon's offer is withdrawn; a person chooses who gets the work")))
        // The level its clock crossed before the withdrawal (75 %) is raised, and the escalation
        // closes with the offer in the same plan; it does not repeat.
        #expect(plan.decisions.contains(.about(.raise("ola-accept", 2, handoff: 4, supplier: "delta"),
                                               "OLA accept (delta, handoff 4) 75 % elapsed (due 2026-01-05T09:56:00Z) before it was withdrawn")))
        #expect(plan.decisions.contains(.about(.closeRaisedEscalation(rule: "ola-accept", handoff: 4, supplier: "delta", cause: .withdrawn),
                                               "handoff 4 withdrawn")))
        #expect(!plan.decisions.contains { if case .repeatEscalation(9) = $0.action { return true }; return false })
    }

    @Test func aSupplierWithAnOpenPartOfferIsNotOfferedTheWhole() {
        var world = WorldSnapshot.fixture()
        let plan = Planner.plan(.fixture(handoffs: [.fixture(1, to: "acme", part: "diagnostics")]), world: &world,
                                now: EngineTime.monday)
        #expect(plan.decisions.map(\.action) == [.offer(to: "beta")])
    }
}
