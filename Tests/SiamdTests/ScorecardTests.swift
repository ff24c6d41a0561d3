import Foundation
import SiamCore
import SiamReport
import SiamStore
import Testing

/// The governance scorecards (`siam.scorecard`, `siam.sla_outcomes`, `siam.ola_outcomes`,
/// `siam.sla_compliance`, `siam.sla_breaches`, read through `Store.scorecardReport`) on
/// worlds built at fixed instants, where every figure is known. All clocks are 24x7, so a
/// duration is plain real time. The period is 2026-06-01 (a Monday) unless said otherwise.
@Suite struct ScorecardTests {
    static func t(_ time: String) -> String { ReportWorld.june1(time) }
    static func instant(_ time: String) -> Instant { try! Instant(parsing: t(time)) }
    static let since = "2026-06-01T00:00:00Z"
    static let until = "2026-06-02T00:00:00Z"

    // MARK: - Handoffs and OLA accept clocks

    @Test func handoffOutcomesAcceptanceRateMedianAndAcceptClocks() throws {
        // OLA: accept within 30 min; no resolve clock, no SLA.
        let world = try ReportWorld(now: Self.t("07:00:00"), ola: (accept: 1800, resolve: nil))
        var step = try world.at(Self.t("08:00:00"))
        let i1 = try step.openOffered(to: "acme"), i2 = try step.openOffered(to: "acme")
        let i3 = try step.openOffered(to: "acme"), i4 = try step.openOffered(to: "acme")
        let i5 = try step.openOffered(to: "beta"), i6 = try step.openOffered(to: "beta")
        let i7 = try step.openOffered(to: "beta"), i8 = try step.openOffered(to: "beta")
        step = try world.at(Self.t("08:01:00"))
        try step.reject(i7.handoff)
        step = try world.at(Self.t("08:02:00"))
        try step.cancel(i8.handoff)
        step = try world.at(Self.t("08:05:00"))
        try step.reject(i4.handoff, outOfScope: true)
        let i4b = try step.offer(i4.incident, to: "beta")
        step = try world.at(Self.t("08:06:00"))
        try step.accept(i4b)                               // beta: 60 s, in time
        step = try world.at(Self.t("08:10:00"))
        try step.accept(i1.handoff)                        // acme: 600 s, in time
        step = try world.at(Self.t("08:20:00"))
        try step.accept(i2.handoff)                        // acme: 1200 s, in time
        #expect(try !step.expire(i6.handoff))              // not due before 08:30
        step = try world.at(Self.t("08:30:00"))
        try step.accept(i5.handoff)                        // beta: 1800 s, exactly at its deadline: met
        #expect(try step.expire(i6.handoff))
        let i6g = try step.offer(i6.incident, to: "gamma") // due 09:00, never answered
        step = try world.at(Self.t("08:40:00"))
        try step.accept(i3.handoff)                        // acme: 2400 s, 10 min late: missed
        step = try world.at(Self.t("11:50:00"))
        try step.offer(try step.open(), to: "gamma")       // due 12:20: nothing decided yet
        _ = try world.at(Self.t("12:00:00"))

        let scores = try world.scorecards(Self.since, Self.until)
        // acme: 3 of 4 accepted (one out-of-scope rejection, a bounce while unruled); median of
        // 600, 1200, 2400 (odd count).
        #expect(scores["acme"] == .expected("acme", "Acme Ltd", offered: 4, accepted: 3, rejected: 1,
                                            acceptanceRate: 0.75, medianSecondsToAccept: 1200,
                                            olaClocks: 3, olaMet: 2, bounces: 1, disputesRaised: 1))
        // beta: 2 accepted, 1 rejected (a bounce; the expiry is none), 1 expired, 1 cancelled
        // (not in the rate); median of 60 and 1800 (even count): their mean. Accept clocks: two
        // met, the expiry missed.
        #expect(scores["beta"] == .expected("beta", "Beta GmbH", offered: 5, accepted: 2, rejected: 1, expired: 1,
                                            cancelled: 1, acceptanceRate: 0.5, medianSecondsToAccept: 930,
                                            olaClocks: 3, olaMet: 2, bounces: 1))
        // gamma: nothing answered, so no rate; the offer past its deadline is a missed clock,
        // the one not yet due is none.
        #expect(scores["gamma"] == .expected("gamma", "Gamma", offered: 2, olaClocks: 1, olaMet: 0))
        #expect(scores.count == 3)

        // The accept clocks themselves.
        let clocks = try world.database.connect().query("""
            SELECT supplier, handoff, decided_at, met FROM siam.ola_outcomes($1::timestamptz, $2::timestamptz)
            WHERE clock = 'accept' ORDER BY supplier, handoff
            """, [Self.since, Self.until]).rows.map { row in
                "\(try row.string("supplier")) \(try row.int64("handoff")) \(try row.instant("decided_at").iso8601) \(try row.bool("met"))"
            }
        #expect(clocks == [
            "acme \(i1.handoff) 2026-06-01T08:10:00Z true",
            "acme \(i2.handoff) 2026-06-01T08:20:00Z true",
            "acme \(i3.handoff) 2026-06-01T08:30:00Z false",   // decided when its deadline passed
            "beta \(i5.handoff) 2026-06-01T08:30:00Z true",
            "beta \(i6.handoff) 2026-06-01T08:30:00Z false",
            "beta \(i4b) 2026-06-01T08:06:00Z true",
            "gamma \(i6g) 2026-06-01T09:00:00Z false",
        ])
    }

    // MARK: - OLA resolve clocks and SLA breaches

    /// P2 SLA acknowledge 1h / resolve 4h; P2 OLA resolve 2h (no accept clock). Every
    /// incident is opened at 08:00, so its SLA is due at 09:00 (acknowledge) and 12:00
    /// (resolve). Read at 20:00.
    struct Breaches {
        let world: ReportWorld
        let j1: Int64, j2: Int64, j3: Int64, j4: Int64, j5: Int64, j6: Int64, j7: Int64

        init() throws {
            func t(_ time: String) -> String { ReportWorld.june1(time) }
            world = try ReportWorld(now: t("07:00:00"), sla: (acknowledge: 3600, resolve: 4 * 3600),
                                    ola: (accept: nil, resolve: 2 * 3600))
            var step = try world.at(t("08:00:00"))
            let o1 = try step.openOffered(to: "acme")       // j1: acme, everything in time
            let o2 = try step.openOffered(to: "acme")       // j2: acme misses, beta takes over and misses
            j3 = try step.open(hold: true)                  // j3: nobody ever holds it
            let o4 = try step.openOffered(to: "gamma")      // j4: pending before its SLA was due
            j5 = try step.open(hold: true)                  // j5: cancelled
            let o6 = try step.openOffered(to: "beta")       // j6: beta, in time
            let o7 = try step.openOffered(to: "acme")       // j7: pending after its acknowledge was due
            j1 = o1.incident
            j2 = o2.incident
            j4 = o4.incident
            j6 = o6.incident
            j7 = o7.incident
            step = try world.at(t("08:01:00"))
            try step.accept(o6.handoff)
            step = try world.at(t("08:02:00"))
            try step.setState(j6, "in_progress")
            step = try world.at(t("08:05:00"))
            for offer in [o1, o2, o4, o7] { try step.accept(offer.handoff) }   // OLA resolve due 10:05
            step = try world.at(t("08:10:00"))
            try step.setState(j5, "cancelled")
            step = try world.at(t("08:30:00"))
            try step.setState(j1, "in_progress")
            try step.setState(j4, "pending")
            step = try world.at(t("08:50:00"))
            try step.setState(j6, "resolved")               // at the instant of resolution beta still holds it
            step = try world.at(t("09:30:00"))
            try step.setState(j1, "resolved")
            try step.setState(j7, "pending")
            step = try world.at(t("10:30:00"))
            let o2b = try step.offer(j2, to: "beta")
            step = try world.at(t("10:40:00"))
            try step.accept(o2b)                            // beta's OLA resolve due 12:40
            step = try world.at(t("13:00:00"))
            try step.setState(j2, "resolved")
            _ = try world.at(t("20:00:00"))
        }
    }

    @Test func slaClocksAreDecidedAndAttributedToTheHolderAtTheDueInstant() throws {
        let fixture = try Breaches()
        let outcomes = try fixture.world.database.connect().query("""
            SELECT incident, clock, decided_at, met, holder FROM siam.sla_outcomes($1::timestamptz, $2::timestamptz)
            ORDER BY incident, clock
            """, [Self.since, Self.until]).rows.map { row in
                "\(try row.int64("incident")) \(try row.string("clock")) \(try row.instant("decided_at").iso8601) "
                    + "\(try row.bool("met")) \(try row.optionalString("holder") ?? "-")"
            }
        #expect(outcomes == [
            "\(fixture.j1) acknowledge 2026-06-01T08:30:00Z true acme",
            "\(fixture.j1) resolve 2026-06-01T09:30:00Z true acme",
            // Breaches are decided at the due instant, against whoever held it then.
            "\(fixture.j2) acknowledge 2026-06-01T09:00:00Z false acme",
            "\(fixture.j2) resolve 2026-06-01T12:00:00Z false beta",
            // Nobody held it: a breach of the integrator's.
            "\(fixture.j3) acknowledge 2026-06-01T09:00:00Z false -",
            "\(fixture.j3) resolve 2026-06-01T12:00:00Z false -",
            // j4: pending since 08:30, so its 09:00 and 12:00 dues are stale, not breached;
            // j5: cancelled, left out.
            "\(fixture.j6) acknowledge 2026-06-01T08:02:00Z true beta",
            "\(fixture.j6) resolve 2026-06-01T08:50:00Z true beta",
            // j7: acknowledge passed before it went pending (09:30); resolve paused before 12:00.
            "\(fixture.j7) acknowledge 2026-06-01T09:00:00Z false acme",
        ])

        let breaches = try fixture.world.report(Self.since, Self.until).breaches
        #expect(breaches == [
            BreachCount(supplier: nil, service: "network", priority: "P2", count: 2),
            BreachCount(supplier: "acme", service: "network", priority: "P2", count: 2),
            BreachCount(supplier: "beta", service: "network", priority: "P2", count: 1),
        ])
    }

    @Test func olaResolveClocksAndBreachesOnTheScorecard() throws {
        let fixture = try Breaches()
        let ola = try fixture.world.database.connect().query("""
            SELECT supplier, incident, decided_at, met FROM siam.ola_outcomes($1::timestamptz, $2::timestamptz)
            WHERE clock = 'resolve' ORDER BY supplier, incident
            """, [Self.since, Self.until]).rows.map { row in
                "\(try row.string("supplier")) \(try row.int64("incident")) \(try row.instant("decided_at").iso8601) \(try row.bool("met"))"
            }
        // j7 (acme) and j4 (gamma) went pending before their 10:05 due and still are: their
        // OLA clocks pause like the SLA, so those dues are stale and decide nothing yet.
        #expect(ola == [
            "acme \(fixture.j1) 2026-06-01T09:30:00Z true",     // resolved within its 2h
            "acme \(fixture.j2) 2026-06-01T10:05:00Z false",    // still held at 10:05, handed on at 10:40
            "beta \(fixture.j2) 2026-06-01T12:40:00Z false",    // resolved 13:00, 20 min late
            "beta \(fixture.j6) 2026-06-01T08:50:00Z true",
        ])
        #expect(try fixture.world.database.connect().query(
            "SELECT count(*) AS n FROM siam.ola_outcomes($1::timestamptz, $2::timestamptz) WHERE clock = 'accept'",
            [Self.since, Self.until]).first!.int("n") == 0)

        let scores = try fixture.world.scorecards(Self.since, Self.until)
        #expect(scores["acme"] == .expected("acme", "Acme Ltd", offered: 3, accepted: 3, acceptanceRate: 1,
                                            medianSecondsToAccept: 300, olaClocks: 2, olaMet: 1, slaBreaches: 2))
        #expect(scores["beta"] == .expected("beta", "Beta GmbH", offered: 2, accepted: 2, acceptanceRate: 1,
                                            medianSecondsToAccept: 330, olaClocks: 2, olaMet: 1, slaBreaches: 1))
        #expect(scores["gamma"] == .expected("gamma", "Gamma", offered: 1, accepted: 1, acceptanceRate: 1,
                                             medianSecondsToAccept: 300, olaClocks: 0, olaMet: 0))
        // The unowned breaches are nobody's on the scorecard.
        #expect(scores.values.reduce(0) { $0 + $1.slaBreaches } == 3)
    }

    @Test func anOLAResolveClockIsNotChargedTheCustomersWait() throws {
        func t(_ time: String) -> String { ReportWorld.june1(time) }
        // OLA resolve 2h for everyone; beta's own target (also 2h) opts out of pausing.
        let world = try ReportWorld(now: t("07:00:00"), ola: (accept: nil, resolve: 2 * 3600))
        var step = try world.at(t("07:00:00"))
        try step.store.setTarget(TargetChange(kind: .ola, priority: .p2, service: nil, supplier: "beta", calendar: nil,
                                              accept: nil, acknowledge: nil, resolve: BusinessDuration(seconds: 2 * 3600),
                                              pausesWhenPending: false))
        step = try world.at(t("08:00:00"))
        let k1 = try step.openOffered(to: "acme"), k2 = try step.openOffered(to: "beta"), k3 = try step.openOffered(to: "acme")
        step = try world.at(t("08:05:00"))
        for offer in [k1, k2, k3] { try step.accept(offer.handoff) }    // OLA resolve due 10:05
        step = try world.at(t("08:30:00"))
        for offer in [k1, k2, k3] { try step.setState(offer.incident, "pending") }
        step = try world.at(t("09:30:00"))
        for offer in [k1, k2] { try step.setState(offer.incident, "in_progress") }   // acme's due 11:05
        step = try world.at(t("10:50:00"))
        for offer in [k1, k2] { try step.setState(offer.incident, "resolved") }
        _ = try world.at(t("20:00:00"))
        let outcomes = try world.database.connect().query("""
            SELECT supplier, incident, decided_at, met FROM siam.ola_outcomes($1::timestamptz, $2::timestamptz)
            WHERE clock = 'resolve' ORDER BY supplier, incident
            """, [Self.since, Self.until]).rows.map { row in
                "\(try row.string("supplier")) \(try row.int64("incident")) \(try row.instant("decided_at").iso8601) \(try row.bool("met"))"
            }
        #expect(outcomes == [
            // 1h45m of its 2h running (08:05-10:50 but the hour pending): met.
            "acme \(k1.incident) 2026-06-01T10:50:00Z true",
            // k3: pending since 08:30, before its due: nothing decided while it lasts.
            // beta opted out: its clock ran through the pause and passed 10:05.
            "beta \(k2.incident) 2026-06-01T10:05:00Z false",
        ])
        let scores = try world.scorecards(Self.since, Self.until)
        #expect((scores["acme"]?.olaClocks, scores["acme"]?.olaMet) == (1, 1))
        #expect((scores["beta"]?.olaClocks, scores["beta"]?.olaMet) == (1, 0))
    }

    @Test func aSpanHandedOnBeforeItsDueDecidesNoOLAResolveClock() throws {
        func t(_ time: String) -> String { ReportWorld.june1(time) }
        let world = try ReportWorld(now: t("08:00:00"), ola: (accept: nil, resolve: 2 * 3600))
        var step = try world.at(t("08:00:00"))
        let offered = try step.openOffered(to: "acme")
        step = try world.at(t("08:05:00"))
        try step.accept(offered.handoff)                      // acme's OLA resolve due 10:05
        step = try world.at(t("09:00:00"))
        let onward = try step.offer(offered.incident, to: "beta")
        step = try world.at(t("09:10:00"))
        try step.accept(onward)                               // acme's span ends at 09:10, unresolved
        step = try world.at(t("09:40:00"))
        try step.setState(offered.incident, "resolved")       // beta resolves within its own clock
        let outcomes = try world.database.connect().query("""
            SELECT supplier, met FROM siam.ola_outcomes($1::timestamptz, $2::timestamptz)
            WHERE clock = 'resolve' ORDER BY supplier
            """, [t("00:00:00"), t("23:59:59")]).rows.map { "\(try $0.string("supplier")) \(try $0.bool("met"))" }
        // Passing the work on is not meeting the OLA: acme's clock decides nothing.
        #expect(outcomes == ["beta true"])
    }

    @Test func aBreachAfterReopeningIsTheResolversAndRewritesThePeriod() throws {
        func t(_ time: String) -> String { ReportWorld.june1(time) }
        let world = try ReportWorld(now: t("07:00:00"), sla: (acknowledge: 3600, resolve: 2 * 3600))
        var step = try world.at(t("07:00:00"))
        let offered = try step.openOffered(to: "acme")        // SLA resolve due 09:00
        step = try world.at(t("07:05:00"))
        try step.accept(offered.handoff)
        step = try world.at(t("07:30:00"))
        try step.setState(offered.incident, "in_progress")    // acknowledged in time
        step = try world.at(t("08:30:00"))
        try step.setState(offered.incident, "resolved")       // met, at 08:30
        #expect(try world.scorecards(t("00:00:00"), t("12:00:00"))["acme"]?.slaBreaches == 0)
        step = try world.at(t("10:00:00"))
        try step.setState(offered.incident, "in_progress")   // reopened: the fix did not hold
        let breaches = try world.database.connect().query(
            "SELECT supplier, breaches FROM siam.sla_breaches($1::timestamptz, $2::timestamptz)", [t("00:00:00"), t("12:00:00")]
        ).rows.map { "\(try $0.optionalString("supplier") ?? "-") \(try $0.int("breaches"))" }
        #expect(breaches == ["acme 1"])
        #expect(try world.scorecards(t("00:00:00"), t("12:00:00"))["acme"]?.slaBreaches == 1)
    }

    @Test func slaComplianceBucketsStartAtSince() throws {
        let fixture = try Breaches()
        // Hourly buckets from midnight. Holders only: j3's clocks are in no bucket.
        let hourly = try fixture.world.report(Self.since, Self.until, bucket: 3600).compliance
        #expect(hourly == [
            ComplianceBucket(supplier: "acme", start: Self.instant("08:00:00"), clocks: 1, met: 1),   // j1 ack 08:30
            ComplianceBucket(supplier: "acme", start: Self.instant("09:00:00"), clocks: 3, met: 1),   // j2, j7 ack 09:00; j1 resolve 09:30
            ComplianceBucket(supplier: "beta", start: Self.instant("08:00:00"), clocks: 2, met: 2),   // j6 08:02, 08:50
            ComplianceBucket(supplier: "beta", start: Self.instant("12:00:00"), clocks: 1, met: 0),   // j2 resolve 12:00
        ])
        #expect(hourly[1].percent.map { ($0 * 100).rounded() / 100 } == 33.33)
        // The same hours counted from 00:30: the bins move with the start of the period.
        let shifted = try fixture.world.report(Self.t("00:30:00"), Self.until, bucket: 3600).compliance
        #expect(shifted == [
            ComplianceBucket(supplier: "acme", start: Self.instant("08:30:00"), clocks: 3, met: 1),
            ComplianceBucket(supplier: "acme", start: Self.instant("09:30:00"), clocks: 1, met: 1),
            ComplianceBucket(supplier: "beta", start: Self.instant("07:30:00"), clocks: 1, met: 1),
            ComplianceBucket(supplier: "beta", start: Self.instant("08:30:00"), clocks: 1, met: 1),
            ComplianceBucket(supplier: "beta", start: Self.instant("11:30:00"), clocks: 1, met: 0),
        ])
        // One bucket for the whole day.
        let daily = try fixture.world.report(Self.since, Self.until, bucket: 86_400)
        #expect(daily.bucketSeconds == 86_400)
        #expect(daily.compliance == [
            ComplianceBucket(supplier: "acme", start: Self.instant("00:00:00"), clocks: 4, met: 2),
            ComplianceBucket(supplier: "beta", start: Self.instant("00:00:00"), clocks: 3, met: 2),
        ])
    }

    @Test func slaComplianceRefusesBadBuckets() throws {
        let database = try TestDatabase(now: Self.t("12:00:00"))
        let connection = try database.connect()
        func compliance(_ until: String, _ bucket: String?) -> String? {
            sqlState(connection, "SELECT * FROM siam.sla_compliance($1::timestamptz, $2::timestamptz, $3::interval)",
                     [Self.since, until, bucket])
        }
        #expect(compliance(Self.until, "0 seconds") == "22023")
        #expect(compliance(Self.until, "-1 hour") == "22023")
        #expect(compliance(Self.until, "1 month") == "22023")
        #expect(compliance(Self.until, "1 year") == "22023")
        #expect(compliance(Self.until, "1 mon 1 day") == "22023")
        #expect(compliance(Self.until, nil) == "22023")
        // At most 1000 buckets: 1000 s in buckets of 1 s is fine, 1001 s is not.
        #expect(compliance(Self.t("00:16:40"), "1 second") == nil)
        #expect(compliance(Self.t("00:16:41"), "1 second") == "22023")
        #expect(compliance(Self.until, "86 seconds") == "22023")
        #expect(compliance(Self.until, "1 day 2 hours") == nil)
        // The report asks for its buckets the same way.
        #expect(throws: DatabaseError.self) {
            try database.store().scorecardReport(since: Self.instant("00:00:00"), until: Self.instant("01:00:00"),
                                                 bucket: BusinessDuration(seconds: 1))
        }
    }

    // MARK: - Bounces and escalations

    @Test func bouncesAreChargedToWhoRefusedOrHandedBackAndEscalationsToTheirSubjectOrOwner() throws {
        let world = try ReportWorld(now: Self.t("07:00:00"))
        var step = try world.at(Self.t("07:00:00"))
        try step.store.addSupplier(code: "delta", name: "Delta plc", capacity: nil, calendar: nil)
        try step.store.setSupplierStatus(code: "delta", status: "active", reason: nil)
        try step.store.serve(supplier: "delta", service: "network", rank: 4)

        step = try world.at(Self.t("08:00:00"))
        let k1 = try step.openOffered(to: "acme")     // ping-pong: acme, beta, gamma refuse it
        let k3 = try step.openOffered(to: "acme")     // escalated while acme, then beta, owns it
        step = try world.at(Self.t("08:01:00"))
        try step.reject(k1.handoff)
        step = try world.at(Self.t("08:02:00"))
        let k1b = try step.offer(k1.incident, to: "beta")
        step = try world.at(Self.t("08:03:00"))
        try step.reject(k1b)
        step = try world.at(Self.t("08:04:00"))
        let k1c = try step.offer(k1.incident, to: "gamma")
        try step.offer(k1.incident, to: "delta", part: "cabling")   // a part: not a round of the bounce
        step = try world.at(Self.t("08:05:00"))
        let bounce = try step.raise("bounce", incident: k1.incident, reason: "handed off 3 times within 24h")
        step = try world.at(Self.t("08:10:00"))
        try step.accept(k3.handoff)
        step = try world.at(Self.t("08:20:00"))
        try step.raise("ola-accept", incident: k1.incident, handoff: k1c, supplier: "gamma")   // about gamma
        step = try world.at(Self.t("08:30:00"))
        try step.reject(k1c)
        step = try world.at(Self.t("09:00:00"))
        try step.raise("capacity", supplier: "beta")                                   // about beta
        try step.raise("sla-resolve", level: 1, incident: k3.incident)                 // acme owns k3
        step = try world.at(Self.t("10:00:00"))
        // Raised again after it closed: the same incident counts once per supplier.
        try step.closeEscalation(bounce)
        try step.raise("bounce", incident: k1.incident, reason: "handed off again")
        let k3b = try step.offer(k3.incident, to: "beta")
        step = try world.at(Self.t("10:05:00"))
        try step.accept(k3b)
        step = try world.at(Self.t("11:00:00"))
        // The same escalation climbs: still on acme's card, who owned k3 when it was raised.
        try step.raise("sla-resolve", level: 2, incident: k3.incident)
        step = try world.at(Self.t("11:30:00"))
        try step.raise("ola-resolve", incident: k3.incident, supplier: "acme")         // its subject beats the owner
        step = try world.at(Self.t("11:45:00"))
        try step.store.handBack(incident: k3.incident, reason: "needs a site visit")   // a bounce of beta
        _ = try world.at(Self.t("12:00:00"))

        let scores = try world.scorecards(Self.since, Self.until)
        #expect(scores["acme"] == .expected("acme", "Acme Ltd", offered: 2, accepted: 1, rejected: 1,
                                            acceptanceRate: 0.5, medianSecondsToAccept: 600, bounces: 1, escalations: 2))
        #expect(scores["beta"] == .expected("beta", "Beta GmbH", offered: 2, accepted: 1, rejected: 1,
                                            acceptanceRate: 0.5, medianSecondsToAccept: 300, bounces: 2, escalations: 1))
        // Rejected everything: a rate of 0, not none.
        #expect(scores["gamma"] == .expected("gamma", "Gamma", offered: 1, rejected: 1, acceptanceRate: 0,
                                             bounces: 1, escalations: 1))
        #expect(scores["delta"] == .expected("delta", "Delta plc", offered: 1))
        // The bounce escalations (k1 was nobody's when they were raised) are on nobody's card;
        // sla-resolve of k3 is one escalation at level 2.
        #expect(scores.values.reduce(0) { $0 + $1.escalations } == 4)
        #expect(try world.database.count("siam.escalation") == 6)
    }

    // MARK: - Complaints and feedback

    @Test func complaintsAndFeedbackGoToTheOwnerAtTheTimeOrTheLastOwner() throws {
        let world = try ReportWorld(now: Self.t("07:00:00"))
        var step = try world.at(Self.t("08:00:00"))
        let l1 = try step.openOffered(to: "acme")
        let l2 = try step.openOffered(to: "gamma")
        let l3 = try step.open(hold: true)
        step = try world.at(Self.t("08:05:00"))
        try step.accept(l1.handoff)
        try step.accept(l2.handoff)
        step = try world.at(Self.t("09:00:00"))
        try step.complain(l1.incident)                     // acme owns l1
        try step.complain(l3)                              // nobody owns l3: nobody's
        try step.feedback(l2.incident, score: 5)           // gamma
        step = try world.at(Self.t("09:30:00"))
        try step.feedback(l1.incident, score: 3)           // acme
        step = try world.at(Self.t("10:00:00"))
        let l1b = try step.offer(l1.incident, to: "beta")
        try step.feedback(l2.incident, score: 4)           // gamma
        step = try world.at(Self.t("10:05:00"))
        try step.accept(l1b)
        try step.complain(l1.incident)                     // the instant beta took over: beta's
        step = try world.at(Self.t("11:00:00"))
        try step.complain(l1.incident, source: "customer") // beta
        step = try world.at(Self.t("12:00:00"))
        try step.setState(l1.incident, "resolved")
        step = try world.at(Self.t("13:00:00"))
        try step.complain(l1.incident)                     // after resolution: the last owner, beta
        try step.feedback(l1.incident, score: 2)           // beta
        _ = try world.at(Self.t("14:00:00"))

        let scores = try world.scorecards(Self.since, Self.until)
        #expect(scores["acme"] == .expected("acme", "Acme Ltd", offered: 1, accepted: 1, acceptanceRate: 1,
                                            medianSecondsToAccept: 300, complaints: 1, satisfaction: 3, feedbackCount: 1))
        #expect(scores["beta"] == .expected("beta", "Beta GmbH", offered: 1, accepted: 1, acceptanceRate: 1,
                                            medianSecondsToAccept: 300, complaints: 3, satisfaction: 2, feedbackCount: 1))
        #expect(scores["gamma"] == .expected("gamma", "Gamma", offered: 1, accepted: 1, acceptanceRate: 1,
                                             medianSecondsToAccept: 300, satisfaction: 4.5, feedbackCount: 2))
        #expect(try world.database.count("siam.complaint") == 5)
    }

    @Test func aComplaintOnAnIncidentNobodyOwnedIsNobodys() throws {
        let world = try ReportWorld(now: Self.t("07:00:00"))
        var step = try world.at(Self.t("08:00:00"))
        let incident = try step.open(hold: true)
        step = try world.at(Self.t("09:00:00"))
        try step.complain(incident)                        // nobody owns it yet
        try step.feedback(incident, score: 1)
        step = try world.at(Self.t("10:00:00"))
        let offer = try step.offer(incident, to: "acme")
        step = try world.at(Self.t("10:05:00"))
        try step.accept(offer)
        _ = try world.at(Self.t("12:00:00"))
        let acme = try #require(try world.scorecards(Self.since, Self.until)["acme"])
        // "about incidents it owned when they came in (or last owned, after resolution)": acme
        // owned it from 10:05 only, and it is not resolved. siam.scorecard falls back to the
        // incident's current owner whenever nobody owned it at the time.
        #expect(acme.complaints == 0)
        #expect(acme.feedbackCount == 0 && acme.satisfaction == nil)
    }

    // MARK: - The period

    @Test func periodsAreHalfOpen() throws {
        let world = try ReportWorld(now: "2026-05-31T23:00:00Z")
        var step = try world.at("2026-05-31T23:59:59Z")
        let i1 = try step.openOffered(to: "acme")
        let ib = try step.openOffered(to: "beta")
        step = try world.at("2026-06-01T00:00:00Z")
        try step.accept(i1.handoff)
        try step.reject(ib.handoff, outOfScope: true)      // offered in May, disputed in June
        _ = try step.openOffered(to: "acme")
        try step.complain(i1.incident)
        step = try world.at("2026-06-01T23:59:59Z")
        _ = try step.openOffered(to: "beta")
        try step.complain(i1.incident)
        try step.raise("sla-resolve", level: 1, incident: i1.incident)
        step = try world.at("2026-06-02T00:00:00Z")
        _ = try step.openOffered(to: "beta")
        try step.complain(i1.incident)
        try step.raise("sla-resolve", level: 2, incident: i1.incident)
        _ = try world.at("2026-06-02T01:00:00Z")

        let may31 = try world.scorecards("2026-05-31T00:00:00Z", "2026-06-01T00:00:00Z")
        #expect(may31["acme"] == .expected("acme", "Acme Ltd", offered: 1, accepted: 1, acceptanceRate: 1,
                                           medianSecondsToAccept: 1))
        #expect(may31["beta"] == .expected("beta", "Beta GmbH", offered: 1, rejected: 1, acceptanceRate: 0))
        let june1 = try world.scorecards("2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z")
        #expect(june1["acme"] == .expected("acme", "Acme Ltd", offered: 1, escalations: 1, complaints: 2))
        // Beta's refusal is a bounce of June 1 (its dispute is not ruled: it is charged).
        #expect(june1["beta"] == .expected("beta", "Beta GmbH", offered: 1, bounces: 1, disputesRaised: 1))
        let june2 = try world.scorecards("2026-06-02T00:00:00Z", "2026-06-03T00:00:00Z")
        // The climb to level 2 on June 2 is the escalation raised on June 1, counted there.
        #expect(june2["acme"] == .expected("acme", "Acme Ltd", complaints: 1))
        #expect(june2["beta"] == .expected("beta", "Beta GmbH", offered: 1))
        // One second is a period too.
        let last = try world.scorecards("2026-06-01T23:59:59Z", "2026-06-02T00:00:00Z")
        #expect(last["acme"] == .expected("acme", "Acme Ltd", escalations: 1, complaints: 1))
        #expect(last["beta"] == .expected("beta", "Beta GmbH", offered: 1))
    }

    @Test func retiredSuppliersAppearOnlyWhileTheyDidSomething() throws {
        let world = try ReportWorld(now: Self.t("07:00:00"))
        var step = try world.at(Self.t("07:00:00"))
        try step.store.addSupplier(code: "omega", name: "Omega", capacity: nil, calendar: nil)
        try step.store.addSupplier(code: "sigma", name: "Sigma", capacity: nil, calendar: nil)
        try step.store.addSupplier(code: "onb", name: "Onboarding Co", capacity: nil, calendar: nil)
        try step.store.setSupplierStatus(code: "sigma", status: "active", reason: nil)
        try step.store.serve(supplier: "sigma", service: "network", rank: 5)
        step = try world.at(Self.t("08:00:00"))
        let work = try step.openOffered(to: "sigma")
        step = try world.at(Self.t("08:05:00"))
        try step.accept(work.handoff)
        step = try world.at(Self.t("09:00:00"))
        try step.setState(work.incident, "resolved")
        step = try world.at(Self.t("10:00:00"))
        try step.store.setSupplierStatus(code: "sigma", status: "exiting", reason: "contract ends")
        try step.store.setSupplierStatus(code: "sigma", status: "retired", reason: nil)
        try step.store.setSupplierStatus(code: "omega", status: "retired", reason: "never started")
        _ = try world.at("2026-06-02T12:00:00Z")

        let june1 = try world.report(Self.since, Self.until).suppliers
        // In code order; onboarding suppliers are there, idle or not; omega never did anything.
        #expect(june1.map(\.supplier) == ["acme", "beta", "gamma", "onb", "sigma"])
        #expect(june1.last == .expected("sigma", "Sigma", status: "retired", offered: 1, accepted: 1, acceptanceRate: 1,
                                        medianSecondsToAccept: 300))
        #expect(june1[3].status == "onboarding")
        let june2 = try world.report(Self.until, "2026-06-03T00:00:00Z").suppliers
        #expect(june2.map(\.supplier) == ["acme", "beta", "gamma", "onb"])
    }

    @Test func aRetiredSupplierThatRejectedOutOfScopeInThePeriodIsShown() throws {
        let world = try ReportWorld(now: "2026-05-31T22:00:00Z")
        var step = try world.at("2026-05-31T22:00:00Z")
        try step.store.addSupplier(code: "zeta", name: "Zeta", capacity: nil, calendar: nil)
        try step.store.setSupplierStatus(code: "zeta", status: "active", reason: nil)
        try step.store.serve(supplier: "zeta", service: "network", rank: 5)
        step = try world.at("2026-05-31T23:00:00Z")
        let offer = try step.openOffered(to: "zeta")
        step = try world.at(Self.t("08:00:00"))
        try step.reject(offer.handoff, outOfScope: true)   // offered in May, disputed in June
        step = try world.at(Self.t("09:00:00"))
        try step.store.setSupplierStatus(code: "zeta", status: "exiting", reason: nil)
        try step.store.setSupplierStatus(code: "zeta", status: "retired", reason: nil)
        _ = try world.at("2026-06-02T12:00:00Z")
        // Its out-of-scope rejection is something it did in June; the scorecard filters
        // retired suppliers on offers, OLA clocks and breaches only.
        let june1 = try world.scorecards(Self.since, Self.until)
        #expect(june1["zeta"] == .expected("zeta", "Zeta", status: "retired", bounces: 1, disputesRaised: 1))
    }

    @Test func badPeriodsAreRefusedAndWriteNothing() throws {
        let world = try ReportWorld(now: Self.t("12:00:00"))
        let connection = try world.database.connect()
        let events = try world.database.count("siam.event")
        let functions = [
            "siam.scorecard($1::timestamptz, $2::timestamptz)",
            "siam.sla_outcomes($1::timestamptz, $2::timestamptz)",
            "siam.ola_outcomes($1::timestamptz, $2::timestamptz)",
            "siam.sla_breaches($1::timestamptz, $2::timestamptz)",
            "siam.sla_compliance($1::timestamptz, $2::timestamptz, interval '1 hour')",
        ]
        for function in functions {
            let sql = "SELECT * FROM \(function)"
            #expect(sqlState(connection, sql, [Self.since, Self.since]) == "22023", "\(function): empty")
            #expect(sqlState(connection, sql, [Self.until, Self.since]) == "22023", "\(function): backwards")
            #expect(sqlState(connection, sql, [String?.none, Self.until]) == "22004", "\(function): no since")
            #expect(sqlState(connection, sql, [Self.since, String?.none]) == "22004", "\(function): no until")
            #expect(sqlState(connection, sql, [Self.since, Self.until]) == nil, "\(function): fine")
        }
        let refusal = try #require(throws: DatabaseError.self) {
            try world.database.store().scorecardReport(since: Self.instant("12:00:00"), until: Self.instant("12:00:00"),
                                                       bucket: BusinessDuration(seconds: 60))
        }
        #expect(refusal.sqlState == "22023")
        #expect(refusal.message.hasPrefix("invalid period: "))
        #expect(try world.database.count("siam.event") == events)
    }

    // MARK: - Who may read the scorecards

    @Test func reportingMayReadTheScorecardsAndASupplierMayNot() throws {
        let world = try ReportWorld(now: Self.t("12:00:00"))
        _ = try world.at(Self.t("12:00:00")).openOffered(to: "acme")
        let reporting = try PostgresConnection.connect(try world.database.loginRole("report", group: "siam_reporting").conninfo)
        let rows = try reporting.query("SELECT supplier, offered FROM siam.scorecard($1::timestamptz, $2::timestamptz)",
                                       [Self.since, Self.until]).rows
        #expect(try rows.map { "\(try $0.string("supplier")) \(try $0.int("offered"))" } == ["acme 1", "beta 0", "gamma 0"])
        #expect(sqlState(reporting, "SELECT * FROM siam.sla_compliance($1::timestamptz, $2::timestamptz, interval '1 hour')",
                         [Self.since, Self.until]) == nil)
        #expect(sqlState(reporting, "SELECT * FROM siam.sla_breaches($1::timestamptz, $2::timestamptz)",
                         [Self.since, Self.until]) == nil)
        // Reporting reads through siamd's own query too.
        let report = try Store(connection: reporting, actor: "powerbi").scorecardReport(
            since: Self.instant("00:00:00"), until: Self.instant("23:00:00"), bucket: BusinessDuration(seconds: 3600))
        #expect(report.suppliers.count == 3)

        let acme = try PostgresConnection.connect(try world.database.loginRole("acme", supplier: "acme").conninfo)
        for function in ["siam.scorecard($1::timestamptz, $2::timestamptz)",
                         "siam.sla_breaches($1::timestamptz, $2::timestamptz)",
                         "siam.sla_compliance($1::timestamptz, $2::timestamptz, interval '1 hour')"] {
            #expect(sqlState(acme, "SELECT * FROM \(function)", [Self.since, Self.until]) == "42501", "\(function)")
        }
    }
}
