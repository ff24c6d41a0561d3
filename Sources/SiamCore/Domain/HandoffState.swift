/// The state of a handoff (an offer of work to a supplier).
public enum HandoffState: String, CaseIterable, Sendable, Codable {
    /// Waiting for the supplier's answer. Can transition to: accepted, rejected, expired, cancelled.
    case offered
    /// The supplier took the work. Can transition to: nothing.
    case accepted
    /// The supplier declined, with a reason (possibly disputing scope). Can transition to: nothing.
    case rejected
    /// Not answered by its accept deadline. Can transition to: nothing.
    case expired
    /// Withdrawn (e.g. the incident was resolved). Can transition to: nothing.
    case cancelled

    /// True while the offer waits for an answer.
    public var isOpen: Bool { self == .offered }
}
