// systemd's readiness and watchdog protocol (sd_notify), spoken directly.
//
// Why not libsystemd: the protocol is one datagram of `KEY=VALUE` lines sent to the AF_UNIX
// socket named by `NOTIFY_SOCKET`, documented as a stable interface (sd_notify(3), "Notes").
// Linking libsystemd would add a system library and a pkg-config dependency to every build and
// container image for about fifty lines of socket code, and would tie the daemon to hosts that
// ship it. Speaking the protocol here keeps the dependency list at libpq, and lets the tests
// point the notifier at a socket of their own through an environment dictionary.
//
// Failure handling: a notification that cannot be sent is never fatal. systemd itself decides
// what a missing READY=1 or WATCHDOG=1 means (a start timeout, a watchdog restart); the daemon
// logs the error and carries on.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Sends readiness, status and watchdog notifications to systemd over `NOTIFY_SOCKET`, as a
/// `Type=notify` service must.
///
/// Every call sends one datagram and returns; when `NOTIFY_SOCKET` is absent (the daemon was not
/// started by systemd, or the unit is not `Type=notify`) every call is a no-op.
///
/// Errors are thrown as ``SystemdNotifyError``; the daemon should log them and continue, never
/// stop because of them.
public struct SystemdNotifier: Sendable {
    /// The raw value of `NOTIFY_SOCKET`, or nil when notifications are disabled.
    public let notifySocket: String?

    /// How often systemd expects `WATCHDOG=1`: `WATCHDOG_USEC`, when it is set, positive and meant
    /// for this process (`WATCHDOG_PID` absent or equal to our pid); otherwise nil.
    public let watchdogInterval: Duration?

    /// Whether notifications are sent at all (`NOTIFY_SOCKET` is set and not empty).
    public var isEnabled: Bool { notifySocket != nil }

    /// How often to send `WATCHDOG=1`: half of ``watchdogInterval``, as sd_watchdog_enabled(3)
    /// recommends, so one late ping does not get the service restarted.
    public var watchdogPingInterval: Duration? { watchdogInterval.map { $0 / 2 } }

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    ///
    /// - Parameter environment: the variables to read; by default this process's environment.
    ///   Tests pass their own to point the notifier at a socket they own.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let socket = environment["NOTIFY_SOCKET"], !socket.isEmpty {
            notifySocket = socket
        } else {
            notifySocket = nil
        }
        watchdogInterval = Self.watchdogInterval(in: environment, pid: getpid())
    }

    /// Tells systemd the service is up (`READY=1`), optionally with a status line.
    ///
    /// Also send it again after a reload has finished (see ``reloading()``).
    public func ready(status: String? = nil) throws(SystemdNotifyError) {
        var fields = [("READY", "1")]
        if let status { fields.append(("STATUS", status)) }
        try send(fields)
    }

    /// Feeds the watchdog (`WATCHDOG=1`); send it only after work that proves the loop is alive.
    public func watchdog() throws(SystemdNotifyError) {
        try send([("WATCHDOG", "1")])
    }

    /// Tells systemd the service is shutting down (`STOPPING=1`).
    public func stopping() throws(SystemdNotifyError) {
        try send([("STOPPING", "1")])
    }

    /// Tells systemd a reload has begun: `RELOADING=1` with `MONOTONIC_USEC`, the
    /// `CLOCK_MONOTONIC` time in microseconds, which systemd 253 and later require for
    /// `Type=notify-reload` (older versions ignore it). Send ``ready(status:)`` when it is done.
    public func reloading() throws(SystemdNotifyError) {
        try send([("RELOADING", "1"), ("MONOTONIC_USEC", String(Self.monotonicMicroseconds()))])
    }

    /// Sets the one-line status that `systemctl status` shows (`STATUS=...`).
    public func status(_ text: String) throws(SystemdNotifyError) {
        try send([("STATUS", text)])
    }

    /// Sends `fields` as one datagram of `KEY=VALUE` lines, in the order given.
    ///
    /// A newline in a value would start a new assignment, so newlines in values are replaced by
    /// spaces. A key must be non-empty and contain neither `=` nor a newline.
    /// Does nothing when ``isEnabled`` is false.
    public func send(_ fields: [(String, String)]) throws(SystemdNotifyError) {
        guard let notifySocket else { return }
        guard !fields.isEmpty else { throw SystemdNotifyError("nothing to send to systemd") }
        var lines: [String] = []
        for (key, value) in fields {
            guard !key.isEmpty, !key.contains("="), !key.contains("\n") else {
                throw SystemdNotifyError("invalid systemd notification key \"\(key)\"")
            }
            lines.append(key + "=" + value.replacingOccurrences(of: "\n", with: " "))
        }
        try Self.sendDatagram(Array(lines.joined(separator: "\n").utf8), to: notifySocket)
    }

    // MARK: - Environment

    static func watchdogInterval(in environment: [String: String], pid: pid_t) -> Duration? {
        // As sd_watchdog_enabled(3): a WATCHDOG_PID naming another process (the variable was
        // inherited by a child) disables the watchdog for us.
        if let watchdogPID = environment["WATCHDOG_PID"] {
            guard let parsed = pid_t(watchdogPID), parsed == pid else { return nil }
        }
        guard let text = environment["WATCHDOG_USEC"], let micros = Int64(text), micros > 0 else {
            return nil
        }
        return .microseconds(micros)
    }

    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    // MARK: - Socket

    private static func sendDatagram(_ payload: [UInt8], to socketName: String) throws(SystemdNotifyError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
        var name = Array(socketName.utf8)
        let length: Int
        switch name.first {
        case UInt8(ascii: "/"):
            // A filesystem path, NUL-terminated inside sun_path.
            guard name.count < capacity else {
                throw SystemdNotifyError("NOTIFY_SOCKET path is too long: \(socketName)")
            }
            length = pathOffset + name.count + 1
        case UInt8(ascii: "@"):
            // An abstract socket: a leading NUL, then the name, no terminator; the length counts.
            name[0] = 0
            guard name.count <= capacity else {
                throw SystemdNotifyError("NOTIFY_SOCKET abstract name is too long: \(socketName)")
            }
            length = pathOffset + name.count
        default:
            throw SystemdNotifyError("unsupported NOTIFY_SOCKET address: \(socketName)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: name) }

        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw SystemdNotifyError("cannot create a socket for systemd: \(Self.lastError())")
        }
        defer { close(descriptor) }

        // MSG_DONTWAIT: if systemd stops reading its socket, a full queue must not hang the
        // coordination loop; the ping is then reported as an error and the next one retried.
        // MSG_NOSIGNAL: a vanished peer must not raise SIGPIPE.
        let flags = Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)
        var sent = -1
        repeat {
            sent = withUnsafePointer(to: &address) { addressPointer in
                addressPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    payload.withUnsafeBytes { bytes in
                        sendto(descriptor, bytes.baseAddress, bytes.count, flags, socketAddress, socklen_t(length))
                    }
                }
            }
        } while sent < 0 && errno == EINTR
        guard sent >= 0 else {
            throw SystemdNotifyError("cannot notify systemd at \(socketName): \(Self.lastError())")
        }
        guard sent == payload.count else {
            throw SystemdNotifyError("systemd notification to \(socketName) was truncated")
        }
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}

/// A notification could not be sent to systemd. Log it and continue: systemd judges a missing
/// notification by itself (start timeout, watchdog restart).
public struct SystemdNotifyError: Error, CustomStringConvertible, Sendable, Equatable {
    /// One line saying what failed and why.
    public let description: String

    init(_ description: String) { self.description = description }
}
