import SiamCore

/// A stored calendar: its name and its rules.
public struct NamedCalendar: Sendable {
    public let name: String
    public let calendar: BusinessCalendar
    public let createdAt: Instant
}

extension Store {
    /// Stores a calendar, validated by the core and again by the schema.
    public func addCalendar(name: String, calendar: BusinessCalendar) throws {
        let intervals = calendar.hours.intervals
        _ = try call(
            "SELECT siam.calendar_add($1, $2, $3::smallint[], $4::time[], $5::time[], $6::text[]) AS name",
            [name, calendar.zoneIdentifier,
             intervals.map { String($0.isoWeekday) },
             intervals.map { Self.timeText($0.opens) },
             intervals.map { Self.timeText($0.closes) },
             calendar.holidays.map(\.description)])
    }

    /// Every stored calendar, rebuilt as core calendars.
    public func calendars() throws -> [NamedCalendar] {
        try connection.query("SELECT name FROM siam.calendar ORDER BY name").rows.compactMap {
            try calendar(named: try $0.string("name"))
        }
    }

    /// A stored calendar, or nil when there is none of that name.
    public func calendar(named name: String) throws -> NamedCalendar? {
        guard let head = try connection.query(
            "SELECT name, time_zone, created_at FROM siam.calendar WHERE name = $1", [name]).first
        else { return nil }
        let intervals = try connection.query("""
            SELECT iso_weekday, opens::text AS opens, closes::text AS closes
            FROM siam.calendar_interval WHERE calendar = $1 ORDER BY iso_weekday, opens
            """, [name]).rows.map {
                try WeeklyInterval(isoWeekday: try $0.int("iso_weekday"), opens: try $0.string("opens"), closes: try $0.string("closes"))
            }
        let holidays = try connection.query("""
            SELECT on_date::text AS on_date, month, day
            FROM siam.calendar_holiday WHERE calendar = $1 ORDER BY on_date NULLS LAST, month, day
            """, [name]).rows.map {
                try Holiday(onDate: try $0.optionalString("on_date").map { try LocalDate(parsing: $0) },
                            month: try $0.optionalInt("month"), day: try $0.optionalInt("day"))
            }
        return NamedCalendar(
            name: name,
            calendar: try BusinessCalendar(zone: try head.string("time_zone"), intervals: intervals, holidays: holidays),
            createdAt: try head.instant("created_at"))
    }

    /// Seconds after midnight as PostgreSQL `time` text (`24:00:00` for the end of the day).
    static func timeText(_ seconds: Int) -> String {
        let hours = seconds / 3600, minutes = seconds % 3600 / 60, rest = seconds % 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(hours)):\(two(minutes)):\(two(rest))"
    }
}
