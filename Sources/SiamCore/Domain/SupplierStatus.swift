/// A supplier's place in its lifecycle.
///
/// The allowed changes are the schema's rule (table `siam.supplier_transition`); the notes
/// below describe them, nothing here enforces them.
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

    /// Only active suppliers are offered work.
    public var takesNewWork: Bool { self == .active }
}
