import SiamCore
import SiamReport
import SiamStore

/// A 24x7 world for the report and status tests, built step by step at fixed instants:
/// service `network`, active suppliers `acme` "Acme Ltd" (rank 1), `beta` "Beta GmbH"
/// (rank 2) and `gamma` "Gamma" (rank 3), none with a capacity or a calendar, and optional
/// P2 targets without calendars, so every clock is plain real time.
///
/// Time moves only by ``at(_:)``, which fixes the database clock (`TestDatabase.setClock`)
/// and hands back a store on a new session that sees it.
struct ReportWorld {
    let database: TestDatabase

    /// 2026-06-01 is a Monday, far from any DST change; `june1("08:00:00")` is
    /// `2026-06-01T08:00:00Z`.
    static func june1(_ time: String) -> String { "2026-06-01T\(time)Z" }

    /// - Parameters:
    ///   - now: the instant the world is built at.
    ///   - sla: P2 SLA durations in seconds (nil: no SLA target).
    ///   - ola: P2 OLA durations in seconds for every supplier (nil: no OLA target).
    ///   - database: where to build it (default: a new database with the current schema).
    init(now: String, sla: (acknowledge: Int64, resolve: Int64)? = nil,
         ola: (accept: Int64?, resolve: Int64?)? = nil, in database: TestDatabase? = nil) throws {
        if let database {
            self.database = database
            try database.setClock(now)
        } else {
            self.database = try TestDatabase(now: now)
        }
        let store = try self.database.store(actor: "world")
        try store.addService(code: "network", name: "Network")
        for (rank, (code, name)) in [("acme", "Acme Ltd"), ("beta", "Beta GmbH"), ("gamma", "Gamma")].enumerated() {
            try store.addSupplier(code: code, name: name, capacity: nil, calendar: nil)
            try store.setSupplierStatus(code: code, status: "active", reason: nil)
            try store.serve(supplier: code, service: "network", rank: rank + 1)
        }
        if let sla {
            try store.setTarget(TargetChange(
                kind: .sla, priority: .p2, service: nil, supplier: nil, calendar: nil, accept: nil,
                acknowledge: BusinessDuration(seconds: sla.acknowledge), resolve: BusinessDuration(seconds: sla.resolve)))
        }
        if let ola {
            try store.setTarget(TargetChange(
                kind: .ola, priority: .p2, service: nil, supplier: nil, calendar: nil,
                accept: ola.accept.map(BusinessDuration.init(seconds:)), acknowledge: nil,
                resolve: ola.resolve.map(BusinessDuration.init(seconds:))))
        }
    }

    /// Fixes the clock at `instant` and returns a step on a session that sees it.
    func at(_ instant: String) throws -> ReportStep {
        try database.setClock(instant)
        return ReportStep(store: try database.store(actor: "tester"))
    }

    /// The scorecards of `[since, until)` by supplier code, read as `siamd report` reads them.
    func scorecards(_ since: String, _ until: String) throws -> [String: SupplierScore] {
        let report = try report(since, until)
        return Dictionary(uniqueKeysWithValues: report.suppliers.map { ($0.supplier, $0) })
    }

    /// The whole report of `[since, until)`, with compliance buckets of `bucket` seconds
    /// (default: a tenth of the period).
    func report(_ since: String, _ until: String, bucket: Int64? = nil) throws -> ScorecardReport {
        let from = try Instant(parsing: since), to = try Instant(parsing: until)
        let length = bucket ?? max(1, (to.seconds - from.seconds) / 10)
        return try database.store().scorecardReport(since: from, until: to, bucket: BusinessDuration(seconds: length))
    }
}

/// What one moment of a report test does, through the schema's own write functions.
struct ReportStep {
    let store: Store
    var connection: PostgresConnection { store.connection }

    /// Opens a P2 (by default) incident of `network`; offered at once with `to`.
    @discardableResult
    func open(_ title: String = "Router down", priority: Priority = .p2, to supplier: String? = nil,
              hold: Bool = false) throws -> Int64 {
        try store.openIncident(NewIncident(service: "network", priority: priority, title: title, customer: nil,
                                           userTier: nil, offerTo: supplier, hold: hold))
    }

    /// Opens an incident offered to `supplier`; returns it and its offer.
    func openOffered(to supplier: String, priority: Priority = .p2, title: String = "Router down") throws
        -> (incident: Int64, handoff: Int64) {
        let incident = try open(title, priority: priority, to: supplier)
        return (incident, try offerOf(incident))
    }

    /// The open offer of the whole incident.
    func offerOf(_ incident: Int64) throws -> Int64 {
        try connection.query(
            "SELECT id FROM siam.handoff WHERE incident = $1::bigint AND state = 'offered' AND part IS NULL",
            [incident]).first!.int64("id")
    }

    @discardableResult
    func offer(_ incident: Int64, to supplier: String, part: String? = nil) throws -> Int64 {
        try store.offer(incident: incident, to: supplier, part: part, reason: nil)
    }

    func accept(_ handoff: Int64) throws {
        try store.accept(handoff: handoff, reason: nil)
    }

    func reject(_ handoff: Int64, outOfScope: Bool = false) throws {
        try store.reject(handoff: handoff, reason: outOfScope ? "not our scope" : "no capacity", outOfScope: outOfScope)
    }

    /// Expires an offer past its deadline, as the daemon does; false when it was not due.
    @discardableResult
    func expire(_ handoff: Int64) throws -> Bool {
        try store.write {
            try connection.query("SELECT siam.handoff_expire($1::bigint, 'not accepted in time') AS id", [handoff])
                .first!.optionalInt("id") != nil
        }
    }

    func cancel(_ handoff: Int64) throws {
        _ = try store.write {
            try connection.query("SELECT siam.handoff_cancel($1::bigint, 'withdrawn') AS id", [handoff])
        }
    }

    func setState(_ incident: Int64, _ state: String) throws {
        try store.setIncidentState(id: incident, state: state, reason: nil)
    }

    /// Raises an escalation as the daemon does; returns its id.
    @discardableResult
    func raise(_ rule: String, level: Int = 1, incident: Int64? = nil, handoff: Int64? = nil,
               supplier: String? = nil, reason: String = "threshold crossed") throws -> Int64 {
        try store.write {
            try connection.query(
                "SELECT siam.escalation_raise($1, $2::integer, $3::bigint, $4::bigint, $5, $6) AS id",
                [rule, level, incident, handoff, supplier, reason]).first!.int64("id")
        }
    }

    /// Closes an escalation as the daemon does (with a cause since migration 0004; the old
    /// schemas that MigrationTests fill have only the form without one).
    func closeEscalation(_ escalation: Int64, cause: String = "other") throws {
        _ = try store.write {
            let withCause = try connection.query(
                "SELECT to_regprocedure('siam.escalation_close(bigint,text,text)') IS NOT NULL AS yes").first!.bool("yes")
            if withCause {
                _ = try connection.query("SELECT siam.escalation_close($1::bigint, $2, 'cause ended')", [escalation, cause])
            } else {
                _ = try connection.query("SELECT siam.escalation_close($1::bigint, 'cause ended')", [escalation])
            }
        }
    }

    func acknowledge(_ escalation: Int64) throws {
        try store.acknowledge(escalation: escalation, by: "duty manager")
    }

    @discardableResult
    func complain(_ incident: Int64, source: String = "user") throws -> Int64 {
        try store.recordComplaint(incident: incident, source: source, body: "still broken")
    }

    @discardableResult
    func feedback(_ incident: Int64, score: Int) throws -> Int64 {
        try store.recordFeedback(incident: incident, score: score, comment: nil)
    }
}

extension SupplierScore {
    /// An expected scorecard: zero and nil unless given.
    static func expected(_ supplier: String, _ name: String, status: String = "active", offered: Int = 0,
                         accepted: Int = 0, rejected: Int = 0, expired: Int = 0, cancelled: Int = 0,
                         acceptanceRate: Double? = nil, medianSecondsToAccept: Double? = nil, olaClocks: Int = 0,
                         olaMet: Int = 0, slaBreaches: Int = 0, bounces: Int = 0, disputesRaised: Int = 0,
                         disputesUpheld: Int = 0, disputesOverturned: Int = 0, escalations: Int = 0, complaints: Int = 0, satisfaction: Double? = nil,
                         feedbackCount: Int = 0) -> SupplierScore {
        SupplierScore(supplier: supplier, name: name, status: status, offered: offered, accepted: accepted,
                      rejected: rejected, expired: expired, cancelled: cancelled, acceptanceRate: acceptanceRate,
                      medianSecondsToAccept: medianSecondsToAccept, olaClocks: olaClocks, olaMet: olaMet,
                      slaBreaches: slaBreaches, bounces: bounces, disputesRaised: disputesRaised,
                      disputesUpheld: disputesUpheld, disputesOverturned: disputesOverturned, escalations: escalations,
                      complaints: complaints, satisfaction: satisfaction, feedbackCount: feedbackCount)
    }
}
