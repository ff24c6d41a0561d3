import SiamCore

/// A JSON value whose objects keep their keys in order (the schema's column order).
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    /// A fraction (rates, means); not finite prints as null.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    /// Compact JSON text.
    func serialized() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .number(let value): out += value.isFinite ? String(value) : "null"
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { out += "," }
                Self.writeString(key, to: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ text: String, to out: inout String) {
        out += jsonQuoted(text)
    }

    /// The text of a table cell.
    var cellText: String {
        switch self {
        case .null: return "-"
        case .bool(let value): return value ? "yes" : "no"
        case .int(let value): return String(value)
        case .number(let value): return value.isFinite ? String(value) : "-"
        case .string(let value): return value
        case .array(let values): return values.map(\.cellText).joined(separator: ", ")
        case .object: return serialized()
        }
    }
}

extension JSONValue {
    init(_ value: String?) { self = value.map(JSONValue.string) ?? .null }
    init(_ value: Int?) { self = value.map { .int(Int64($0)) } ?? .null }
    init(_ value: Int64?) { self = value.map(JSONValue.int) ?? .null }
    init(_ value: Bool?) { self = value.map(JSONValue.bool) ?? .null }
    init(_ value: Double?) { self = value.map(JSONValue.number) ?? .null }
    /// Instants in UTC, seconds precision: `2016-02-01T12:00:00Z`.
    init(_ value: Instant?) { self = value.map { .string($0.iso8601) } ?? .null }
    /// Durations as whole seconds.
    init(_ value: BusinessDuration?) { self = value.map { .int($0.seconds) } ?? .null }
}
