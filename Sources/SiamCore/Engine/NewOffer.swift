/// An offer the daemon's action made, as the database returned it: what the planner needs to
/// start its accept clock without looking at the incident again.
public struct NewOffer: Sendable, Equatable {
    public var handoff: Int64
    public var incident: Int64
    public var supplier: String
    public var offeredAt: Instant
    /// The OLA accept deadline; nil when no OLA sets one (it never expires).
    public var acceptDue: Instant?
    public var acceptCalendar: String?

    public init(handoff: Int64, incident: Int64, supplier: String, offeredAt: Instant, acceptDue: Instant?,
                acceptCalendar: String?) {
        self.handoff = handoff
        self.incident = incident
        self.supplier = supplier
        self.offeredAt = offeredAt
        self.acceptDue = acceptDue
        self.acceptCalendar = acceptCalendar
    }
}
