// Hand-written ISO-8601 reading and writing for `Instant`.
//
// Parsing works on UTF-8 bytes without Foundation formatters: the CLI reads many instants
// from PostgreSQL output, and DateFormatter is both slow and locale-sensitive.

extension Instant {
    /// Reads an ISO-8601 date-time that carries an offset.
    ///
    /// Accepted: `2016-02-01T12:00:00Z`, `2016-02-01T13:00:00+01:00`, `2016-02-01T13:00+0100`,
    /// a space instead of `T` (`2016-02-01 12:00:00Z`), fractional seconds (truncated towards
    /// the earlier whole second), and PostgreSQL's short and long offset forms
    /// (`2026-11-22 10:47:54.123456+00`, `1890-01-01 00:00:00+00:53:28`).
    /// Seconds may be omitted (`12:00Z`). The year has exactly four digits.
    /// Text without an offset is rejected: a local time alone is not an instant.
    ///
    /// - Throws: ``TimeParseError`` naming the text.
    public init(parsing text: String) throws {
        var copy = text
        let parsed: Int64? = copy.withUTF8 { Instant.parse($0) }
        guard let seconds = parsed else {
            throw TimeParseError(
                "invalid instant '\(text)': \(Instant.invalidReason(text)); expected ISO-8601 with an offset, e.g. 2016-02-01T12:00:00Z")
        }
        self.init(seconds: seconds)
    }

    /// The instant in UTC, e.g. `2016-02-01T12:00:00Z`.
    public var iso8601: String {
        Instant.format(local: seconds, suffix: "Z")
    }

    /// The instant as local time at a UTC offset (seconds east), e.g. `2016-02-01T13:00:00+01:00`;
    /// offsets with seconds (historical local mean time) are written `+00:53:28`. Parsing the
    /// text gives back the same instant.
    public func iso8601(offsetSeconds: Int) -> String {
        let magnitude = Int64(offsetSeconds.magnitude)
        var suffix = offsetSeconds < 0 ? "-" : "+"
        appendPadded(&suffix, magnitude / 3600, width: 2)
        suffix += ":"
        appendPadded(&suffix, magnitude / 60 % 60, width: 2)
        if magnitude % 60 != 0 {
            suffix += ":"
            appendPadded(&suffix, magnitude % 60, width: 2)
        }
        return Instant.format(local: seconds + Int64(offsetSeconds), suffix: suffix)
    }

    /// `YYYY-MM-DDTHH:MM:SS` of `local` seconds, followed by `suffix`.
    private static func format(local: Int64, suffix: String) -> String {
        let days = floorDiv(local, secondsPerDay)
        let secondOfDay = floorMod(local, secondsPerDay)
        let date = civilFromDays(days)
        var out = ""
        out.reserveCapacity(25)
        if date.year < 0 {
            out.append("-")
        }
        appendPadded(&out, abs(date.year), width: 4)
        out.append("-")
        appendPadded(&out, date.month, width: 2)
        out.append("-")
        appendPadded(&out, date.day, width: 2)
        out.append("T")
        appendPadded(&out, secondOfDay / 3600, width: 2)
        out.append(":")
        appendPadded(&out, secondOfDay / 60 % 60, width: 2)
        out.append(":")
        appendPadded(&out, secondOfDay % 60, width: 2)
        out.append(suffix)
        return out
    }

    /// Parses the UTF-8 bytes; `nil` on any syntax or range error.
    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        // Reads exactly `count` ASCII digits.
        func digits(_ count: Int) -> Int64? {
            guard i + count <= b.count else { return nil }
            var value: Int64 = 0
            for _ in 0..<count {
                let c = b[i]
                guard c >= 0x30, c <= 0x39 else { return nil }
                value = value * 10 + Int64(c - 0x30)
                i += 1
            }
            return value
        }
        func accept(_ c: UInt8) -> Bool {
            if i < b.count, b[i] == c {
                i += 1
                return true
            }
            return false
        }

        guard let year = digits(4), accept(0x2D),  // '-'
            let month = digits(2), accept(0x2D),
            let day = digits(2)
        else { return nil }
        guard i < b.count, b[i] == 0x54 || b[i] == 0x74 || b[i] == 0x20 else { return nil }  // T t ' '
        i += 1
        guard let hour = digits(2), accept(0x3A), let minute = digits(2) else { return nil }
        var second: Int64 = 0
        if accept(0x3A) {
            guard let s = digits(2) else { return nil }
            second = s
            if accept(0x2E) || accept(0x2C) {  // '.' or ',' then at least one digit, truncated
                let start = i
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
                guard i > start else { return nil }
            }
        }
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }

        guard i < b.count else { return nil }  // the offset is mandatory
        var offset: Int64 = 0
        switch b[i] {
        case 0x5A, 0x7A:  // Z z
            i += 1
        case 0x2B, 0x2D:  // + -
            let sign: Int64 = b[i] == 0x2D ? -1 : 1
            i += 1
            guard let oh = digits(2) else { return nil }
            var om: Int64 = 0
            var os: Int64 = 0
            if accept(0x3A) {
                guard let m = digits(2) else { return nil }
                om = m
                if accept(0x3A) {
                    guard let s = digits(2) else { return nil }
                    os = s
                }
            } else if i < b.count {
                guard let m = digits(2) else { return nil }
                om = m
            }
            guard oh <= 15, om <= 59, os <= 59 else { return nil }
            offset = sign * (oh * 3600 + om * 60 + os)
        default:
            return nil
        }
        guard i == b.count else { return nil }

        let days = daysFromCivil(year: year, month: month, day: day)
        return days * secondsPerDay + hour * 3600 + minute * 60 + second - offset
    }
}

/// Appends `value` (non-negative) in decimal, left-padded with zeros to `width`.
func appendPadded(_ out: inout String, _ value: Int64, width: Int) {
    let text = String(value)
    if text.count < width {
        out.append(String(repeating: "0", count: width - text.count))
    }
    out.append(text)
}
