import SiamCore

/// The demo's world: one service integrator, its customer, a service catalog and five
/// suppliers that behave like real ones do — one reliable that hands back work needing a site
/// visit, one that is slow to accept, one that rejects work it says is out of its scope, one
/// small one that is always at capacity, one that often waits on the customer. Durations are
/// in seconds at pace 1.
enum DemoCast {
    static let customer = (code: "contoso", name: "Contoso Retail")

    static let services: [(code: String, name: String)] = [
        ("network", "Network & connectivity"),
        ("workplace", "Workplace & end-user devices"),
        ("sap-hr", "SAP HR"),
        ("cloud", "Cloud hosting"),
    ]

    static let suppliers: [DemoSupplier] = [
        DemoSupplier(
            code: "tinyops", name: "TinyOps Network Services", capacity: 2, zone: nil,
            serves: [("network", 1)],
            behaviour: DemoBehaviour(summary: "small and quick to accept, slow to fix: always at capacity",
                                     accept: 1...3, startWork: 2...4, work: 70...110)),
        DemoSupplier(
            code: "northwind", name: "Northwind Networks", capacity: 8, zone: "Europe/London",
            serves: [("network", 2), ("workplace", 3), ("cloud", 3)],
            behaviour: DemoBehaviour(summary: "reliable, but hands back half the workplace work it is routed (site visits)",
                                     accept: 2...5, startWork: 2...5, work: 20...50,
                                     handsBack: ["workplace": "needs a desk-side visit and we have nobody on site"],
                                     handBackShare: 0.5)),
        DemoSupplier(
            code: "slowtide", name: "SlowTide Outsourcing", capacity: 10, zone: "Asia/Kolkata",
            serves: [("workplace", 1), ("sap-hr", 2)],
            behaviour: DemoBehaviour(summary: "preferred for workplace, but slow to accept: offers expire",
                                     accept: 18...34, startWork: 3...8, work: 40...80)),
        DemoSupplier(
            code: "scopeguard", name: "ScopeGuard Applications", capacity: 6, zone: "Europe/Berlin",
            serves: [("sap-hr", 1), ("workplace", 2)],
            behaviour: DemoBehaviour(summary: "rejects workplace incidents as out of scope",
                                     accept: 3...8, startWork: 2...5, work: 30...60,
                                     outOfScope: ["workplace": "End-user devices are not in our contract (schedule B excludes them)"])),
        DemoSupplier(
            code: "bluepeak", name: "BluePeak Cloud", capacity: 6, zone: "America/New_York",
            serves: [("cloud", 1), ("network", 3), ("sap-hr", 3)],
            behaviour: DemoBehaviour(summary: "often waits on the customer (pending pauses the SLA clock)",
                                     accept: 3...8, startWork: 3...6, work: 30...70, pendingShare: 0.4, pending: 10...25)),
    ]

    /// SLA targets (integrator to customer, 24x7): acknowledge and resolve, per priority.
    static let sla: [(priority: Priority, acknowledge: Int64, resolve: Int64)] = [
        (.p1, 30, 120), (.p2, 45, 180), (.p3, 60, 240), (.p4, 90, 360),
    ]

    /// OLA targets (integrator to suppliers, on each supplier's calendar): accept and resolve.
    static let ola: [(priority: Priority, accept: Int64, resolve: Int64)] = [
        (.p1, 12, 90), (.p2, 15, 120), (.p3, 20, 180), (.p4, 20, 240),
    ]

    /// The default escalation rules' timing scaled to the demo (their thresholds are percents
    /// of each clock, so they scale by themselves): repeats and count windows, in seconds.
    static let ruleTimings: [(rule: String, repeatEvery: Int64?, window: Int64?)] = [
        ("sla-acknowledge", 90, nil), ("sla-resolve", 90, nil), ("ola-accept", 90, nil), ("ola-resolve", 90, nil),
        ("bounce", nil, 600), ("complaint", nil, 600), ("capacity", 180, nil), ("no-supplier", 90, nil),
        ("scope-dispute", 90, nil),
    ]

    /// Thresholds the demo sets (the others keep the schema's defaults): ping-pong after two
    /// bounces, so that a refusal and a hand-back of one incident show it.
    static let ruleThresholds: [(rule: String, thresholds: [Double])] = [("bounce", [2])]

    /// How the service desk rules each supplier's scope disputes, with its note.
    static let scopeRulings: [String: (ruling: DisputeRuling, note: String)] = [
        "scopeguard": (.outOfScope, "upheld: schedule B of ScopeGuard's contract excludes end-user devices"),
    ]

    /// The first incidents, in order, so that every behaviour shows within the first minute;
    /// then a random stream (``DemoIncidentStream``).
    static let opening: [DemoIncident] = [
        DemoIncident(service: "network", priority: .p2, title: "Store WAN link down in Leeds", vip: false),
        DemoIncident(service: "workplace", priority: .p3, title: "Laptop will not boot after update", vip: true),
        DemoIncident(service: "network", priority: .p1, title: "Payment terminals offline in Bristol", vip: false),
        DemoIncident(service: "sap-hr", priority: .p3, title: "Payslips not generated for October", vip: false),
        DemoIncident(service: "network", priority: .p3, title: "Wi-Fi drops in the Manchester warehouse", vip: false),
        DemoIncident(service: "cloud", priority: .p2, title: "Web shop responds slowly", vip: false),
        DemoIncident(service: "workplace", priority: .p2, title: "Printer queue stuck at head office", vip: false),
    ]

    /// Titles of the random stream, per service.
    static let titles: [String: [String]] = [
        "network": ["VPN keeps disconnecting", "Branch router reboots", "DNS lookups time out", "Packet loss to the data centre",
                    "Store Wi-Fi down", "Firewall blocks the supplier portal"],
        "workplace": ["Laptop screen flickers", "Outlook crashes on start", "New starter has no account", "Headset not recognised",
                      "Printer offline", "Teams calls drop"],
        "sap-hr": ["Leave requests not approved", "Payroll run fails", "Org chart out of date", "Timesheets missing for a team"],
        "cloud": ["Backup job failed", "Storage almost full", "Certificate expires soon", "Batch job runs twice"],
    ]
}

/// One supplier of the demo, and how the demo plays it.
struct DemoSupplier {
    let code: String
    let name: String
    let capacity: Int?
    /// Its calendar's time zone (open hours around the demo's time of day); nil: 24x7.
    let zone: String?
    /// Services it serves, with its preference rank.
    let serves: [(service: String, rank: Int)]
    let behaviour: DemoBehaviour
}

/// How a demo supplier answers offers and works incidents (seconds at pace 1).
struct DemoBehaviour {
    let summary: String
    /// Offer to acceptance.
    let accept: ClosedRange<Int>
    /// Acceptance to in_progress.
    let startWork: ClosedRange<Int>
    /// in_progress to resolved.
    let work: ClosedRange<Int>
    /// Services it rejects as out of scope, with its reason.
    var outOfScope: [String: String] = [:]
    /// Share of its incidents that wait on the customer for a while.
    var pendingShare: Double = 0
    var pending: ClosedRange<Int> = 0...0
    /// Services whose automatically routed work it hands back after accepting it, with its reason.
    var handsBack: [String: String] = [:]
    /// Share of that work it hands back.
    var handBackShare: Double = 0
}

/// An incident the demo opens.
struct DemoIncident {
    let service: String
    let priority: Priority
    let title: String
    let vip: Bool
}
