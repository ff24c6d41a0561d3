/// One weekly open interval in local time: on `isoWeekday`, open from `opens` (inclusive) to
/// `closes` (exclusive), both in seconds after local midnight.
///
/// This is the structured form stored in `siam.calendar_interval(iso_weekday, opens, closes)`.
/// `closes` may be 86,400 (`24:00`), which PostgreSQL's `time` type also accepts; an interval
/// never spans midnight: write `fri 22:00-24:00; sat 00:00-06:00` instead.
public struct WeeklyInterval: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int
    /// Opening, in seconds after local midnight: 0…86,399.
    public var opens: Int
    /// Closing, in seconds after local midnight: 1…86,400, after `opens`.
    public var closes: Int

    /// Creates an interval without checking it; ``WeeklyHours/init(_:)`` validates.
    public init(isoWeekday: Int, opens: Int, closes: Int) {
        self.isoWeekday = isoWeekday
        self.opens = opens
        self.closes = closes
    }

    /// Creates an interval from times of day written `HH:MM` or `HH:MM:SS`, as PostgreSQL prints
    /// a `time` (`08:00:00`, `24:00:00`).
    ///
    /// - Throws: ``CalendarError`` for a malformed time; other checks happen in ``WeeklyHours``.
    public init(isoWeekday: Int, opens: String, closes: String) throws {
        self.init(
            isoWeekday: isoWeekday,
            opens: try parseTimeOfDay(opens, isEnd: false),
            closes: try parseTimeOfDay(closes, isEnd: true))
    }

    /// Opening as `HH:MM` (or `HH:MM:SS` when it has seconds), usable as a PostgreSQL `time`.
    public var opensText: String { formatTimeOfDay(opens) }

    /// Closing as `HH:MM` (or `HH:MM:SS`); `24:00` for the end of the day.
    public var closesText: String { formatTimeOfDay(closes) }

    /// The length of the interval in local clock seconds (DST days aside).
    public var length: Int { closes - opens }

    /// By weekday, then opening, then closing.
    public static func < (lhs: WeeklyInterval, rhs: WeeklyInterval) -> Bool {
        (lhs.isoWeekday, lhs.opens, lhs.closes) < (rhs.isoWeekday, rhs.opens, rhs.closes)
    }

    /// `mon 08:00-12:00`.
    public var description: String {
        "\(weekdayName(isoWeekday)) \(opensText)-\(closesText)"
    }
}

/// The three-letter lower-case names used in hours specs, Monday first.
let weekdayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

/// `mon`…`sun` for 1…7, or the number itself when out of range (only seen in error messages).
func weekdayName(_ isoWeekday: Int) -> String {
    (1...7).contains(isoWeekday) ? weekdayNames[isoWeekday - 1] : "weekday \(isoWeekday)"
}

/// Reads `HH:MM` or `HH:MM:SS` (two digits each) into seconds after midnight. `24:00` (and
/// `24:00:00`) is accepted only when `isEnd`.
func parseTimeOfDay(_ text: String, isEnd: Bool) throws -> Int {
    let expected = "expected HH:MM from 00:00 to 24:00"
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0.count == 2 }),
        let h = parseDigits(parts[0]), let m = parseDigits(parts[1]),
        let s = parts.count == 3 ? parseDigits(parts[2]) : 0,
        h <= 24, m <= 59, s <= 59, h < 24 || (m == 0 && s == 0)
    else {
        throw CalendarError("bad time '\(text)': \(expected)")
    }
    if h == 24 && !isEnd {
        throw CalendarError("bad time '\(text)': 24:00 is only allowed as the end of an interval")
    }
    return h * 3600 + m * 60 + s
}

/// `HH:MM`, or `HH:MM:SS` when `seconds` is not a whole minute.
func formatTimeOfDay(_ seconds: Int) -> String {
    var out = ""
    appendPadded(&out, Int64(seconds / 3600), width: 2)
    out += ":"
    appendPadded(&out, Int64(seconds / 60 % 60), width: 2)
    if seconds % 60 != 0 {
        out += ":"
        appendPadded(&out, Int64(seconds % 60), width: 2)
    }
    return out
}
