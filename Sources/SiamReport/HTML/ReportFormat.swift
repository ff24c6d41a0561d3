import SiamCore

/// How figures are written on the page: plain text, the same on every machine.
///
/// Hand-written rather than Foundation formatters, so that the page does not depend on the
/// locale of the host that renders it, and so that no NaN or infinity can ever reach it:
/// every function here takes non-finite input as missing.
enum ReportFormat {
    /// What the page shows for a missing figure: an en dash, never a zero.
    static let missing = "\u{2013}"

    /// A count with thousands separators: `1,234`.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// A percentage with one decimal: `87.5 %`; `–` when missing.
    ///
    /// A share that is not all is never written as 100.0 %, nor a share that is not none as
    /// 0.0 %: in an SLA meeting "100 %" is a claim, and rounding must not make it.
    static func percent(_ value: Double?) -> String {
        guard let value = finite(value) else { return missing }
        return decimal(percentTenths(value), places: 1) + " %"
    }

    /// The value in tenths, rounded, but never up to 100 % or down to 0 % from inside.
    private static func percentTenths(_ value: Double) -> Int64 {
        let tenths = Int64((clamped(value, -1e9, 1e9) * 10).rounded())
        if value > 0, value < 100 { return min(max(tenths, 1), 999) }
        return tenths
    }

    /// A mean satisfaction score (1 to 5) with one decimal: `4.2`; `–` when missing.
    static func score(_ value: Double?) -> String {
        guard let value = finite(value) else { return missing }
        return decimal(Int64((clamped(value, -1e9, 1e9) * 10).rounded()), places: 1)
    }

    /// A real-time duration as people say it: `42 s`, `3 m 10 s`, `2 h 5 m`, `3 d 4 h`;
    /// `–` when missing. Each form keeps two units at most, rounded to the smaller one.
    static func duration(seconds: Double?) -> String {
        guard let seconds = finite(seconds), seconds >= 0 else { return missing }
        if seconds < 0.5 { return seconds == 0 ? "0 s" : "< 1 s" }
        let whole = Int64(clamped(seconds, 0, 1e15).rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 {
            return whole % 60 == 0 ? "\(whole / 60) m" : "\(whole / 60) m \(whole % 60) s"
        }
        // Rounded to the minute, which may carry into the next unit (23 h 59 m 50 s is 1 d).
        let minutes = (whole + 30) / 60
        if minutes < 24 * 60 {
            return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) m"
        }
        let hours = (whole + 1800) / 3600
        return hours % 24 == 0 ? "\(hours / 24) d" : "\(hours / 24) d \(hours % 24) h"
    }

    /// An instant for people: `2026-11-01 00:00 UTC`, with its seconds when it has any
    /// (`03:51:10`: buckets shorter than a minute must not read alike).
    static func dateTime(_ instant: Instant) -> String {
        let parts = CivilParts(instant)
        let seconds = parts.secondOfDay % 60
        return "\(parts.date) \(parts.time)\(seconds == 0 ? "" : String(format: ":%02d", seconds)) UTC"
    }

    /// A bucket length for people: `1 day`, `7 days`, `6 hours`, `90 minutes`.
    static func bucketLength(seconds: Int64) -> String {
        func plural(_ n: Int64, _ unit: String) -> String { n == 1 ? "1 \(unit)" : "\(n) \(unit)s" }
        if seconds > 0, seconds % 86_400 == 0 { return plural(seconds / 86_400, "day") }
        if seconds > 0, seconds % 3600 == 0 { return plural(seconds / 3600, "hour") }
        if seconds > 0, seconds % 60 == 0 { return plural(seconds / 60, "minute") }
        return plural(seconds, "second")
    }

    /// A bucket length after "per": `day`, `7 days`, `6 hours`.
    static func per(seconds: Int64) -> String {
        guard seconds > 0 else { return "bucket" }
        let length = bucketLength(seconds: seconds)
        return length.hasPrefix("1 ") ? String(length.dropFirst(2)) : length
    }

    /// A number for an SVG attribute: at most two decimals, no exponent, and `0` for anything
    /// not finite, so that no NaN or Infinity can reach the markup whatever the data.
    static func svg(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let hundredths = Int64((clamped(value, -1e9, 1e9) * 100).rounded())
        var text = decimal(hundredths, places: 2)
        while text.hasSuffix("0"), text.contains(".") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// `value` if it is there and finite.
    static func finite(_ value: Double?) -> Double? {
        guard let value, value.isFinite else { return nil }
        return value
    }

    static func clamped(_ value: Double, _ low: Double, _ high: Double) -> Double {
        min(max(value, low), high)
    }

    /// `scaled` divided by 10^places, written with exactly `places` decimals.
    private static func decimal(_ scaled: Int64, places: Int) -> String {
        var divisor: Int64 = 1
        for _ in 0..<places { divisor *= 10 }
        let magnitude = scaled.magnitude
        let whole = magnitude / UInt64(divisor)
        let fraction = String(magnitude % UInt64(divisor))
        let padded = String(repeating: "0", count: places - fraction.count) + fraction
        return (scaled < 0 ? "-" : "") + "\(whole)" + (places > 0 ? "." + padded : "")
    }
}

/// The calendar parts of an instant in UTC, taken from its ISO-8601 form.
struct CivilParts {
    /// `2026-11-01`
    let date: String
    /// `00:00`
    let time: String
    let year: String
    let month: Int
    let day: Int
    let secondOfDay: Int

    init(_ instant: Instant) {
        let iso = instant.iso8601  // e.g. 2026-11-01T00:00:00Z, or -0001-... before year 0
        let halves = iso.split(separator: "T", maxSplits: 1)
        let datePart = String(halves.first ?? "")
        let timePart = halves.count > 1 ? String(halves[1]) : "00:00:00Z"
        date = datePart
        time = String(timePart.prefix(5))
        let fields = datePart.split(separator: "-")  // a negative year loses its sign here, harmlessly
        year = fields.count >= 3 ? String(fields[fields.count - 3]) : ""
        month = fields.count >= 2 ? Int(fields[fields.count - 2]) ?? 1 : 1
        day = fields.count >= 1 ? Int(fields[fields.count - 1]) ?? 1 : 1
        let clock = timePart.prefix(8).split(separator: ":").compactMap { Int($0) }
        secondOfDay = clock.count == 3 ? clock[0] * 3600 + clock[1] * 60 + clock[2] : 0
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `3 Nov`
    var dayMonth: String {
        "\(day) \(CivilParts.monthNames[min(max(month, 1), 12) - 1])"
    }
}
