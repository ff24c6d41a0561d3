import Testing

@testable import SiamCore

/// One deadline case: calendar, start, duration, pauses and the expected deadline.
struct DeadlineCase: CustomTestStringConvertible, Sendable {
    let why: String
    let calendar: BusinessCalendar
    let from: String
    let duration: String
    var pauses: [Range<Instant>] = []
    let expected: String

    var testDescription: String { why }
}

@Suite("deadline")
struct DeadlineTests {
    static let office = Calendars.berlinOffice

    // 2026-03-02 is a Monday; Berlin is at +01:00 until 2026-03-29.
    static let cases: [DeadlineCase] = [
        // Inside hours, within the morning.
        .init(why: "inside hours", calendar: office, from: "2026-03-02T08:00:00+01:00", duration: "2h",
              expected: "2026-03-02T10:00:00+01:00"),
        // The lunch break does not count.
        .init(why: "over lunch", calendar: office, from: "2026-03-02T11:00:00+01:00", duration: "2h",
              expected: "2026-03-02T14:00:00+01:00"),
        // Ending exactly at the lunch closing gives the closing instant, not 13:00.
        .init(why: "ends at lunch closing", calendar: office, from: "2026-03-02T08:00:00+01:00", duration: "4h",
              expected: "2026-03-02T12:00:00+01:00"),
        // Ending exactly at the evening closing gives 17:00, not the next morning.
        .init(why: "ends at day closing", calendar: office, from: "2026-03-02T08:00:00+01:00", duration: "8h",
              expected: "2026-03-02T17:00:00+01:00"),
        // One second more spills into the next morning.
        .init(why: "one second past closing", calendar: office, from: "2026-03-02T08:00:00+01:00", duration: "8h1s",
              expected: "2026-03-03T08:00:01+01:00"),
        // Before opening, the clock starts at the opening.
        .init(why: "starts before opening", calendar: office, from: "2026-03-02T06:00:00+01:00", duration: "1h",
              expected: "2026-03-02T09:00:00+01:00"),
        // During lunch, the clock starts at 13:00.
        .init(why: "starts during lunch", calendar: office, from: "2026-03-02T12:30:00+01:00", duration: "30m",
              expected: "2026-03-02T13:30:00+01:00"),
        // After closing, the clock starts the next morning.
        .init(why: "starts after closing", calendar: office, from: "2026-03-02T18:00:00+01:00", duration: "1h",
              expected: "2026-03-03T09:00:00+01:00"),
        // At the closing instant itself the calendar is already closed.
        .init(why: "starts at closing instant", calendar: office, from: "2026-03-02T17:00:00+01:00", duration: "1h",
              expected: "2026-03-03T09:00:00+01:00"),
        // Friday afternoon carries over the weekend.
        .init(why: "over the weekend", calendar: office, from: "2026-03-06T16:00:00+01:00", duration: "2h",
              expected: "2026-03-09T09:00:00+01:00"),
        // Starting on a Saturday waits for Monday.
        .init(why: "starts on Saturday", calendar: office, from: "2026-03-07T10:00:00+01:00", duration: "1h",
              expected: "2026-03-09T09:00:00+01:00"),
        // Zero duration from an open instant is the instant itself.
        .init(why: "zero duration while open", calendar: office, from: "2026-03-02T09:15:00+01:00", duration: "0s",
              expected: "2026-03-02T09:15:00+01:00"),
        // Zero duration from a closed instant is the next opening.
        .init(why: "zero duration at lunch", calendar: office, from: "2026-03-02T12:00:00+01:00", duration: "0s",
              expected: "2026-03-02T13:00:00+01:00"),
        // Zero duration on a weekend is Monday's opening.
        .init(why: "zero duration on weekend", calendar: office, from: "2026-03-07T10:00:00+01:00", duration: "0s",
              expected: "2026-03-09T08:00:00+01:00"),
        // A full week of open time ends at Friday's closing.
        .init(why: "exactly one week", calendar: office, from: "2026-03-02T08:00:00+01:00", duration: "40h",
              expected: "2026-03-06T17:00:00+01:00"),
        // Five weeks exactly (week skipping must still stop at a closing instant).
        .init(why: "exactly five weeks", calendar: office, from: "2026-03-02T08:00:00+01:00", duration: "200h",
              expected: "2026-04-03T17:00:00+02:00"),
        // 30 business days of 8 h, across the spring DST change (hours are local, so unaffected).
        .init(why: "30 business days across DST", calendar: office, from: "2026-03-02T08:00:00+01:00", duration: "240h",
              expected: "2026-04-10T17:00:00+02:00"),
        // `1d` is 24 h of business time: three 8-hour days.
        .init(why: "1d is 24 business hours", calendar: office, from: "2026-03-02T08:00:00+01:00", duration: "1d",
              expected: "2026-03-04T17:00:00+01:00"),
        // Dated (12-24) and yearly (12-25, 12-26) holidays are skipped: Wednesday → Monday.
        .init(why: "Christmas 2026 holidays", calendar: office, from: "2026-12-23T16:00:00+01:00", duration: "2h",
              expected: "2026-12-28T09:00:00+01:00"),
        // In 2025 only the yearly holidays apply (12-25 Thursday, 12-26 Friday).
        .init(why: "yearly holidays in another year", calendar: office, from: "2025-12-24T16:00:00+01:00", duration: "2h",
              expected: "2025-12-29T09:00:00+01:00"),
        // Starting on a holiday waits for the next open day.
        .init(why: "starts on a holiday", calendar: office, from: "2026-12-24T10:00:00+01:00", duration: "0s",
              expected: "2026-12-28T08:00:00+01:00"),
        // A long deadline over the whole year skips all holidays (259 open days in 2026).
        .init(why: "one year of open days", calendar: office, from: "2026-01-01T00:00:00+01:00", duration: "2072h",
              expected: "2026-12-31T17:00:00+01:00"),
        // Night shift: 24:00 then 00:00 is one continuous stretch.
        .init(why: "across midnight via 24:00", calendar: Calendars.berlinNight, from: "2026-03-06T23:00:00+01:00",
              duration: "2h", expected: "2026-03-07T01:00:00+01:00"),
        // Ending exactly at 24:00 gives midnight (the same instant as the 00:00 opening).
        .init(why: "ends at 24:00", calendar: Calendars.berlinNight, from: "2026-03-06T22:00:00+01:00",
              duration: "2h", expected: "2026-03-07T00:00:00+01:00"),
        // The night shift ends Saturday 06:00, then resumes next Friday 22:00.
        .init(why: "night shift to next week", calendar: Calendars.berlinNight, from: "2026-03-07T05:00:00+01:00",
              duration: "2h", expected: "2026-03-13T23:00:00+01:00"),
        // Without a calendar, business time is real time.
        .init(why: "always: real time", calendar: .always, from: "2026-03-07T05:00:00Z", duration: "3d2h",
              expected: "2026-03-10T07:00:00Z"),
        // Always-open with zero duration is the instant itself.
        .init(why: "always: zero", calendar: .always, from: "2026-03-07T05:00:00Z", duration: "0s",
              expected: "2026-03-07T05:00:00Z"),
    ]

    @Test("deadline cases", arguments: cases)
    func deadline(_ c: DeadlineCase) throws {
        let result = try c.calendar.deadline(from: at(c.from), duration: dur(c.duration), pauses: c.pauses)
        #expect(result == at(c.expected), "\(c.why): got \(result)")
        // Every deadline case is also an elapsed case.
        #expect(c.calendar.elapsed(from: at(c.from), to: result, pauses: c.pauses) == dur(c.duration))
    }

    @Test("a negative duration is rejected")
    func negativeDuration() {
        #expect(throws: CalendarError("negative duration -1m30s: a deadline needs a duration of at least 0s")) {
            try Calendars.berlinOffice.deadline(from: at("2026-03-02T08:00:00Z"), duration: BusinessDuration(seconds: -90))
        }
    }

    @Test("a deadline beyond year 9999 is an error, not a loop")
    func beyondRange() {
        #expect(throws: CalendarError(
            "the deadline 3650000d after 9990-01-01T00:00:00Z would fall after 9999-12-31T23:59:59Z"
        )) {
            try Calendars.berlinOffice.deadline(from: at("9990-01-01T00:00:00Z"), duration: dur("3650000d"))
        }
    }

    @Test("huge durations take few steps")
    func hugeDuration() throws {
        // 1,000 years of open time on the office calendar: week skipping keeps this instant.
        let d = BusinessDuration(seconds: 1000 * 52 * 40 * 3600)
        let result = try Calendars.berlinOffice.deadline(from: at("2026-01-01T00:00:00Z"), duration: d)
        #expect(Calendars.berlinOffice.elapsed(from: at("2026-01-01T00:00:00Z"), to: result) == d)
    }
}
