import ArgumentParser
import SiamStore

struct EscalationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalation",
        abstract: "Escalations raised by threshold.",
        subcommands: [List.self, Ack.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List escalations.")
        @Flag(help: "Only open ones (cause not ended yet).")
        var open = false
        @OptionGroup var options: GlobalOptions

        func run() throws {
            Output(json: options.json).list(try options.openStore().escalations(openOnly: open), empty: "no escalations")
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Acknowledge an escalation at its current level: its repeats stop until it climbs.",
            discussion: "Refused for a closed escalation and for a level already acknowledged.")
        @Argument(help: "The escalation's id.")
        var id: Int64
        @Option(help: "Who acknowledges it (default: the --actor, else the OS user).")
        var by: String?
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            let by = by ?? options.resolvedActor
            try store.acknowledge(escalation: id, by: by)
            let escalation = try store.escalation(id: id)
            Output(json: options.json).done("escalation \(id) acknowledged by \(by)", record: escalation?.json ?? .null)
        }
    }
}
