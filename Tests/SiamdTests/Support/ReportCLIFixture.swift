import SiamCore
import SiamStore

/// The world of the `siamd report` CLI tests: ReportWorld (P2 SLA acknowledge 1h / resolve
/// 4h; P2 OLA accept 30m / resolve 2h) plus two suppliers whose names test CSV and HTML:
/// `smith` "Smith, "Jr" & Co" and `evil` "=1+2". On 2026-06-01, every incident opened at 08:00:
///
/// - acme accepts in 10 min, starts at 08:30, resolves at 10:00: every clock met.
/// - beta rejects out of scope at 08:20; the incident stays unowned: two SLA breaches of nobody.
/// - smith accepts in 5 min and never starts: acknowledge (09:00) and resolve (12:00)
///   breached, OLA resolve (10:05) missed; feedback 4 of 5 at 09:00.
///
/// The clock then stands at 2026-06-08T12:00:00Z.
struct ReportCLIFixture {
    let world: ReportWorld
    static let now = "2026-06-08T12:00:00Z"

    init() throws {
        func t(_ time: String) -> String { ReportWorld.june1(time) }
        world = try ReportWorld(now: t("07:00:00"), sla: (acknowledge: 3600, resolve: 4 * 3600),
                                ola: (accept: 1800, resolve: 2 * 3600))
        var step = try world.at(t("07:00:00"))
        for (code, name) in [("smith", "Smith, \"Jr\" & Co"), ("evil", "=1+2")] {
            try step.store.addSupplier(code: code, name: name, capacity: nil, calendar: nil)
            try step.store.setSupplierStatus(code: code, status: "active", reason: nil)
            try step.store.serve(supplier: code, service: "network", rank: 5)
        }
        step = try world.at(t("08:00:00"))
        let a = try step.openOffered(to: "acme", title: "Router down")
        let b = try step.openOffered(to: "beta", title: "Switch down")
        let c = try step.openOffered(to: "smith", title: "Firewall rule")
        step = try world.at(t("08:05:00"))
        try step.accept(c.handoff)
        step = try world.at(t("08:10:00"))
        try step.accept(a.handoff)
        step = try world.at(t("08:20:00"))
        try step.reject(b.handoff, outOfScope: true)
        step = try world.at(t("08:30:00"))
        try step.setState(a.incident, "in_progress")
        step = try world.at(t("09:00:00"))
        try step.feedback(c.incident, score: 4)
        step = try world.at(t("10:00:00"))
        try step.setState(a.incident, "resolved")
        _ = try world.at(Self.now)
    }
}
