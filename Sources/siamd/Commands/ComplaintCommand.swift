import ArgumentParser
import SiamCore
import SiamStore

/// `siamd complaint record`: a complaint about an incident, which the complaint rule counts.
struct ComplaintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complaint",
        abstract: "Complaints about incidents (the complaint escalation rule counts them).",
        subcommands: [Record.self])

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a complaint about an incident from the user or the customer.",
            discussion: """
                A customer's complaint weighs 2, a user's 1; the rule 'complaint' escalates by the weight \
                within its window. Writes the event complaint.recorded. The integrator only.
                """)
        @Argument(help: "The incident's id.")
        var incident: Int64
        @Option(name: .customLong("from"), help: "Who complains: user or customer.")
        var source: String
        @Option(help: "What the complaint says.")
        var text: String
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let id = try options.openStore().recordComplaint(incident: incident, source: source, body: text)
            Output(json: options.json).done(
                "complaint \(id) recorded on incident \(incident) (\(source))",
                record: .object([("id", JSONValue(id)), ("incident", JSONValue(incident)), ("source", .string(source)),
                                 ("body", .string(text))]))
        }
    }
}

/// `siamd feedback record`: the customer's satisfaction with an incident.
struct FeedbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Customer satisfaction with incidents (the scorecard's satisfaction).",
        subcommands: [Record.self])

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the customer's satisfaction with an incident, 1 (poor) to 5 (excellent).",
            discussion: "Writes the event feedback.recorded. The integrator only.")
        @Argument(help: "The incident's id.")
        var incident: Int64
        @Option(help: "1 (poor) to 5 (excellent).")
        var score: Int
        @Option(help: "What the customer said.")
        var comment: String?
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let id = try options.openStore().recordFeedback(incident: incident, score: score, comment: comment)
            Output(json: options.json).done(
                "feedback \(id) recorded on incident \(incident) (\(score)/5)",
                record: .object([("id", JSONValue(id)), ("incident", JSONValue(incident)), ("score", JSONValue(score)),
                                 ("comment", JSONValue(comment))]))
        }
    }
}
