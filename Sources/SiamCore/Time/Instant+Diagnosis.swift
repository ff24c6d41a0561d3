extension Instant {
    /// Why `text` is not an ISO-8601 instant with an offset, as precisely as the text allows
    /// ("month 13 does not exist", "no UTC offset: add Z or one such as +01:00"), for the
    /// refusal that names what is wrong and what is accepted.
    public static func invalidReason(_ text: String) -> String {
        let date = /(\d{4})-(\d{2})-(\d{2})/
        if let match = text.wholeMatch(of: date) {
            return dateReason(year: match.1, month: match.2, day: match.3) ?? "a date alone is no instant: add a time and an offset"
        }
        guard let match = text.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(.*)/) else {
            return "not of the form YYYY-MM-DDTHH:MM:SS plus an offset"
        }
        if let reason = dateReason(year: match.1, month: match.2, day: match.3) { return reason }
        if let hour = Int(match.4), hour > 23 { return "hour \(hour) does not exist (00 to 23)" }
        if let minute = Int(match.5), minute > 59 { return "minute \(minute) does not exist (00 to 59)" }
        if let second = match.6.flatMap({ Int($0) }), second > 59 { return "second \(second) does not exist (00 to 59; no leap seconds)" }
        let offset = String(match.7)
        if offset.isEmpty { return "no UTC offset: a local time is no instant; add Z or an offset such as +01:00" }
        if offset.wholeMatch(of: /[Zz]|[+-]\d{2}(?::?\d{2}(?::\d{2})?)?/) == nil {
            return "offset '\(offset)' is not Z or ±HH:MM"
        }
        return "offset '\(offset)' is out of range (at most ±15:59)"
    }

    private static func dateReason(year: Substring, month: Substring, day: Substring) -> String? {
        guard let year = Int64(year), let month = Int64(month), let day = Int64(day) else { return nil }
        guard (1...12).contains(month) else { return "month \(month) does not exist" }
        let days = daysInMonth(year: year, month: month)
        guard (1...days).contains(day) else { return "day \(day) does not exist: \(year)-\(month < 10 ? "0" : "")\(month) has \(days) days" }
        return nil
    }
}
