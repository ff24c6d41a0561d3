import ArgumentParser
import SiamCore
import SiamStore

struct TargetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "target",
        abstract: "SLA (integrator <-> customer) and OLA (integrator <-> supplier) targets.",
        subcommands: [Set.self, List.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or change a target; durations left out keep their value.",
            discussion: """
                A target applies to one priority, optionally to one service and (OLA only) one supplier. \
                For an incident the most specific matching target applies as a whole: supplier and \
                service, then supplier, then service, then neither. Durations are business time on the \
                target's calendar (none: the supplier's calendar for an OLA, else 24x7), written 90s, \
                15m, 4h, 3d (= 72h), 3h30m. While an incident is pending (waiting on the customer) \
                the SLA clocks pause, and so does the owner's OLA resolve clock unless its OLA target \
                says --no-pause-when-pending (for spans that begin afterwards).
                """)

        @Option(help: "sla or ola.")
        var kind: TargetKind
        @Option(help: "P1, P2, P3 or P4.")
        var priority: Priority
        @Option(help: "Only for incidents of this service.")
        var service: String?
        @Option(help: "Only for this supplier (OLA only).")
        var supplier: String?
        @Option(help: "Calendar the durations count on.")
        var calendar: String?
        @Option(help: "Time a supplier has to accept a handoff (OLA only).", transform: parseDuration)
        var accept: BusinessDuration?
        @Option(help: "Time until work starts.", transform: parseDuration)
        var acknowledge: BusinessDuration?
        @Option(help: "Time until resolved.", transform: parseDuration)
        var resolve: BusinessDuration?
        @Flag(inversion: .prefixedNo,
              help: "Whether the owner's OLA resolve clock pauses while the incident is pending, like the SLA (OLA only; left out: kept, a new target pauses).")
        var pauseWhenPending: Bool?
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if kind == .sla, supplier != nil {
                throw ValidationError("an SLA has no supplier: use --kind ola for a supplier's target")
            }
            if kind == .sla, accept != nil {
                throw ValidationError("--accept is an OLA target: use --kind ola")
            }
            if kind == .sla, pauseWhenPending == false {
                throw ValidationError("SLA clocks always pause while pending: --no-pause-when-pending is for --kind ola")
            }
        }

        func run() throws {
            let store = try options.openStore()
            let id = try store.setTarget(TargetChange(
                kind: kind, priority: priority, service: service, supplier: supplier, calendar: calendar,
                accept: accept, acknowledge: acknowledge, resolve: resolve, pausesWhenPending: pauseWhenPending))
            let target = try store.target(id: id)
            Output(json: options.json).done("target \(id) set (\(kind.rawValue) \(priority.rawValue))", record: target?.json ?? .null)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List SLA and OLA targets.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            Output(json: options.json).list(try options.openStore().targets(), empty: "no targets")
        }
    }
}
