// The value of `siamd run --http`: where the metrics endpoint listens.
//
// Why IP literals and `localhost` only: the endpoint is meant for a local Prometheus agent or a
// sidecar, so there is nothing to resolve, and resolving a name at start-up would make the
// address a daemon binds depend on /etc/hosts or DNS. `localhost` binds 127.0.0.1 (not ::1),
// so it means the same on every host. Any IP literal is accepted (0.0.0.0 for a container whose
// port is published), but the endpoint has no authentication: prefer loopback.

#if canImport(Glibc)
import Glibc
#endif

/// `host:port` for --http: an IPv4 literal (`127.0.0.1:9464`), a bracketed IPv6 literal
/// (`[::1]:9464`) or `localhost:PORT`; port 0 means any free port.
public struct HTTPAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host as written, without brackets: "127.0.0.1", "::1" or "localhost".
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`.
    ///
    /// - Throws: ``HTTPAddressError``, one line naming what is wrong.
    public init(parsing text: String) throws(HTTPAddressError) {
        func fail(_ reason: String) -> HTTPAddressError {
            HTTPAddressError("invalid HTTP address \(text.debugDescription): \(reason)")
        }
        guard !text.isEmpty else { throw fail("expected host:port, e.g. 127.0.0.1:9464") }

        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw fail("missing \"]\" after the IPv6 address") }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw fail("expected \":\" and a port after \"]\", e.g. [::1]:9464") }
            guard Self.isIPv6(host) else { throw fail("\(String(host).debugDescription) is not an IPv6 address") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw fail("missing \":\" and a port, e.g. 127.0.0.1:9464") }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else { throw fail("an IPv6 address needs brackets, e.g. [::1]:9464") }
            guard !host.isEmpty else { throw fail("missing host before \":\", e.g. 127.0.0.1:9464") }
            guard Self.isLocalhost(host) || Self.isIPv4(host) else {
                throw fail("host \(String(host).debugDescription) is not an IPv4 address, a bracketed IPv6 address or localhost")
            }
        }

        guard !portText.isEmpty else { throw fail("missing port after \":\"") }
        guard portText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw fail("port \(String(portText).debugDescription) is not a number")
        }
        guard portText.count <= 5, let port = UInt16(portText) else {
            throw fail("port \(portText) is out of range (0-65535)")
        }
        self.init(host: String(host), port: port)
    }

    /// `host:port`, with IPv6 hosts in brackets: "127.0.0.1:9464", "[::1]:9464".
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    static func isLocalhost(_ host: Substring) -> Bool {
        host.lowercased() == "localhost"
    }

    /// Dotted-quad only: inet_pton(3) refuses "127.1", octal and hex forms.
    static func isIPv4(_ host: Substring) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, String(host), &address) == 1
    }

    static func isIPv6(_ host: Substring) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, String(host), &address) == 1
    }
}

/// An --http value that is not `host:port`.
public struct HTTPAddressError: Error, CustomStringConvertible, Sendable, Equatable {
    /// One line naming the input and what is wrong with it.
    public let description: String

    init(_ description: String) { self.description = description }
}
