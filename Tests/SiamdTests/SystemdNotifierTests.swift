import Foundation
import SiamDaemon
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The sd_notify protocol against a real datagram socket standing in for systemd: each test binds
/// its own socket, points the notifier at it through the environment dictionary, and reads back the
/// exact bytes sent (a blocking recv with a timeout, never a sleep).
@Suite struct SystemdNotifierTests {
    @Test func readySendsReadyAndStatusToAFilesystemSocket() throws {
        let systemd = try FakeNotifySocket(abstract: false)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": systemd.name])
        #expect(notifier.isEnabled)
        try notifier.ready()
        #expect(try systemd.receive() == "READY=1")
        try notifier.ready(status: "connected, listening")
        #expect(try systemd.receive() == "READY=1\nSTATUS=connected, listening")
    }

    @Test func eachMethodSendsItsOwnDatagramToAnAbstractSocket() throws {
        let systemd = try FakeNotifySocket(abstract: true)
        #expect(systemd.name.hasPrefix("@"))
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": systemd.name])
        try notifier.ready(status: "up")
        try notifier.watchdog()
        try notifier.status("3 incidents due")
        try notifier.stopping()
        try notifier.send([("ERRNO", "5"), ("BUSERROR", "x")])
        #expect(try systemd.receive() == "READY=1\nSTATUS=up")
        #expect(try systemd.receive() == "WATCHDOG=1")
        #expect(try systemd.receive() == "STATUS=3 incidents due")
        #expect(try systemd.receive() == "STOPPING=1")
        #expect(try systemd.receive() == "ERRNO=5\nBUSERROR=x")
    }

    @Test func reloadingCarriesTheMonotonicClockInMicroseconds() throws {
        let systemd = try FakeNotifySocket(abstract: false)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": systemd.name])
        let before = monotonicMicroseconds()
        try notifier.reloading()
        let after = monotonicMicroseconds()
        let lines = try systemd.receive().split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first == "RELOADING=1")
        let last = try #require(lines.last)
        #expect(last.hasPrefix("MONOTONIC_USEC="))
        let stamp = try #require(UInt64(last.dropFirst("MONOTONIC_USEC=".count)))
        #expect(before <= stamp && stamp <= after)
    }

    @Test func newlinesInValuesCannotStartANewAssignment() throws {
        let systemd = try FakeNotifySocket(abstract: false)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": systemd.name])
        try notifier.status("line one\nREADY=1")
        #expect(try systemd.receive() == "STATUS=line one READY=1")
    }

    @Test func invalidKeysAndEmptyMessagesAreRefused() throws {
        let systemd = try FakeNotifySocket(abstract: false)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": systemd.name])
        #expect(throws: SystemdNotifyError.self) { try notifier.send([("A=B", "1")]) }
        #expect(throws: SystemdNotifyError.self) { try notifier.send([("", "1")]) }
        #expect(throws: SystemdNotifyError.self) { try notifier.send([]) }
    }

    @Test func withoutNotifySocketEveryCallIsANoOp() throws {
        for environment in [[:], ["NOTIFY_SOCKET": ""]] {
            let notifier = SystemdNotifier(environment: environment)
            #expect(!notifier.isEnabled)
            #expect(notifier.notifySocket == nil)
            try notifier.ready(status: "up")
            try notifier.watchdog()
            try notifier.reloading()
            try notifier.stopping()
            try notifier.send([])
        }
    }

    @Test func sendErrorsAreThrownWithAOneLineDescription() throws {
        // No socket bound at this path: ENOENT.
        let missing = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/siamd-notify"])
        let error = try #require(throws: SystemdNotifyError.self) { try missing.ready() }
        #expect(error.description.contains("/nonexistent/siamd-notify"))
        #expect(!error.description.contains("\n"))
        // vsock and other addresses are not supported.
        let vsock = SystemdNotifier(environment: ["NOTIFY_SOCKET": "vsock:2:1234"])
        #expect(throws: SystemdNotifyError.self) { try vsock.watchdog() }
        // Longer than sun_path.
        let long = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 200)])
        #expect(throws: SystemdNotifyError.self) { try long.watchdog() }
    }

    @Test(arguments: [
        // Set, no WATCHDOG_PID: meant for us.
        WatchdogCase(usec: "30000000", pid: nil, expected: .seconds(30)),
        // WATCHDOG_PID is our pid.
        WatchdogCase(usec: "500000", pid: .own, expected: .milliseconds(500)),
        // WATCHDOG_PID names another process (inherited from a parent): not ours.
        WatchdogCase(usec: "30000000", pid: .other, expected: nil),
        // WATCHDOG_PID unparsable: ignored like libsystemd does, as an error.
        WatchdogCase(usec: "30000000", pid: .text("self"), expected: nil),
        // Absent.
        WatchdogCase(usec: nil, pid: nil, expected: nil),
        // Zero disables the watchdog.
        WatchdogCase(usec: "0", pid: nil, expected: nil),
        // Not a number, negative.
        WatchdogCase(usec: "30s", pid: nil, expected: nil),
        WatchdogCase(usec: "-5", pid: nil, expected: nil),
    ])
    func watchdogIntervalComesFromWatchdogUsec(_ testCase: WatchdogCase) {
        var environment: [String: String] = [:]
        if let usec = testCase.usec { environment["WATCHDOG_USEC"] = usec }
        switch testCase.pid {
        case nil: break
        case .own: environment["WATCHDOG_PID"] = String(getpid())
        case .other: environment["WATCHDOG_PID"] = String(getpid() + 1)
        case .text(let text): environment["WATCHDOG_PID"] = text
        }
        let notifier = SystemdNotifier(environment: environment)
        #expect(notifier.watchdogInterval == testCase.expected)
        #expect(notifier.watchdogPingInterval == testCase.expected.map { $0 / 2 })
    }

    @Test func pingIntervalIsHalfTheWatchdogInterval() {
        let notifier = SystemdNotifier(environment: ["WATCHDOG_USEC": "20000000"])
        #expect(notifier.watchdogPingInterval == .seconds(10))
        // The watchdog does not need NOTIFY_SOCKET to be parsed, but pings are then no-ops.
        #expect(!notifier.isEnabled)
    }
}

extension SystemdNotifierTests {
    struct WatchdogCase: Sendable, CustomTestStringConvertible {
        enum PID: Sendable { case own, other, text(String) }
        let usec: String?
        let pid: PID?
        let expected: Duration?

        var testDescription: String { "WATCHDOG_USEC=\(usec ?? "-") WATCHDOG_PID=\(pid.map { "\($0)" } ?? "-")" }
    }

    /// A bound AF_UNIX datagram socket playing systemd's part: a filesystem path (under /tmp,
    /// short enough for sun_path) or an abstract name (`@name`). Written independently of the
    /// notifier's own address code, so that a mistake there cannot cancel itself out here.
    final class FakeNotifySocket {
        /// The value for NOTIFY_SOCKET.
        let name: String
        private let descriptor: Int32
        private let path: String?

        init(abstract: Bool) throws {
            let unique = "siamd-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw SocketError("socket: \(String(cString: strerror(errno)))") }

            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes: [UInt8]
            if abstract {
                name = "@" + unique
                path = nil
                bytes = [0] + Array(unique.utf8)
            } else {
                let file = "/tmp/" + unique + ".sock"
                name = file
                path = file
                bytes = Array(file.utf8) + [0]
            }
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
            // sun_family (2 bytes) then the name; an abstract name's length is exactly its bytes.
            let length = socklen_t(2 + bytes.count)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
            }
            guard bound == 0 else {
                close(descriptor)
                throw SocketError("bind \(name): \(String(cString: strerror(errno)))")
            }
            // recv gives up after 5 s rather than hanging the suite if nothing is sent.
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit {
            close(descriptor)
            if let path { unlink(path) }
        }

        /// The next datagram, exactly as sent.
        func receive() throws -> String {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count >= 0 else { throw SocketError("recv: \(String(cString: strerror(errno)))") }
            return String(decoding: buffer[..<count], as: UTF8.self)
        }
    }

    struct SocketError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

private func monotonicMicroseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
}
