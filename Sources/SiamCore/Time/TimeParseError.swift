/// A failure to read an instant or a duration from text.
///
/// The message is one line and names the offending text, e.g.
/// `invalid duration '3x': expected a number followed by d, h, m or s, e.g. 3h30m`.
public struct TimeParseError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The one-line message, suitable for printing as is.
    public let message: String

    /// Creates an error with a one-line message.
    public init(_ message: String) {
        self.message = message
    }

    /// The one-line message.
    public var description: String { message }
}
