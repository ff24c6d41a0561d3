import ArgumentParser
import SiamCore
import SiamReport
import SiamStore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "What is open, late or about to be, pending and escalated; supplier load; daemons alive.",
        discussion: """
            Read in one snapshot: open incidents by state and priority; running SLA clocks and owners' \
            OLA resolve clocks past due or due within --horizon (SLA clocks of pending incidents are \
            paused and left out); \
            offers waiting for an answer (their OLA accept clocks), earliest deadline first; open \
            escalations, not acknowledged first; open scope disputes waiting for the integrator's ruling \
            (how many, and the oldest); each supplier's open load against its capacity; and the \
            daemons (siamd run) seen within a day, alive when seen within twice their poll interval plus \
            10 s (a lease: one killed outright counts as alive until it runs out); and, when the oldest \
            open transaction in the cluster has held back the event feed for 30 s or more, which one.
            """)

    @Option(help: "Due within this counts as about to be late (default: 1h).", transform: parseDuration)
    var horizon = BusinessDuration(seconds: 3600)
    @Option(help: "Rows shown per list (daemons included).")
    var limit = 10
    @OptionGroup var options: GlobalOptions

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000, not \(limit)") }
    }

    func run() throws {
        let status = try options.openStore().operationalStatus(horizon: horizon, limit: limit)
        if options.json {
            print(status.json.serialized())
        } else {
            StatusText(status: status).print()
        }
    }
}

/// `siamd status` for people.
struct StatusText {
    let status: OperationalStatus
    let output = Output(json: false)

    func print() {
        Swift.print("siamd status at \(status.now.iso8601)")
        daemons()
        feed()
        incidents()
        clocks()
        handoffs()
        escalations()
        disputes()
        suppliers()
    }

    /// `in 4m` or `3m10s late`, relative to the status's now.
    func relative(_ instant: Instant?) -> String {
        guard let instant else { return "-" }
        let seconds = instant.seconds - status.now.seconds
        if seconds > 0 { return "in \(BusinessDuration(seconds: seconds))" }
        if seconds == 0 { return "now" }
        return "\(BusinessDuration(seconds: -seconds)) late"
    }

    func ago(_ instant: Instant?) -> String {
        guard let instant else { return "never" }
        let seconds = status.now.seconds - instant.seconds
        return seconds <= 0 ? "just now" : "\(BusinessDuration(seconds: seconds)) ago"
    }

    func section(_ title: String) {
        Swift.print("")
        Swift.print(title)
    }

    /// A titled list: the title, then the table when there are rows.
    func section(_ title: String, header: [String], rows: [[String]]) {
        section(title)
        guard !rows.isEmpty else { return }
        output.printTable(header: header, rows: rows, indent: "  ")
    }

    func daemons() {
        let alive = status.daemons.filter(\.alive).count
        section("Daemons: \(alive) alive" + (alive == 0 ? " (no siamd run is coordinating: nothing expires, nothing is reassigned)" : ""))
        guard !status.daemons.isEmpty else { return }
        output.printTable(
            header: ["HOST", "PID", "VERSION", "ALIVE", "LAST PASS", "PASS", "PASSES", "ACTIONS", "STARTED"],
            rows: status.daemons.map { daemon in
                [daemon.host, String(daemon.pid), daemon.version,
                 daemon.alive ? "yes" : (daemon.stoppedAt != nil ? "stopped" : "no"),
                 ago(daemon.lastPassAt), daemon.lastPassSeconds.map { "\(Int(($0 * 1000).rounded())) ms" } ?? "-",
                 String(daemon.passes), String(daemon.actions), daemon.startedAt.iso8601]
            }, indent: "  ")
    }

    func feed() {
        guard let hold = status.feedHold else { return }
        let who = [hold.role.map { "role \($0)" }, hold.state, hold.application.flatMap { $0.isEmpty ? nil : "application \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
        section(terminalText("Event feed held back for \(BusinessDuration(seconds: Int64(hold.seconds))) by the transaction of pid \(hold.pid) (\(who)): "
                + "integrations see no newer event until it ends (pg_terminate_backend(\(hold.pid)) ends it)"))
    }

    func incidents() {
        let total = status.openIncidents.reduce(0) { $0 + $1.count }
        section("Open incidents: \(total)")
        guard total > 0 else { return }
        let states = ["new", "assigned", "in_progress", "pending"]
        let priorities = ["P1", "P2", "P3", "P4"]
        func count(_ state: String?, _ priority: String?) -> Int {
            status.openIncidents.filter { (state == nil || $0.state == state) && (priority == nil || $0.priority == priority) }
                .reduce(0) { $0 + $1.count }
        }
        output.printTable(
            header: ["STATE"] + priorities + ["TOTAL"],
            rows: states.map { state in [state] + priorities.map { String(count(state, $0)) } + [String(count(state, nil))] }
                + [["total"] + priorities.map { String(count(nil, $0)) } + [String(total)]],
            indent: "  ")
    }

    func clocks() {
        section("Late or due within \(BusinessDuration(seconds: status.horizonSeconds)): "
                + "\(status.overdueCount) overdue, \(status.dueSoonCount) due soon",
            header: ["INCIDENT", "PRIORITY", "CLOCK", "DUE", "WHEN", "SUPPLIER", "SERVICE", "TITLE"],
            rows: status.clocksAtRisk.map { clock in
                [String(clock.incident), clock.priority, clock.clock, clock.due.iso8601, relative(clock.due),
                 clock.supplier ?? "-", clock.service, clock.title]
            })
    }

    func handoffs() {
        section("Pending handoffs: \(status.pendingHandoffCount)",
            header: ["HANDOFF", "INCIDENT", "TO", "OFFERED", "ACCEPT DUE", "WHEN"],
            rows: status.pendingHandoffs.map { offer in
                [String(offer.id), String(offer.incident), offer.toSupplier, ago(offer.offeredAt),
                 offer.acceptDue?.iso8601 ?? "-", relative(offer.acceptDue)]
            })
    }

    func escalations() {
        section("Open escalations: \(status.openEscalationCount) (\(status.unacknowledgedEscalationCount) not acknowledged)",
            header: ["ID", "RULE", "LEVEL", "INCIDENT", "SUPPLIER", "NOTIFY", "RAISED", "ACK", "REASON"],
            rows: status.openEscalations.map { escalation in
                [String(escalation.id), escalation.rule, String(escalation.level), escalation.incident.map(String.init) ?? "-",
                 escalation.supplier ?? "-", escalation.notify, ago(escalation.raisedAt), escalation.acknowledged ? "yes" : "no",
                 escalation.reason]
            })
    }

    func disputes() {
        var line = "Open scope disputes: \(status.openDisputeCount)"
        if let oldest = status.oldestOpenDispute {
            line += " (oldest: dispute \(oldest.id), incident \(oldest.incident), \(oldest.supplier), raised \(ago(oldest.raisedAt)); "
                + "siamd dispute rule \(oldest.id) --in-scope|--out-of-scope --note TEXT)"
        }
        section(terminalText(line))
    }

    func suppliers() {
        section("Suppliers: \(status.suppliers.count)",
            header: ["SUPPLIER", "STATUS", "LOAD", "CAPACITY", "USE", "OFFERS"],
            rows: status.suppliers.map { supplier in
                [supplier.supplier, supplier.status, String(supplier.load), supplier.capacity.map(String.init) ?? "unlimited",
                 supplier.capacity.map { "\(supplier.load * 100 / max($0, 1)) %" } ?? "-", String(supplier.offers)]
            })
    }
}

extension OperationalStatus {
    /// `siamd status --json`: the schema's column names where there is one.
    var json: JSONValue {
        .object([
            ("now", JSONValue(now)),
            ("horizon_seconds", JSONValue(horizonSeconds)),
            ("daemons", .array(daemons.map { daemon in
                .object([
                    ("host", .string(daemon.host)), ("pid", JSONValue(daemon.pid)), ("version", .string(daemon.version)),
                    ("alive", .bool(daemon.alive)), ("started_at", JSONValue(daemon.startedAt)),
                    ("last_pass_at", JSONValue(daemon.lastPassAt)), ("last_pass_seconds", JSONValue(daemon.lastPassSeconds)),
                    ("passes", JSONValue(daemon.passes)), ("actions", JSONValue(daemon.actions)),
                    ("stopped_at", JSONValue(daemon.stoppedAt)),
                ])
            })),
            ("feed_held_back", feedHold.map { hold in
                .object([
                    ("seconds", JSONValue(hold.seconds)), ("pid", JSONValue(hold.pid)), ("role", JSONValue(hold.role)),
                    ("state", JSONValue(hold.state)), ("application", JSONValue(hold.application)),
                ])
            } ?? .null),
            ("open_incidents", .array(openIncidents.map { count in
                .object([("state", .string(count.state)), ("priority", .string(count.priority)), ("count", JSONValue(count.count))])
            })),
            ("overdue", JSONValue(overdueCount)),
            ("due_soon", JSONValue(dueSoonCount)),
            ("clocks_at_risk", .array(clocksAtRisk.map { clock in
                .object([
                    ("incident", JSONValue(clock.incident)), ("title", .string(clock.title)), ("service", .string(clock.service)),
                    ("priority", .string(clock.priority)), ("supplier", JSONValue(clock.supplier)), ("clock", .string(clock.clock)),
                    ("due", JSONValue(clock.due)), ("overdue", .bool(clock.due <= now)),
                ])
            })),
            ("pending_handoffs", JSONValue(pendingHandoffCount)),
            ("earliest_handoffs", .array(pendingHandoffs.map { offer in
                .object([
                    ("id", JSONValue(offer.id)), ("incident", JSONValue(offer.incident)), ("to_supplier", .string(offer.toSupplier)),
                    ("offered_at", JSONValue(offer.offeredAt)), ("accept_due", JSONValue(offer.acceptDue)),
                ])
            })),
            ("open_escalations", JSONValue(openEscalationCount)),
            ("unacknowledged_escalations", JSONValue(unacknowledgedEscalationCount)),
            ("escalations", .array(openEscalations.map { escalation in
                .object([
                    ("id", JSONValue(escalation.id)), ("rule", .string(escalation.rule)), ("level", JSONValue(escalation.level)),
                    ("incident", JSONValue(escalation.incident)), ("supplier", JSONValue(escalation.supplier)),
                    ("notify", .string(escalation.notify)), ("raised_at", JSONValue(escalation.raisedAt)),
                    ("acknowledged", .bool(escalation.acknowledged)), ("reason", .string(escalation.reason)),
                ])
            })),
            ("open_disputes", JSONValue(openDisputeCount)),
            ("oldest_open_dispute", oldestOpenDispute.map { dispute in
                .object([
                    ("id", JSONValue(dispute.id)), ("incident", JSONValue(dispute.incident)),
                    ("supplier", .string(dispute.supplier)), ("raised_at", JSONValue(dispute.raisedAt)),
                    ("age_seconds", JSONValue(max(0, now.seconds - dispute.raisedAt.seconds))),
                ])
            } ?? .null),
            ("suppliers", .array(suppliers.map { supplier in
                .object([
                    ("code", .string(supplier.supplier)), ("status", .string(supplier.status)), ("load", JSONValue(supplier.load)),
                    ("capacity", JSONValue(supplier.capacity)), ("offers", JSONValue(supplier.offers)),
                ])
            })),
        ])
    }
}
