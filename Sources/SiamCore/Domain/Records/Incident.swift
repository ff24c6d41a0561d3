/// A shared incident as stored in `siam.incident`.
public struct Incident: Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var service: String
    public var priority: Priority
    public var state: IncidentState
    public var customer: String?
    public var userTier: String?
    /// The accountable supplier; nil while new.
    public var owner: String?
    public var onHold: Bool
    public var openedAt: Instant
    public var acknowledgedAt: Instant?
    public var resolvedAt: Instant?
    public var closedAt: Instant?
    public var acknowledgeDue: Instant?
    public var resolveDue: Instant?
    public var slaCalendar: String?
    public var pausedSince: Instant?
    public var handoffCount: Int
    public var complaintCount: Int
    /// Handed off too often: the daemon no longer reassigns it until a person offers it.
    public var routingStopped: Bool
    /// When the daemon next looks at it; nil = nothing scheduled.
    public var nextCheckAt: Instant?
    public var updatedAt: Instant

    public init(id: Int64, title: String, service: String, priority: Priority, state: IncidentState,
                customer: String?, userTier: String?, owner: String?, onHold: Bool, openedAt: Instant,
                acknowledgedAt: Instant?, resolvedAt: Instant?, closedAt: Instant?, acknowledgeDue: Instant?,
                resolveDue: Instant?, slaCalendar: String?, pausedSince: Instant?, handoffCount: Int,
                complaintCount: Int, routingStopped: Bool = false, nextCheckAt: Instant? = nil, updatedAt: Instant) {
        self.id = id
        self.title = title
        self.service = service
        self.priority = priority
        self.state = state
        self.customer = customer
        self.userTier = userTier
        self.owner = owner
        self.onHold = onHold
        self.openedAt = openedAt
        self.acknowledgedAt = acknowledgedAt
        self.resolvedAt = resolvedAt
        self.closedAt = closedAt
        self.acknowledgeDue = acknowledgeDue
        self.resolveDue = resolveDue
        self.slaCalendar = slaCalendar
        self.pausedSince = pausedSince
        self.handoffCount = handoffCount
        self.complaintCount = complaintCount
        self.routingStopped = routingStopped
        self.nextCheckAt = nextCheckAt
        self.updatedAt = updatedAt
    }
}

/// A span during which a supplier held (owner) or contributed to (contributor) an incident.
public struct Assignment: Sendable, Equatable {
    public var id: Int64
    public var incident: Int64
    public var supplier: String
    public var role: String
    public var handoff: Int64?
    public var startedAt: Instant
    public var endedAt: Instant?
    /// The supplier's OLA resolve due instant, if an OLA sets one.
    public var resolveDue: Instant?
    public var olaCalendar: String?
    /// Business time it held the incident (on its OLA calendar), until it ended or now.
    public var businessTime: BusinessDuration?
    /// Whether its OLA resolve target was met; nil while undecided or without a target.
    public var olaMet: Bool?
    /// Whether its OLA resolve clock pauses while the incident is pending (from its OLA
    /// target when it began; spans from before that setting existed do not).
    public var pausesWhenPending: Bool
    /// Business time (on its OLA calendar) its clock was paused while the incident was
    /// pending, until it ended or now; zero for a span that does not pause.
    public var pausedTime: BusinessDuration?

    public init(id: Int64, incident: Int64, supplier: String, role: String, handoff: Int64?, startedAt: Instant,
                endedAt: Instant?, resolveDue: Instant?, olaCalendar: String?, businessTime: BusinessDuration?,
                olaMet: Bool?, pausesWhenPending: Bool = false, pausedTime: BusinessDuration? = nil) {
        self.id = id
        self.incident = incident
        self.supplier = supplier
        self.role = role
        self.handoff = handoff
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.resolveDue = resolveDue
        self.olaCalendar = olaCalendar
        self.businessTime = businessTime
        self.olaMet = olaMet
        self.pausesWhenPending = pausesWhenPending
        self.pausedTime = pausedTime
    }
}
