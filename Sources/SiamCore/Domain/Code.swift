/// The identifiers of suppliers, services, customers, calendars and rules:
/// 1 to 63 characters of `a-z 0-9 _ . -`, starting with a letter or digit.
public enum Code {
    /// True when the text is a well-formed code (the schema's `siam.code` domain).
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        for (position, byte) in bytes.enumerated() {
            let letterOrDigit = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            let punctuation = byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            if position == 0 ? !letterOrDigit : !(letterOrDigit || punctuation) { return false }
        }
        return true
    }
}
