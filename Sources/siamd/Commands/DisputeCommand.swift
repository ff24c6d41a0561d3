import ArgumentParser
import SiamCore
import SiamStore

struct DisputeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispute",
        abstract: "Scope disputes: out-of-scope rejections, for the integrator to rule on.",
        discussion: """
            A supplier that rejects a handoff as out of scope (handoff reject --out-of-scope) opens a \
            dispute; the daemon routes the work on meanwhile and escalates the open dispute to the \
            integrator (rule scope-dispute). Ruling it out of scope upholds the dispute (the refusal was \
            fair); ruling it in scope overturns it (the work was the supplier's). Either closes its \
            escalation.
            """,
        subcommands: [List.self, Show.self, Rule.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List scope disputes, oldest first.")
        @Flag(help: "Only open ones (not ruled yet).")
        var open = false
        @OptionGroup var options: GlobalOptions

        func run() throws {
            Output(json: options.json).list(try options.openStore().disputes(openOnly: open), empty: "no scope disputes")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a scope dispute and its ruling, if any.")
        @Argument(help: "The dispute's id.")
        var id: Int64
        @OptionGroup var options: GlobalOptions

        func run() throws {
            guard let dispute = try options.openStore().dispute(id: id) else {
                throw RefusedError("unknown scope dispute \(id)")
            }
            Output(json: options.json).record(dispute.fields)
        }
    }

    struct Rule: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rule on an open scope dispute (the integrator only).",
            discussion: """
                --out-of-scope upholds the dispute (the supplier's refusal was fair); --in-scope overturns \
                it (the work was the supplier's). Give exactly one, and a --note saying why. With \
                --in-scope, --send-back offers the work to the supplier again (as a person's offer, which \
                resumes automatic routing), withdrawing a standing offer of the incident to another \
                supplier first; when another supplier owns the incident by then, this offer moves the work \
                from it to the disputing supplier once accepted (a reassignment by the integrator, not a \
                bounce of the owner); it is refused, and nothing is ruled, when the incident is resolved, closed \
                or cancelled or the supplier cannot take it (not active, does not serve the service, owns \
                it or has an open offer of it already). Closes the dispute's escalations.
                """)
        @Argument(help: "The dispute's id.")
        var id: Int64
        @Flag(name: .customLong("in-scope"), help: "The work was the supplier's: the dispute is overturned.")
        var inScope = false
        @Flag(name: .customLong("out-of-scope"), help: "The supplier's refusal was fair: the dispute is upheld.")
        var outOfScope = false
        @Option(help: "Why, for the supplier and the event log (required).")
        var note: String
        @Flag(name: .customLong("send-back"), help: "With --in-scope: offer the work to the supplier again.")
        var sendBack = false
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            guard inScope != outOfScope else {
                throw ValidationError("give exactly one of --in-scope and --out-of-scope")
            }
            if sendBack && !inScope {
                throw ValidationError("--send-back needs --in-scope")
            }
            if note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw ValidationError("--note must not be blank")
            }
        }

        func run() throws {
            let store = try options.openStore()
            let ruling: DisputeRuling = inScope ? .inScope : .outOfScope
            try store.rule(dispute: id, ruling: ruling, note: note, sendBack: sendBack)
            let dispute = try store.dispute(id: id)
            let sent = dispute?.sentBackHandoff.map { ", incident \(dispute!.incident) sent back to \(dispute!.supplier) (handoff \($0))" } ?? ""
            Output(json: options.json).done(
                "scope dispute \(id) ruled \(ruling.rawValue): \(ruling.outcome)\(sent)", record: dispute?.json ?? .null)
        }
    }
}
