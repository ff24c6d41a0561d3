import SiamCore

/// A value that can be sent as a query parameter, in PostgreSQL's text format.
///
/// Every query siamd runs is parameterized: values never become part of the SQL text.
public protocol SQLParameter: Sendable {
    /// The text representation, or nil for SQL NULL.
    var sqlText: String? { get }
}

/// SQL NULL, for parameters whose type the query fixes.
public struct SQLNull: SQLParameter {
    public init() {}
    public var sqlText: String? { nil }
}

extension String: SQLParameter {
    public var sqlText: String? { self }
}

extension Int: SQLParameter {
    public var sqlText: String? { String(self) }
}

extension Int64: SQLParameter {
    public var sqlText: String? { String(self) }
}

extension Int32: SQLParameter {
    public var sqlText: String? { String(self) }
}

extension Bool: SQLParameter {
    public var sqlText: String? { self ? "true" : "false" }
}

extension Instant: SQLParameter {
    public var sqlText: String? { iso8601 }
}

extension BusinessDuration: SQLParameter {
    /// As a PostgreSQL interval of whole seconds.
    public var sqlText: String? { "\(seconds) seconds" }
}

extension Optional: SQLParameter where Wrapped: SQLParameter {
    public var sqlText: String? { self?.sqlText }
}

extension Array: SQLParameter where Element: SQLParameter {
    /// As a PostgreSQL array literal; elements are quoted and escaped.
    public var sqlText: String? {
        let elements = map { element -> String in
            guard let text = element.sqlText else { return "NULL" }
            var quoted = "\""
            for character in text {
                if character == "\"" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            quoted.append("\"")
            return quoted
        }
        return "{" + elements.joined(separator: ",") + "}"
    }
}
