import Foundation
import ArgumentParser
import SiamCore
import SiamStore

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Business calendars, and deadlines and elapsed business time on them.",
        subcommands: [Add.self, Set.self, HolidayCommand.self, List.self, Deadline.self, Elapsed.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a business calendar.",
            discussion: """
                --hours: ';'-separated day groups, each DAYS INTERVALS, e.g. \
                'mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00'. Days mon..sun, ranges with '-'; \
                24:00 allowed as an end. --holiday YYYY-MM-DD (dated) or MM-DD (yearly), repeatable.
                """)
        @Argument(help: "The calendar's name (a code).")
        var name: String
        @Option(help: "IANA time zone, e.g. Europe/Berlin.")
        var tz: String
        @Option(help: "Weekly open hours, e.g. 'mon-fri 08:00-17:00'.")
        var hours: String
        @Option(help: "A holiday: YYYY-MM-DD or MM-DD (repeatable).")
        var holiday: [String] = []
        @OptionGroup var options: GlobalOptions

        func run() throws {
            // Validated by the core first, so bad input is named precisely before any connection.
            let calendar = try BusinessCalendar(zone: tz, hours: hours, holidays: holiday)
            let store = try options.openStore()
            try store.addCalendar(name: name, calendar: calendar)
            Output(json: options.json).done(
                "added calendar \(name) (\(calendar.zoneIdentifier): \(calendar.hours))",
                record: CalendarRow(name: name, calendar: calendar).json)
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a calendar's time zone or weekly hours (what is left out keeps its value).",
            discussion: """
                --hours replaces all the weekly hours (same form as calendar add). Clocks running on it keep \
                their due instants; clocks that start afterwards count on the new hours. Writes the event \
                calendar.changed; a change that changes nothing is refused.
                """)
        @Argument(help: "The calendar's name.")
        var name: String
        @Option(help: "IANA time zone, e.g. Europe/Berlin.")
        var tz: String?
        @Option(help: "Weekly open hours, e.g. 'mon-fri 08:00-17:00'.")
        var hours: String?
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if tz == nil && hours == nil { throw ValidationError("nothing to change: give --tz or --hours") }
        }

        func run() throws {
            // Validated by the core first, so bad input is named precisely before any connection.
            let checked = try BusinessCalendar(zone: tz ?? "UTC", hours: hours ?? "mon 00:00-24:00", holidays: [])
            let store = try options.openStore()
            try store.changeCalendar(name: name, zone: tz, hours: hours == nil ? nil : checked.hours)
            guard let stored = try store.calendar(named: name) else { throw RefusedError("unknown calendar \(terminalText(name))") }
            Output(json: options.json).done(
                "calendar \(name) changed (\(stored.calendar.zoneIdentifier): \(stored.calendar.hours))",
                record: CalendarRow(name: name, calendar: stored.calendar).json)
        }
    }

    struct HolidayCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "holiday",
            abstract: "Add or remove a calendar's holidays.",
            subcommands: [HolidayChange<AddHoliday>.self, HolidayChange<RemoveHoliday>.self])
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List business calendars.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let rows = try options.openStore().calendars().map { CalendarRow(name: $0.name, calendar: $0.calendar) }
            Output(json: options.json).list(rows, empty: "no calendars")
        }
    }

    struct Deadline: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "When a duration of business time, counted from an instant, is consumed.",
            discussion: """
                On a stored calendar (--calendar, needs the database) or an inline one (--tz, --hours, \
                --holiday; no database needed). If --from is closed the clock starts at the next opening; \
                a deadline on a closing instant is that instant. Paused ranges do not count.
                """)
        @OptionGroup var source: CalendarSource
        @Option(help: ArgumentHelp("Start: \(When.forms).", valueName: "when"), transform: parseWhen)
        var from: When
        @Option(help: "Business time to consume: 90s, 15m, 4h, 3d, 3h30m.", transform: parseDuration)
        var duration: BusinessDuration
        @Option(help: "A paused range START/END (repeatable).", transform: parsePause)
        var pause: [Range<Instant>] = []
        @OptionGroup var options: GlobalOptions

        func validate() throws { try source.validate() }

        func run() throws {
            let (name, calendar) = try source.resolve(options)
            let from = try source.instant(from, options)
            let deadline = try calendar.deadline(from: from, duration: duration, pauses: pause)
            if options.json {
                print(JSONValue.object([("deadline", .string(deadline.iso8601))]).serialized())
            } else {
                print("deadline \(deadline.iso8601) (local \(localText(deadline, calendar)))")
                print("calendar \(name), zone \(calendar.zoneIdentifier), hours \(calendar.hours)\(holidayText(calendar))")
                print("from \(from.iso8601) (local \(localText(from, calendar))), duration \(duration)\(pauseText(pause))")
            }
        }
    }

    struct Elapsed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Business time in [--from, --to), not counting paused ranges (0 when --to <= --from).",
            discussion: "On a stored calendar (--calendar) or an inline one (--tz, --hours, --holiday; no database needed).")
        @OptionGroup var source: CalendarSource
        @Option(help: ArgumentHelp("Start: \(When.forms).", valueName: "when"), transform: parseWhen)
        var from: When
        @Option(help: ArgumentHelp("End, the same forms.", valueName: "when"), transform: parseWhen)
        var to: When
        @Option(help: "A paused range START/END (repeatable).", transform: parsePause)
        var pause: [Range<Instant>] = []
        @OptionGroup var options: GlobalOptions

        func validate() throws { try source.validate() }

        func run() throws {
            let (name, calendar) = try source.resolve(options)
            let from = try source.instant(from, options), to = try source.instant(to, options)
            let elapsed = calendar.elapsed(from: from, to: to, pauses: pause)
            if options.json {
                print(JSONValue.object([("seconds", .int(elapsed.seconds))]).serialized())
            } else {
                print("elapsed \(elapsed) (\(elapsed.seconds) s)")
                print("calendar \(name), zone \(calendar.zoneIdentifier), hours \(calendar.hours)\(holidayText(calendar))")
                print("from \(from.iso8601) to \(to.iso8601)\(pauseText(pause))")
            }
        }
    }
}

/// Where `calendar deadline|elapsed` take their calendar from: stored or inline.
struct CalendarSource: ParsableArguments {
    @Option(help: "A stored calendar's name (needs the database).")
    var calendar: String?
    @Option(help: "Inline calendar: IANA time zone.")
    var tz: String?
    @Option(help: "Inline calendar: weekly open hours, e.g. 'mon-fri 08:00-17:00'.")
    var hours: String?
    @Option(help: "Inline calendar: a holiday YYYY-MM-DD or MM-DD (repeatable).")
    var holiday: [String] = []

    func validate() throws {
        if calendar != nil {
            if tz != nil || hours != nil || !holiday.isEmpty {
                throw ValidationError("give either --calendar or an inline calendar (--tz, --hours, --holiday), not both")
            }
        } else if tz == nil || hours == nil {
            throw ValidationError("give --calendar NAME, or --tz and --hours for an inline calendar")
        }
    }

    /// The calendar's name (or "inline") and rules.
    func resolve(_ options: GlobalOptions) throws -> (String, BusinessCalendar) {
        if let calendar {
            let store = try options.openStore()
            guard let stored = try store.calendar(named: calendar) else {
                throw store.unknown("calendar", code: calendar, in: "siam.calendar")
            }
            return (calendar, stored.calendar)
        }
        return ("inline", try BusinessCalendar(zone: tz!, hours: hours!, holidays: holiday))
    }

    /// The instant an option names: `now` and `now±D` on the database clock with a stored
    /// calendar, on this machine's clock with an inline one (which needs no database).
    func instant(_ when: When, _ options: GlobalOptions) throws -> Instant {
        if case .instant(let instant) = when { return instant }
        let now = calendar != nil ? try options.openStore().now() : Instant(seconds: Int64(Date().timeIntervalSince1970))
        return when.resolved(now: now)
    }
}

/// A calendar as a list row.
struct CalendarRow: Presentable {
    let name: String
    let calendar: BusinessCalendar

    var fields: [(String, JSONValue)] {
        [
            ("name", .string(name)),
            ("time_zone", .string(calendar.zoneIdentifier)),
            ("hours", .string(calendar.hours.description)),
            ("intervals", .array(calendar.hours.intervals.map { interval in
                .object([("iso_weekday", JSONValue(interval.isoWeekday)),
                         ("opens", .string(interval.opensText)),
                         ("closes", .string(interval.closesText))])
            })),
            ("holidays", .array(calendar.holidays.map { .string($0.description) })),
        ]
    }
    static var tableColumns: [String] { ["name", "time_zone", "hours", "holidays"] }
}

/// An instant in the calendar's local time, with its offset: `2026-03-30 10:00 +02:00`.
func localText(_ instant: Instant, _ calendar: BusinessCalendar) -> String {
    let offset = calendar.zone.offset(at: instant)
    let shifted = Instant(seconds: instant.seconds + Int64(offset)).iso8601  // 2026-03-30T10:00:00Z
    let sign = offset < 0 ? "-" : "+"
    let minutes = abs(offset) / 60
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return shifted.dropLast().replacingOccurrences(of: "T", with: " ") + " \(sign)\(two(minutes / 60)):\(two(minutes % 60))"
}

private func holidayText(_ calendar: BusinessCalendar) -> String {
    calendar.holidays.isEmpty ? "" : ", holidays \(calendar.holidays.map(\.description).joined(separator: " "))"
}

private func pauseText(_ pauses: [Range<Instant>]) -> String {
    pauses.isEmpty ? "" : ", paused " + pauses.map { "\($0.lowerBound.iso8601)/\($0.upperBound.iso8601)" }.joined(separator: " ")
}

protocol HolidayVerb { static var add: Bool { get } }
enum AddHoliday: HolidayVerb { static let add = true }
enum RemoveHoliday: HolidayVerb { static let add = false }

/// `siamd calendar holiday add | remove CALENDAR DAY`.
struct HolidayChange<Verb: HolidayVerb>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: Verb.add ? "add" : "remove",
            abstract: Verb.add ? "Add a holiday to a calendar." : "Remove a holiday from a calendar.",
            discussion: "DAY is YYYY-MM-DD (dated) or MM-DD (yearly)\(Verb.add ? "" : ", as it was added"). For clocks that "
                + "start afterwards. Writes the event calendar.holiday_\(Verb.add ? "added" : "removed").")
    }
    @Argument(help: "The calendar's name.")
    var calendar: String
    @Argument(help: "YYYY-MM-DD or MM-DD.")
    var day: String
    @OptionGroup var options: GlobalOptions

    func run() throws {
        _ = try Holiday(parsing: day)  // a malformed day is a usage error, named before any connection
        let store = try options.openStore()
        try store.changeHoliday(calendar: calendar, holiday: day, add: Verb.add)
        Output(json: options.json).done(
            Verb.add ? "holiday \(day) added to calendar \(calendar)" : "holiday \(day) removed from calendar \(calendar)",
            record: .object([("calendar", .string(calendar)), ("holiday", .string(day))]))
    }
}
