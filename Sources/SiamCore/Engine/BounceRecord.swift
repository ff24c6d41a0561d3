/// A bounce as the planner sees it: work that moved away from a supplier that refused it or
/// gave it back after holding it (`siam.bounce`, where the rule lives; docs/schema.md).
/// The first routing is no bounce, nor is an expiry (neglect, escalated by the OLA accept
/// clock), nor a move the integrator makes.
public struct BounceRecord: Sendable, Equatable {
    /// How the work moved away.
    public enum Kind: String, Sendable {
        /// The supplier rejected an offer of the whole incident.
        case rejected
        /// The owner gave the work back (`siam.incident_hand_back`).
        case handedBack = "handed back"
    }

    public var supplier: String
    public var at: Instant
    public var kind: Kind

    public init(supplier: String, at: Instant, kind: Kind) {
        self.supplier = supplier
        self.at = at
        self.kind = kind
    }
}

/// An out-of-scope rejection as the planner sees it (`siam.scope_dispute`).
public struct DisputeRecord: Sendable, Equatable {
    public var id: Int64
    /// The rejected handoff.
    public var handoff: Int64
    /// The supplier that disputes the scope.
    public var supplier: String
    /// nil while the integrator has not ruled.
    public var ruling: String?

    public init(id: Int64, handoff: Int64, supplier: String, ruling: String?) {
        self.id = id
        self.handoff = handoff
        self.supplier = supplier
        self.ruling = ruling
    }
}
