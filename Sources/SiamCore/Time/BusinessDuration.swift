/// An amount of business time, in whole seconds.
///
/// Business time is real time that elapses while a ``BusinessCalendar`` is open and the clock
/// is not paused. A *day* of business time (`1d`) is **24 hours (86,400 s) of business time**,
/// not "one business day": on a `mon-fri 08:00-17:00` calendar `1d` therefore spans a little
/// under three working days. This keeps durations independent of any calendar (a target's
/// duration can be stored and compared without knowing its calendar). Write `27h` or `3d3h`
/// explicitly when that is what an SLA means by "3 business days of 9 h".
public struct BusinessDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Whole seconds of business time. Values built by parsing are never negative; values built
    /// with ``init(seconds:)`` are taken as given and checked where they are used.
    public var seconds: Int64

    /// Creates a duration of `seconds` seconds of business time.
    public init(seconds: Int64) {
        self.seconds = seconds
    }

    /// No business time.
    public static let zero = BusinessDuration(seconds: 0)

    public static func < (lhs: BusinessDuration, rhs: BusinessDuration) -> Bool {
        lhs.seconds < rhs.seconds
    }

    /// The sum of two durations.
    public static func + (lhs: BusinessDuration, rhs: BusinessDuration) -> BusinessDuration {
        BusinessDuration(seconds: lhs.seconds + rhs.seconds)
    }

    /// The difference of two durations (may be negative).
    public static func - (lhs: BusinessDuration, rhs: BusinessDuration) -> BusinessDuration {
        BusinessDuration(seconds: lhs.seconds - rhs.seconds)
    }

    /// The canonical text: units `d`, `h`, `m`, `s` in decreasing order, zero units left out,
    /// e.g. `3h30m`, `1d`, `1d2h3m4s`; no time at all is `0s`. Negative values get a leading `-`
    /// (they cannot be parsed back: they are only ever printed in error messages).
    public var description: String {
        if seconds == 0 { return "0s" }
        var out = seconds < 0 ? "-" : ""
        // Int64.min has no positive counterpart; its magnitude still fits in UInt64.
        var rest = seconds.magnitude
        for (unit, size) in BusinessDuration.units {
            let count = rest / size
            if count > 0 {
                out += "\(count)\(unit)"
                rest -= count * size
            }
        }
        return out
    }

    /// The units in decreasing order with their size in seconds.
    static let units: [(Character, UInt64)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
}
