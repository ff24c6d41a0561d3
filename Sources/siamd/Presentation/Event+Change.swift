import SiamCore

extension Event {
    /// What the event changed, as a person reads it: `from → to` of a change of state, owner,
    /// priority or status, and `rule level N` (or `level 1→3`) of an escalation; empty when
    /// its data names neither.
    var change: String {
        guard let data = JSONValue(parsing: data) else { return "" }
        var parts: [String] = []
        if case .string(let rule)? = data["rule"] {
            switch (data["from_level"], data["level"]) {
            case (.int(let from)?, .int(let level)?): parts.append("\(rule) level \(from)→\(level)")
            case (_, .int(let level)?): parts.append("\(rule) level \(level)")
            default: parts.append(rule)
            }
        }
        if data["from"] != nil || data["to"] != nil {
            parts.append("\(Self.shown(data["from"])) → \(Self.shown(data["to"]))")
        }
        return parts.joined(separator: "  ")
    }

    private static func shown(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: text
        case .int(let number)?: String(number)
        case nil, .null?: "none"
        case let other?: other.serialized()
        }
    }

    /// One line of `events tail`: cursor, instant, kind, what it is about, what changed, who and why.
    func line(cursor: String) -> String {
        let subject = [incident.map { "incident=\($0)" }, handoff.map { "handoff=\($0)" },
                       escalation.map { "escalation=\($0)" }, supplier.map { "supplier=\($0)" }]
            .compactMap { $0 }.joined(separator: " ")
        return [cursor, at.iso8601, kind, subject, change, "\(actor): \(reason)"]
            .filter { !$0.isEmpty }.joined(separator: "  ")
    }
}
