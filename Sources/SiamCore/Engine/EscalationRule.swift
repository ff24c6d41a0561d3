/// An escalation rule as stored in `siam.escalation_rule`.
public struct EscalationRule: Sendable, Equatable {
    /// What a rule measures.
    public enum Measure: String, Sendable, CaseIterable {
        /// Percent of the SLA acknowledge clock elapsed.
        case slaAcknowledge = "sla_acknowledge"
        /// Percent of the SLA resolve clock elapsed.
        case slaResolve = "sla_resolve"
        /// Percent of a handoff's OLA accept clock elapsed (below 100: at 100 it expires).
        case olaAccept = "ola_accept"
        /// Percent of the owner's OLA resolve clock elapsed.
        case olaResolve = "ola_resolve"
        /// Bounces of one incident (``BounceRecord``) within the window.
        case bounces
        /// Weighted complaints (customer 2, user 1) within the window.
        case complaints
        /// Percent of a supplier's capacity in use.
        case capacity
        /// No eligible supplier to offer the incident to.
        case unroutable
        /// An out-of-scope rejection waiting for the integrator's ruling.
        case scopeDispute = "scope_dispute"
    }

    public var code: String
    public var measure: Measure
    /// Ascending; an escalation is at level N once the measure has reached `thresholds[N - 1]`.
    public var thresholds: [Double]
    public var notify: String
    /// Repeat the notification this often until acknowledged; nil = once.
    public var repeatEvery: Int64?
    /// Window of the count measures, in seconds.
    public var window: Int64?
    public var priority: Priority?
    public var service: String?
    public var supplier: String?
    public var userTier: String?
    public var enabled: Bool

    public init(code: String, measure: Measure, thresholds: [Double], notify: String, repeatEvery: Int64?,
                window: Int64?, priority: Priority? = nil, service: String? = nil, supplier: String? = nil,
                userTier: String? = nil, enabled: Bool = true) {
        self.code = code
        self.measure = measure
        self.thresholds = thresholds
        self.notify = notify
        self.repeatEvery = repeatEvery
        self.window = window
        self.priority = priority
        self.service = service
        self.supplier = supplier
        self.userTier = userTier
        self.enabled = enabled
    }

    /// True when the rule is on and its scope covers the incident (and supplier, if any).
    public func applies(to incident: Incident, supplier: String?) -> Bool {
        enabled
            && (priority == nil || priority == incident.priority)
            && (service == nil || service == incident.service)
            && (self.supplier == nil || self.supplier == supplier)
            && (userTier == nil || userTier == incident.userTier)
    }
}
