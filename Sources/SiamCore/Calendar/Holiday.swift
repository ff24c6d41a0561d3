/// A day on which a calendar is closed all day, in the calendar's zone.
///
/// A holiday closes every interval of that local date's weekday, including an interval that
/// starts at `00:00` right after a `24:00` end on the day before (that interval belongs to the
/// holiday's date). It does not close anything on neighbouring dates.
public enum Holiday: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// One date, written `2026-12-24`.
    case date(LocalDate)
    /// The same month and day every year, written `12-25`. `02-29` only closes leap days.
    case yearly(month: Int, day: Int)

    /// Reads `YYYY-MM-DD` (one date) or `MM-DD` (every year).
    ///
    /// - Throws: ``CalendarError`` naming the text.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            let m = parseDigits(parts[0]), let d = parseDigits(parts[1]),
            let holiday = try? Holiday.yearly(checkingMonth: m, day: d)
        {
            self = holiday
        } else if parts.count == 3, let date = try? LocalDate(parsing: text) {
            self = .date(date)
        } else {
            throw CalendarError(
                "invalid holiday '\(text)': expected YYYY-MM-DD for one date or MM-DD for every year, "
                    + "e.g. 2026-12-24 or 12-25")
        }
    }

    /// Reads a list of holidays separated by commas and/or spaces, e.g. `2026-12-24, 12-25 01-01`.
    ///
    /// - Throws: ``CalendarError`` naming the first bad entry.
    public static func parseList(_ text: String) throws -> [Holiday] {
        try text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
            .map { try Holiday(parsing: String($0)) }
    }

    /// A yearly holiday, checking that the month and day exist in a leap year.
    ///
    /// - Throws: ``CalendarError`` for e.g. `04-31` or `13-01`.
    public static func yearly(checkingMonth month: Int, day: Int) throws -> Holiday {
        guard (1...12).contains(month), day >= 1, Int64(day) <= daysInMonth(year: 2000, month: Int64(month)) else {
            throw CalendarError("invalid yearly holiday \(month)-\(day): no such day")
        }
        return .yearly(month: month, day: day)
    }

    /// Builds a holiday from a `siam.calendar_holiday` row: either `on_date` is set, or both
    /// `month` and `day` are.
    ///
    /// - Throws: ``CalendarError`` when neither or both forms are given, or the day does not exist.
    public init(onDate: LocalDate?, month: Int?, day: Int?) throws {
        switch (onDate, month, day) {
        case (let date?, nil, nil):
            self = .date(date)
        case (nil, let m?, let d?):
            self = try Holiday.yearly(checkingMonth: m, day: d)
        default:
            throw CalendarError("invalid holiday row: give either a date, or a month and a day")
        }
    }

    /// The date of a one-off holiday (`on_date`), `nil` for a yearly one.
    public var onDate: LocalDate? {
        if case .date(let date) = self { return date }
        return nil
    }

    /// The month of a yearly holiday, `nil` for a one-off one.
    public var month: Int? {
        if case .yearly(let month, _) = self { return month }
        return nil
    }

    /// The day of a yearly holiday, `nil` for a one-off one.
    public var day: Int? {
        if case .yearly(_, let day) = self { return day }
        return nil
    }

    /// One-off holidays first, by date; then yearly ones, by month and day.
    public static func < (lhs: Holiday, rhs: Holiday) -> Bool {
        switch (lhs, rhs) {
        case (.date(let a), .date(let b)): return a < b
        case (.date, .yearly): return true
        case (.yearly, .date): return false
        case (.yearly(let am, let ad), .yearly(let bm, let bd)): return (am, ad) < (bm, bd)
        }
    }

    /// `2026-12-24` or `12-25`.
    public var description: String {
        switch self {
        case .date(let date):
            return date.description
        case .yearly(let month, let day):
            var out = ""
            appendPadded(&out, Int64(month), width: 2)
            out += "-"
            appendPadded(&out, Int64(day), width: 2)
            return out
        }
    }
}
