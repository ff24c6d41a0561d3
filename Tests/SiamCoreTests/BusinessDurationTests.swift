import Testing

@testable import SiamCore

@Suite("BusinessDuration")
struct BusinessDurationTests {
    @Test(
        "parses and prints canonically",
        arguments: [
            // Seconds only; 90 s is printed as minutes and seconds.
            ("90s", 90, "1m30s"),
            ("15m", 900, "15m"),
            ("4h", 14_400, "4h"),
            // A day is 24 hours of business time, not one working day.
            ("3d", 259_200, "3d"),
            ("3h30m", 12_600, "3h30m"),
            ("1d2h3m4s", 93_784, "1d2h3m4s"),
            // Zero is written 0s.
            ("0s", 0, "0s"),
            ("0h", 0, "0s"),
            // Large per-unit numbers are normalised.
            ("36h", 129_600, "1d12h"),
            ("1d", 86_400, "1d"),
        ])
    func parses(text: String, seconds: Int64, canonical: String) throws {
        let duration = try BusinessDuration(parsing: text)
        #expect(duration.seconds == seconds)
        #expect(duration.description == canonical)
        #expect(try BusinessDuration(parsing: canonical) == duration)
    }

    @Test(
        "rejects malformed durations with one-line messages",
        arguments: [
            ("", "invalid duration '': empty; expected a number followed by d, h, m or s, e.g. 3h30m"),
            ("-5m", "invalid duration '-5m': durations cannot be negative"),
            ("5x", "invalid duration '5x': unknown unit 'x'; expected a number followed by d, h, m or s, e.g. 3h30m"),
            ("5", "invalid duration '5': missing unit after the last number; expected a number followed by d, h, m or s, e.g. 3h30m"),
            ("h", "invalid duration 'h': missing number before 'h'; expected a number followed by d, h, m or s, e.g. 3h30m"),
            ("30m3h", "invalid duration '30m3h': units must appear once each, in the order d, h, m, s"),
            ("1h1h", "invalid duration '1h1h': units must appear once each, in the order d, h, m, s"),
            ("3h 30m", "invalid duration '3h 30m': unknown unit ' '; expected a number followed by d, h, m or s, e.g. 3h30m"),
            ("1.5h", "invalid duration '1.5h': unknown unit '.'; expected a number followed by d, h, m or s, e.g. 3h30m"),
            ("99999999999999999999s", "invalid duration '99999999999999999999s': too large"),
            ("106751991167301d", "invalid duration '106751991167301d': too large"),
            ("106751991167300d1d", "invalid duration '106751991167300d1d': units must appear once each, in the order d, h, m, s"),
        ])
    func rejects(text: String, message: String) {
        #expect(throws: TimeParseError(message)) {
            try BusinessDuration(parsing: text)
        }
    }

    @Test("the sum of terms overflowing is reported")
    func overflowOfSum() {
        // 106751991167300 d fits, and so does Int64.max s, but not both together.
        #expect(throws: TimeParseError("invalid duration '106751991167300d9223372036854775807s': too large")) {
            try BusinessDuration(parsing: "106751991167300d9223372036854775807s")
        }
    }

    @Test("negative values print with a sign")
    func negativeDescription() {
        #expect(BusinessDuration(seconds: -90).description == "-1m30s")
        #expect(BusinessDuration(seconds: .min).description.hasPrefix("-"))
    }
}
