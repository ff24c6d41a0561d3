import SiamDaemon
import Testing

/// How long the daemon sleeps between passes: table-driven, a comment per case.
@Suite struct WaitPlanTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let untilNextCheck: Double?
        let untilSupplierCheck: Double?
        let claimedNothing: Bool
        let watchdog: Duration?
        var unlocked: Double? = nil
        let expected: Duration
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // Nothing scheduled: the poll interval is the safety net.
        Case(name: "idle", untilNextCheck: nil, untilSupplierCheck: nil, claimedNothing: true, watchdog: nil, expected: .seconds(30)),
        // The next due instant comes first.
        Case(name: "due in 2.5 s", untilNextCheck: 2.5, untilSupplierCheck: nil, claimedNothing: true, watchdog: nil, expected: .milliseconds(2500)),
        // Due now after a pass that did claim work (its offers look again at once): no wait.
        Case(name: "due now, work claimed", untilNextCheck: -0.2, untilSupplierCheck: nil, claimedNothing: false, watchdog: nil, expected: .zero),
        // Due, yet the pass could claim none: locked elsewhere; a second, not a busy loop.
        Case(name: "due but locked elsewhere", untilNextCheck: -40, untilSupplierCheck: nil, claimedNothing: true, watchdog: nil, expected: .seconds(1)),
        // Locked elsewhere, and an incident nobody holds falls due in 0.3 s: then, not a second later.
        Case(name: "locked, a free one due sooner", untilNextCheck: -40, untilSupplierCheck: nil, claimedNothing: true,
             watchdog: nil, unlocked: 0.3, expected: .milliseconds(300)),
        // Locked elsewhere, the next free one later than a second: the second.
        Case(name: "locked, the free ones later", untilNextCheck: -40, untilSupplierCheck: nil, claimedNothing: true,
             watchdog: nil, unlocked: 12, expected: .seconds(1)),
        // Locked elsewhere and a free one seems due already (it fell due as the pass ended):
        // a short wait, never none (at most 20 passes a second).
        Case(name: "locked, a free one due now", untilNextCheck: -40, untilSupplierCheck: nil, claimedNothing: true,
             watchdog: nil, unlocked: -0.5, expected: .milliseconds(50)),
        // A capacity repeat sooner than anything else.
        Case(name: "supplier check first", untilNextCheck: 10, untilSupplierCheck: 4, claimedNothing: true, watchdog: nil, expected: .seconds(4)),
        // The watchdog's half-period caps every wait.
        Case(name: "watchdog", untilNextCheck: nil, untilSupplierCheck: nil, claimedNothing: true, watchdog: .seconds(5), expected: .seconds(5)),
        // Far in the future: the poll interval still caps it.
        Case(name: "far ahead", untilNextCheck: 86_400, untilSupplierCheck: nil, claimedNothing: true, watchdog: nil, expected: .seconds(30)),
    ]

    @Test(arguments: cases)
    func waits(_ c: Case) {
        #expect(WaitPlan.wait(pollInterval: .seconds(30), watchdogPing: c.watchdog, untilNextCheck: c.untilNextCheck,
                              untilSupplierCheck: c.untilSupplierCheck, claimedNothing: c.claimedNothing,
                              untilNextUnlockedCheck: c.unlocked) == c.expected)
    }
}
