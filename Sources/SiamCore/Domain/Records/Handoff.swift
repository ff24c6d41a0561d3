/// An offer of an incident (or a part of it) to a supplier, as stored in `siam.handoff`.
public struct Handoff: Sendable, Equatable {
    public var id: Int64
    public var incident: Int64
    /// nil = the service integrator.
    public var fromSupplier: String?
    public var toSupplier: String
    /// nil = the whole incident.
    public var part: String?
    public var state: HandoffState
    public var offeredAt: Instant
    public var offeredBy: String
    public var acceptDue: Instant?
    public var acceptCalendar: String?
    public var answeredAt: Instant?
    public var answeredBy: String?
    public var reason: String?
    public var outOfScope: Bool
    /// Made by the daemon (routing, reassignment), not by a person.
    public var automatic: Bool

    public init(id: Int64, incident: Int64, fromSupplier: String?, toSupplier: String, part: String?,
                state: HandoffState, offeredAt: Instant, offeredBy: String, acceptDue: Instant?,
                acceptCalendar: String?, answeredAt: Instant?, answeredBy: String?, reason: String?,
                outOfScope: Bool, automatic: Bool = false) {
        self.id = id
        self.incident = incident
        self.fromSupplier = fromSupplier
        self.toSupplier = toSupplier
        self.part = part
        self.state = state
        self.offeredAt = offeredAt
        self.offeredBy = offeredBy
        self.acceptDue = acceptDue
        self.acceptCalendar = acceptCalendar
        self.answeredAt = answeredAt
        self.answeredBy = answeredBy
        self.reason = reason
        self.outOfScope = outOfScope
        self.automatic = automatic
    }
}
