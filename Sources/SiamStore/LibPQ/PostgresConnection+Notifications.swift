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

    /// Waits until a notification arrives or the timeout passes, sleeping on the
    /// connection's socket (`poll`), never in a loop.
    ///
    /// - Returns: the notifications received (possibly several), or none on timeout.
    public func waitForNotifications(timeout: Duration) throws -> [Notification] {
        var received = drainNotifications()
        if !received.isEmpty { return received }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while received.isEmpty {
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { break }
            let (seconds, attoseconds) = left.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw DatabaseError(kind: .connectionLost, message: "waiting on the database connection failed: \(String(cString: strerror(errno)))")
            }
            if ready == 0 { break }
            try consumeInput()
            received = drainNotifications()
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
