import Foundation
import Testing

@testable import SiamCore

@Suite("zone rules")
struct ZoneRulesTests {
    @Test(
        "offsets at known instants",
        arguments: [
            // Berlin: CET in winter, CEST in summer; the change at 01:00 UTC.
            ("Europe/Berlin", "2026-01-15T12:00:00Z", 3600),
            ("Europe/Berlin", "2026-03-29T00:59:59Z", 3600),
            ("Europe/Berlin", "2026-03-29T01:00:00Z", 7200),
            ("Europe/Berlin", "2026-10-25T00:59:59Z", 7200),
            ("Europe/Berlin", "2026-10-25T01:00:00Z", 3600),
            // New York: EST and EDT.
            ("America/New_York", "2026-03-08T06:59:59Z", -18000),
            ("America/New_York", "2026-03-08T07:00:00Z", -14400),
            // Sydney: AEDT in January, AEST in July.
            ("Australia/Sydney", "2026-01-15T00:00:00Z", 39600),
            ("Australia/Sydney", "2026-07-15T00:00:00Z", 36000),
            // Far future, from the POSIX rule in the TZif footer.
            ("Europe/Berlin", "2400-07-01T00:00:00Z", 7200),
            ("Australia/Sydney", "2400-07-01T00:00:00Z", 36000),
            // Moscow changed its standard offset (not DST) in 2011 and 2014.
            ("Europe/Moscow", "2013-01-01T00:00:00Z", 14400),
            ("Europe/Moscow", "2015-01-01T00:00:00Z", 10800),
            // Samoa skipped 2011-12-30 entirely (from -10:00 DST to +14:00 DST).
            ("Pacific/Apia", "2011-12-30T09:59:59Z", -36000),
            ("Pacific/Apia", "2011-12-30T10:00:00Z", 50400),
            // A zone without DST.
            ("Asia/Tokyo", "2026-07-01T00:00:00Z", 32400),
            ("UTC", "2026-07-01T00:00:00Z", 0),
        ])
    func offsets(zone: String, instant: String, offset: Int) throws {
        #expect(try ZoneRules.load(identifier: zone).offset(at: at(instant)) == offset)
    }

    @Test("transitions are listed")
    func transitions() throws {
        let berlin = try ZoneRules.load(identifier: "Europe/Berlin")
        let list = berlin.transitions(in: at("2026-01-01T00:00:00Z")..<at("2027-01-01T00:00:00Z"))
        #expect(list.map(\.at) == [at("2026-03-29T01:00:00Z"), at("2026-10-25T01:00:00Z")])
        #expect(list.map(\.offset) == [7200, 3600])
    }

    @Test(
        "agree with Foundation's TimeZone hour by hour",
        arguments: ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Europe/London", "Asia/Kolkata",
                    "America/Sao_Paulo", "Pacific/Chatham", "Europe/Dublin", "Africa/Casablanca"])
    func agreeWithFoundation(zone: String) throws {
        let rules = try ZoneRules.load(identifier: zone)
        let foundation = try #require(TimeZone(identifier: zone))
        // 1990 to 2037, every 6 hours + 17 minutes, so that every weekday and hour is sampled.
        var t = at("1990-01-01T00:00:00Z").seconds
        let end = at("2037-01-01T00:00:00Z").seconds
        var mismatches = 0
        while t < end {
            let expected = foundation.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t)))
            if rules.offset(at: Instant(seconds: t)) != expected { mismatches += 1 }
            t += 6 * 3600 + 17 * 60
        }
        #expect(mismatches == 0, "\(zone): \(mismatches) samples differ from Foundation")
    }

    @Test(
        "rules derived from Foundation match the TZif rules",
        arguments: ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Europe/Moscow", "Pacific/Apia"])
    func foundationFallback(zone: String) throws {
        let tzif = try ZoneRules.load(identifier: zone)
        // A directory without tzdata: the loader falls back to Foundation.
        let derived = try ZoneRules.load(identifier: zone, directory: "/nonexistent/zoneinfo")
        #expect(derived == ZoneRules.fromFoundation(identifier: zone))
        var t = at("1970-01-01T00:00:00Z").seconds
        var mismatches = 0
        // Every 3 days + 1 hour through 2400, both from the table and the POSIX-rule expansion.
        while t < at("2400-01-01T00:00:00Z").seconds {
            if tzif.offset(at: Instant(seconds: t)) != derived.offset(at: Instant(seconds: t)) { mismatches += 1 }
            t += 3 * 86_400 + 3600
        }
        #expect(mismatches == 0, "\(zone): \(mismatches) samples differ")
        // The fallback still rejects unknown zones.
        #expect(throws: CalendarError("unknown time zone 'Europe/Berln'")) {
            try ZoneRules.load(identifier: "Europe/Berln", directory: "/nonexistent/zoneinfo")
        }
    }

    @Test("POSIX rules with negative DST and permanent DST")
    func posixRules() throws {
        // Dublin: "standard" IST in summer, negative DST (GMT) in winter.
        let dublin = try #require(POSIXTimeZoneRule("IST-1GMT0,M10.5.0,M3.5.0/1"))
        let t = dublin.transitions(after: at("2029-12-31T00:00:00Z").seconds, throughYear: 2030)
        #expect(t.map { Instant(seconds: $0.0) } == [at("2030-03-31T01:00:00Z"), at("2030-10-27T01:00:00Z")])
        #expect(t.map(\.1) == [3600, 0])
        // Permanent DST written as a rule covering the whole year: at the year boundary the
        // DST start wins over the previous year's end.
        let permanent = try #require(POSIXTimeZoneRule("EST5EDT,0/0,J365/25"))
        let rules = ZoneRules(
            identifier: "test", starts: [.min] + permanent.transitions(after: .min, throughYear: 2030).map(\.0),
            offsets: [-18000] + permanent.transitions(after: .min, throughYear: 2030).map(\.1))
        #expect(rules.offset(at: at("2029-01-01T12:00:00Z")) == -14400)
        #expect(rules.offset(at: at("2029-12-31T23:00:00Z")) == -14400)
        // Quoted numeric abbreviations.
        #expect(POSIXTimeZoneRule("<+0330>-3:30")?.standardOffset == 12600)
        #expect(POSIXTimeZoneRule("<-03>3<-02>,M3.5.0/-2,M10.5.0/-1")?.dst?.offset == -7200)
        // Malformed strings.
        #expect(POSIXTimeZoneRule("X1") == nil)
        #expect(POSIXTimeZoneRule("CET-1CEST,M13.5.0,M10.5.0/3") == nil)
    }

    @Test("malformed TZif data is rejected")
    func malformedTZif() {
        #expect(throws: CalendarError("malformed TZif data for time zone 'X'")) {
            try ZoneRules(identifier: "X", tzif: Array("TZif2 not really".utf8))
        }
    }

    @Test("fixed zones")
    func fixed() {
        let zone = ZoneRules.fixed(offsetSeconds: -16200)
        #expect(zone.identifier == "UTC-04:30")
        #expect(zone.offset(at: at("2026-01-01T00:00:00Z")) == -16200)
    }
}
