import SiamCore

/// The instant written in ISO-8601 (tests only: crashes on malformed text).
func at(_ text: String) -> Instant {
    do {
        return try Instant(parsing: text)
    } catch {
        fatalError("bad instant in test: \(text)")
    }
}

/// The duration written like `3h30m` (tests only).
func dur(_ text: String) -> BusinessDuration {
    do {
        return try BusinessDuration(parsing: text)
    } catch {
        fatalError("bad duration in test: \(text)")
    }
}

/// A pause from `start` to `end` (ISO-8601 texts).
func pause(_ start: String, _ end: String) -> Range<Instant> {
    at(start)..<at(end)
}

/// Calendars shared by the tests.
enum Calendars {
    /// A realistic office calendar: Berlin, lunch break, Christmas holidays (one dated, two yearly).
    static let berlinOffice = try! BusinessCalendar(
        zone: "Europe/Berlin", hours: "mon-fri 08:00-12:00,13:00-17:00",
        holidays: ["2026-12-24", "12-25", "12-26"])

    /// Open all day every day in Berlin: business time is real time, DST included.
    static let berlinAllDay = try! BusinessCalendar(zone: "Europe/Berlin", hours: "mon-sun 00:00-24:00")

    /// A night shift spanning midnight, written with 24:00 and 00:00.
    static let berlinNight = try! BusinessCalendar(
        zone: "Europe/Berlin", hours: "fri 22:00-24:00; sat 00:00-06:00")

    /// New York office hours.
    static let newYorkOffice = try! BusinessCalendar(zone: "America/New_York", hours: "mon-fri 09:00-17:00")

    /// Open all day every day in New York.
    static let newYorkAllDay = try! BusinessCalendar(zone: "America/New_York", hours: "mon-sun 00:00-24:00")

    /// Open all day every day in Sydney (southern hemisphere: DST from October to April).
    static let sydneyAllDay = try! BusinessCalendar(zone: "Australia/Sydney", hours: "mon-sun 00:00-24:00")
}
