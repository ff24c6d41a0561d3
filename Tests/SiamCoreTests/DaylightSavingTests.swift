import Testing

@testable import SiamCore

/// DST changes: business time is real time, so open local spans over a change are longer or
/// shorter in real time; openings inside a gap take effect at the end of the gap.
@Suite("daylight saving time")
struct DaylightSavingTests {
    struct ElapsedCase: CustomTestStringConvertible, Sendable {
        let why: String
        let calendar: BusinessCalendar
        let from: String
        let to: String
        let expected: String
        var testDescription: String { why }
    }

    static let cases: [ElapsedCase] = [
        // Berlin, spring: Sunday 2026-03-29 02:00 CET jumps to 03:00 CEST, a 23-hour day.
        .init(why: "Berlin spring day is 23 h", calendar: Calendars.berlinAllDay,
              from: "2026-03-29T00:00:00+01:00", to: "2026-03-30T00:00:00+02:00", expected: "23h"),
        // Berlin, autumn: Sunday 2026-10-25 03:00 CEST falls back to 02:00 CET, a 25-hour day.
        .init(why: "Berlin autumn day is 25 h", calendar: Calendars.berlinAllDay,
              from: "2026-10-25T00:00:00+02:00", to: "2026-10-26T00:00:00+01:00", expected: "1d1h"),
        // A whole Berlin week containing the spring change has 7 × 24 − 1 hours.
        .init(why: "Berlin spring week", calendar: Calendars.berlinAllDay,
              from: "2026-03-23T00:00:00+01:00", to: "2026-03-30T00:00:00+02:00", expected: "6d23h"),
        // New York, spring: Sunday 2026-03-08 02:00 EST jumps to 03:00 EDT.
        .init(why: "New York spring day is 23 h", calendar: Calendars.newYorkAllDay,
              from: "2026-03-08T00:00:00-05:00", to: "2026-03-09T00:00:00-04:00", expected: "23h"),
        // New York, autumn: Sunday 2026-11-01 02:00 EDT falls back to 01:00 EST.
        .init(why: "New York autumn day is 25 h", calendar: Calendars.newYorkAllDay,
              from: "2026-11-01T00:00:00-04:00", to: "2026-11-02T00:00:00-05:00", expected: "1d1h"),
        // Sydney, autumn (April): Sunday 2026-04-05 03:00 AEDT falls back to 02:00 AEST.
        .init(why: "Sydney April day is 25 h", calendar: Calendars.sydneyAllDay,
              from: "2026-04-05T00:00:00+11:00", to: "2026-04-06T00:00:00+10:00", expected: "1d1h"),
        // Sydney, spring (October): Sunday 2026-10-04 02:00 AEST jumps to 03:00 AEDT.
        .init(why: "Sydney October day is 23 h", calendar: Calendars.sydneyAllDay,
              from: "2026-10-04T00:00:00+10:00", to: "2026-10-05T00:00:00+11:00", expected: "23h"),
        // An interval containing the skipped hour counts its real length: 01:00-05:00 is 3 h.
        .init(why: "interval over spring gap", calendar: try! BusinessCalendar(zone: "Europe/Berlin", hours: "sun 01:00-05:00"),
              from: "2026-03-29T00:00:00+01:00", to: "2026-03-30T00:00:00+02:00", expected: "3h"),
        // An interval containing the repeated hour counts its real length: 01:00-05:00 is 5 h.
        .init(why: "interval over autumn repeat", calendar: try! BusinessCalendar(zone: "Europe/Berlin", hours: "sun 01:00-05:00"),
              from: "2026-10-25T00:00:00+02:00", to: "2026-10-26T00:00:00+01:00", expected: "5h"),
        // Opening inside the gap (02:30 does not exist) takes effect at 03:00 CEST: 2 h left.
        .init(why: "opening inside the gap", calendar: try! BusinessCalendar(zone: "Europe/Berlin", hours: "sun 02:30-05:00"),
              from: "2026-03-29T00:00:00+01:00", to: "2026-03-30T00:00:00+02:00", expected: "2h"),
        // An interval entirely inside the gap has no open time that day.
        .init(why: "interval inside the gap", calendar: try! BusinessCalendar(zone: "Europe/Berlin", hours: "sun 02:10-02:50"),
              from: "2026-03-29T00:00:00+01:00", to: "2026-03-30T00:00:00+02:00", expected: "0s"),
        // Opening inside the repeated hour: 02:30-03:00 CEST, then 02:30-04:00 CET again = 2 h.
        .init(why: "opening inside the repeated hour", calendar: try! BusinessCalendar(zone: "Europe/Berlin", hours: "sun 02:30-04:00"),
              from: "2026-10-25T00:00:00+02:00", to: "2026-10-26T00:00:00+01:00", expected: "2h"),
        // New York office hours are local: a Friday-to-Monday span over the change is still 8 h a day.
        .init(why: "New York office week over spring change", calendar: Calendars.newYorkOffice,
              from: "2026-03-06T00:00:00-05:00", to: "2026-03-10T00:00:00-04:00", expected: "16h"),
        // New York interval over the repeated 01:00-02:00 hour: sun 00:30-02:30 is 3 h.
        .init(why: "New York repeated hour", calendar: try! BusinessCalendar(zone: "America/New_York", hours: "sun 00:30-02:30"),
              from: "2026-11-01T00:00:00-04:00", to: "2026-11-02T00:00:00-05:00", expected: "3h"),
        // Sydney interval over the October gap (02:00-03:00 skipped): sun 01:00-04:00 is 2 h.
        .init(why: "Sydney gap", calendar: try! BusinessCalendar(zone: "Australia/Sydney", hours: "sun 01:00-04:00"),
              from: "2026-10-04T00:00:00+10:00", to: "2026-10-05T00:00:00+11:00", expected: "2h"),
        // Sydney interval over the April repeat (02:00-03:00 twice): sun 01:00-04:00 is 4 h.
        .init(why: "Sydney repeat", calendar: try! BusinessCalendar(zone: "Australia/Sydney", hours: "sun 01:00-04:00"),
              from: "2026-04-05T00:00:00+11:00", to: "2026-04-06T00:00:00+10:00", expected: "4h"),
    ]

    @Test("elapsed over DST changes", arguments: cases)
    func elapsed(_ c: ElapsedCase) {
        #expect(c.calendar.elapsed(from: at(c.from), to: at(c.to)) == dur(c.expected), "\(c.why)")
    }

    struct DeadlineCase: CustomTestStringConvertible, Sendable {
        let why: String
        let calendar: BusinessCalendar
        let from: String
        let duration: String
        let expected: String
        var testDescription: String { why }
    }

    static let deadlineCases: [DeadlineCase] = [
        // 24 h of business time on an always-open New York calendar is 24 real hours.
        .init(why: "New York 24 h over spring change", calendar: Calendars.newYorkAllDay,
              from: "2026-03-07T12:00:00-05:00", duration: "24h", expected: "2026-03-08T13:00:00-04:00"),
        // Same in autumn: the wall clock shows 11:00 the next day.
        .init(why: "New York 24 h over autumn change", calendar: Calendars.newYorkAllDay,
              from: "2026-10-31T12:00:00-04:00", duration: "24h", expected: "2026-11-01T11:00:00-05:00"),
        // From Saturday, the next opening of `sun 02:30-05:00` on the spring day is 03:00 CEST.
        .init(why: "Berlin opening in gap", calendar: try! BusinessCalendar(zone: "Europe/Berlin", hours: "sun 02:30-05:00"),
              from: "2026-03-28T12:00:00+01:00", duration: "0s", expected: "2026-03-29T03:00:00+02:00"),
        // An interval entirely in the gap is skipped: the next opening is a week later.
        .init(why: "Berlin interval in gap skipped", calendar: try! BusinessCalendar(zone: "Europe/Berlin", hours: "sun 02:10-02:50"),
              from: "2026-03-28T12:00:00+01:00", duration: "0s", expected: "2026-04-05T02:10:00+02:00"),
        // Inside the repeated hour: 30 min from 02:30 CEST end where the clock falls back (01:00Z).
        .init(why: "Berlin repeated hour closes at fall-back", calendar: try! BusinessCalendar(zone: "Europe/Berlin", hours: "sun 02:30-04:00"),
              from: "2026-10-25T02:30:00+02:00", duration: "30m", expected: "2026-10-25T01:00:00Z"),
        // One more minute continues at 02:30 CET, after the wall clock re-reads 02:00-02:30.
        .init(why: "Berlin repeated hour reopens", calendar: try! BusinessCalendar(zone: "Europe/Berlin", hours: "sun 02:30-04:00"),
              from: "2026-10-25T02:30:00+02:00", duration: "31m", expected: "2026-10-25T02:31:00+01:00"),
        // Sydney all-day: 48 h across the April change end at 23:00 local on the wall clock.
        .init(why: "Sydney 48 h over April change", calendar: Calendars.sydneyAllDay,
              from: "2026-04-04T00:00:00+11:00", duration: "48h", expected: "2026-04-05T23:00:00+10:00"),
    ]

    @Test("deadlines over DST changes", arguments: deadlineCases)
    func deadline(_ c: DeadlineCase) throws {
        let result = try c.calendar.deadline(from: at(c.from), duration: dur(c.duration))
        #expect(result == at(c.expected), "\(c.why): got \(result)")
    }
}
