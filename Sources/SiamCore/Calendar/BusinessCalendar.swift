/// A business calendar: when an SLA clock runs.
///
/// A calendar is an IANA time zone, weekly open intervals in local time (``WeeklyHours``) and
/// holidays (``Holiday``). Arithmetic on it follows PRODUCT.md, "SLA clock semantics":
///
/// - **Open instants.** An instant is *open* when its local wall-clock reading in the zone
///   falls inside `[opens, closes)` of an interval of that local date's weekday, and that
///   local date is not a holiday. Intervals are half-open: at `17:00` a `08:00-17:00` day is
///   already closed. Business time is the real time (in seconds) spent at open instants and
///   outside every paused range.
/// - **DST.** Because openness is judged on the wall clock, a local interval that contains a
///   skipped hour is one hour shorter in real time and one that contains a repeated hour is one
///   hour longer (a 23 h or 25 h day for `00:00-24:00`). *Choice:* an opening or closing at a
///   local time that does not exist (inside a spring-forward gap) takes effect at the end of the
///   gap, the first instant whose wall clock reads later; an interval lying entirely inside a
///   gap is skipped that day. During a repeated hour the wall clock passes some readings twice;
///   they are open both times when they fall inside an interval.
/// - **Midnight.** `24:00` is allowed as an end. An interval belongs to the weekday (and so to
///   the holiday status) of the date it is written on: `fri 22:00-24:00; sat 00:00-02:00` is one
///   stretch of real time, but a holiday on Saturday closes only the `00:00-02:00` part.
///   Touching intervals are continuous: a deadline at their junction is that instant.
/// - **`deadline(from:duration:pauses:)`.** Consumes `duration` of business time starting at
///   `from`; if `from` is not open (or paused) the clock starts at the next open instant. A
///   deadline that ends exactly at a closing (or at the start of a pause) is that instant, not
///   the next opening. *Choice:* a zero duration from a closed or paused instant is the next
///   open instant; from an open instant it is `from` itself. So `deadline(f, 0)` is "when the
///   clock next runs", and `elapsed(f, deadline(f, d)) == d` holds for every `d`.
/// - **`elapsed(from:to:pauses:)`.** Business time in `[from, to)`; zero when `to <= from`.
/// - **Pauses** may be unsorted and overlap; they are merged. Business time inside them does
///   not count, so a pause never moves a deadline earlier.
/// - **Day-long durations.** `1d` is 24 hours of business time, not "one business day" (see
///   ``BusinessDuration``).
/// - **Holidays** close a whole local date of the zone. A yearly `02-29` closes only leap
///   days. One-off and yearly holidays may coincide; duplicates are dropped.
/// - **Hours specs.** Day ranges must run forwards (`fri-mon` is rejected; write
///   `fri-sun,mon`). Day names are case-insensitive; times are `HH:MM` or `HH:MM:SS` with two
///   digits each; intervals of one day may touch but not overlap. The canonical form groups
///   days with identical intervals (``WeeklyHours/description``).
/// - **Validation.** Building a calendar rejects an unknown zone, a malformed, empty, reversed
///   or overlapping interval, and a calendar with no open time at all (no interval, or yearly
///   holidays on every day of the year), because a deadline on it could never be reached.
///   Deadlines reject a negative duration.
/// - **Range.** Instants from year 0000 to 9999 are supported; a deadline that would fall after
///   9999-12-31 is an error rather than a loop, and `elapsed` clamps its bounds to that range.
/// - **Zone data** is read once, when the calendar is built: the TZif file (the data PostgreSQL
///   uses) and its POSIX rule expanded through ``ZoneRules/expandedThroughYear``, after which
///   the last offset stays in force; without tzdata installed, Foundation's copy is used. The
///   arithmetic itself never touches Foundation, the file system or a clock.
///
/// Cost: arithmetic is pure, allocation-free without pauses, and proportional to the number of
/// open intervals walked, not to the duration: whole weeks without a holiday, pause or offset
/// change are skipped in one step using the weekly open total.
public struct BusinessCalendar: Hashable, Sendable, CustomStringConvertible {
    /// The zone the hours and holidays are read in.
    public let zone: ZoneRules
    /// The weekly open intervals in local time.
    public let hours: WeeklyHours
    /// Holidays, sorted (one-off dates first, then yearly ones), without duplicates.
    public let holidays: [Holiday]

    // Compiled form used by the arithmetic.
    /// Opening of each interval, in seconds after local midnight, grouped by weekday.
    let opens: [Int64]
    /// Closing of each interval, matching `opens`.
    let closes: [Int64]
    /// Intervals of ISO weekday `w` are at indices `dayFirst[w - 1] ..< dayFirst[w]`.
    let dayFirst: [Int]
    /// Open local clock seconds in one week.
    let weeklyOpenSeconds: Int64
    /// Holidays as day numbers.
    let holidaySchedule: HolidaySchedule

    /// Builds a calendar from loaded zone rules, validated hours and holidays.
    ///
    /// - Throws: ``CalendarError`` for a yearly holiday that does not exist, or when yearly
    ///   holidays cover every day of the year (no open time).
    public init(zone: ZoneRules, hours: WeeklyHours, holidays: [Holiday] = []) throws {
        for holiday in holidays {
            if case .yearly(let month, let day) = holiday {
                _ = try Holiday.yearly(checkingMonth: month, day: day)
            }
        }
        let schedule = HolidaySchedule(holidays)
        if schedule.yearly.count == 366 {
            throw CalendarError.noOpenTime
        }
        self.init(zone: zone, hours: hours, unique: Array(Set(holidays)).sorted(), schedule: schedule)
    }

    /// Builds a calendar for an IANA zone id, loading its rules from `zoneDirectory`.
    ///
    /// - Throws: ``CalendarError`` for an unknown zone, an invalid yearly holiday, or no open time.
    public init(
        zone identifier: String, hours: WeeklyHours, holidays: [Holiday] = [],
        zoneDirectory: String = ZoneRules.defaultDirectory
    ) throws {
        try self.init(
            zone: ZoneRules.load(identifier: identifier, directory: zoneDirectory), hours: hours,
            holidays: holidays)
    }

    /// Rebuilds a calendar from stored rows: `siam.calendar_interval` and `siam.calendar_holiday`.
    ///
    /// - Throws: ``CalendarError`` for an unknown zone, invalid intervals or holidays.
    public init(zone identifier: String, intervals: [WeeklyInterval], holidays: [Holiday] = []) throws {
        try self.init(zone: identifier, hours: WeeklyHours(intervals), holidays: holidays)
    }

    /// Builds a calendar from CLI text: an hours spec such as `mon-fri 08:00-17:00` and holidays
    /// such as `2026-12-24` or `12-25`.
    ///
    /// - Throws: ``CalendarError`` naming the first bad part.
    public init(zone identifier: String, hours spec: String, holidays: [String] = []) throws {
        let hours = try WeeklyHours(parsing: spec)
        let parsed = try holidays.map { try Holiday(parsing: $0) }
        try self.init(zone: identifier, hours: hours, holidays: parsed)
    }

    private init(zone: ZoneRules, hours: WeeklyHours, unique holidays: [Holiday], schedule: HolidaySchedule) {
        self.zone = zone
        self.hours = hours
        self.holidays = holidays
        holidaySchedule = schedule
        var opens: [Int64] = []
        var closes: [Int64] = []
        var dayFirst = [0]
        for weekday in 1...7 {
            for interval in hours.intervals where interval.isoWeekday == weekday {
                opens.append(Int64(interval.opens))
                closes.append(Int64(interval.closes))
            }
            dayFirst.append(opens.count)
        }
        self.opens = opens
        self.closes = closes
        self.dayFirst = dayFirst
        weeklyOpenSeconds = Int64(hours.weeklyOpenSeconds)
    }

    /// Open all the time, in UTC, without holidays: for targets that have no calendar, so that
    /// business time equals real time (minus pauses).
    public static let always = BusinessCalendar(
        zone: .utc, hours: .always, unique: [], schedule: HolidaySchedule([]))

    /// The IANA zone id.
    public var zoneIdentifier: String { zone.identifier }

    /// `Europe/Berlin mon-fri 08:00-17:00; holidays 2026-12-24, 12-25`.
    public var description: String {
        let base = "\(zone.identifier) \(hours)"
        return holidays.isEmpty ? base : "\(base); holidays \(holidays.map(\.description).joined(separator: ", "))"
    }

    public static func == (lhs: BusinessCalendar, rhs: BusinessCalendar) -> Bool {
        lhs.zone == rhs.zone && lhs.hours == rhs.hours && lhs.holidays == rhs.holidays
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(zone)
        hasher.combine(hours)
        hasher.combine(holidays)
    }
}
