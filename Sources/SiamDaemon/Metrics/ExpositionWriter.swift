// The Prometheus text exposition format, version 0.0.4: one `# HELP` and one `# TYPE` line per
// family, then its samples, one per line, every line ending in "\n".
//
// Why by hand: the format is a handful of escaping and number rules, and a client library
// (swift-prometheus) would bring SwiftNIO-sized build times for them.

/// Builds exposition text: family headers, samples with escaped labels, numbers as Prometheus
/// parses them.
struct ExpositionWriter {
    /// The text written so far.
    private(set) var text = ""

    /// The kinds of family this daemon exposes.
    enum FamilyType: String {
        case counter, gauge, histogram
    }

    /// Writes the `# HELP` and `# TYPE` lines that open a family.
    mutating func family(_ name: String, _ type: FamilyType, help: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n"
        text += "# TYPE \(name) \(type.rawValue)\n"
    }

    /// Writes one sample line; labels in the order given.
    mutating func sample(_ name: String, labels: [(String, String)] = [], _ value: Double) {
        sample(name, labels, formatted: Self.format(value))
    }

    /// Writes one sample line with an integer value (counts stay exact beyond 2^53).
    mutating func sample(_ name: String, labels: [(String, String)] = [], _ value: Int) {
        sample(name, labels, formatted: String(value))
    }

    private mutating func sample(_ name: String, _ labels: [(String, String)], formatted: String) {
        text += name
        if !labels.isEmpty {
            text += "{"
            text += labels.map { "\($0.0)=\"\(Self.escapeLabelValue($0.1))\"" }.joined(separator: ",")
            text += "}"
        }
        text += " \(formatted)\n"
    }

    /// A number as Prometheus (Go's `strconv.ParseFloat`) reads it: exact integers without a
    /// fraction or exponent ("2", "300"), others in their shortest round-trip form ("0.025",
    /// "1.5e-05"), and "+Inf", "-Inf", "NaN".
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        // An integral Double below 2^63 is exactly an Int64; Swift alone would print "2.0".
        if value == value.rounded(), abs(value) < 9_223_372_036_854_775_808.0 {
            return String(Int64(value))
        }
        return value.description
    }

    /// A label value inside double quotes: backslash, double quote and line feed escaped.
    static func escapeLabelValue(_ value: String) -> String {
        escape(value, quote: true)
    }

    /// A `# HELP` text: backslash and line feed escaped (quotes stay as they are).
    static func escapeHelp(_ help: String) -> String {
        escape(help, quote: false)
    }

    private static func escape(_ value: String, quote: Bool) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\"" where quote: escaped += "\\\""
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
