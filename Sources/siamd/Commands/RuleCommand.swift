import ArgumentParser
import SiamCore
import SiamStore

/// `siamd rule list | show CODE | set CODE ...`: the escalation rules and their settings.
struct RuleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rule",
        abstract: "Escalation rules: their thresholds (levels), repeats and count windows.",
        discussion: """
            A rule raises one escalation per clock (or count) and subject at its first threshold and \
            climbs a level at each later one; its open escalations repeat at its interval until their \
            level is acknowledged. Thresholds are percents of a clock (sla_*, ola_*), bounces or \
            complaint weight within the window (bounces, complaints) or percent of capacity (capacity); \
            unroutable and scope_dispute have the one threshold 1.
            """,
        subcommands: [List.self, Show.self, Set.self])

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
            guard let rule = try options.openStore().escalationRules().first(where: { $0.code == code }) else {
                throw RefusedError("unknown escalation rule \(terminalText(code))")
            }
            // People read the table's forms (50,75,90,100; 1h; once); scripts the schema's values.
            Output(json: options.json).record(options.json ? rule.fields : rule.fields.map { ($0.0, rule.field($0.0)) })
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
    static var tableColumns: [String] { ["code", "measure", "thresholds", "notify", "repeat_every", "time_window", "enabled"] }

    func field(_ name: String) -> JSONValue {
        switch name {
        case "thresholds": return .string(thresholds.map { $0 == $0.rounded() ? String(Int64($0)) : String($0) }.joined(separator: ","))
        case "repeat_every": return .string(repeatEvery.map { BusinessDuration(seconds: $0).description } ?? "once")
        case "time_window": return .string(window.map { BusinessDuration(seconds: $0).description } ?? "-")
        default: return fields.first { $0.0 == name }?.1 ?? .null
        }
    }
}
