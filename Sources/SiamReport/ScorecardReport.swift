import SiamCore

/// Everything the governance scorecards show, for one period: what `siamd report scorecard`
/// prints and `siamd report html` draws. Pure data, read from the schema's reporting
/// functions (`siam.scorecard`, `siam.sla_compliance`, `siam.sla_breaches`).
public struct ScorecardReport: Sendable, Equatable {
    /// The period: `[since, until)`.
    public var since: Instant
    public var until: Instant
    /// When the report was made (the database clock).
    public var generatedAt: Instant
    /// One scorecard per supplier, in supplier code order.
    public var suppliers: [SupplierScore]
    /// SLA compliance per supplier over time, in buckets of `bucketSeconds` each.
    public var compliance: [ComplianceBucket]
    public var bucketSeconds: Int64
    /// Where the SLA breaches happened: counts per holder, service and priority.
    public var breaches: [BreachCount]
    /// The scope disputes of the period (`siam.disputes`): raised in it, or open during it
    /// (ruled in it or later, or not yet), oldest first, each with its ruling so far.
    public var disputes: [ScopeDispute]

    public init(since: Instant, until: Instant, generatedAt: Instant, suppliers: [SupplierScore],
                compliance: [ComplianceBucket], bucketSeconds: Int64, breaches: [BreachCount],
                disputes: [ScopeDispute] = []) {
        self.since = since
        self.until = until
        self.generatedAt = generatedAt
        self.suppliers = suppliers
        self.compliance = compliance
        self.bucketSeconds = bucketSeconds
        self.breaches = breaches
        self.disputes = disputes
    }
}

/// One supplier's scorecard for a period.
public struct SupplierScore: Sendable, Equatable {
    public var supplier: String
    public var name: String
    /// Its lifecycle status now (onboarding, active, suspended, exiting, retired).
    public var status: String
    /// Handoffs offered to it in the period, and how those ended.
    public var offered: Int
    public var accepted: Int
    public var rejected: Int
    public var expired: Int
    public var cancelled: Int
    /// accepted / (accepted + rejected + expired); nil when none was answered or expired.
    public var acceptanceRate: Double?
    /// Median real time from offer to acceptance, in seconds; nil when none was accepted.
    public var medianSecondsToAccept: Double?
    /// OLA clocks (accept and resolve) decided in the period, and how many were met.
    public var olaClocks: Int
    public var olaMet: Int
    /// SLA clocks (acknowledge, resolve) of the customer breached while it owned the incident.
    public var slaBreaches: Int
    /// Incidents it took part in that were escalated as ping-pong in the period.
    public var bounces: Int
    /// Scope disputes it raised in the period (its out-of-scope rejections), and how many of
    /// those the integrator has ruled so far (whenever it ruled): upheld (its refusal was fair,
    /// ruled out of scope) or overturned (ruled in scope). The rest are still open.
    public var disputesRaised: Int
    public var disputesUpheld: Int
    public var disputesOverturned: Int
    /// Escalations raised about it, or about incidents it owned when they were raised.
    public var escalations: Int
    /// Complaints received about incidents it owned at the time.
    public var complaints: Int
    /// Mean satisfaction (1 to 5) of the feedback on incidents it owned; nil without feedback.
    public var satisfaction: Double?
    public var feedbackCount: Int

    public init(supplier: String, name: String, status: String, offered: Int, accepted: Int, rejected: Int,
                expired: Int, cancelled: Int, acceptanceRate: Double?, medianSecondsToAccept: Double?,
                olaClocks: Int, olaMet: Int, slaBreaches: Int, bounces: Int, disputesRaised: Int,
                disputesUpheld: Int, disputesOverturned: Int, escalations: Int, complaints: Int, satisfaction: Double?, feedbackCount: Int) {
        self.supplier = supplier
        self.name = name
        self.status = status
        self.offered = offered
        self.accepted = accepted
        self.rejected = rejected
        self.expired = expired
        self.cancelled = cancelled
        self.acceptanceRate = acceptanceRate
        self.medianSecondsToAccept = medianSecondsToAccept
        self.olaClocks = olaClocks
        self.olaMet = olaMet
        self.slaBreaches = slaBreaches
        self.bounces = bounces
        self.disputesRaised = disputesRaised
        self.disputesUpheld = disputesUpheld
        self.disputesOverturned = disputesOverturned
        self.escalations = escalations
        self.complaints = complaints
        self.satisfaction = satisfaction
        self.feedbackCount = feedbackCount
    }

    /// Percent of its OLA clocks met; nil when none was decided.
    public var olaMetPercent: Double? {
        olaClocks == 0 ? nil : Double(olaMet) * 100 / Double(olaClocks)
    }
}

/// SLA clocks decided in one time bucket for incidents one supplier owned, and how many met.
public struct ComplianceBucket: Sendable, Equatable {
    public var supplier: String
    /// Start of the bucket; buckets are `[start, start + length)`.
    public var start: Instant
    public var clocks: Int
    public var met: Int

    public init(supplier: String, start: Instant, clocks: Int, met: Int) {
        self.supplier = supplier
        self.start = start
        self.clocks = clocks
        self.met = met
    }

    /// Percent met; nil for an empty bucket.
    public var percent: Double? {
        clocks == 0 ? nil : Double(met) * 100 / Double(clocks)
    }
}

/// SLA breaches in the period for one holder, service and priority.
public struct BreachCount: Sendable, Equatable {
    /// The supplier that owned the incident when the clock ran out; nil: nobody (the
    /// integrator's: not yet routed or accepted).
    public var supplier: String?
    public var service: String
    public var priority: String
    public var count: Int

    public init(supplier: String?, service: String, priority: String, count: Int) {
        self.supplier = supplier
        self.service = service
        self.priority = priority
        self.count = count
    }
}
