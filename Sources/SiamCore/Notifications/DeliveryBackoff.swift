/// When a failed webhook delivery is tried again, and when it is given up: exponential
/// backoff with jitter, up to a maximum age. Pure: the caller passes the random draw.
public struct DeliveryBackoff: Sendable, Equatable {
    /// The delay after the first failed attempt, in seconds.
    public var baseSeconds: Int
    /// The longest delay between two attempts, in seconds.
    public var maxDelaySeconds: Int
    /// How long after it was recorded (or retried by a person) a notification is still tried;
    /// then it fails with its last error.
    public var maxAgeSeconds: Int

    public init(baseSeconds: Int = 5, maxDelaySeconds: Int = 3600, maxAgeSeconds: Int = 24 * 3600) {
        self.baseSeconds = max(1, baseSeconds)
        self.maxDelaySeconds = max(self.baseSeconds, maxDelaySeconds)
        self.maxAgeSeconds = max(0, maxAgeSeconds)
    }

    public enum Decision: Sendable, Equatable {
        /// Try again in that many seconds.
        case retry(inSeconds: Int)
        /// Past its maximum age (or would be before the next try): failed.
        case giveUp
    }

    /// After failed attempt number `attempt` (1 = the first) of a notification `ageSeconds`
    /// old. `jitter` in [0, 1) spreads the retries of many notifications: the delay is between
    /// half and all of base × 2^(attempt−1), capped at the maximum delay, at least a second.
    public func afterFailure(attempt: Int, ageSeconds: Int, jitter: Double) -> Decision {
        let exponent = min(max(attempt - 1, 0), 30)
        let full = min(Double(maxDelaySeconds), Double(baseSeconds) * Double(1 << exponent))
        let spread = min(max(jitter, 0), 1)
        let delay = max(1, Int((full * (0.5 + 0.5 * spread)).rounded(.up)))
        return ageSeconds + delay > maxAgeSeconds ? .giveUp : .retry(inSeconds: delay)
    }
}
