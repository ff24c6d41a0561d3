import ArgumentParser
import Foundation
import SiamCore
import SiamStore

extension IncidentCommand {
    /// `siamd incident explain ID`: why an incident is where it is, as the daemon sees it.
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Why an incident is where it is: each supplier with why it was or was not chosen, its clocks, its escalations, and what a pass would do now.",
            discussion: """
                Read as the daemon reads it, and judged by the daemon's own rules (nothing is changed): \
                every supplier serving the incident's service, in the order the router prefers them \
                (rank, then load), with its verdict — chosen, eligible but ranked after, or passed over \
                and why (rejected it, let an offer of it expire, handed it back, owns it, not active, at \
                capacity n/m) — and the suppliers that do not serve the service; the running clocks \
                with their due instants, the share elapsed and the business time paused; the \
                escalations with their levels; and the decisions a pass of the daemon would make now, \
                with their reasons (as `siamd run --once --dry-run` would print them).
                """)
        @Argument(help: "The incident's id.")
        var id: Int64
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            guard let incident = try store.incident(id: id) else { throw RefusedError("unknown incident \(id)") }
            let engine = EngineStore(connection: store.connection)
            var calendars: [String: BusinessCalendar] = [:]
            // One snapshot for all of it, so the parts agree; nothing is locked or changed.
            let (explanation, now, escalations) = try store.connection.readOnlySnapshot {
                let now = try engine.now()
                let world = try engine.world(calendars: &calendars)
                guard let snapshot = try engine.snapshots(of: [id]).first else { throw RefusedError("unknown incident \(id)") }
                return (Planner.explain(snapshot, world: world, now: now), now,
                        try store.escalations(openOnly: false, incident: id))
            }
            if options.json {
                print(json(incident, explanation, escalations, now: now).serialized())
            } else {
                printText(incident, explanation, escalations, now: now)
            }
        }

        func printText(_ incident: Incident, _ explanation: IncidentExplanation, _ escalations: [Escalation], now: Instant) {
            let owner = incident.owner.map { "owned by \($0)" } ?? (incident.onHold ? "on hold, owned by nobody" : "owned by nobody")
            print(terminalText("incident \(incident.id) (\(incident.service), \(incident.priority.rawValue), \(incident.state.rawValue), \(owner)): \(incident.title)"))
            print("as of \(now.iso8601)")
            let output = Output(json: false)
            print("")
            print("suppliers serving \(incident.service), in the router's order:")
            if explanation.candidates.isEmpty {
                print("  (none)")
            } else {
                output.printTable(header: ["SUPPLIER", "RANK", "STATUS", "LOAD", "VERDICT"], rows: explanation.candidates.map { row in
                    let candidate = row.candidate
                    return [candidate.supplier, String(candidate.rank), candidate.status.rawValue,
                            "\(candidate.load)/\(candidate.capacity.map(String.init) ?? "unlimited")", row.text]
                }, indent: "  ")
            }
            if !explanation.notServing.isEmpty {
                print("not serving \(incident.service): "
                      + explanation.notServing.map { "\($0.supplier) (\($0.status.rawValue))" }.joined(separator: ", "))
            }
            print("")
            print("clocks:")
            if explanation.clocks.isEmpty {
                print(incident.state == .pending ? "  (none running: pending, the SLA clocks stand still)" : "  (none running)")
            } else {
                output.printTable(header: ["CLOCK", "STARTED", "DUE", "ELAPSED", "PAUSED"], rows: explanation.clocks.map { clock in
                    [clock.label, clock.start.iso8601, clock.due.iso8601, String(format: "%.0f %%", clock.percentElapsed),
                     clock.pausedSeconds > 0 ? BusinessDuration(seconds: clock.pausedSeconds).description : "-"]
                }, indent: "  ")
            }
            output.section("escalations", escalations)
            print("")
            print("a pass now would:")
            if explanation.plan.decisions.isEmpty {
                print("  do nothing" + (explanation.plan.nextCheck.map { "; it looks again at \($0.iso8601)" } ?? ""))
            } else {
                for decision in explanation.plan.decisions { print(terminalText("  \(decision.kind): \(decision.reason)")) }
            }
        }

        func json(_ incident: Incident, _ explanation: IncidentExplanation, _ escalations: [Escalation], now: Instant) -> JSONValue {
            .object([
                ("incident", incident.json),
                ("as_of", JSONValue(now)),
                ("candidates", .array(explanation.candidates.map { row in
                    .object([("supplier", .string(row.candidate.supplier)), ("rank", JSONValue(row.candidate.rank)),
                             ("status", .string(row.candidate.status.rawValue)), ("load", JSONValue(row.candidate.load)),
                             ("capacity", JSONValue(row.candidate.capacity)), ("verdict", .string(row.verdictCode)),
                             ("reason", .string(row.text))])
                })),
                ("not_serving", .array(explanation.notServing.map {
                    .object([("supplier", .string($0.supplier)), ("status", .string($0.status.rawValue))])
                })),
                ("clocks", .array(explanation.clocks.map { clock in
                    .object([("clock", .string(clock.label)), ("measure", .string(clock.measure.rawValue)),
                             ("started_at", JSONValue(clock.start)), ("due_at", JSONValue(clock.due)),
                             ("percent_elapsed", .number(clock.percentElapsed)), ("paused_seconds", .int(clock.pausedSeconds))])
                })),
                ("escalations", .array(escalations.map(\.json))),
                ("plan", .array(explanation.plan.decisions.map {
                    .object([("decision", .string($0.kind)), ("reason", .string($0.reason))])
                })),
                ("next_check_at", JSONValue(explanation.plan.nextCheck)),
            ])
        }
    }
}

extension Router.Assessment {
    /// The verdict as one word, for JSON.
    var verdictCode: String {
        switch verdict {
        case .chosen: "chosen"
        case .outranked: "ranked_after"
        case .excluded: "excluded"
        case .notActive: "not_active"
        case .atCapacity: "at_capacity"
        }
    }
}
