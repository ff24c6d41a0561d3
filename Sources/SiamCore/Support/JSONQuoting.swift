/// A JSON string literal for `text`, escaped as RFC 8259 requires, plus C1 controls and
/// U+2028/U+2029 (which JavaScript-based viewers would take as line breaks). The same quoting
/// serves logfmt values, so one log line never becomes two.
public func jsonQuoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        default:
            if isEscapedControl(scalar) {
                // Four hex digits: every such scalar lies in the Basic Multilingual Plane.
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result + "\""
}

/// Controls that ``jsonQuoted(_:)`` writes as `\uXXXX`.
public func isEscapedControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
}
