#if canImport(Glibc)
import Glibc
#endif

/// poll(2) on one socket and the server's wake-up pipe, with a deadline; and the small fcntl and
/// errno chores around it.
enum SocketWait {
    /// How a wait ended.
    enum Outcome: Equatable {
        /// The socket is ready (or has an error or hang-up, which the next call will report).
        case ready
        /// stop() was called.
        case woken
        case timedOut
        /// poll itself failed or a descriptor is invalid; give up on the connection.
        case failed
    }

    /// Waits until `descriptor` has `events`, the wake-up pipe is readable, or `deadline` passes
    /// (nil: no deadline).
    static func wait(
        for events: Int32, on descriptor: Int32, orWake wakeDescriptor: Int32, until deadline: ContinuousClock.Instant?
    ) -> Outcome {
        var entries = [
            pollfd(fd: descriptor, events: Int16(events), revents: 0),
            pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let timeout = deadline.map { milliseconds(until: $0) } ?? -1
            let ready = poll(&entries, 2, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return .failed
            }
            if entries[1].revents != 0 { return .woken }
            let revents = Int32(entries[0].revents)
            if revents & Int32(POLLNVAL) != 0 { return .failed }
            if revents != 0 { return .ready }
            if let deadline, ContinuousClock.now >= deadline { return .timedOut }
        }
    }

    /// The time left until `deadline` as a poll(2) timeout, rounded up so that poll does not
    /// return just before it.
    static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds * 1_000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }

    /// Makes `descriptor` non-blocking and close-on-exec; false (errno set) on failure.
    static func makeNonBlockingAndCloseOnExec(_ descriptor: Int32) -> Bool {
        let flags = fcntl(descriptor, F_GETFL)
        return flags >= 0 && fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0
            && fcntl(descriptor, F_SETFD, FD_CLOEXEC) == 0
    }

    /// strerror(3) of `code`, e.g. "Address already in use".
    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
