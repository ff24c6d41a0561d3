/// An escalation as stored in `siam.escalation`.
public struct Escalation: Sendable, Equatable {
    public var id: Int64
    public var rule: String
    public var level: Int
    public var incident: Int64?
    public var handoff: Int64?
    public var supplier: String?
    public var notify: String
    public var reason: String
    public var raisedAt: Instant
    public var notifiedCount: Int
    public var lastNotifiedAt: Instant
    public var acknowledgedAt: Instant?
    public var acknowledgedBy: String?
    public var closedAt: Instant?
    public var closeReason: String?

    public init(id: Int64, rule: String, level: Int, incident: Int64?, handoff: Int64?, supplier: String?,
                notify: String, reason: String, raisedAt: Instant, notifiedCount: Int, lastNotifiedAt: Instant,
                acknowledgedAt: Instant?, acknowledgedBy: String?, closedAt: Instant?, closeReason: String?) {
        self.id = id
        self.rule = rule
        self.level = level
        self.incident = incident
        self.handoff = handoff
        self.supplier = supplier
        self.notify = notify
        self.reason = reason
        self.raisedAt = raisedAt
        self.notifiedCount = notifiedCount
        self.lastNotifiedAt = lastNotifiedAt
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgedBy = acknowledgedBy
        self.closedAt = closedAt
        self.closeReason = closeReason
    }

    /// True until its cause ends.
    public var isOpen: Bool { closedAt == nil }
}
