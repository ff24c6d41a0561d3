import Testing

@testable import SiamCore

@Suite("Instant")
struct InstantTests {
    @Test(
        "parses ISO-8601 with an offset",
        arguments: [
            // The canonical UTC form.
            ("2016-02-01T12:00:00Z", "2016-02-01T12:00:00Z"),
            // A positive offset is subtracted.
            ("2016-02-01T13:00:00+01:00", "2016-02-01T12:00:00Z"),
            // A negative offset is added, crossing midnight backwards.
            ("2016-02-01T00:30:00-05:00", "2016-02-01T05:30:00Z"),
            // Compact offset without a colon.
            ("2016-02-01T13:00:00+0100", "2016-02-01T12:00:00Z"),
            // Seconds may be left out.
            ("2016-02-01T12:00Z", "2016-02-01T12:00:00Z"),
            // Fractional seconds are truncated, not rounded.
            ("2016-02-01T12:00:00.999Z", "2016-02-01T12:00:00Z"),
            // PostgreSQL's UTC/ISO output: space separator, microseconds, short offset.
            ("2026-11-22 10:47:54.123456+00", "2026-11-22T10:47:54Z"),
            // PostgreSQL's short negative offset.
            ("2026-11-22 05:47:54-05", "2026-11-22T10:47:54Z"),
            // PostgreSQL prints historical offsets with seconds (LMT of Europe/Amsterdam).
            ("1890-01-01 00:00:00+00:19:32", "1889-12-31T23:40:28Z"),
            // Lower-case separators are accepted.
            ("2016-02-01t12:00:00z", "2016-02-01T12:00:00Z"),
            // Leap day.
            ("2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z"),
            // Before the epoch.
            ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
        ])
    func parses(text: String, utc: String) throws {
        #expect(try Instant(parsing: text).iso8601 == utc)
    }

    @Test("known epoch values")
    func epochValues() throws {
        // The epoch itself.
        #expect(try Instant(parsing: "1970-01-01T00:00:00Z").seconds == 0)
        // A well-known timestamp.
        #expect(try Instant(parsing: "2016-02-01T12:00:00Z").seconds == 1_454_328_000)
        // One second before the epoch is negative.
        #expect(try Instant(parsing: "1969-12-31T23:59:59Z").seconds == -1)
        // Truncation of fractions is towards the past, also before the epoch.
        #expect(try Instant(parsing: "1969-12-31T23:59:59.5Z").seconds == -1)
        #expect(Instant.latestSupported.iso8601 == "9999-12-31T23:59:59Z")
        #expect(Instant.earliestSupported.iso8601 == "0000-01-01T00:00:00Z")
    }

    @Test(
        "rejects malformed instants with a message naming the text",
        arguments: [
            ("2016-13-01T00:00Z", "month 13 does not exist"),
            ("2016-02-30T00:00:00Z", "day 30 does not exist: 2016-02 has 29 days"),
            ("2015-02-29T00:00:00Z", "day 29 does not exist: 2015-02 has 28 days"),
            ("2016-02-01T12:00:00", "no UTC offset: a local time is no instant; add Z or an offset such as +01:00"),
            ("2016-02-01T24:00:00Z", "hour 24 does not exist (00 to 23)"),
            ("2016-02-01T12:60:00Z", "minute 60 does not exist (00 to 59)"),
            ("2016-02-01T12:00:60Z", "second 60 does not exist (00 to 59; no leap seconds)"),
            ("2016-02-01", "a date alone is no instant: add a time and an offset"),
            ("2016-2-01T12:00:00Z", "not of the form YYYY-MM-DDTHH:MM:SS plus an offset"),
            ("2016-02-01T12:00:00.Z", "offset '.Z' is not Z or ±HH:MM"),
            ("2016-02-01T12:00:00+1", "offset '+1' is not Z or ±HH:MM"),
            ("2016-02-01T12:00:00+16:00", "offset '+16:00' is out of range (at most ±15:59)"),
            ("2016-02-01T12:00:00Z ", "offset 'Z ' is not Z or ±HH:MM"),
            ("", "not of the form YYYY-MM-DDTHH:MM:SS plus an offset"),
        ])
    func rejects(text: String, reason: String) {
        #expect(throws: TimeParseError(
            "invalid instant '\(text)': \(reason); expected ISO-8601 with an offset, e.g. 2016-02-01T12:00:00Z"
        )) {
            try Instant(parsing: text)
        }
    }

    @Test("formatting at an offset")
    func offsetFormatting() throws {
        let instant = at("2016-02-01T12:00:00Z")
        // East of UTC.
        #expect(instant.iso8601(offsetSeconds: 3600) == "2016-02-01T13:00:00+01:00")
        // West of UTC, crossing midnight backwards.
        #expect(instant.iso8601(offsetSeconds: -12 * 3600 - 1800) == "2016-01-31T23:30:00-12:30")
        // Historical offsets with seconds.
        #expect(instant.iso8601(offsetSeconds: 3208) == "2016-02-01T12:53:28+00:53:28")
        #expect(try Instant(parsing: instant.iso8601(offsetSeconds: 3208)) == instant)
        // In a calendar's zone.
        #expect(Calendars.berlinOffice.localISO8601(at("2026-07-01T08:00:00Z")) == "2026-07-01T10:00:00+02:00")
    }

    @Test("formatting round-trips through parsing over many instants")
    func roundTrip() throws {
        var rng = SplitMix64(seed: 1)
        for _ in 0..<10_000 {
            let seconds = Int64(bitPattern: rng.next() % 253_402_300_800) - 62_167_219_200
            let instant = Instant(seconds: max(seconds, Instant.earliestSupported.seconds))
            #expect(try Instant(parsing: instant.iso8601) == instant)
        }
    }
}
