/// The weekly open hours of a calendar: open intervals in local time, several per day allowed.
///
/// Always valid once built: every interval lies within its day (`24:00` allowed as an end),
/// ends after it starts, does not overlap another interval of the same day (touching is fine:
/// `08:00-12:00,12:00-13:00`), and there is at least one interval.
public struct WeeklyHours: Hashable, Sendable, CustomStringConvertible {
    /// The intervals, sorted by weekday then opening.
    public let intervals: [WeeklyInterval]

    /// Validates and sorts structured intervals, e.g. rows of `siam.calendar_interval`.
    ///
    /// - Throws: ``CalendarError`` for an out-of-range weekday or time, an interval that does
    ///   not end after it starts, overlapping intervals on one day, or no interval at all.
    public init(_ intervals: [WeeklyInterval]) throws {
        let sorted = intervals.sorted()
        guard !sorted.isEmpty else { throw CalendarError.noOpenTime }
        var previous: WeeklyInterval? = nil
        for interval in sorted {
            guard (1...7).contains(interval.isoWeekday) else {
                throw CalendarError(
                    "bad weekday \(interval.isoWeekday): expected 1 (Monday) to 7 (Sunday)")
            }
            guard (0..<86_400).contains(interval.opens), (0...86_400).contains(interval.closes) else {
                throw CalendarError(
                    "interval on \(weekdayName(interval.isoWeekday)) is outside the day: "
                        + "opens \(interval.opens) s and closes \(interval.closes) s after midnight; "
                        + "expected 00:00 to 24:00")
            }
            guard interval.closes > interval.opens else {
                let day = weekdayName(interval.isoWeekday)
                let next = weekdayName(interval.isoWeekday % 7 + 1)
                let (opens, closes) = (interval.opensText, interval.closesText)
                throw CalendarError(
                    "interval \(opens)-\(closes) on \(day) must end after it starts; split hours across "
                        + "midnight at 24:00, e.g. '\(day) \(opens)-24:00; \(next) 00:00-\(closes)'")
            }
            if let p = previous, p.isoWeekday == interval.isoWeekday, interval.opens < p.closes {
                throw CalendarError(
                    "intervals \(p.opensText)-\(p.closesText) and \(interval.opensText)-\(interval.closesText) "
                        + "overlap on \(weekdayName(p.isoWeekday))")
            }
            previous = interval
        }
        self.intervals = sorted
    }

    /// Open all day, every day: `mon-sun 00:00-24:00`.
    public static let always = WeeklyHours(
        unchecked: (1...7).map { WeeklyInterval(isoWeekday: $0, opens: 0, closes: 86_400) })

    private init(unchecked intervals: [WeeklyInterval]) {
        self.intervals = intervals
    }

    /// Total open seconds in one week of local clock time (ignoring holidays and DST).
    public var weeklyOpenSeconds: Int {
        intervals.reduce(0) { $0 + $1.length }
    }

    /// The intervals of one ISO weekday (1 = Monday … 7 = Sunday), sorted.
    public func intervals(onIsoWeekday isoWeekday: Int) -> [WeeklyInterval] {
        intervals.filter { $0.isoWeekday == isoWeekday }
    }

    /// The canonical spec, e.g. `mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00`: weekdays with
    /// identical intervals share a group, runs of consecutive days are written as ranges
    /// (`mon-wed,fri`), groups are ordered by their first weekday. Parsing it gives back
    /// equal hours.
    public var description: String {
        // Each weekday's intervals as (opens, closes) pairs, so that equal days can be grouped.
        var perDay: [[[Int]]] = Array(repeating: [], count: 8)
        for interval in intervals {
            perDay[interval.isoWeekday].append([interval.opens, interval.closes])
        }
        var done = Set<Int>()
        var groups: [String] = []
        for day in 1...7 where !perDay[day].isEmpty && !done.contains(day) {
            let days = (day...7).filter { perDay[$0] == perDay[day] }
            done.formUnion(days)
            let times = perDay[day].map { "\(formatTimeOfDay($0[0]))-\(formatTimeOfDay($0[1]))" }
            groups.append("\(formatDays(days)) \(times.joined(separator: ","))")
        }
        return groups.joined(separator: "; ")
    }
}

extension CalendarError {
    /// A calendar without any open time: deadlines on it could never be reached.
    static let noOpenTime = CalendarError("calendar has no open time: a deadline on it could never be reached")
}

/// `mon-wed,fri` for [1, 2, 3, 5]: consecutive runs of two or more days become ranges.
func formatDays(_ days: [Int]) -> String {
    var parts: [String] = []
    var i = 0
    while i < days.count {
        var j = i
        while j + 1 < days.count, days[j + 1] == days[j] + 1 { j += 1 }
        parts.append(j == i ? weekdayName(days[i]) : "\(weekdayName(days[i]))-\(weekdayName(days[j]))")
        i = j + 1
    }
    return parts.joined(separator: ",")
}
