@testable import SiamCore

// Factories for the engine's inputs, in the manner of river's `testfactory`: every field has a
// default, a test names only what its case is about. They hang off the domain types
// (`Incident.fixture(...)`, `.fixture(...)` where the type is known) so that they cannot clash
// with helpers of other test files.
//
// The default world mirrors `Tests/SiamdTests/Support/World.swift` and the schema's seeded
// escalation rules: service `network` served by acme (rank 1, capacity 2), beta (rank 2,
// unlimited) and gamma (rank 3, onboarding); calendar `eu` (Berlin, mon-fri
// 08:00-12:00,13:00-17:00, 12-25 a holiday).

/// Instants used by the engine tests. 2026-01-05 is a Monday; Berlin is at +01:00 in January,
/// so 09:00Z is 10:00 in Berlin, inside office hours.
enum EngineTime {
    static let monday = instant("2026-01-05T09:00:00Z")

    /// The instant written in ISO-8601 (tests only: crashes on malformed text).
    static func instant(_ text: String) -> Instant {
        guard let value = try? Instant(parsing: text) else { fatalError("bad instant in test: \(text)") }
        return value
    }
}

extension Instant {
    /// `minutes` of real time later (earlier when negative).
    func plus(minutes: Int64) -> Instant { advanced(by: minutes * 60) }
}

extension EscalationRule {
    /// The rules `schema.sql` seeds into `siam.escalation_rule` (durations in seconds).
    static let schemaDefaults: [EscalationRule] = [
        EscalationRule(code: "sla-acknowledge", measure: .slaAcknowledge, thresholds: [50, 75, 90, 100],
                       notify: "integrator", repeatEvery: 3_600, window: nil),
        EscalationRule(code: "sla-resolve", measure: .slaResolve, thresholds: [50, 75, 90, 100],
                       notify: "integrator", repeatEvery: 3_600, window: nil),
        EscalationRule(code: "ola-accept", measure: .olaAccept, thresholds: [50, 75, 90, 100],
                       notify: "supplier", repeatEvery: 3_600, window: nil),
        EscalationRule(code: "ola-resolve", measure: .olaResolve, thresholds: [50, 75, 90, 100],
                       notify: "supplier", repeatEvery: 3_600, window: nil),
        EscalationRule(code: "bounce", measure: .bounces, thresholds: [3], notify: "integrator",
                       repeatEvery: nil, window: 86_400),
        EscalationRule(code: "complaint", measure: .complaints, thresholds: [1, 3], notify: "integrator",
                       repeatEvery: nil, window: 7 * 86_400),
        EscalationRule(code: "capacity", measure: .capacity, thresholds: [100], notify: "integrator",
                       repeatEvery: 4 * 3_600, window: nil),
        EscalationRule(code: "no-supplier", measure: .unroutable, thresholds: [1], notify: "integrator",
                       repeatEvery: 3_600, window: nil),
        EscalationRule(code: "scope-dispute", measure: .scopeDispute, thresholds: [1], notify: "integrator",
                       repeatEvery: 4 * 3_600, window: nil),
    ]

    /// The seeded rule with this code.
    static func schemaDefault(_ code: String) -> EscalationRule {
        guard let rule = schemaDefaults.first(where: { $0.code == code }) else { fatalError("no rule \(code)") }
        return rule
    }
}

extension BusinessCalendar {
    /// The `eu` calendar of the test world.
    static let euOffice: BusinessCalendar = {
        do {
            return try BusinessCalendar(zone: "Europe/Berlin", hours: "mon-fri 08:00-12:00,13:00-17:00",
                                        holidays: ["12-25"])
        } catch {
            fatalError("eu calendar: \(error)")
        }
    }()
}

extension Candidate {
    /// A candidate; active, unlimited and idle unless told otherwise.
    static func fixture(_ supplier: String, rank: Int = 1, status: SupplierStatus = .active,
                        capacity: Int? = nil, load: Int = 0) -> Candidate {
        Candidate(supplier: supplier, status: status, rank: rank, capacity: capacity, load: load)
    }

    /// Who serves `network` in the default world.
    static let defaultNetwork: [Candidate] = [
        .fixture("acme", rank: 1, capacity: 2),
        .fixture("beta", rank: 2),
        .fixture("gamma", rank: 3, status: .onboarding),
    ]
}

extension WorldSnapshot {
    /// The default world, with `status` overriding suppliers' statuses (in the candidate
    /// lists as well as in `supplierStatus`, as the store reads them from one row).
    static func fixture(
        candidates: [String: [Candidate]] = ["network": Candidate.defaultNetwork],
        status overrides: [String: SupplierStatus] = [:],
        rules: [EscalationRule] = EscalationRule.schemaDefaults
    ) -> WorldSnapshot {
        var candidates = candidates
        var statuses: [String: SupplierStatus] = [:]
        for (service, list) in candidates {
            candidates[service] = list.map { candidate in
                var candidate = candidate
                candidate.status = overrides[candidate.supplier] ?? candidate.status
                return candidate
            }
            for candidate in candidates[service]! { statuses[candidate.supplier] = candidate.status }
        }
        for (supplier, status) in overrides { statuses[supplier] = status }
        return WorldSnapshot(rules: rules, calendars: ["eu": .euOffice], candidates: candidates,
                             supplierStatus: statuses)
    }

    /// The load the world now counts for a supplier in a service.
    func load(of supplier: String, in service: String = "network") -> Int? {
        candidates[service]?.first { $0.supplier == supplier }?.load
    }
}

extension Incident {
    /// A P2 `network` incident opened Monday 09:00Z, new, unowned, without SLA due instants
    /// (so no SLA clock runs unless a case sets one).
    static func fixture(
        id: Int64 = 1, service: String = "network", priority: Priority = .p2, state: IncidentState = .new,
        owner: String? = nil, onHold: Bool = false, userTier: String? = nil,
        openedAt: Instant = EngineTime.monday, acknowledgedAt: Instant? = nil, resolvedAt: Instant? = nil,
        acknowledgeDue: Instant? = nil, resolveDue: Instant? = nil, slaCalendar: String? = nil,
        routingStopped: Bool = false
    ) -> Incident {
        Incident(id: id, title: "Router down", service: service, priority: priority, state: state,
                 customer: nil, userTier: userTier, owner: owner, onHold: onHold, openedAt: openedAt,
                 acknowledgedAt: acknowledgedAt, resolvedAt: resolvedAt, closedAt: nil,
                 acknowledgeDue: acknowledgeDue, resolveDue: resolveDue, slaCalendar: slaCalendar,
                 pausedSince: nil, handoffCount: 0, complaintCount: 0, routingStopped: routingStopped,
                 updatedAt: openedAt)
    }
}

extension Handoff {
    /// An offer of the whole incident 1 from the integrator, made Monday 09:00Z, without an
    /// accept deadline unless given.
    static func fixture(
        _ id: Int64, to supplier: String, state: HandoffState = .offered, incident: Int64 = 1,
        part: String? = nil, offeredAt: Instant = EngineTime.monday, acceptDue: Instant? = nil,
        acceptCalendar: String? = nil, automatic: Bool = false
    ) -> Handoff {
        let answered = state == .offered ? nil : offeredAt.plus(minutes: 5)
        return Handoff(id: id, incident: incident, fromSupplier: nil, toSupplier: supplier, part: part, state: state,
                       offeredAt: offeredAt, offeredBy: automatic ? "siamd" : "integrator", acceptDue: acceptDue,
                       acceptCalendar: acceptCalendar, answeredAt: answered, answeredBy: answered.map { _ in supplier },
                       reason: state == .rejected ? "not ours" : nil, outOfScope: false, automatic: automatic)
    }
}

extension Escalation {
    /// An open, unacknowledged escalation about incident 1, raised and last notified at
    /// `raisedAt` (Monday 09:00Z unless given).
    static func fixture(
        _ id: Int64, rule: String, level: Int = 1, incident: Int64? = 1, handoff: Int64? = nil,
        supplier: String? = nil, raisedAt: Instant = EngineTime.monday, lastNotifiedAt: Instant? = nil,
        notifiedCount: Int = 1, acknowledgedAt: Instant? = nil, closedAt: Instant? = nil
    ) -> Escalation {
        Escalation(id: id, rule: rule, level: level, incident: incident, handoff: handoff, supplier: supplier,
                   notify: "integrator", reason: "test", raisedAt: raisedAt, notifiedCount: notifiedCount,
                   lastNotifiedAt: lastNotifiedAt ?? raisedAt, acknowledgedAt: acknowledgedAt,
                   acknowledgedBy: acknowledgedAt.map { _ in "duty manager" }, closedAt: closedAt,
                   closeReason: closedAt.map { _ in "test" })
    }
}

extension Assignment {
    /// An open owner span of incident 1 since Monday 09:00Z.
    static func owner(
        _ supplier: String, handoff: Int64?, id: Int64 = 1, startedAt: Instant = EngineTime.monday,
        resolveDue: Instant? = nil, olaCalendar: String? = nil
    ) -> Assignment {
        Assignment(id: id, incident: 1, supplier: supplier, role: "owner", handoff: handoff, startedAt: startedAt,
                   endedAt: nil, resolveDue: resolveDue, olaCalendar: olaCalendar, businessTime: nil, olaMet: nil)
    }
}

extension ComplaintRecord {
    static func customer(at instant: Instant = EngineTime.monday) -> ComplaintRecord {
        ComplaintRecord(source: "customer", receivedAt: instant)
    }

    static func user(at instant: Instant = EngineTime.monday) -> ComplaintRecord {
        ComplaintRecord(source: "user", receivedAt: instant)
    }
}

extension IncidentSnapshot {
    /// A snapshot of `incident` with nothing else unless given.
    static func fixture(
        _ incident: Incident = .fixture(), handoffs: [Handoff] = [], owners: [Assignment] = [],
        escalations: [Escalation] = [], pauses: [Range<Instant>] = [], complaints: [ComplaintRecord] = [],
        bounces: [BounceRecord]? = nil, disputes: [DisputeRecord] = []
    ) -> IncidentSnapshot {
        IncidentSnapshot(incident: incident, handoffs: handoffs, openAssignments: owners, escalations: escalations,
                         pauses: pauses, complaints: complaints, bounces: bounces ?? BounceRecord.rejections(in: handoffs),
                         disputes: disputes)
    }
}

extension BounceRecord {
    /// The bounces `siam.bounce` derives from these handoffs: each rejected offer of the
    /// whole incident, at its answer.
    static func rejections(in handoffs: [Handoff]) -> [BounceRecord] {
        handoffs.filter { $0.part == nil && $0.state == .rejected }
            .map { BounceRecord(supplier: $0.toSupplier, at: $0.answeredAt!, kind: .rejected) }
    }
}

extension Decision {
    /// A decision about incident 1 (or `incident`), as the planner should return it.
    static func about(_ action: Action, _ reason: String, incident: Int64? = 1) -> Decision {
        Decision(incident: incident, action: action, reason: reason)
    }
}

extension Decision.Action {
    /// An escalation about the incident itself (no handoff, no supplier).
    static func raise(_ rule: String, _ level: Int, handoff: Int64? = nil, supplier: String? = nil) -> Self {
        .raiseEscalation(rule: rule, level: level, handoff: handoff, supplier: supplier)
    }
}

/// The engine's property tests use the core's seeded generator.
typealias EngineRandom = SplitMix64
