import Testing

@testable import SiamCore

/// One capacity case: suppliers' loads with their open capacity escalations, rules, `now`, and
/// the exact decisions and next check.
struct CapacityCase: CustomTestStringConvertible, Sendable {
    let why: String
    let suppliers: [SupplierLoad]
    var rules: [EscalationRule] = EscalationRule.schemaDefaults
    var now: Instant = EngineTime.monday
    let decisions: [Decision]
    var nextCheck: Instant? = nil

    var testDescription: String { why }
}

/// Capacity escalations. The schema's `capacity` rule: one level at 100 %, repeated every 4 h
/// until acknowledged. Now is Monday 2026-01-05 09:00Z unless a case says.
@Suite("capacity planner")
struct CapacityPlannerTests {
    static let monday = EngineTime.monday

    /// acme (capacity 2 unless given) with `load` and its open capacity escalations.
    static func acme(_ load: Int, capacity: Int = 2, open: [Escalation] = []) -> SupplierLoad {
        SupplierLoad(supplier: "acme", capacity: capacity, load: load, openEscalations: open)
    }

    /// An open capacity escalation of acme, last notified `hoursAgo` before Monday 09:00Z.
    static func raised(_ id: Int64 = 1, level: Int = 1, rule: String = "capacity", hoursAgo: Int64,
                       acknowledged: Bool = false) -> Escalation {
        .fixture(id, rule: rule, level: level, incident: nil, supplier: "acme",
                 raisedAt: monday.plus(minutes: -hoursAgo * 60 - 60), lastNotifiedAt: monday.plus(minutes: -hoursAgo * 60),
                 acknowledgedAt: acknowledged ? monday.plus(minutes: -1) : nil)
    }

    static func raise(_ reason: String, level: Int = 1, rule: String = "capacity") -> Decision {
        .about(.raise(rule, level, supplier: "acme"), reason, incident: nil)
    }

    /// Two levels, at 80 % and 100 %, no repeat.
    static let ladder = [EscalationRule(code: "load", measure: .capacity, thresholds: [80, 100], notify: "integrator",
                                        repeatEvery: nil, window: nil)]

    static let cases: [CapacityCase] = [
        // Below the threshold: nothing.
        .init(why: "below", suppliers: [acme(1)], decisions: []),
        // Reaching the threshold raises the level; its first repeat is 4 h on.
        .init(why: "at threshold raises", suppliers: [acme(2)],
              decisions: [raise("acme holds 2 open incidents, capacity 2 (100 %)")],
              nextCheck: monday.plus(minutes: 4 * 60)),
        // Over capacity (capacity lowered under it): raised too, with the percent.
        .init(why: "over capacity raises", suppliers: [acme(3)],
              decisions: [raise("acme holds 3 open incidents, capacity 2 (150 %)")],
              nextCheck: monday.plus(minutes: 4 * 60)),
        // Open and unacknowledged, notified an hour ago: no duplicate; the repeat is 3 h away.
        .init(why: "no duplicate while open", suppliers: [acme(2, open: [raised(hoursAgo: 1)])],
              decisions: [], nextCheck: monday.plus(minutes: 3 * 60)),
        // Exactly the interval since the last notification: repeat; the next one 4 h on.
        .init(why: "repeat after interval", suppliers: [acme(2, open: [raised(7, hoursAgo: 4)])],
              decisions: [.about(.repeatEscalation(escalation: 7), "acme still at 2/2", incident: nil)],
              nextCheck: monday.plus(minutes: 4 * 60)),
        // Long overdue: one repeat, not one per missed interval.
        .init(why: "overdue repeat once", suppliers: [acme(3, open: [raised(7, hoursAgo: 11)])],
              decisions: [.about(.repeatEscalation(escalation: 7), "acme still at 3/2", incident: nil)],
              nextCheck: monday.plus(minutes: 4 * 60)),
        // Acknowledged: it stays open while the load lasts, without repeats or a next check.
        .init(why: "acknowledged: no repeat", suppliers: [acme(2, open: [raised(hoursAgo: 9, acknowledged: true)])],
              decisions: []),
        // Back below: it closes.
        .init(why: "close when below", suppliers: [acme(1, open: [raised(7, hoursAgo: 1)])],
              decisions: [.about(.closeEscalation(escalation: 7, cause: .belowThreshold), "acme back to 1/2", incident: nil)]),
        // Acknowledged ones close as well.
        .init(why: "close acknowledged", suppliers: [acme(0, open: [raised(7, hoursAgo: 1, acknowledged: true)])],
              decisions: [.about(.closeEscalation(escalation: 7, cause: .belowThreshold), "acme back to 0/2", incident: nil)]),
        // Other rules' escalations of the supplier are not touched.
        .init(why: "other rules ignored", suppliers: [acme(1, open: [raised(7, rule: "elsewhere", hoursAgo: 9)])],
              decisions: []),
        // A rule scoped to another supplier does not apply.
        .init(why: "scoped elsewhere", suppliers: [acme(2)],
              rules: [EscalationRule(code: "capacity", measure: .capacity, thresholds: [100], notify: "integrator",
                                     repeatEvery: nil, window: nil, supplier: "beta")],
              decisions: []),
        // A rule scoped to this supplier applies.
        .init(why: "scoped here", suppliers: [acme(2)],
              rules: [EscalationRule(code: "capacity", measure: .capacity, thresholds: [100], notify: "integrator",
                                     repeatEvery: nil, window: nil, supplier: "acme")],
              decisions: [raise("acme holds 2 open incidents, capacity 2 (100 %)")]),
        // A disabled rule does not apply.
        .init(why: "disabled", suppliers: [acme(2)],
              rules: [EscalationRule(code: "capacity", measure: .capacity, thresholds: [100], notify: "integrator",
                                     repeatEvery: nil, window: nil, enabled: false)],
              decisions: []),
        // Without a repeat interval an open level is left alone (no repeat, no next check);
        // it still climbs to the next level.
        .init(why: "rule without repeat", suppliers: [acme(5, capacity: 5, open: [raised(rule: "load", hoursAgo: 30)])],
              rules: ladder, decisions: [raise("acme holds 5 open incidents, capacity 5 (100 %)", level: 2, rule: "load")]),
        // Ladder: 4 of 5 is 80 %: level 1 only.
        .init(why: "ladder level 1", suppliers: [acme(4, capacity: 5)], rules: ladder,
              decisions: [raise("acme holds 4 open incidents, capacity 5 (80 %)", level: 1, rule: "load")]),
        // Ladder: 5 of 5 from nothing: one escalation, straight at level 2.
        .init(why: "ladder both levels", suppliers: [acme(5, capacity: 5)], rules: ladder,
              decisions: [raise("acme holds 5 open incidents, capacity 5 (100 %)", level: 2, rule: "load")]),
        // Ladder: level 1 open, up to 5 of 5: it climbs to level 2.
        .init(why: "ladder climbs",
              suppliers: [acme(5, capacity: 5, open: [raised(1, level: 1, rule: "load", hoursAgo: 1)])], rules: ladder,
              decisions: [raise("acme holds 5 open incidents, capacity 5 (100 %)", level: 2, rule: "load")]),
        // Ladder: down to 4 of 5: the level never drops, and 80 % is still reached: it stays.
        .init(why: "ladder partly down",
              suppliers: [acme(4, capacity: 5, open: [raised(2, level: 2, rule: "load", hoursAgo: 1)])],
              rules: ladder, decisions: []),
        // Ladder: down to 3 of 5, below the first threshold: it closes.
        .init(why: "ladder below the first threshold",
              suppliers: [acme(3, capacity: 5, open: [raised(2, level: 2, rule: "load", hoursAgo: 1)])],
              rules: ladder,
              decisions: [.about(.closeEscalation(escalation: 2, cause: .belowThreshold), "acme back to 3/5", incident: nil)]),
        // The reason's percent is truncated: 2 of 3 is 66 %.
        .init(why: "percent truncated", suppliers: [acme(2, capacity: 3)],
              rules: [EscalationRule(code: "capacity", measure: .capacity, thresholds: [60], notify: "integrator",
                                     repeatEvery: nil, window: nil)],
              decisions: [raise("acme holds 2 open incidents, capacity 3 (66 %)")]),
        // A capacity of 0 is skipped (no division by zero).
        .init(why: "capacity zero skipped", suppliers: [acme(3, capacity: 0)], decisions: []),
        // Several suppliers: each on its own, in the order given; the earliest repeat is next.
        .init(why: "several suppliers",
              suppliers: [SupplierLoad(supplier: "beta", capacity: 10, load: 10, openEscalations: [
                              .fixture(8, rule: "capacity", incident: nil, supplier: "beta", raisedAt: monday.plus(minutes: -90)),
                          ]),
                          acme(2, open: [raised(7, hoursAgo: 2)]),
                          SupplierLoad(supplier: "gamma", capacity: 4, load: 1, openEscalations: [])],
              decisions: [], nextCheck: monday.plus(minutes: 2 * 60)),
    ]

    @Test(arguments: cases)
    func plan(_ c: CapacityCase) {
        let plan = CapacityPlanner.plan(c.suppliers, rules: c.rules, now: c.now)
        #expect(plan.decisions == c.decisions)
        #expect(plan.nextCheck == c.nextCheck)
    }

    /// A supplier's day, applying each pass's decisions to its open escalations as the store
    /// would: raised at capacity, not duplicated, repeated every 4 h, closed below capacity,
    /// raised anew when it comes back.
    @Test func lifecycle() {
        var open: [Escalation] = []
        var nextID: Int64 = 1
        func pass(load: Int, at minutes: Int64) -> [String] {
            let now = Self.monday.plus(minutes: minutes)
            let plan = CapacityPlanner.plan([Self.acme(load, open: open)], rules: EscalationRule.schemaDefaults, now: now)
            return plan.decisions.map { decision in
                switch decision.action {
                case .raiseEscalation(let rule, let level, _, let supplier):
                    open.append(.fixture(nextID, rule: rule, level: level, incident: nil, supplier: supplier, raisedAt: now))
                    nextID += 1
                    return "raise \(nextID - 1)"
                case .repeatEscalation(let id):
                    let index = open.firstIndex { $0.id == id }!
                    open[index].lastNotifiedAt = now
                    open[index].notifiedCount += 1
                    return "repeat \(id)"
                case .closeEscalation(let id, _):
                    open.removeAll { $0.id == id }
                    return "close \(id)"
                default:
                    return "unexpected \(decision)"
                }
            }
        }
        #expect(pass(load: 1, at: 0) == [])
        #expect(pass(load: 2, at: 10) == ["raise 1"])
        #expect(pass(load: 2, at: 20) == [])
        #expect(pass(load: 2, at: 10 + 4 * 60 - 1) == [])
        #expect(pass(load: 2, at: 10 + 4 * 60) == ["repeat 1"])
        #expect(pass(load: 3, at: 10 + 5 * 60) == [])
        #expect(pass(load: 3, at: 10 + 8 * 60) == ["repeat 1"])
        #expect(open.first?.notifiedCount == 3)
        #expect(pass(load: 1, at: 10 + 9 * 60) == ["close 1"])
        #expect(pass(load: 1, at: 10 + 10 * 60) == [])
        // Back at capacity: a new escalation (the closed one does not prevent it).
        #expect(pass(load: 2, at: 10 + 11 * 60) == ["raise 2"])
    }
}
