/// One row of the event log (`siam.event`).
public struct Event: Sendable, Equatable {
    public var id: Int64
    public var at: Instant
    public var actor: String
    public var kind: String
    public var incident: Int64?
    public var handoff: Int64?
    public var supplier: String?
    public var escalation: Int64?
    public var reason: String
    /// The details, as JSON text.
    public var data: String

    public init(id: Int64, at: Instant, actor: String, kind: String, incident: Int64?, handoff: Int64?,
                supplier: String?, escalation: Int64?, reason: String, data: String) {
        self.id = id
        self.at = at
        self.actor = actor
        self.kind = kind
        self.incident = incident
        self.handoff = handoff
        self.supplier = supplier
        self.escalation = escalation
        self.reason = reason
        self.data = data
    }
}
