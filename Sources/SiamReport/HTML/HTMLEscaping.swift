/// `text` made safe for HTML (and SVG) text content and for double- or single-quoted
/// attribute values.
///
/// Supplier names come from whoever registered them and may contain markup, quotes,
/// ampersands or emoji; everything the page shows from data passes through here.
func htmlEscaped(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&#39;"
        case "\t", "\n": result.unicodeScalars.append(scalar)
        default:
            // Controls and noncharacters are parse errors in HTML; a replacement character
            // shows that something was there without letting it disturb the page.
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                || (0xFDD0...0xFDEF).contains(scalar.value) || scalar.value & 0xFFFE == 0xFFFE {
                result += "\u{FFFD}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result
}

/// ` name="value"`, the value escaped: for building tags without forgetting the quoting.
func attribute(_ name: String, _ value: String) -> String {
    " \(name)=\"\(htmlEscaped(value))\""
}
