/// A supplier's place in its lifecycle.
public enum SupplierStatus: String, CaseIterable, Sendable, Codable {
    /// Being set up; gets no work yet. Can transition to: active, retired.
    case onboarding
    /// Gets work. Can transition to: suspended, exiting.
    case active
    /// Temporarily gets no new work; its open work is moved elsewhere. Can transition to: active, exiting.
    case suspended
    /// Contract ending: no new work, its open work is drained to others. Can transition to: active, retired.
    case exiting
    /// Gone. Can transition to: nothing.
    case retired

    /// The statuses this one may change to (the schema's `siam.supplier_transition`).
    public var allowedNext: Set<SupplierStatus> {
        switch self {
        case .onboarding: return [.active, .retired]
        case .active: return [.suspended, .exiting]
        case .suspended: return [.active, .exiting]
        case .exiting: return [.active, .retired]
        case .retired: return []
        }
    }

    /// Only active suppliers are offered work.
    public var takesNewWork: Bool { self == .active }
}
