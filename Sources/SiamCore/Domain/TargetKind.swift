/// Which agreement a target belongs to.
public enum TargetKind: String, CaseIterable, Sendable, Codable {
    /// Service level agreement: integrator and customer.
    case sla
    /// Operational level agreement: integrator and one supplier.
    case ola
}
