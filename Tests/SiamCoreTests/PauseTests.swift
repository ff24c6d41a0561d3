import Testing

@testable import SiamCore

/// Paused ranges: business time inside them does not count.
@Suite("pauses")
struct PauseTests {
    static let office = Calendars.berlinOffice

    static let cases: [DeadlineCase] = [
        // A pause over the night: 30 min on Monday, paused until Tuesday 09:00, 90 min more.
        .init(why: "pause spanning a night", calendar: office, from: "2026-03-02T16:00:00+01:00", duration: "2h",
              pauses: [pause("2026-03-02T16:30:00+01:00", "2026-03-03T09:00:00+01:00")],
              expected: "2026-03-03T10:30:00+01:00"),
        // A pause over the weekend that covers the start: the clock starts Monday 10:00 and
        // the 2 h end exactly at the lunch closing.
        .init(why: "pause spanning a weekend", calendar: office, from: "2026-03-06T16:00:00+01:00", duration: "2h",
              pauses: [pause("2026-03-06T15:00:00+01:00", "2026-03-09T10:00:00+01:00")],
              expected: "2026-03-09T12:00:00+01:00"),
        // Overlapping, unsorted pauses are merged: together 09:00-11:00.
        .init(why: "overlapping unsorted pauses", calendar: office, from: "2026-03-02T08:00:00+01:00", duration: "2h",
              pauses: [pause("2026-03-02T10:00:00+01:00", "2026-03-02T11:00:00+01:00"),
                       pause("2026-03-02T09:00:00+01:00", "2026-03-02T10:30:00+01:00")],
              expected: "2026-03-02T12:00:00+01:00"),
        // A pause entirely in closed time changes nothing.
        .init(why: "pause in closed time", calendar: office, from: "2026-03-02T16:00:00+01:00", duration: "2h",
              pauses: [pause("2026-03-02T18:00:00+01:00", "2026-03-03T07:00:00+01:00")],
              expected: "2026-03-03T09:00:00+01:00"),
        // Reaching a pause start exactly: the deadline is the pause start.
        .init(why: "ends at pause start", calendar: office, from: "2026-03-02T08:00:00+01:00", duration: "1h",
              pauses: [pause("2026-03-02T09:00:00+01:00", "2026-03-02T10:00:00+01:00")],
              expected: "2026-03-02T09:00:00+01:00"),
        // Zero duration inside a pause: the clock next runs when the pause ends.
        .init(why: "zero duration inside pause", calendar: office, from: "2026-03-02T09:30:00+01:00", duration: "0s",
              pauses: [pause("2026-03-02T09:00:00+01:00", "2026-03-02T10:00:00+01:00")],
              expected: "2026-03-02T10:00:00+01:00"),
        // A pause ending in closed time: the clock resumes at the next opening.
        .init(why: "pause ending at night", calendar: office, from: "2026-03-02T09:00:00+01:00", duration: "1h",
              pauses: [pause("2026-03-02T09:30:00+01:00", "2026-03-02T20:00:00+01:00")],
              expected: "2026-03-03T08:30:00+01:00"),
        // A long deadline with a pause in the third week: week skipping must stop before it.
        .init(why: "pause inside a long deadline", calendar: office, from: "2026-03-02T08:00:00+01:00", duration: "200h",
              pauses: [pause("2026-03-18T08:00:00+01:00", "2026-03-19T08:00:00+01:00")],
              expected: "2026-04-06T17:00:00+02:00"),
        // Empty pauses are ignored.
        .init(why: "empty pause", calendar: office, from: "2026-03-02T08:00:00+01:00", duration: "1h",
              pauses: [pause("2026-03-02T08:30:00+01:00", "2026-03-02T08:30:00+01:00")],
              expected: "2026-03-02T09:00:00+01:00"),
        // Always-open calendar: the deadline moves later by the pause length.
        .init(why: "always with a pause", calendar: .always, from: "2026-03-02T00:00:00Z", duration: "10h",
              pauses: [pause("2026-03-02T05:00:00Z", "2026-03-02T07:00:00Z")],
              expected: "2026-03-02T12:00:00Z"),
        // Nested pauses count once.
        .init(why: "nested pauses", calendar: .always, from: "2026-03-02T00:00:00Z", duration: "10h",
              pauses: [pause("2026-03-02T01:00:00Z", "2026-03-02T09:00:00Z"),
                       pause("2026-03-02T02:00:00Z", "2026-03-02T03:00:00Z")],
              expected: "2026-03-02T18:00:00Z"),
    ]

    @Test("deadlines with pauses", arguments: cases)
    func deadline(_ c: DeadlineCase) throws {
        let result = try c.calendar.deadline(from: at(c.from), duration: dur(c.duration), pauses: c.pauses)
        #expect(result == at(c.expected), "\(c.why): got \(result)")
        #expect(c.calendar.elapsed(from: at(c.from), to: result, pauses: c.pauses) == dur(c.duration))
    }

    @Test("long and open-ended pauses are skipped in one step")
    func longPauses() throws {
        let office = Calendars.berlinOffice
        let from = at("2026-03-02T08:00:00+01:00")
        // Paused for a quarter: the clock resumes Wednesday 2026-06-03 10:00 (CEST).
        let quarter = [pause("2026-03-02T09:00:00+01:00", "2026-06-03T10:00:00+02:00")]
        #expect(try office.deadline(from: from, duration: dur("2h"), pauses: quarter) == at("2026-06-03T11:00:00+02:00"))
        #expect(office.elapsed(from: from, to: at("2026-06-03T11:00:00+02:00"), pauses: quarter) == dur("2h"))
        // Paused with no end in sight: the deadline cannot be reached, and says so.
        let open = [at("2026-03-02T09:00:00+01:00")..<Instant(seconds: .max)]
        #expect(throws: CalendarError(
            "the deadline 2h after 2026-03-02T07:00:00Z would fall after 9999-12-31T23:59:59Z"
        )) {
            try office.deadline(from: from, duration: dur("2h"), pauses: open)
        }
        #expect(office.elapsed(from: from, to: Instant(seconds: .max), pauses: open) == dur("1h"))
        // A pause reaching back before year 0 is clamped too.
        let past = [Instant(seconds: .min)..<at("2026-03-02T10:00:00+01:00")]
        #expect(try office.deadline(from: from, duration: dur("1h"), pauses: past) == at("2026-03-02T11:00:00+01:00"))
    }

    @Test("elapsed subtracts pauses once, in any order")
    func elapsedWithPauses() {
        let monday = at("2026-03-02T00:00:00+01:00")
        let friday = at("2026-03-07T00:00:00+01:00")
        // A week is 40 h; two overlapping pauses cover Tuesday 08:00 to Wednesday 12:00 = 12 h open.
        let pauses = [
            pause("2026-03-03T20:00:00+01:00", "2026-03-04T12:00:00+01:00"),
            pause("2026-03-03T08:00:00+01:00", "2026-03-03T21:00:00+01:00"),
        ]
        #expect(Calendars.berlinOffice.elapsed(from: monday, to: friday, pauses: pauses) == dur("28h"))
    }
}
