import SiamCore
import SiamReport

extension Store {
    /// The scorecards of `[since, until)` with SLA compliance in buckets of `bucket` and
    /// where the breaches happened, read in one snapshot (one repeatable-read transaction),
    /// so the figures agree with each other. Without `charts`, only the scorecards (the
    /// compliance and breaches stay empty: each costs another pass over the SLA clocks).
    public func scorecardReport(since: Instant, until: Instant, bucket: BusinessDuration, charts: Bool = true) throws
        -> ScorecardReport {
        try connection.readOnlySnapshot {
            let generatedAt = try connection.query("SELECT siam.clock() AS now").first!.instant("now")
            let suppliers = try connection.query(
                "SELECT * FROM siam.scorecard($1::timestamptz, $2::timestamptz)", [since, until]
            ).rows.map { row in
                SupplierScore(
                    supplier: try row.string("supplier"),
                    name: try row.string("name"),
                    status: try row.string("status"),
                    offered: try row.int("offered"),
                    accepted: try row.int("accepted"),
                    rejected: try row.int("rejected"),
                    expired: try row.int("expired"),
                    cancelled: try row.int("cancelled"),
                    acceptanceRate: try row.text("acceptance_rate").flatMap(Double.init),
                    medianSecondsToAccept: try row.text("median_seconds_to_accept").flatMap(Double.init),
                    olaClocks: try row.int("ola_clocks"),
                    olaMet: try row.int("ola_met"),
                    slaBreaches: try row.int("sla_breaches"),
                    bounces: try row.int("bounces"),
                    disputesRaised: try row.int("disputes_raised"),
                    disputesUpheld: try row.int("disputes_upheld"),
                    disputesOverturned: try row.int("disputes_overturned"),
                    escalations: try row.int("escalations"),
                    complaints: try row.int("complaints"),
                    satisfaction: try row.text("satisfaction").flatMap(Double.init),
                    feedbackCount: try row.int("feedback_count"))
            }
            guard charts else {
                return ScorecardReport(since: since, until: until, generatedAt: generatedAt, suppliers: suppliers,
                                       compliance: [], bucketSeconds: bucket.seconds, breaches: [])
            }
            let compliance = try connection.query(
                "SELECT * FROM siam.sla_compliance($1::timestamptz, $2::timestamptz, $3::interval)", [since, until, bucket]
            ).rows.map { row in
                ComplianceBucket(supplier: try row.string("supplier"), start: try row.instant("bucket_start"),
                                 clocks: try row.int("clocks"), met: try row.int("met"))
            }
            let breaches = try connection.query(
                "SELECT * FROM siam.sla_breaches($1::timestamptz, $2::timestamptz)", [since, until]
            ).rows.map { row in
                BreachCount(supplier: try row.optionalString("supplier"), service: try row.string("service"),
                            priority: try row.string("priority"), count: try row.int("breaches"))
            }
            return ScorecardReport(since: since, until: until, generatedAt: generatedAt, suppliers: suppliers,
                                   compliance: compliance, bucketSeconds: bucket.seconds, breaches: breaches,
                                   disputes: try disputes(since: since, until: until))
        }
    }
}
