/// A complaint as the planner sees it.
public struct ComplaintRecord: Sendable, Equatable {
    public var source: String
    public var receivedAt: Instant

    public init(source: String, receivedAt: Instant) {
        self.source = source
        self.receivedAt = receivedAt
    }

    /// A customer's complaint weighs more than a user's.
    public var weight: Int { source == "customer" ? 2 : 1 }
}

/// Everything the planner needs to know about one incident, read in the transaction that
/// holds the incident's row lock.
public struct IncidentSnapshot: Sendable {
    public var incident: Incident
    /// All handoffs of the incident, oldest first.
    public var handoffs: [Handoff]
    /// Its assignment spans that are still open.
    public var openAssignments: [Assignment]
    /// All its escalations, open and closed (escalations are raised once).
    public var escalations: [Escalation]
    /// Its ended pauses (pending spans).
    public var pauses: [Range<Instant>]
    public var complaints: [ComplaintRecord]
    /// Its bounces (`siam.bounce`), oldest first.
    public var bounces: [BounceRecord]
    /// Its scope disputes, open and ruled.
    public var disputes: [DisputeRecord]

    public init(incident: Incident, handoffs: [Handoff], openAssignments: [Assignment], escalations: [Escalation],
                pauses: [Range<Instant>], complaints: [ComplaintRecord], bounces: [BounceRecord] = [],
                disputes: [DisputeRecord] = []) {
        self.incident = incident
        self.handoffs = handoffs
        self.openAssignments = openAssignments
        self.escalations = escalations
        self.pauses = pauses
        self.complaints = complaints
        self.bounces = bounces
        self.disputes = disputes
    }
}

/// What is shared by all incidents of a pass: rules, calendars and the suppliers that can
/// take work, with their load (kept current as the pass plans offers).
public struct WorldSnapshot: Sendable {
    public var rules: [EscalationRule] {
        didSet { rulesByCode = Self.index(rules) }
    }
    /// The rules by code, built once per world rather than once per incident planned.
    public private(set) var rulesByCode: [String: EscalationRule]
    public var calendars: [String: BusinessCalendar]
    /// Candidates by service code.
    public var candidates: [String: [Candidate]]
    /// Every supplier's status (also those that serve nothing any more).
    public var supplierStatus: [String: SupplierStatus]

    public init(rules: [EscalationRule], calendars: [String: BusinessCalendar], candidates: [String: [Candidate]],
                supplierStatus: [String: SupplierStatus]) {
        self.rules = rules
        rulesByCode = Self.index(rules)
        self.calendars = calendars
        self.candidates = candidates
        self.supplierStatus = supplierStatus
    }

    private static func index(_ rules: [EscalationRule]) -> [String: EscalationRule] {
        Dictionary(rules.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A stored calendar by name; nil (or an unknown name) is 24×7.
    public func calendar(_ name: String?) -> BusinessCalendar {
        name.flatMap { calendars[$0] } ?? .always
    }

    /// Every supplier's load as this world has it (planned offers included).
    public var loads: [String: Int] {
        var loads: [String: Int] = [:]
        for candidate in candidates.values.joined() { loads[candidate.supplier] = candidate.load }
        return loads
    }

    /// Counts a planned offer against the supplier's load for the rest of the pass.
    mutating func addLoad(to supplier: String) {
        for (service, list) in candidates {
            if let index = list.firstIndex(where: { $0.supplier == supplier }) {
                candidates[service]![index].load += 1
            }
        }
    }
}

/// The decisions for one incident and when to look at it next (nil: nothing scheduled; a
/// change to the incident wakes it).
public struct IncidentPlan: Sendable, Equatable {
    public var incident: Int64
    public var decisions: [Decision]
    public var nextCheck: Instant?
}
