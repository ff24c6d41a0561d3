import SiamCore
import SiamReport

/// Scorecard reports for the HTML page's tests: a month of five suppliers with everything a
/// governance meeting sees (and a name that tries to inject markup), and an empty period.
enum BrowserFixtures {
    static let since = Instant(seconds: 1_793_491_200)  // 2026-11-01T00:00:00Z
    static let until = Instant(seconds: 1_796_083_200)  // 2026-12-01T00:00:00Z
    static let day: Int64 = 86_400

    /// Five suppliers over November 2026, daily compliance buckets with gaps, breaches across
    /// four services, four priorities and the unassigned holder.
    static func richReport() -> ScorecardReport {
        let suppliers = [
            score("acme", "Acme Networks", "active", offered: 412, accepted: 389, rejected: 14, expired: 3,
                  median: 252, ola: (318, 309), breaches: 6, bounces: 2, disputes: 3, upheld: 1, overturned: 1, escalations: 4, complaints: 1,
                  satisfaction: (4.4, 61)),
            score("beta", "Beta & Sons <script>alert(1)</script>", "active", offered: 230, accepted: 161, rejected: 52, expired: 12,
                  median: 3 * 3600 + 312, ola: (190, 171), breaches: 14, bounces: 7, disputes: 19, upheld: 12, overturned: 4, escalations: 9, complaints: 5,
                  satisfaction: (2.7, 23)),
            score("cloudy", "Cloudy Hosting \u{2601}\u{FE0F} \"EU\"", "suspended", offered: 96, accepted: 88, rejected: 6, expired: 2,
                  median: 42, ola: (120, 101), breaches: 9, bounces: 1, disputes: 0, escalations: 3, complaints: 2,
                  satisfaction: (3.9, 14)),
            score("delta-ops", "Delta Datacentre Operations", "exiting", offered: 12, accepted: 0, rejected: 4, expired: 8,
                  median: nil, ola: (12, 4), breaches: 3, bounces: 0, disputes: 1, upheld: 1, escalations: 2, complaints: 0,
                  satisfaction: nil),
            score("echo", "\u{00C9}cho S\u{00E9}curit\u{00E9} & Fils", "onboarding", offered: 0, accepted: 0, rejected: 0, expired: 0,
                  median: nil, ola: (0, 0), breaches: 0, bounces: 0, disputes: 0, escalations: 0, complaints: 0,
                  satisfaction: nil),
        ]
        return ScorecardReport(
            since: since, until: until, generatedAt: until.advanced(by: 6 * 3600 + 15 * 60),
            suppliers: suppliers, compliance: compliance(), bucketSeconds: day, breaches: breaches,
            disputes: disputes())
    }

    /// Scope disputes of the period: open, upheld, overturned and sent back, one raised before
    /// the period and ruled in it, and a reason that tries to inject markup.
    static func disputes() -> [ScopeDispute] {
        func at(_ days: Int64, _ hours: Int64 = 9) -> Instant { since.advanced(by: days * day + hours * 3600) }
        return [
            ScopeDispute(id: 3, incident: 118, handoff: 240, supplier: "beta", reason: "Printers are schedule C, not ours",
                         raisedAt: at(-2), ruling: .outOfScope, ruledAt: at(1), ruledBy: "service.manager",
                         note: "Schedule C confirmed: printers belong to the workplace contract", sentBackHandoff: nil),
            ScopeDispute(id: 7, incident: 131, handoff: 262, supplier: "acme", reason: "WAN links <b>are</b> the carrier's & \"theirs\"",
                         raisedAt: at(4), ruling: .inScope, ruledAt: at(5), ruledBy: "duty integrator",
                         note: "Contract 4.2 names the WAN edge routers", sentBackHandoff: 265),
            ScopeDispute(id: 9, incident: 140, handoff: 280, supplier: "delta-ops", reason: "Datacentre exit: no new work",
                         raisedAt: at(12), ruling: nil, ruledAt: nil, ruledBy: nil, note: nil, sentBackHandoff: nil),
        ]
    }

    /// A period with nothing in it at all.
    static func emptyReport() -> ScorecardReport {
        ScorecardReport(since: since, until: until, generatedAt: until, suppliers: [], compliance: [],
                        bucketSeconds: day, breaches: [])
    }

    static func score(
        _ code: String, _ name: String, _ status: String, offered: Int, accepted: Int, rejected: Int, expired: Int,
        median: Double?, ola: (clocks: Int, met: Int), breaches: Int, bounces: Int, disputes: Int,
        upheld: Int = 0, overturned: Int = 0, escalations: Int, complaints: Int, satisfaction: (mean: Double, count: Int)?
    ) -> SupplierScore {
        let decided = accepted + rejected + expired
        return SupplierScore(
            supplier: code, name: name, status: status, offered: offered, accepted: accepted, rejected: rejected,
            expired: expired, cancelled: offered - decided, acceptanceRate: decided == 0 ? nil : Double(accepted) / Double(decided),
            medianSecondsToAccept: median, olaClocks: ola.clocks, olaMet: ola.met, slaBreaches: breaches, bounces: bounces,
            disputesRaised: disputes, disputesUpheld: upheld, disputesOverturned: overturned, escalations: escalations, complaints: complaints,
            satisfaction: satisfaction?.mean, feedbackCount: satisfaction?.count ?? 0)
    }

    /// Daily buckets: acme steady and high, beta lower and erratic, cloudy only until it was
    /// suspended on the 18th, delta-ops on a few days only; some days empty (gaps).
    static func compliance() -> [ComplianceBucket] {
        var buckets: [ComplianceBucket] = []
        var state: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for dayIndex in 0..<30 {
            let start = since.advanced(by: Int64(dayIndex) * day)
            let weekend = dayIndex % 7 == 0 || dayIndex % 7 == 6  // 1 Nov 2026 is a Sunday
            if !weekend || dayIndex % 2 == 0 {
                let clocks = 8 + next(6)
                buckets.append(ComplianceBucket(supplier: "acme", start: start, clocks: clocks, met: clocks - next(2)))
            }
            if !weekend {
                let clocks = 5 + next(5)
                buckets.append(ComplianceBucket(supplier: "beta", start: start, clocks: clocks, met: max(0, clocks - 1 - next(3))))
            }
            if dayIndex < 17, dayIndex % 3 != 1 {
                let clocks = 3 + next(3)
                buckets.append(ComplianceBucket(supplier: "cloudy", start: start, clocks: clocks, met: clocks - next(2)))
            }
            if [2, 3, 9, 16, 23].contains(dayIndex) {
                buckets.append(ComplianceBucket(supplier: "delta-ops", start: start, clocks: 2, met: next(3)))
            }
        }
        // An empty bucket reported as such: a gap, not a zero.
        buckets.append(ComplianceBucket(supplier: "delta-ops", start: since.advanced(by: 4 * day), clocks: 0, met: 0))
        return buckets
    }

    static let breaches: [BreachCount] = [
        BreachCount(supplier: "acme", service: "network", priority: "P2", count: 3),
        BreachCount(supplier: "acme", service: "network", priority: "P3", count: 1),
        BreachCount(supplier: "acme", service: "email", priority: "P3", count: 2),
        BreachCount(supplier: "beta", service: "erp", priority: "P1", count: 2),
        BreachCount(supplier: "beta", service: "erp", priority: "P2", count: 5),
        BreachCount(supplier: "beta", service: "workplace", priority: "P3", count: 4),
        BreachCount(supplier: "beta", service: "workplace", priority: "P4", count: 3),
        BreachCount(supplier: "cloudy", service: "storage", priority: "P1", count: 1),
        BreachCount(supplier: "cloudy", service: "storage", priority: "P2", count: 6),
        BreachCount(supplier: "cloudy", service: "network", priority: "P2", count: 2),
        BreachCount(supplier: "delta-ops", service: "storage", priority: "P3", count: 3),
        BreachCount(supplier: nil, service: "network", priority: "P1", count: 1),
        BreachCount(supplier: nil, service: "email", priority: "P4", count: 4),
        BreachCount(supplier: nil, service: "workplace", priority: "P2", count: 2),
    ]
}
