import Testing

@testable import SiamCore

@Suite("elapsed")
struct ElapsedTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let why: String
        let from: String
        let to: String
        let expected: String
        var testDescription: String { why }
    }

    static let cases: [Case] = [
        // An empty range counts nothing.
        .init(why: "empty range", from: "2026-03-02T09:00:00+01:00", to: "2026-03-02T09:00:00+01:00", expected: "0s"),
        // A reversed range counts nothing.
        .init(why: "reversed range", from: "2026-03-02T10:00:00+01:00", to: "2026-03-02T09:00:00+01:00", expected: "0s"),
        // The first open second counts ([a, b) includes a).
        .init(why: "first open second", from: "2026-03-02T08:00:00+01:00", to: "2026-03-02T08:00:01+01:00", expected: "1s"),
        // The last open second before closing counts; the closing instant itself is closed.
        .init(why: "last open second", from: "2026-03-02T16:59:59+01:00", to: "2026-03-02T17:00:01+01:00", expected: "1s"),
        // A whole week (Monday to Monday) is 5 × 8 h.
        .init(why: "whole week", from: "2026-03-02T00:00:00+01:00", to: "2026-03-09T00:00:00+01:00", expected: "1d16h"),
        // Lunch does not count.
        .init(why: "over lunch", from: "2026-03-02T11:00:00+01:00", to: "2026-03-02T14:00:00+01:00", expected: "2h"),
        // A weekend alone counts nothing.
        .init(why: "weekend", from: "2026-03-06T17:00:00+01:00", to: "2026-03-09T08:00:00+01:00", expected: "0s"),
        // Holidays count nothing: Christmas week 2026 has Mon, Tue, Wed open (24, 25 closed).
        .init(why: "Christmas week", from: "2026-12-21T00:00:00+01:00", to: "2026-12-28T00:00:00+01:00", expected: "1d"),
        // The whole of 2026: 261 weekdays minus two holidays on weekdays = 259 × 8 h.
        .init(why: "year 2026", from: "2026-01-01T00:00:00+01:00", to: "2027-01-01T00:00:00+01:00", expected: "86d8h"),
        // Ten years span many DST changes and holidays: 2,595 open days × 8 h (counted independently).
        .init(why: "2020-2030 across DST", from: "2020-01-01T00:00:00+01:00", to: "2030-01-01T00:00:00+01:00", expected: "865d"),
    ]

    @Test("elapsed cases on the office calendar", arguments: cases)
    func elapsed(_ c: Case) {
        #expect(Calendars.berlinOffice.elapsed(from: at(c.from), to: at(c.to)) == dur(c.expected), "\(c.why)")
    }

    @Test("ten years equal the sum of their days")
    func tenYearsDayByDay() {
        // Summing day by day never skips a week, so it checks the week-skipping path.
        var total = BusinessDuration.zero
        var day = at("2020-01-01T00:00:00Z")
        let end = at("2030-01-01T00:00:00Z")
        while day < end {
            total = total + Calendars.berlinOffice.elapsed(from: day, to: day.advanced(by: 86_400))
            day = day.advanced(by: 86_400)
        }
        #expect(total == Calendars.berlinOffice.elapsed(from: at("2020-01-01T00:00:00Z"), to: end))
    }

    @Test("isOpen, nextOpening and localDate")
    func queries() throws {
        let office = Calendars.berlinOffice
        // Open at 08:00, closed at 12:00 (half-open intervals).
        #expect(office.isOpen(at: at("2026-03-02T08:00:00+01:00")))
        #expect(!office.isOpen(at: at("2026-03-02T12:00:00+01:00")))
        // Closed on a yearly holiday.
        // Monday 2027-12-27 is open again.
        #expect(office.isOpen(at: at("2027-12-27T10:00:00+01:00")))
        #expect(!office.isOpen(at: at("2026-12-25T10:00:00+01:00")))
        #expect(try office.nextOpening(atOrAfter: at("2026-03-02T12:00:00+01:00")) == at("2026-03-02T13:00:00+01:00"))
        #expect(office.localDate(at: at("2026-03-01T23:30:00Z")) == (try LocalDate(parsing: "2026-03-02")))
    }
}
