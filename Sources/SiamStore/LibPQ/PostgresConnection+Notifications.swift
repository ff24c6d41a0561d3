import CLibPQ
import Foundation

extension PostgresConnection {
    /// Starts listening on a channel; the name is quoted by libpq.
    public func listen(_ channel: String) throws {
        try query("LISTEN " + quoteIdentifier(channel))
    }

    /// Stops listening on a channel.
    public func unlisten(_ channel: String) throws {
        try query("UNLISTEN " + quoteIdentifier(channel))
    }

    /// Waits until a notification arrives, the timeout passes, or `alsoWatching` (e.g. a
    /// signal's self-pipe) becomes readable — sleeping in `poll`, never in a loop.
    ///
    /// - Returns: the notifications received (possibly several), or none on timeout, signal or
    ///   a readable `alsoWatching`.
    public func waitForNotifications(timeout: Duration, alsoWatching extra: [Int32] = []) throws -> [Notification] {
        var received = drainNotifications()
        if !received.isEmpty { return received }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while received.isEmpty {
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { break }
            let (seconds, attoseconds) = left.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            var descriptors = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0)]
            descriptors += extra.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
            if ready < 0 {
                // A signal: let the caller look at what it asks for.
                if errno == EINTR { break }
                throw DatabaseError(kind: .connectionLost, message: "waiting on the database connection failed: \(String(cString: strerror(errno)))")
            }
            if ready == 0 { break }
            if descriptors[0].revents != 0 {
                try consumeInput()
                received = drainNotifications()
            }
            if descriptors.dropFirst().contains(where: { $0.revents != 0 }) { break }
        }
        return received
    }

    private func drainNotifications() -> [Notification] {
        var received: [Notification] = []
        while let notification = nextNotification() {
            received.append(notification)
        }
        return received
    }
}
