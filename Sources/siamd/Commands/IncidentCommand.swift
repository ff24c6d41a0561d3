import ArgumentParser
import SiamCore
import SiamStore

struct IncidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Shared incidents.",
        subcommands: [Open.self, List.self, Show.self, Explain.self, SetState.self, SetPriority.self, HandBack.self])

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a shared incident; its SLA clocks start now.",
            discussion: "--to offers it to a supplier at once; --hold keeps it from automatic routing.")

        @Option(help: "The service it is about.")
        var service: String
        @Option(help: "P1, P2, P3 or P4.")
        var priority: Priority
        @Option(help: "A short description.")
        var title: String
        @Option(help: "The customer it is for.")
        var customer: String?
        @Option(name: .customLong("user-tier"), help: "The affected user's tier, e.g. vip.")
        var userTier: String?
        @Option(help: "Offer it to this supplier at once.")
        var to: String?
        @Flag(help: "Keep it from automatic routing.")
        var hold = false
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if to != nil, hold { throw ValidationError("give either --to or --hold, not both") }
        }

        func run() throws {
            let store = try options.openStore()
            let id = try store.openIncident(NewIncident(
                service: service, priority: priority, title: title, customer: customer, userTier: userTier,
                offerTo: to, hold: hold))
            let incident = try store.incident(id: id)
            var message = "opened incident \(id)"
            if let to { message += ", offered to \(to)" }
            if hold { message += ", on hold" }
            Output(json: options.json).done(message, record: incident?.json ?? .null)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List incidents.")
        @Option(help: "Only incidents in this state (repeatable).")
        var state: [IncidentState] = []
        @Option(help: "Only incidents this supplier owns.")
        var owner: String?
        @Flag(help: "Also all open incidents (new, assigned, in_progress, pending), besides any --state.")
        var open = false
        @Option(help: "At most this many.")
        var limit = 1000
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be at least 1, not \(limit)") }
        }

        func run() throws {
            let states = open ? IncidentState.allCases.filter(\.isOpen) + state : state
            let store = try options.openStore()
            // An unknown owner is a mistake, not an empty answer.
            if let owner, try store.supplier(code: owner) == nil { throw store.unknown("supplier", code: owner, in: "siam.supplier") }
            let incidents = try store.incidents(IncidentFilter(states: states, owner: owner, limit: limit))
            Output(json: options.json).list(incidents, empty: "no incidents")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an incident: its clocks, handoffs, who held it (business time, OLA met), escalations, events.",
            discussion: """
                Per span of who held it: business_time on its OLA calendar until it ended or now, and \
                paused, the part of that business time its OLA resolve clock stood still while the \
                incident was pending ("never": its OLA target does not pause). --json: business_seconds, \
                paused_seconds, pauses_when_pending. Events: the latest 10 (--events N: the latest N), \
                oldest first, with a line saying how many earlier ones there are; all of them with \
                `siamd events tail --from-start`, or in --json with --events 10000.
                """)
        @Argument(help: "The incident's id.")
        var id: Int64
        @Option(help: "How many of its latest events to show (1 to 10000).")
        var events = 10
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            guard (1...10_000).contains(events) else { throw ValidationError("--events must be from 1 to 10000, not \(events)") }
        }

        func run() throws {
            let store = try options.openStore()
            guard let incident = try store.incident(id: id) else { throw RefusedError("unknown incident \(id)") }
            let handoffs = try store.handoffs(HandoffFilter(incident: id))
            let assignments = try store.assignments(incident: id)
            let escalations = try store.escalations(openOnly: false, incident: id)
            let (latest, total) = try store.latestEvents(incident: id, limit: events)
            let output = Output(json: options.json)
            output.record(incident.fields, nested: [
                ("handoffs", .array(handoffs.map(\.json))),
                ("assignments", .array(assignments.map(\.json))),
                ("escalations", .array(escalations.map(\.json))),
                ("events", .array(latest.map(\.json))),
                ("events_total", .int(Int64(total))),
            ])
            output.section("handoffs", handoffs)
            output.section("held by", assignments)
            output.section("escalations", escalations)
            let earlier = total - latest.count
            output.section(earlier > 0 ? "events (latest \(latest.count) of \(total): --events N for more)" : "events", latest)
        }
    }

    struct SetState: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-state",
            abstract: "Change an incident's state.",
            discussion: """
                assigned -> in_progress | pending | resolved | cancelled; in_progress -> pending | resolved | \
                cancelled; pending -> in_progress | resolved | cancelled; resolved -> closed | in_progress; \
                new -> cancelled. (new -> assigned happens when a supplier accepts a handoff.) \
                pending pauses the SLA clocks and the owners' OLA resolve clocks (unless their OLA target opts out); \
                leaving it moves the due instants later by the paused business time.
                """)
        @Argument(help: "The incident's id.")
        var id: Int64
        @Argument(help: "The new state.")
        var state: IncidentState
        @Option(help: "Why, for the event log.")
        var reason: String?
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            try store.setIncidentState(id: id, state: state.rawValue, reason: reason)
            let incident = try store.incident(id: id)
            Output(json: options.json).done("incident \(id) is \(state.rawValue) now", record: incident?.json ?? .null)
        }
    }

    struct SetPriority: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-priority",
            abstract: "Change an open incident's priority; its SLA and OLA due instants are recomputed.")
        @Argument(help: "The incident's id.")
        var id: Int64
        @Argument(help: "The new priority: P1, P2, P3 or P4.")
        var priority: Priority
        @Option(help: "Why, for the event log.")
        var reason: String?
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            try store.setIncidentPriority(id: id, priority: priority, reason: reason)
            let incident = try store.incident(id: id)
            let due = incident?.resolveDue.map { ", resolve by \($0.iso8601)" } ?? ""
            Output(json: options.json).done("incident \(id) is \(priority.rawValue) now\(due)", record: incident?.json ?? .null)
        }
    }
}
