/// Text from the database (reasons, titles, names an integration wrote) made safe to print
/// for a person: on one line, with every control character shown as an escape instead of
/// acted on, so that no supplier can clear an operator's screen, recolour it, or forge lines
/// in what the operator reads. (JSON output escapes them already.)
///
/// Newlines and tabs become spaces (a table cell or a log line stays one line); other C0 and
/// C1 controls, DEL, and the Unicode controls that reorder or break lines (bidirectional
/// overrides and isolates, line and paragraph separators) become `\x1b` or `\u{202e}`.
func terminalText(_ text: String) -> String {
    var result = ""
    result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x0A, 0x0D, 0x09, 0x0B, 0x0C:
            result.unicodeScalars.append(" ")
        case 0x00...0x1F, 0x7F...0x9F:
            result += "\\x" + hex(scalar.value, width: 2)
        case 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
            result += "\\u{" + hex(scalar.value, width: 4) + "}"
        default:
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}

private func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
