import ArgumentParser
import Foundation
import SiamCore
import SiamStore

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "The event feed.",
        subcommands: [Tail.self])

    struct Tail: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the latest events, like tail; --follow streams new ones, --from-start or --since reads history.",
            discussion: """
                By default the last 10 events of the feed (--limit N: the last N), oldest first. \
                --from-start reads the feed from its beginning and --since CURSOR after a cursor (as \
                printed), up to --limit events if given, else all of them. --follow then keeps waiting \
                and prints every new event (stop with Ctrl-C). Each line shows the cursor, the instant, \
                the kind, what it is about, what changed (from → to; an escalation's rule and level) and \
                who did it and why; --json prints each event as an object with the same fields and its \
                cursor. It follows the same recipe as an integration (siam.events_latest, then \
                siam.events_after from the last cursor, with LISTEN siam_event between batches): events \
                appear once every older transaction has ended, so none is skipped or printed twice.
                """)
        @Option(help: "Resume after this cursor (as printed).")
        var since: String?
        @Flag(help: "Read the feed from its beginning.")
        var fromStart = false
        @Flag(help: "Keep waiting for new events and print them as they come (stop with Ctrl-C).")
        var follow = false
        @Option(help: "How many events: the last N (default 10), or with --from-start or --since at most N (default: all).")
        var limit: Int?
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if let limit, !(1...10_000).contains(limit) {
                throw ValidationError("--limit must be from 1 to 10000, not \(limit)")
            }
            if fromStart, since != nil { throw ValidationError("--from-start and --since both say where to start: give one") }
        }

        func run() throws {
            let store = try options.openStore()
            if follow { try store.connection.listen("siam_event") }
            var cursor: String?
            var printed = 0
            func show(_ batch: [(cursor: String, event: Event)]) {
                for (position, event) in batch {
                    if options.json {
                        print(JSONValue.object([("cursor", .string(position))] + event.fields).serialized())
                    } else {
                        print(terminalText(event.line(cursor: position)))
                    }
                    cursor = position
                }
                printed += batch.count
                fflush(nil)  // all output streams: a follower sees each batch at once
            }
            if fromStart || since != nil {
                // History: from the start or a cursor, capped by --limit.
                cursor = since
                while true {
                    let wanted = limit.map { $0 - printed } ?? Self.batchSize
                    if wanted <= 0 { break }
                    let batch = try store.feed(after: cursor, limit: min(wanted, Self.batchSize))
                    show(batch)
                    if batch.count < min(wanted, Self.batchSize) { break }
                }
            } else {
                // The end of the feed; when it shows nothing yet, following it starts at its
                // beginning, which is then all new.
                show(try store.latestFeed(limit: limit ?? 10))
            }
            guard follow else { return }
            while true {
                let batch = try store.feed(after: cursor, limit: Self.batchSize)
                show(batch)
                if batch.count == Self.batchSize { continue }
                // Woken by the next change; the timeout covers events that became visible only
                // when an older transaction ended (which notifies nobody).
                _ = try store.connection.waitForNotifications(timeout: .seconds(5))
            }
        }

        static let batchSize = 500
    }
}
