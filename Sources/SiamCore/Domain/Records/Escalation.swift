/// An escalation as stored in `siam.escalation`.
public struct Escalation: Sendable, Equatable {
    public var id: Int64
    public var rule: String
    /// The highest threshold of its rule crossed so far (1 = first); it climbs, never drops.
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
    /// When it reached its current level (it climbs: see ``level``).
    public var levelRaisedAt: Instant
    /// Why it closed, as a word.
    public var closeCause: EscalationCloseCause?

    public init(id: Int64, rule: String, level: Int, incident: Int64?, handoff: Int64?, supplier: String?,
                notify: String, reason: String, raisedAt: Instant, notifiedCount: Int, lastNotifiedAt: Instant,
                acknowledgedAt: Instant?, acknowledgedBy: String?, closedAt: Instant?, closeReason: String?,
                levelRaisedAt: Instant? = nil, closeCause: EscalationCloseCause? = nil) {
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
        self.levelRaisedAt = levelRaisedAt ?? raisedAt
        self.closeCause = closeCause
    }

    /// True until its cause ends.
    public var isOpen: Bool { closedAt == nil }
}

/// Why an escalation closed: its cause ended, named as a word (`siam.escalation.close_cause`;
/// the schema's check `escalation_close_cause_valid` lists the same words, and a test keeps
/// the two lists equal).
public enum EscalationCloseCause: String, Sendable, CaseIterable {
    /// The incident was resolved or closed.
    case resolved
    /// The incident was cancelled.
    case cancelled
    /// Work started on the incident (the SLA acknowledge clock stopped).
    case workStarted = "work started"
    /// The offer whose accept clock it was about was accepted.
    case accepted
    /// The offer expired (its own expiry; not a cause anyone acted on).
    case expired
    /// The offer was rejected.
    case rejected
    /// The offer was withdrawn (cancelled).
    case withdrawn
    /// The supplier whose resolve clock it was about no longer holds the incident.
    case handedOn = "handed on"
    /// An unroutable incident got an owner or an offer.
    case routed
    /// A supplier's load fell below the rule's first threshold.
    case belowThreshold = "below threshold"
    /// The integrator ruled on the scope dispute.
    case ruled
    /// Merged into the subject's one escalation by migration 0004.
    case merged
    /// Closed by hand for another reason.
    case other
}
