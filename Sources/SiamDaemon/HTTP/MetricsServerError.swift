/// The metrics server could not start.
public struct MetricsServerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// One line saying what failed and why, e.g. "cannot listen on 127.0.0.1:9464: Address
    /// already in use".
    public let description: String

    init(_ description: String) { self.description = description }
}
