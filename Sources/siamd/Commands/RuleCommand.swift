import ArgumentParser
import SiamCore
import SiamStore

/// `siamd rule list | show CODE | set CODE ...`: the escalation rules and their settings.
struct RuleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rule",
        abstract: "Escalation rules: their thresholds (levels), repeats, count windows, scope and party notified.",
        discussion: """
            A rule raises one escalation per clock (or count) and subject at its first threshold and \
            climbs a level at each later one; its open escalations repeat at its interval until their \
            level is acknowledged. Thresholds are percents of a clock (sla_*, ola_*), bounces or \
            complaint weight within the window (bounces, complaints) or percent of capacity (capacity); \
            unroutable and scope_dispute have the one threshold 1.
            """,
        subcommands: [List.self, Show.self, Add.self, Set.self, Enable.self, Disable.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the escalation rules.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            Output(json: options.json).list(try options.openStore().escalationRules(), empty: "no escalation rules")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one escalation rule.")
        @Argument(help: "The rule's code.")
        var code: String
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let store = try options.openStore()
            guard let rule = try store.escalationRules().first(where: { $0.code == code }) else {
                throw store.unknown("escalation rule", code: code, in: "siam.escalation_rule")
            }
            // People read the table's forms (50,75,90,100; 1h; once); scripts the schema's values.
            Output(json: options.json).record(options.json ? rule.fields : rule.fields.map { ($0.0, rule.field($0.0)) })
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an escalation rule (enabled).",
            discussion: """
                --measure is sla_acknowledge, sla_resolve, ola_accept, ola_resolve (percent of the clock), \
                bounces, complaints (a count within --window, required), capacity (percent of a supplier's \
                capacity), unroutable or scope_dispute (threshold 1). The scope options limit it to incidents \
                of a priority, service, supplier (the clock's supplier or the owner) or user tier; left out: \
                any. It notifies --notify (default integrator) once, or every --repeat D until acknowledged. \
                A rule adds to the others: a VIP rule beside the general one raises its own escalations. \
                Writes the event escalation_rule.added. The integrator only.
                """)
        @Argument(help: "The rule's code.")
        var code: String
        @Option(help: "What it measures: sla_acknowledge, sla_resolve, ola_accept, ola_resolve, bounces, complaints, capacity, unroutable or scope_dispute.")
        var measure: String
        @Option(help: "Ascending thresholds, comma-separated (e.g. 50,75,90,100).", transform: parseThresholds)
        var thresholds: [Double]
        @Option(help: "The party notified: integrator, supplier or customer.")
        var notify = "integrator"
        @Option(help: "Repeat unacknowledged escalations this often (left out: once).", transform: parseDuration)
        var `repeat`: BusinessDuration?
        @Option(help: "Look-back window of the count rules (bounces, complaints).", transform: parseDuration)
        var window: BusinessDuration?
        @Option(help: "Only incidents of this priority.")
        var priority: Priority?
        @Option(help: "Only incidents of this service.")
        var service: String?
        @Option(help: "Only this supplier's clocks and work.")
        var supplier: String?
        @Option(name: .customLong("user-tier"), help: "Only incidents of users of this tier (e.g. vip).")
        var userTier: String?
        @OptionGroup var options: GlobalOptions

        func run() throws {
            guard let kind = EscalationRule.Measure(rawValue: measure) else {
                throw ValidationError("invalid measure \(terminalText(measure)): use "
                    + EscalationRule.Measure.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let store = try options.openStore()
            try store.addRule(EscalationRule(
                code: code, measure: kind, thresholds: thresholds, notify: notify, repeatEvery: `repeat`?.seconds,
                window: window?.seconds, priority: priority, service: service, supplier: supplier, userTier: userTier))
            let rule = try store.escalationRules().first { $0.code == code }
            Output(json: options.json).done("rule \(code) added", record: rule?.json ?? .null)
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enable an escalation rule.",
            discussion: "Writes the event escalation_rule.enabled. The integrator only.")
        @Argument(help: "The rule's code.")
        var code: String
        @OptionGroup var options: GlobalOptions

        func run() throws {
            try options.openStore().enableRule(code, true)
            Output(json: options.json).done("rule \(code) enabled", record: .object([("code", .string(code)), ("enabled", .bool(true))]))
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an escalation rule: it raises, climbs and repeats nothing.",
            discussion: """
                Its open escalations still close when their cause ends. Writes the event \
                escalation_rule.disabled. The integrator only.
                """)
        @Argument(help: "The rule's code.")
        var code: String
        @OptionGroup var options: GlobalOptions

        func run() throws {
            try options.openStore().enableRule(code, false)
            Output(json: options.json).done("rule \(code) disabled", record: .object([("code", .string(code)), ("enabled", .bool(false))]))
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a rule's thresholds, repeat interval or count window (what is left out keeps its value).",
            discussion: """
                --thresholds takes 1 to 10 positive numbers in ascending order, comma-separated \
                (e.g. 50,75,90,100): level N is reached at the N-th. Open escalations keep their level \
                and climb from it; open incidents are looked at again at once. --repeat D repeats \
                unacknowledged escalations every D; --once notifies once. --window D is the look-back of \
                the count rules (bounces, complaints). Each change is an event escalation_rule.changed; \
                all of them happen in one transaction. The integrator only.
                """)
        @Argument(help: "The rule's code.")
        var code: String
        @Option(help: "Ascending thresholds, comma-separated (e.g. 50,75,90,100).", transform: parseThresholds)
        var thresholds: [Double]?
        @Option(help: "Repeat unacknowledged escalations this often (e.g. 1h).", transform: parseDuration)
        var `repeat`: BusinessDuration?
        @Flag(help: "Notify once: no repeats.")
        var once = false
        @Option(help: "Look-back window of the count rules (e.g. 24h).", transform: parseDuration)
        var window: BusinessDuration?
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if once && `repeat` != nil { throw ValidationError("give --repeat D or --once, not both") }
            if thresholds == nil && `repeat` == nil && !once && window == nil {
                throw ValidationError("nothing to change: give --thresholds, --repeat, --once or --window")
            }
        }

        func run() throws {
            let store = try options.openStore()
            let repeatEvery: BusinessDuration?? = once ? .some(nil) : `repeat`.map { .some($0) }
            try store.changeRule(code, thresholds: thresholds, repeatEvery: repeatEvery, window: window)
            let rule = try store.escalationRules().first { $0.code == code }
            Output(json: options.json).done("rule \(code) changed", record: rule?.json ?? .null)
        }
    }
}

/// `50,75,90,100` as numbers; the schema checks that they ascend and are positive.
func parseThresholds(_ text: String) throws -> [Double] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    let values = parts.compactMap { Double($0) }.filter(\.isFinite)
    guard !parts.isEmpty, values.count == parts.count else {
        throw ValidationError("invalid thresholds \(terminalText(text)): give numbers separated by commas, e.g. 50,75,90,100")
    }
    return values
}

extension EscalationRule: Presentable {
    var fields: [(String, JSONValue)] {
        [
            ("code", .string(code)),
            ("measure", .string(measure.rawValue)),
            ("thresholds", .array(thresholds.map { JSONValue($0) })),
            ("notify", .string(notify)),
            ("repeat_every", JSONValue(repeatEvery)),
            ("time_window", JSONValue(window)),
            ("priority", JSONValue(priority?.rawValue)),
            ("service", JSONValue(service)),
            ("supplier", JSONValue(supplier)),
            ("user_tier", JSONValue(userTier)),
            ("enabled", .bool(enabled)),
        ]
    }
    static var tableColumns: [String] { ["code", "measure", "thresholds", "notify", "repeat_every", "time_window", "scope", "enabled"] }

    func field(_ name: String) -> JSONValue {
        switch name {
        case "thresholds": return .string(thresholds.map { $0 == $0.rounded() ? String(Int64($0)) : String($0) }.joined(separator: ","))
        case "repeat_every": return .string(repeatEvery.map { BusinessDuration(seconds: $0).description } ?? "once")
        case "time_window": return .string(window.map { BusinessDuration(seconds: $0).description } ?? "-")
        case "scope":
            let parts = [priority.map { "priority=\($0.rawValue)" }, service.map { "service=\($0)" },
                         supplier.map { "supplier=\($0)" }, userTier.map { "user_tier=\($0)" }].compactMap { $0 }
            return .string(parts.isEmpty ? "any" : parts.joined(separator: " "))
        default: return fields.first { $0.0 == name }?.1 ?? .null
        }
    }
}
