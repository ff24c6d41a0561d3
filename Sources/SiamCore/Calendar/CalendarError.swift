/// A calendar that cannot be built or used: malformed text, invalid hours or holidays,
/// an unknown zone, a negative duration, or a deadline that cannot be reached.
///
/// The message is one line, names the offending text or value and, where it helps, says
/// what to write instead; it is meant to be printed as is by the CLI.
public struct CalendarError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The one-line message.
    public let message: String

    /// Creates an error with a one-line message.
    public init(_ message: String) {
        self.message = message
    }

    /// The one-line message.
    public var description: String { message }

    /// The same error with a prefix naming the text it came from, e.g. `invalid hours 'SPEC': …`.
    func prefixed(_ prefix: String) -> CalendarError {
        CalendarError("\(prefix): \(message)")
    }
}
