/// A date on the proleptic Gregorian calendar, without a zone: a holiday's day, or the local
/// date of an instant in a calendar's zone.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year, 0…9999.
    public let year: Int
    /// The month, 1…12.
    public let month: Int
    /// The day of the month, 1…31.
    public let day: Int

    /// Creates a date, checking that it exists (e.g. no `2026-02-29`).
    ///
    /// - Throws: ``CalendarError`` for an impossible date.
    public init(year: Int, month: Int, day: Int) throws {
        guard (0...9999).contains(year), (1...12).contains(month),
            day >= 1, Int64(day) <= daysInMonth(year: Int64(year), month: Int64(month))
        else {
            throw CalendarError("invalid date \(year)-\(month)-\(day): no such day")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `YYYY-MM-DD`, which is also how PostgreSQL prints a `date` in ISO mode.
    ///
    /// - Throws: ``CalendarError`` naming the text.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = parseDigits(parts[0]), let m = parseDigits(parts[1]), let d = parseDigits(parts[2]),
            let date = try? LocalDate(year: y, month: m, day: d)
        else {
            throw CalendarError("invalid date '\(text)': expected YYYY-MM-DD, e.g. 2026-12-24")
        }
        self = date
    }

    /// Days since 1970-01-01.
    var dayNumber: Int64 {
        daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))
    }

    /// The date of a day number (days since 1970-01-01).
    init(dayNumber: Int64) {
        let c = civilFromDays(dayNumber)
        year = Int(c.year)
        month = Int(c.month)
        day = Int(c.day)
    }

    /// ISO weekday, 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int { SiamCore.isoWeekday(ofDay: dayNumber) }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        var out = ""
        appendPadded(&out, Int64(year), width: 4)
        out += "-"
        appendPadded(&out, Int64(month), width: 2)
        out += "-"
        appendPadded(&out, Int64(day), width: 2)
        return out
    }
}

/// A non-negative decimal made of ASCII digits only (no sign, no space); `nil` otherwise.
func parseDigits(_ text: Substring) -> Int? {
    guard !text.isEmpty, text.count <= 9, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
        return nil
    }
    return Int(text)
}
