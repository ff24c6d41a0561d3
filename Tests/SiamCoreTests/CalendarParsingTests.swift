import Testing

@testable import SiamCore

@Suite("calendar specs and validation")
struct CalendarParsingTests {
    @Test(
        "hours specs parse and print canonically",
        arguments: [
            // The example from the CLI help, already canonical.
            ("mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00", "mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00"),
            // Days with equal hours are grouped; runs become ranges.
            ("mon 09:00-17:00; tue 09:00-17:00; wed 09:00-17:00; fri 09:00-17:00", "mon-wed,fri 09:00-17:00"),
            // A day listed in two groups combines its intervals, sorted.
            ("mon-fri 13:00-17:00; mon 08:00-12:00", "mon 08:00-12:00,13:00-17:00; tue-fri 13:00-17:00"),
            // Day lists, upper case, extra spaces, spaces after commas and a trailing `;`.
            ("  SAT,Sun   10:00-14:00 ,  15:00-16:00 ;", "sat-sun 10:00-14:00,15:00-16:00"),
            // 24:00 as an end, and a night shift split at midnight.
            ("fri 22:00-24:00; sat 00:00-06:00", "fri 22:00-24:00; sat 00:00-06:00"),
            // Always open.
            ("mon-sun 00:00-24:00", "mon-sun 00:00-24:00"),
            // Seconds are kept when given (as PostgreSQL prints `time`).
            ("wed 08:00:30-17:00:00", "wed 08:00:30-17:00"),
            // Touching intervals are allowed and kept apart.
            ("mon 08:00-12:00,12:00-13:00", "mon 08:00-12:00,12:00-13:00"),
        ])
    func canonical(spec: String, expected: String) throws {
        let hours = try WeeklyHours(parsing: spec)
        #expect(hours.description == expected)
        #expect(try WeeklyHours(parsing: expected) == hours)
    }

    @Test("structured intervals expose ISO weekdays and seconds of day")
    func structured() throws {
        let hours = try WeeklyHours(parsing: "sat 09:00-12:00; mon-tue 08:00-24:00")
        #expect(hours.intervals == [
            WeeklyInterval(isoWeekday: 1, opens: 28_800, closes: 86_400),
            WeeklyInterval(isoWeekday: 2, opens: 28_800, closes: 86_400),
            WeeklyInterval(isoWeekday: 6, opens: 32_400, closes: 43_200),
        ])
        #expect(hours.intervals[0].opensText == "08:00")
        #expect(hours.intervals[0].closesText == "24:00")
        #expect(hours.weeklyOpenSeconds == 2 * 16 * 3600 + 3 * 3600)
        // Rows as PostgreSQL prints `time` rebuild the same hours.
        let rows = try [
            WeeklyInterval(isoWeekday: 6, opens: "09:00:00", closes: "12:00:00"),
            WeeklyInterval(isoWeekday: 1, opens: "08:00:00", closes: "24:00:00"),
            WeeklyInterval(isoWeekday: 2, opens: "08:00", closes: "24:00"),
        ]
        #expect(try WeeklyHours(rows) == hours)
        // A calendar rebuilt from rows equals one built from text.
        let fromRows = try BusinessCalendar(
            zone: "Europe/Berlin", intervals: rows,
            holidays: [Holiday(onDate: LocalDate(parsing: "2026-12-24"), month: nil, day: nil),
                       Holiday(onDate: nil, month: 12, day: 25)])
        let fromText = try BusinessCalendar(
            zone: "Europe/Berlin", hours: "mon-tue 08:00-24:00; sat 09:00-12:00", holidays: ["12-25", "2026-12-24"])
        #expect(fromRows == fromText)
        #expect(fromText.description == "Europe/Berlin mon-tue 08:00-24:00; sat 09:00-12:00; holidays 2026-12-24, 12-25")
    }

    @Test(
        "invalid hours specs give one-line messages",
        arguments: [
            // An interval that ends before it starts, with advice for night shifts.
            ("mon 17:00-08:00", "invalid hours 'mon 17:00-08:00': interval 17:00-08:00 on mon must end after it starts; split hours across midnight at 24:00, e.g. 'mon 17:00-24:00; tue 00:00-08:00'"),
            // An interval that ends where it starts is empty.
            ("sun 08:00-08:00", "invalid hours 'sun 08:00-08:00': interval 08:00-08:00 on sun must end after it starts; split hours across midnight at 24:00, e.g. 'sun 08:00-24:00; mon 00:00-08:00'"),
            // Overlapping intervals on one day.
            ("mon 08:00-12:00,11:00-13:00", "invalid hours 'mon 08:00-12:00,11:00-13:00': intervals 08:00-12:00 and 11:00-13:00 overlap on mon"),
            // Overlap created by two groups.
            ("mon-fri 08:00-17:00; wed 16:00-18:00", "invalid hours 'mon-fri 08:00-17:00; wed 16:00-18:00': intervals 08:00-17:00 and 16:00-18:00 overlap on wed"),
            // Hour 25.
            ("mon 08:00-25:00", "invalid hours 'mon 08:00-25:00': bad time '25:00': expected HH:MM from 00:00 to 24:00"),
            // One-digit fields.
            ("mon 8:0-12:00", "invalid hours 'mon 8:0-12:00': bad time '8:0': expected HH:MM from 00:00 to 24:00"),
            // Minute 60.
            ("mon 08:60-12:00", "invalid hours 'mon 08:60-12:00': bad time '08:60': expected HH:MM from 00:00 to 24:00"),
            // 24:00 only ends an interval.
            ("mon 24:00-24:00", "invalid hours 'mon 24:00-24:00': bad time '24:00': 24:00 is only allowed as the end of an interval"),
            // 24:30 does not exist.
            ("mon 08:00-24:30", "invalid hours 'mon 08:00-24:30': bad time '24:30': expected HH:MM from 00:00 to 24:00"),
            // Unknown day name.
            ("mun 08:00-12:00", "invalid hours 'mun 08:00-12:00': unknown day 'mun'; expected mon, tue, wed, thu, fri, sat or sun"),
            // Wrap-around ranges are rejected with the explicit form to write instead.
            ("fri-mon 08:00-12:00", "invalid hours 'fri-mon 08:00-12:00': day range 'fri-mon' runs backwards; write 'fri-sun,mon' for days across the weekend"),
            ("sun-tue 08:00-12:00", "invalid hours 'sun-tue 08:00-12:00': day range 'sun-tue' runs backwards; write 'sun,mon-tue' for days across the weekend"),
            // Days without intervals.
            ("mon-fri", "invalid hours 'mon-fri': group 'mon-fri' needs days and intervals, e.g. 'mon-fri 08:00-17:00'"),
            // An interval without an end.
            ("mon 08:00", "invalid hours 'mon 08:00': bad interval '08:00': expected HH:MM-HH:MM, e.g. 08:00-17:00"),
            // Nothing at all: no open time.
            ("", "invalid hours '': calendar has no open time: a deadline on it could never be reached"),
            (" ; ", "invalid hours ' ; ': calendar has no open time: a deadline on it could never be reached"),
        ])
    func invalidHours(spec: String, message: String) {
        #expect(throws: CalendarError(message)) {
            try WeeklyHours(parsing: spec)
        }
    }

    @Test("invalid structured intervals give one-line messages")
    func invalidStructured() {
        // Weekday out of range (rows from the database use 1 to 7).
        #expect(throws: CalendarError("bad weekday 0: expected 1 (Monday) to 7 (Sunday)")) {
            try WeeklyHours([WeeklyInterval(isoWeekday: 0, opens: 0, closes: 60)])
        }
        // A time outside the day.
        #expect(throws: CalendarError(
            "interval on tue is outside the day: opens 0 s and closes 90000 s after midnight; expected 00:00 to 24:00"
        )) {
            try WeeklyHours([WeeklyInterval(isoWeekday: 2, opens: 0, closes: 90_000)])
        }
        // No rows at all.
        #expect(throws: CalendarError("calendar has no open time: a deadline on it could never be reached")) {
            try BusinessCalendar(zone: "Europe/Berlin", intervals: [])
        }
        // A malformed time text from a row.
        #expect(throws: CalendarError("bad time '8:00': expected HH:MM from 00:00 to 24:00")) {
            try WeeklyInterval(isoWeekday: 1, opens: "8:00", closes: "12:00")
        }
    }

    @Test("unknown zones are reported")
    func unknownZone() {
        for zone in ["Europe/Berln", "", "../../etc/passwd", "/etc/passwd", "Europe", "zone.tab", "Europe//Berlin"] {
            #expect(throws: CalendarError("unknown time zone '\(zone)'")) {
                try BusinessCalendar(zone: zone, hours: "mon 08:00-12:00")
            }
        }
    }

    @Test(
        "holidays parse and print",
        arguments: [
            ("2026-12-24", "2026-12-24"),
            ("12-25", "12-25"),
            // A leap day as a yearly holiday (closes only in leap years).
            ("02-29", "02-29"),
        ])
    func holidays(text: String, canonical: String) throws {
        let holiday = try Holiday(parsing: text)
        #expect(holiday.description == canonical)
    }

    @Test("holiday lists and row fields")
    func holidayLists() throws {
        let list = try Holiday.parseList("2026-12-24, 12-25 01-01")
        #expect(list == [.date(try LocalDate(year: 2026, month: 12, day: 24)), .yearly(month: 12, day: 25), .yearly(month: 1, day: 1)])
        #expect(list[0].onDate?.description == "2026-12-24" && list[0].month == nil && list[0].day == nil)
        #expect(list[1].onDate == nil && list[1].month == 12 && list[1].day == 25)
        #expect(throws: CalendarError("invalid holiday row: give either a date, or a month and a day")) {
            try Holiday(onDate: nil, month: 12, day: nil)
        }
    }

    @Test(
        "invalid holidays give one-line messages",
        arguments: ["2026-13-01", "2026-02-29", "13-01", "04-31", "12-5", "2026/12/24", "", "xmas"])
    func invalidHolidays(text: String) {
        #expect(throws: CalendarError(
            "invalid holiday '\(text)': expected YYYY-MM-DD for one date or MM-DD for every year, e.g. 2026-12-24 or 12-25"
        )) {
            try Holiday(parsing: text)
        }
    }

    @Test("yearly holidays on every day of the year leave no open time")
    func everyDayHoliday() throws {
        var all: [Holiday] = []
        for month in 1...12 {
            for day in 1...Int(daysInMonth(year: 2000, month: Int64(month))) {
                all.append(.yearly(month: month, day: day))
            }
        }
        #expect(throws: CalendarError("calendar has no open time: a deadline on it could never be reached")) {
            try BusinessCalendar(zone: "UTC", hours: WeeklyHours(parsing: "mon-sun 00:00-24:00"), holidays: all)
        }
        // One day short of all: Feb 29 stays open, so deadlines are reached (in a leap year).
        let calendar = try BusinessCalendar(
            zone: "UTC", hours: WeeklyHours(parsing: "mon-sun 00:00-24:00"), holidays: all.filter { $0 != .yearly(month: 2, day: 29) })
        #expect(try calendar.deadline(from: at("2026-01-01T00:00:00Z"), duration: dur("1h")) == at("2028-02-29T01:00:00Z"))
    }

    @Test("an unchecked yearly holiday is validated by the calendar")
    func uncheckedYearly() {
        #expect(throws: CalendarError("invalid yearly holiday 2-30: no such day")) {
            try BusinessCalendar(zone: "UTC", hours: WeeklyHours.always, holidays: [.yearly(month: 2, day: 30)])
        }
    }
}
