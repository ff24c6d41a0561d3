/// The state of a shared incident.
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

    /// One allowed change of state (the schema's `siam.incident_transition`).
    public struct Transition: Hashable, Sendable {
        public let from: IncidentState
        public let to: IncidentState
        /// Made only by a supplier accepting a handoff of the whole incident.
        public let byHandoff: Bool
    }

    /// Every allowed change of state.
    public static let transitions: Set<Transition> = [
        Transition(from: .new, to: .assigned, byHandoff: true),
        Transition(from: .new, to: .cancelled, byHandoff: false),
        Transition(from: .assigned, to: .inProgress, byHandoff: false),
        Transition(from: .assigned, to: .pending, byHandoff: false),
        Transition(from: .assigned, to: .resolved, byHandoff: false),
        Transition(from: .assigned, to: .cancelled, byHandoff: false),
        Transition(from: .inProgress, to: .assigned, byHandoff: true),
        Transition(from: .inProgress, to: .pending, byHandoff: false),
        Transition(from: .inProgress, to: .resolved, byHandoff: false),
        Transition(from: .inProgress, to: .cancelled, byHandoff: false),
        Transition(from: .pending, to: .inProgress, byHandoff: false),
        Transition(from: .pending, to: .resolved, byHandoff: false),
        Transition(from: .pending, to: .cancelled, byHandoff: false),
        Transition(from: .resolved, to: .inProgress, byHandoff: false),
        Transition(from: .resolved, to: .closed, byHandoff: false),
    ]

    /// States a person (or integration) may set directly from this one.
    public var settableNext: [IncidentState] {
        Self.allCases.filter { next in
            Self.transitions.contains(Transition(from: self, to: next, byHandoff: false))
        }
    }

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
