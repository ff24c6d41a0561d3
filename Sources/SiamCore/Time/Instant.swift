/// A point in time: whole seconds since 1970-01-01T00:00:00Z, without leap seconds.
///
/// Instants carry no zone; local times only appear through a ``BusinessCalendar``.
/// Sub-second precision is deliberately dropped: SLA clocks count whole seconds.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since the Unix epoch (negative before 1970).
    public var seconds: Int64

    /// Creates the instant `seconds` after the Unix epoch.
    public init(seconds: Int64) {
        self.seconds = seconds
    }

    /// 1970-01-01T00:00:00Z.
    public static let epoch = Instant(seconds: 0)

    /// The earliest instant that can be written in four-digit ISO-8601: 0000-01-01T00:00:00Z.
    public static let earliestSupported = Instant(seconds: -62_167_219_200)

    /// The latest instant that can be written in four-digit ISO-8601: 9999-12-31T23:59:59Z.
    public static let latestSupported = Instant(seconds: 253_402_300_799)

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.seconds < rhs.seconds
    }

    /// The instant `seconds` of real time later (earlier when negative).
    public func advanced(by seconds: Int64) -> Instant {
        Instant(seconds: self.seconds + seconds)
    }

    /// The ISO-8601 form in UTC, e.g. `2016-02-01T12:00:00Z`.
    public var description: String { iso8601 }
}
