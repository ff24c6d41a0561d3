@testable import SiamCore
import Testing

/// Regressions for gaps found in review: a lifted capacity closes its escalation; a disabled
/// rule stops repeating.
@Suite("engine gaps")
struct EngineGapTests {
    /// acme's capacity was lifted (now unlimited) while a capacity escalation was open: it closes.
    @Test func liftedCapacityClosesItsEscalation() {
        let open = Escalation.fixture(7, rule: "capacity", incident: nil, supplier: "acme")
        let plan = CapacityPlanner.plan(
            [SupplierLoad(supplier: "acme", capacity: nil, load: 5, openEscalations: [open])],
            rules: EscalationRule.schemaDefaults, now: EngineTime.monday.plus(minutes: 10))
        #expect(plan.decisions == [.about(.closeEscalation(escalation: 7, cause: .belowThreshold), "acme back to 5/unlimited", incident: nil)])
    }

    /// An escalation of a rule that was disabled is not notified again.
    @Test func disabledRuleStopsRepeating() {
        var rules = EscalationRule.schemaDefaults
        let index = rules.firstIndex { $0.code == "complaint" }!
        rules[index].repeatEvery = 3_600
        rules[index].enabled = false
        var world = WorldSnapshot.fixture(rules: rules)
        let snapshot = IncidentSnapshot.fixture(
            .fixture(), escalations: [.fixture(3, rule: "complaint")])
        let plan = Planner.plan(snapshot, world: &world, now: EngineTime.monday.plus(minutes: 120))
        #expect(!plan.decisions.contains { $0.action == .repeatEscalation(escalation: 3) })
    }
}
