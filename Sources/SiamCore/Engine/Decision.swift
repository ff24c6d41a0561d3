/// What the daemon decided to do, and why. The reason is what the event log, the logs and
/// `siamd run --dry-run` show.
public struct Decision: Sendable, Equatable, CustomStringConvertible {
    /// One thing the daemon does; each maps to one `siam.*` function that re-checks it under
    /// the row lock and writes its event.
    public enum Action: Sendable, Equatable {
        /// Offered and not accepted by its deadline.
        case expireHandoff(handoff: Int64)
        /// Withdraw an offer (its supplier can no longer take work).
        case cancelHandoff(handoff: Int64)
        /// Offer the whole incident to a supplier.
        case offer(to: String)
        /// Raise an escalation of a rule about the incident (and a handoff or supplier) to a
        /// level: a new one, or its open one climbs (the store names the levels passed over).
        case raiseEscalation(rule: String, level: Int, handoff: Int64?, supplier: String?)
        /// Notify an open, unacknowledged escalation again.
        case repeatEscalation(escalation: Int64)
        /// Close an escalation whose cause ended.
        case closeEscalation(escalation: Int64, cause: EscalationCloseCause)
        /// Close, at once, the escalation of this rule and subject that the same plan raises or
        /// climbs just before: its cause ended before the daemon got to it (an offer answered or
        /// expired meanwhile), yet its levels were crossed, so they are raised and closed together.
        case closeRaisedEscalation(rule: String, handoff: Int64?, supplier: String?, cause: EscalationCloseCause)
        /// Stop reassigning the incident automatically (ping-pong).
        case stopRouting
    }

    /// The incident it is about; nil for a supplier's capacity.
    public let incident: Int64?
    public let action: Action
    public let reason: String
    /// The instant it became due (a deadline, a threshold, a repeat, the change that made it
    /// routable), when the planner knows one: how late the daemon acted is measured from it.
    public let due: Instant?

    public init(incident: Int64?, action: Action, reason: String, due: Instant? = nil) {
        self.incident = incident
        self.action = action
        self.reason = reason
        self.due = due
    }

    /// The same action for the same reason. When it was due is a measurement, not part of
    /// what was decided (tables of expected decisions leave it out).
    public static func == (lhs: Decision, rhs: Decision) -> Bool {
        lhs.incident == rhs.incident && lhs.action == rhs.action && lhs.reason == rhs.reason
    }

    /// The action's kind as metrics and logs name it: offer, expire, cancel, escalate,
    /// repeat, close, stop-routing.
    public var kind: String {
        switch action {
        case .expireHandoff: return "expire"
        case .cancelHandoff: return "cancel"
        case .offer: return "offer"
        case .raiseEscalation: return "escalate"
        case .repeatEscalation: return "repeat"
        case .closeEscalation, .closeRaisedEscalation: return "close"
        case .stopRouting: return "stop-routing"
        }
    }

    /// Stable keys first, for logs and `--dry-run`: `action=offer incident=5 supplier=beta reason="..."`.
    public var fields: [(String, String)] {
        var fields: [(String, String)] = [("action", kind)]
        switch action {
        case .expireHandoff(let handoff), .cancelHandoff(let handoff): fields.append(("handoff", String(handoff)))
        case .offer(let supplier): fields.append(("supplier", supplier))
        case .raiseEscalation(let rule, let level, let handoff, let supplier):
            fields += [("rule", rule), ("escalation_level", String(level))]
            if let handoff { fields.append(("handoff", String(handoff))) }
            if let supplier { fields.append(("supplier", supplier)) }
        case .repeatEscalation(let escalation):
            fields.append(("escalation", String(escalation)))
        case .closeEscalation(let escalation, let cause):
            fields += [("escalation", String(escalation)), ("cause", cause.rawValue)]
        case .closeRaisedEscalation(let rule, let handoff, let supplier, let cause):
            fields.append(("rule", rule))
            if let handoff { fields.append(("handoff", String(handoff))) }
            if let supplier { fields.append(("supplier", supplier)) }
            fields.append(("cause", cause.rawValue))
        case .stopRouting: break
        }
        if let incident { fields.insert(("incident", String(incident)), at: 1) }
        fields.append(("reason", reason))
        return fields
    }

    public var description: String {
        fields.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
    }
}
