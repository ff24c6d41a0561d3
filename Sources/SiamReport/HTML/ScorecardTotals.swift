/// The headline figures of a report: the suppliers' scorecards added up.
struct ScorecardTotals {
    var offered = 0
    var accepted = 0
    /// Offers that ended in an answer or ran out: accepted, rejected or expired.
    var decided = 0
    var olaClocks = 0
    var olaMet = 0
    /// All SLA breaches in the period, whoever held the incident.
    var slaBreaches = 0
    /// Breaches while no supplier held the incident.
    var unassignedBreaches = 0
    /// Scope disputes raised in the period, and how many of those were upheld or overturned.
    var disputesRaised = 0
    var disputesUpheld = 0
    var disputesOverturned = 0
    var escalations = 0
    var complaints = 0
    var feedbackCount = 0
    private var satisfactionSum = 0.0

    init(_ report: ScorecardReport) {
        for score in report.suppliers {
            offered += score.offered
            accepted += score.accepted
            decided += score.accepted + score.rejected + score.expired
            olaClocks += score.olaClocks
            olaMet += score.olaMet
            disputesRaised += score.disputesRaised
            disputesUpheld += score.disputesUpheld
            disputesOverturned += score.disputesOverturned
            escalations += score.escalations
            complaints += score.complaints
            // The mean over all feedback, not over suppliers: each supplier's mean weighs as
            // much as the feedback behind it.
            if let mean = ReportFormat.finite(score.satisfaction), score.feedbackCount > 0 {
                satisfactionSum += mean * Double(score.feedbackCount)
                feedbackCount += score.feedbackCount
            }
        }
        for breach in report.breaches {
            slaBreaches += breach.count
            if breach.supplier == nil { unassignedBreaches += breach.count }
        }
    }

    /// accepted / (accepted + rejected + expired) over all suppliers, in percent.
    var acceptancePercent: Double? {
        decided == 0 ? nil : Double(accepted) * 100 / Double(decided)
    }

    var olaMetPercent: Double? {
        olaClocks == 0 ? nil : Double(olaMet) * 100 / Double(olaClocks)
    }

    var meanSatisfaction: Double? {
        feedbackCount == 0 ? nil : satisfactionSum / Double(feedbackCount)
    }
}

/// Where a figure starts to need attention in the governance meeting. The page marks such
/// figures and says so in its legend.
enum ScorecardThresholds {
    /// Acceptance rate below this percentage.
    static let acceptancePercent = 80.0
    /// OLA clocks met below this percentage.
    static let olaMetPercent = 90.0
    /// Mean satisfaction below this score (of 5).
    static let satisfaction = 3.0

    static func isLow(_ value: Double?, below threshold: Double) -> Bool {
        guard let value = ReportFormat.finite(value) else { return false }
        return value < threshold
    }
}

extension SupplierScore {
    /// The acceptance rate in percent; nil when none was answered or expired.
    var acceptancePercent: Double? {
        ReportFormat.finite(acceptanceRate).map { $0 * 100 }
    }
}
