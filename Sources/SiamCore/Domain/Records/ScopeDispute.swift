/// How the integrator ruled on a scope dispute (`siam.scope_dispute.ruling`).
public enum DisputeRuling: String, Sendable, Equatable, CaseIterable {
    /// The work was the supplier's: the dispute is overturned.
    case inScope = "in_scope"
    /// The supplier's refusal was fair: the dispute is upheld.
    case outOfScope = "out_of_scope"

    /// "upheld" or "overturned", as the reports say it.
    public var outcome: String {
        switch self {
        case .inScope: return "overturned"
        case .outOfScope: return "upheld"
        }
    }
}

/// A scope dispute as `siam.disputes` returns it: a supplier's out-of-scope rejection (the
/// handoff, its reason) and the integrator's ruling on it, if any yet.
public struct ScopeDispute: Sendable, Equatable {
    public var id: Int64
    public var incident: Int64
    /// The rejected handoff.
    public var handoff: Int64
    /// The disputing supplier (the rejected handoff's `to_supplier`).
    public var supplier: String
    /// The supplier's reason for the rejection.
    public var reason: String
    public var raisedAt: Instant
    /// nil while open.
    public var ruling: DisputeRuling?
    public var ruledAt: Instant?
    public var ruledBy: String?
    /// The integrator's reason for the ruling.
    public var note: String?
    /// The offer that sent the work back to the supplier after an in-scope ruling.
    public var sentBackHandoff: Int64?

    public init(id: Int64, incident: Int64, handoff: Int64, supplier: String, reason: String, raisedAt: Instant,
                ruling: DisputeRuling?, ruledAt: Instant?, ruledBy: String?, note: String?, sentBackHandoff: Int64?) {
        self.id = id
        self.incident = incident
        self.handoff = handoff
        self.supplier = supplier
        self.reason = reason
        self.raisedAt = raisedAt
        self.ruling = ruling
        self.ruledAt = ruledAt
        self.ruledBy = ruledBy
        self.note = note
        self.sentBackHandoff = sentBackHandoff
    }

    /// True until the integrator rules on it.
    public var isOpen: Bool { ruling == nil }
}
