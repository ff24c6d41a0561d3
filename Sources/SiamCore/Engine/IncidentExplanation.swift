/// Why an incident is where it is, for `siamd incident explain`: each supplier serving its
/// service with the router's verdict, its running clocks, and what a pass would do now. Built
/// by the same code the daemon plans with (``Router/assess(_:excluding:)``, the planner's
/// exclusions and clocks), so it cannot tell a different story.
public struct IncidentExplanation: Sendable {
    /// The suppliers serving the incident's service, in the router's order, with its verdict
    /// as if the incident were routed now.
    public var candidates: [Router.Assessment]
    /// Suppliers that do not serve the incident's service, with their status.
    public var notServing: [(supplier: String, status: SupplierStatus)]
    /// The clocks running now (none of the SLA's while the incident is pending).
    public var clocks: [Reading]
    /// What a pass would decide now (the plan a dry run prints).
    public var plan: IncidentPlan

    /// One running clock now.
    public struct Reading: Sendable {
        public var label: String
        public var measure: EscalationRule.Measure
        public var start: Instant
        public var due: Instant
        /// The share of its business time elapsed now, in percent (over 100 when overdue).
        public var percentElapsed: Double
        /// Business time it stood still for ended pauses.
        public var pausedSeconds: Int64
    }
}

extension Planner {
    /// Explains an incident as the planner sees it at `now`; `world` is not changed.
    public static func explain(_ snapshot: IncidentSnapshot, world: WorldSnapshot, now: Instant) -> IncidentExplanation {
        var scratch = world
        let plan = Planner.plan(snapshot, world: &scratch, now: now)
        var planner = IncidentPlanner(snapshot: snapshot, now: now)
        planner.rules = world.rulesByCode
        planner.settleOffers(world: world)
        let incident = snapshot.incident
        let candidates = world.candidates[incident.service] ?? []
        let serving = Set(candidates.map(\.supplier))
        let clocks = planner.runningClocks(world: world).map { clock in
            let length = clock.length.seconds
            let elapsed = clock.calendar.elapsed(from: clock.start, to: now, pauses: clock.pauses).seconds
            let unpaused = clock.calendar.elapsed(from: clock.start, to: now).seconds
            return IncidentExplanation.Reading(
                label: planner.label(clock), measure: clock.measure, start: clock.start, due: clock.due,
                percentElapsed: length > 0 ? Double(elapsed) * 100 / Double(length) : 100,
                pausedSeconds: max(0, unpaused - elapsed))
        }
        return IncidentExplanation(
            candidates: Router.assess(candidates, excluding: planner.exclusions()),
            notServing: world.supplierStatus.filter { !serving.contains($0.key) }.sorted { $0.key < $1.key }
                .map { (supplier: $0.key, status: $0.value) },
            clocks: clocks,
            plan: plan)
    }
}
