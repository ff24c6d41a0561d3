import Testing
@testable import SiamCore

/// The one timing rule of escalations (levels and repeats), for every clock and capacity.
struct EscalationTimingTests {
    static let now = EngineTime.monday
    static let hourly = EscalationRule(code: "r", measure: .slaResolve, thresholds: [50, 75, 90, 100], notify: "integrator",
                                       repeatEvery: 3_600, window: nil)

    @Test(arguments: [
        (0.0, 0), (49.9, 0), (50, 1), (74, 1), (75, 2), (99, 3), (100, 4), (250, 4),
    ])
    func levelOfAMeasure(_ value: Double, _ level: Int) {
        #expect(EscalationTiming.level(of: value, in: [50, 75, 90, 100]) == level)
    }

    @Test(arguments: [
        // reached, before, enabled -> raise to
        (0, 0, true, nil), (1, 0, true, 1), (3, 0, true, 3), (3, 1, true, 3), (2, 2, true, nil), (1, 3, true, nil),
        (3, 0, false, nil),
    ] as [(Int, Int, Bool, Int?)])
    func levelToRaise(_ reached: Int, _ before: Int, _ enabled: Bool, _ expected: Int?) {
        var rule = Self.hourly
        rule.enabled = enabled
        #expect(EscalationTiming.levelToRaise(reached: reached, before: before, rule: rule) == expected)
    }

    struct RepeatCase: CustomTestStringConvertible, Sendable {
        let why: String
        let escalation: Escalation
        var rule: EscalationRule? = EscalationTimingTests.hourly
        var climbedNow = false
        let expected: EscalationTiming.Repeat?
        var testDescription: String { why }
    }

    static let repeatCases: [RepeatCase] = [
        RepeatCase(why: "due exactly", escalation: .fixture(1, rule: "r", raisedAt: now.plus(minutes: -60)), expected: .due(now)),
        RepeatCase(why: "overdue", escalation: .fixture(1, rule: "r", raisedAt: now.plus(minutes: -150)),
                   expected: .due(now.plus(minutes: -90))),
        RepeatCase(why: "not yet", escalation: .fixture(1, rule: "r", raisedAt: now.plus(minutes: -10)),
                   expected: .later(now.plus(minutes: 50))),
        RepeatCase(why: "acknowledged", escalation: .fixture(1, rule: "r", raisedAt: now.plus(minutes: -90), acknowledgedAt: now),
                   expected: nil),
        RepeatCase(why: "closed", escalation: .fixture(1, rule: "r", raisedAt: now.plus(minutes: -90), closedAt: now), expected: nil),
        RepeatCase(why: "climbed in this plan", escalation: .fixture(1, rule: "r", raisedAt: now.plus(minutes: -90)),
                   climbedNow: true, expected: nil),
        RepeatCase(why: "rule without interval", escalation: .fixture(1, rule: "r", raisedAt: now.plus(minutes: -90)),
                   rule: EscalationRule(code: "r", measure: .slaResolve, thresholds: [50], notify: "integrator",
                                        repeatEvery: nil, window: nil), expected: nil),
        RepeatCase(why: "rule disabled", escalation: .fixture(1, rule: "r", raisedAt: now.plus(minutes: -90)),
                   rule: EscalationRule(code: "r", measure: .slaResolve, thresholds: [50], notify: "integrator",
                                        repeatEvery: 3_600, window: nil, enabled: false), expected: nil),
        RepeatCase(why: "rule unknown", escalation: .fixture(1, rule: "r", raisedAt: now.plus(minutes: -90)), rule: nil,
                   expected: nil),
    ]

    @Test(arguments: repeatCases)
    func nextRepeat(_ c: RepeatCase) {
        #expect(EscalationTiming.nextRepeat(of: c.escalation, rule: c.rule, climbedNow: c.climbedNow, now: Self.now) == c.expected)
    }

    /// Regression: a capacity escalation whose rule was disabled never closed (the planner
    /// looked at enabled rules only). It closes when the load falls below the first threshold.
    @Test func aDisabledCapacityRulesEscalationStillCloses() {
        let rule = EscalationRule(code: "capacity", measure: .capacity, thresholds: [100], notify: "integrator",
                                  repeatEvery: 3_600, window: nil, enabled: false)
        let open = Escalation.fixture(7, rule: "capacity", incident: nil, supplier: "acme", raisedAt: Self.now.plus(minutes: -120))
        let high = CapacityPlanner.plan([SupplierLoad(supplier: "acme", capacity: 2, load: 2, openEscalations: [open])],
                                        rules: [rule], now: Self.now)
        #expect(high.decisions.isEmpty, "disabled: no repeat while the load lasts")
        let low = CapacityPlanner.plan([SupplierLoad(supplier: "acme", capacity: 2, load: 1, openEscalations: [open])],
                                       rules: [rule], now: Self.now)
        #expect(low.decisions == [.about(.closeEscalation(escalation: 7, cause: .belowThreshold), "acme back to 1/2", incident: nil)])
    }
}
