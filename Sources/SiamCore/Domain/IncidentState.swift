/// The state of a shared incident.
///
/// The allowed changes are the schema's rule (table `siam.incident_transition`, checked by a
/// trigger); the notes below describe them, nothing here enforces them.
public enum IncidentState: String, CaseIterable, Sendable, Codable {
    /// Opened, owned by nobody yet. Can transition to: assigned (by a handoff), cancelled.
    case new
    /// A supplier accepted it and owns it. Can transition to: in_progress, pending, resolved, cancelled.
    case assigned
    /// The owner works on it. Can transition to: assigned (handed on), pending, resolved, cancelled.
    case inProgress = "in_progress"
    /// Waiting on the customer; SLA clocks pause. Can transition to: in_progress, resolved, cancelled.
    case pending
    /// Fixed, awaiting closure. Can transition to: closed, in_progress (reopened).
    case resolved
    /// Done. Can transition to: nothing.
    case closed
    /// Withdrawn. Can transition to: nothing.
    case cancelled

    /// True once nothing more happens to the incident.
    public var isTerminal: Bool { self == .closed || self == .cancelled }

    /// True while the incident still needs work (its clocks may run).
    public var isOpen: Bool {
        switch self {
        case .new, .assigned, .inProgress, .pending: return true
        case .resolved, .closed, .cancelled: return false
        }
    }
}
