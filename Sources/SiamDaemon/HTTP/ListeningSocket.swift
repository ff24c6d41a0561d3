#if canImport(Glibc)
import Glibc
#endif

/// Opens the server's listening TCP socket: non-blocking, close-on-exec, SO_REUSEADDR.
enum ListeningSocket {
    /// Binds and listens on `address`; returns the descriptor and the port actually bound.
    ///
    /// The backlog is generous because connections are served one at a time: a burst beyond it
    /// would have its SYNs dropped and retried a second later.
    ///
    /// SO_REUSEADDR lets a restarted daemon bind while connections of the previous one sit in
    /// TIME_WAIT; on Linux it still refuses a port that another socket listens on.
    ///
    /// - Throws: ``MetricsServerError``: "cannot listen on ADDRESS: REASON".
    static func open(_ address: HTTPAddress, backlog: Int32 = 64) throws(MetricsServerError) -> (descriptor: Int32, port: UInt16) {
        func failure(_ code: Int32) -> MetricsServerError {
            MetricsServerError("cannot listen on \(address): \(SocketWait.describe(code))")
        }
        let isIPv6 = address.host.contains(":")
        let family = isIPv6 ? AF_INET6 : AF_INET
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw failure(errno) }

        var one: Int32 = 1
        var bound: Int32 = -1
        if setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 {
            if isIPv6 {
                var socketAddress = sockaddr_in6()
                socketAddress.sin6_family = sa_family_t(AF_INET6)
                socketAddress.sin6_port = address.port.bigEndian
                _ = inet_pton(AF_INET6, address.host, &socketAddress.sin6_addr)
                bound = withUnsafePointer(to: &socketAddress) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                    }
                }
            } else {
                var socketAddress = sockaddr_in()
                socketAddress.sin_family = sa_family_t(AF_INET)
                socketAddress.sin_port = address.port.bigEndian
                let host = HTTPAddress.isLocalhost(Substring(address.host)) ? "127.0.0.1" : address.host
                _ = inet_pton(AF_INET, host, &socketAddress.sin_addr)
                bound = withUnsafePointer(to: &socketAddress) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
        }
        guard bound == 0, listen(descriptor, backlog) == 0, let port = boundPort(descriptor) else {
            let code = errno
            close(descriptor)
            throw failure(code)
        }
        return (descriptor, port)
    }

    /// The local port of a bound socket, from getsockname(2).
    private static func boundPort(_ descriptor: Int32) -> UInt16? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { return nil }
        return withUnsafePointer(to: &storage) {
            switch Int32($0.pointee.ss_family) {
            case AF_INET: $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            case AF_INET6: $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            default: nil
            }
        }
    }
}
