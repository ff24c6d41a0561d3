import ArgumentParser
import Foundation
import SiamStore

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "The event feed.",
        subcommands: [Tail.self])

    struct Tail: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print events after a cursor, in feed order; --follow waits for more.",
            discussion: """
                Follows the same recipe as an integration: siam.events_after(cursor) in batches, and \
                with --follow LISTEN siam_event between them. Each line (and each JSON object) carries \
                the cursor to resume from with --since. Events appear once every older transaction has \
                ended, so none is skipped or printed twice.
                """)
        @Option(help: "Resume after this cursor (as printed); default: from the beginning.")
        var since: String?
        @Flag(help: "Keep waiting for new events (stop with Ctrl-C).")
        var follow = false
        @Option(help: "Events per batch.")
        var limit = 500
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 10000") }
        }

        func run() throws {
            let store = try options.openStore()
            if follow { try store.connection.listen("siam_event") }
            var cursor = since
            while true {
                let batch = try store.feed(after: cursor, limit: limit)
                for (position, event) in batch {
                    if options.json {
                        print(JSONValue.object([("cursor", .string(position))] + event.fields).serialized())
                    } else {
                        let subject = [event.incident.map { "incident=\($0)" }, event.handoff.map { "handoff=\($0)" },
                                       event.supplier.map { "supplier=\($0)" }].compactMap { $0 }.joined(separator: " ")
                        print(terminalText("\(position)  \(event.at.iso8601)  \(event.kind)  \(subject)  \(event.actor): \(event.reason)"))
                    }
                    cursor = position
                }
                fflush(nil)  // all output streams: a follower sees each batch at once
                if batch.count == limit { continue }
                guard follow else { return }
                // Woken by the next change; the timeout covers events that became visible only
                // when an older transaction ended (which notifies nobody).
                _ = try store.connection.waitForNotifications(timeout: .seconds(5))
            }
        }
    }
}
