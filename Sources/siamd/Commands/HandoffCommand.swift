import ArgumentParser
import SiamCore
import SiamStore

struct HandoffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handoff",
        abstract: "Offers of work to suppliers, and their answers.",
        subcommands: [Offer.self, Accept.self, Reject.self, List.self])

    struct Offer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offer an incident (or a part of its work) to a supplier.",
            discussion: "The supplier must be active and serve the incident's service; its OLA sets the accept deadline.")
        @Argument(help: "The incident's id.")
        var incident: Int64
        @Option(help: "The supplier to offer it to.")
        var to: String
        @Option(help: "Offer only this part of the work (the supplier contributes; ownership stays).")
        var part: String?
        @Option(help: "Why, for the event log.")
        var reason: String?
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            let id = try store.offer(incident: incident, to: to, part: part, reason: reason)
            let handoff = try store.handoff(id: id)
            let due = handoff?.acceptDue.map { ", to accept by \($0.iso8601)" } ?? ""
            Output(json: options.json).done("handoff \(id): incident \(incident) offered to \(to)\(due)", record: handoff?.json ?? .null)
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept an offered handoff on the supplier's behalf.")
        @Argument(help: "The handoff's id.")
        var id: Int64
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            try store.accept(handoff: id, reason: nil)
            let handoff = try store.handoff(id: id)
            Output(json: options.json).done("handoff \(id) accepted", record: handoff?.json ?? .null)
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reject an offered handoff on the supplier's behalf, with a reason.")
        @Argument(help: "The handoff's id.")
        var id: Int64
        @Option(help: "Why it is rejected (required).")
        var reason: String
        @Flag(name: .customLong("out-of-scope"), help: "The supplier disputes that the work is in its scope.")
        var outOfScope = false
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw ValidationError("--reason must not be blank")
            }
        }

        func run() throws {
            let store = try options.openStore()
            try store.reject(handoff: id, reason: reason, outOfScope: outOfScope)
            let handoff = try store.handoff(id: id)
            Output(json: options.json).done(
                "handoff \(id) rejected\(outOfScope ? " (out of scope)" : "")", record: handoff?.json ?? .null)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List handoffs.")
        @Option(help: "Only handoffs of this incident.")
        var incident: Int64?
        @Option(help: "Only handoffs in this state: offered, accepted, rejected, expired, cancelled.")
        var state: HandoffState?
        @Option(help: "At most this many.")
        var limit = 1000
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be at least 1, not \(limit)") }
        }

        func run() throws {
            let store = try options.openStore()
            // An unknown incident is a mistake, not an empty answer.
            if let incident, try store.incident(id: incident) == nil { throw RefusedError("unknown incident \(incident)") }
            let handoffs = try store.handoffs(HandoffFilter(incident: incident, state: state, limit: limit))
            Output(json: options.json).list(handoffs, empty: "no handoffs")
        }
    }
}
