import ArgumentParser
import SiamStore

extension IncidentCommand {
    /// `siamd incident hand-back ID --reason R`: the owner gives the work back.
    struct HandBack: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hand-back",
            abstract: "Give an incident back on behalf of its owner: a bounce; the daemon routes it to the next supplier.",
            discussion: """
                The owner's ownership ends and the incident is new again; the daemon offers it to the next \
                eligible supplier, never to the one that handed it back. Only an assigned or in-progress \
                incident can be handed back. It counts as a bounce of that supplier (ping-pong and the \
                scorecard). A supplier's own integration calls siam.incident_hand_back.
                """)
        @Argument(help: "The incident's id.")
        var id: Int64
        @Option(help: "Why the owner gives it back (required).")
        var reason: String
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            let owner = try store.incident(id: id)?.owner
            try store.handBack(incident: id, reason: reason)
            let incident = try store.incident(id: id)
            Output(json: options.json).done("incident \(id) handed back by \(owner ?? "its owner"): it is new again",
                                            record: incident?.json ?? .null)
        }
    }
}
