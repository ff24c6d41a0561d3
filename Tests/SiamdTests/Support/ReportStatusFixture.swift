import SiamCore
import SiamStore

/// The known world of the `siamd status` tests, read at 2026-06-01T12:00:00Z. ReportWorld
/// (acme, beta, gamma; P2 SLA acknowledge 1h / resolve 4h; P2 OLA resolve 2h, no accept
/// clock) plus `delta` (capacity 4), a P3 OLA for beta only (accept 30m), and `omega`,
/// retired. At 12:00, with a horizon of 1h:
///
/// | incident | state        | clocks                                                      |
/// |----------|--------------|-------------------------------------------------------------|
/// | s1 P2    | new (held)   | sla acknowledge 09:00 (overdue), sla resolve 12:00 (= now: overdue) |
/// | s2 P2    | in_progress  | sla resolve 13:00 (= now + horizon: due soon), ola resolve delta 11:00 (overdue) |
/// | s3 P2    | new (held)   | sla acknowledge 10:00:01 (overdue), sla resolve 13:00:01 (beyond the horizon) |
/// | s4 P2    | pending      | SLA and delta's OLA resolve (10:00) paused: left out        |
/// | s5 P2    | resolved     | none                                                        |
/// | s12 P2   | cancelled    | none                                                        |
/// | s13 P1   | assigned     | none (no P1 targets), owned by beta                         |
/// | s6, s9, s10, s11 P3 | new | none; each has an open offer                             |
///
/// Offers waiting: s10 -> beta due 11:40, s9 -> beta due 12:10, s6 -> acme and s11 -> acme
/// without a deadline (no P3 OLA for acme). Escalations open: e1 (s1, level 2, 09:30), e2
/// (s3, level 4, acknowledged), e3 (capacity of delta, 11:00), e5 (ola-resolve of s2, 11:00,
/// raised after e3); e4 closed. Daemons: `ops-1` alive (last pass 11:59:50), `ops-2`
/// stopped at 10:30.
struct ReportStatusFixture {
    let world: ReportWorld
    let s1: Int64, s2: Int64, s3: Int64, s4: Int64, s5: Int64, s6: Int64
    let s9: Int64, s10: Int64, s11: Int64, s12: Int64, s13: Int64
    /// The waiting offers: to acme (no deadline) of s6 and s11, to beta of s9 and s10.
    let offerS6: Int64, offerS9: Int64, offerS10: Int64, offerS11: Int64
    let e1: Int64, e2: Int64, e3: Int64, e4: Int64, e5: Int64

    static let now = ReportWorld.june1("12:00:00")
    static let aliveDaemon = "6f1c0a52-3d7e-4c1b-9a55-2b8f0e0d1a01"
    static let stoppedDaemon = "6f1c0a52-3d7e-4c1b-9a55-2b8f0e0d1a02"

    /// - Parameters:
    ///   - database: where to build it (default: a new database with the current schema).
    ///   - olaPausesWhenPending: false makes the P2 OLA opt out of pausing while pending, so
    ///     that s4's OLA resolve clock runs (overdue at 12:00) as on a database made before
    ///     OLA clocks paused (whose spans do not pause). Only on the current schema.
    init(in database: TestDatabase? = nil, olaPausesWhenPending: Bool = true) throws {
        func t(_ time: String) -> String { ReportWorld.june1(time) }
        world = try ReportWorld(now: t("07:00:00"), sla: (acknowledge: 3600, resolve: 4 * 3600),
                                ola: (accept: nil, resolve: 2 * 3600), in: database)
        var step = try world.at(t("07:00:00"))
        if !olaPausesWhenPending {
            try step.store.setTarget(TargetChange(kind: .ola, priority: .p2, service: nil, supplier: nil, calendar: nil,
                                                  accept: nil, acknowledge: nil, resolve: nil, pausesWhenPending: false))
        }
        try step.store.addSupplier(code: "delta", name: "Delta plc", capacity: 4, calendar: nil)
        try step.store.setSupplierStatus(code: "delta", status: "active", reason: nil)
        try step.store.serve(supplier: "delta", service: "network", rank: 4)
        try step.store.addSupplier(code: "omega", name: "Omega", capacity: nil, calendar: nil)
        try step.store.setSupplierStatus(code: "omega", status: "retired", reason: "never started")
        try step.store.setTarget(TargetChange(kind: .ola, priority: .p3, service: nil, supplier: "beta", calendar: nil,
                                              accept: BusinessDuration(seconds: 1800), acknowledge: nil, resolve: nil))

        step = try world.at(t("08:00:00"))
        s1 = try step.open("Core router down", hold: true)
        let s4Offer = try step.openOffered(to: "delta", title: "VPN flapping")
        s4 = s4Offer.incident
        try step.accept(s4Offer.handoff)
        let s5Offer = try step.openOffered(to: "beta", title: "Printer queue")
        s5 = s5Offer.incident

        step = try world.at(t("08:30:00"))
        try step.setState(s4, "pending")

        step = try world.at(t("08:40:00"))
        try step.accept(s5Offer.handoff)
        try step.setState(s5, "resolved")

        step = try world.at(t("09:00:00"))
        let s2Offer = try step.openOffered(to: "delta", title: "WAN latency")
        s2 = s2Offer.incident
        try step.accept(s2Offer.handoff)
        try step.setState(s2, "in_progress")

        step = try world.at(t("09:00:01"))
        s3 = try step.open("DNS slow", hold: true)

        step = try world.at(t("09:30:00"))
        e1 = try step.raise("sla-acknowledge", level: 2, incident: s1, reason: "75 % of the acknowledge clock")

        step = try world.at(t("10:00:00"))
        e2 = try step.raise("sla-acknowledge", level: 4, incident: s3, reason: "acknowledge clock ran out")
        // Daemons, through the functions siamd run calls.
        try step.daemonStarted(Self.stoppedDaemon, host: "ops-2", pid: 77, poll: "30 seconds")

        step = try world.at(t("10:30:00"))
        try step.acknowledge(e2)
        try step.daemonStopped(Self.stoppedDaemon)
        let s13Offer = try step.openOffered(to: "beta", priority: .p1, title: "Datacenter power")
        s13 = s13Offer.incident
        try step.accept(s13Offer.handoff)
        s12 = try step.open("Duplicate", hold: true)
        try step.setState(s12, "cancelled")

        step = try world.at(t("11:00:00"))
        s6 = try step.open("Wi-Fi floor 3", priority: .p3, hold: true)
        offerS6 = try step.offer(s6, to: "acme")
        e3 = try step.raise("capacity", supplier: "delta", reason: "delta at 50 % of its capacity")
        e5 = try step.raise("ola-resolve", incident: s2, supplier: "delta", reason: "ola resolve clock ran out")

        step = try world.at(t("11:10:00"))
        let s10Offer = try step.openOffered(to: "beta", priority: .p3, title: "Badge reader")
        s10 = s10Offer.incident
        offerS10 = s10Offer.handoff

        step = try world.at(t("11:20:00"))
        let s11Offer = try step.openOffered(to: "acme", priority: .p3, title: "Laptop imaging")
        s11 = s11Offer.incident
        offerS11 = s11Offer.handoff

        step = try world.at(t("11:30:00"))
        e4 = try step.raise("sla-resolve", level: 2, incident: s3, reason: "75 % of the resolve clock")

        step = try world.at(t("11:40:00"))
        let s9Offer = try step.openOffered(to: "beta", priority: .p3, title: "Teams audio")
        s9 = s9Offer.incident
        offerS9 = s9Offer.handoff

        step = try world.at(t("11:45:00"))
        try step.closeEscalation(e4)

        step = try world.at(t("11:59:00"))
        try step.daemonStarted(Self.aliveDaemon, host: "ops-1", pid: 4242, poll: "30 seconds")
        step = try world.at(t("11:59:50"))
        try step.daemonPassed(Self.aliveDaemon, seconds: 0.125, passes: 12, actions: 3)

        _ = try world.at(Self.now)
    }
}

extension ReportStep {
    /// Registers a daemon as `siamd run` does.
    func daemonStarted(_ instance: String, host: String, pid: Int, version: String = "0.2.0", poll: String) throws {
        _ = try store.write {
            try connection.query("SELECT siam.daemon_started($1::uuid, $2, $3::integer, $4, $5::interval)",
                                 [instance, host, pid, version, poll])
        }
    }

    /// Records passes as `siamd run` does; nil when the instance is not registered (or stopped).
    @discardableResult
    func daemonPassed(_ instance: String, seconds: Double, passes: Int, actions: Int) throws -> Bool? {
        try connection.query("SELECT siam.daemon_passed($1::uuid, $2::float8, $3::integer, $4::integer) AS recorded",
                             [instance, String(seconds), passes, actions]).first!.optionalBool("recorded")
    }

    /// Marks a daemon stopped as `siamd run` does on a graceful stop.
    @discardableResult
    func daemonStopped(_ instance: String) throws -> Bool {
        try store.write {
            try connection.query("SELECT siam.daemon_stopped($1::uuid) AS stopped", [instance]).first!.bool("stopped")
        }
    }
}
