/// An SLA or OLA target as stored in `siam.target`.
public struct Target: Sendable, Equatable {
    public var id: Int
    public var kind: TargetKind
    public var priority: Priority
    /// nil = any service.
    public var service: String?
    /// nil = any supplier (always nil for an SLA).
    public var supplier: String?
    /// nil = inherited from a less specific target, else the supplier's calendar for an OLA,
    /// else 24×7.
    public var calendar: String?
    public var acceptWithin: BusinessDuration?
    public var acknowledgeWithin: BusinessDuration?
    public var resolveWithin: BusinessDuration?
    /// Whether the owner's OLA resolve clock pauses while the incident is pending (never false
    /// for an SLA, whose clocks always pause); nil = inherited (pause when no target says).
    /// Every field but the scope is inherited per field: `siam.matching_target` is the rule.
    public var pausesWhenPending: Bool?
    public var updatedAt: Instant

    public init(id: Int, kind: TargetKind, priority: Priority, service: String?, supplier: String?, calendar: String?,
                acceptWithin: BusinessDuration?, acknowledgeWithin: BusinessDuration?, resolveWithin: BusinessDuration?,
                pausesWhenPending: Bool? = nil, updatedAt: Instant) {
        self.id = id
        self.kind = kind
        self.priority = priority
        self.service = service
        self.supplier = supplier
        self.calendar = calendar
        self.acceptWithin = acceptWithin
        self.acknowledgeWithin = acknowledgeWithin
        self.resolveWithin = resolveWithin
        self.pausesWhenPending = pausesWhenPending
        self.updatedAt = updatedAt
    }
}
