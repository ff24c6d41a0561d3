import Foundation
import Synchronization
import Testing

@testable import SiamDaemon

#if canImport(Glibc)
import Glibc
#endif

/// The metrics endpoint over real loopback sockets: routes, status codes, hostile clients, and
/// start-up errors; plus the --http address syntax.
///
/// The server serves on a thread of its own and the test talks to it with plain blocking calls
/// (each bounded by a 5 s socket timeout), so nothing here waits on the cooperative pool.
@Suite struct MetricsServerTests {
    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    // MARK: Routes

    @Test func metricsAreServedWithTheExpositionContentType() throws {
        let metrics = DaemonMetrics()
        metrics.passFailed()
        let server = try startServer(metrics: metrics)
        defer { server.stop() }

        let response = try exchange(server.port, "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(response.status == 200)
        #expect(response.statusLine == "HTTP/1.1 200 OK")
        #expect(response.headers["content-type"] == Self.metricsContentType)
        #expect(response.headers["content-length"] == String(response.body.utf8.count))
        #expect(response.headers["connection"] == "close")
        #expect(response.headers["date"]?.hasSuffix(" GMT") == true)
        #expect(response.body.contains("\nsiamd_pass_failures_total 1\n"))
        #expect(response.body == metrics.render())
    }

    @Test(arguments: [
        // The query string is ignored.
        "/metrics?x=1",
        "/metrics?",
        // So is a fragment, and an absolute-form target names the same path.
        "/metrics#top",
        "http://127.0.0.1/metrics",
        "HTTP://localhost:9464/metrics?name[]=siamd_due_items",
    ])
    func metricsAreFoundWhateverTheQuery(_ target: String) throws {
        let server = try startServer()
        defer { server.stop() }
        let response = try exchange(server.port, "GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.status == 200)
        #expect(response.body.contains("# TYPE siamd_passes_total counter\n"))
    }

    @Test(arguments: [
        // Healthy: "ok", then the detail if any.
        (true, "", 200, "ok\n"),
        (true, "last pass 2 s ago", 200, "ok\nlast pass 2 s ago\n"),
        // Unhealthy: 503, "unhealthy", then the detail.
        (false, "database unreachable", 503, "unhealthy\ndatabase unreachable\n"),
        (false, "", 503, "unhealthy\n"),
    ])
    func healthzFollowsTheHealthClosure(_ healthy: Bool, _ detail: String, _ status: Int, _ body: String) throws {
        let server = try startServer(health: { (healthy, detail) })
        defer { server.stop() }
        let response = try exchange(server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.status == status)
        #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(response.body == body)
    }

    @Test func healthIsAskedAtEveryRequest() throws {
        let healthy = Mutex(true)
        let server = try startServer(health: { (healthy.withLock { $0 }, "") })
        defer { server.stop() }
        #expect(try exchange(server.port, "GET /healthz HTTP/1.0\r\n\r\n").status == 200)
        healthy.withLock { $0 = false }
        #expect(try exchange(server.port, "GET /healthz HTTP/1.0\r\n\r\n").status == 503)
    }

    @Test(arguments: [
        // Unknown paths, whatever the method.
        ("GET / HTTP/1.1", 404, nil),
        ("GET /metrics/ HTTP/1.1", 404, nil),
        ("GET /METRICS HTTP/1.1", 404, nil),
        ("POST /nope HTTP/1.1", 404, nil),
        ("OPTIONS * HTTP/1.1", 404, nil),
        // Known paths, other methods: 405 with Allow. Methods are case-sensitive.
        ("POST /metrics HTTP/1.1", 405, "GET, HEAD"),
        ("DELETE /healthz HTTP/1.1", 405, "GET, HEAD"),
        ("get /metrics HTTP/1.1", 405, "GET, HEAD"),
        // HTTP/1.0 is answered too.
        ("GET /metrics HTTP/1.0", 200, nil),
    ] as [(String, Int, String?)])
    func otherPathsAndMethodsAreRefused(_ requestLine: String, _ status: Int, _ allow: String?) throws {
        let server = try startServer()
        defer { server.stop() }
        let response = try exchange(server.port, "\(requestLine)\r\nHost: x\r\n\r\n")
        #expect(response.status == status)
        #expect(response.headers["allow"] == allow)
        #expect(response.headers["content-length"] == String(response.body.utf8.count))
        #expect(response.headers["connection"] == "close")
    }

    @Test(arguments: ["/metrics", "/healthz", "/nope"])
    func headIsGetWithoutTheBody(_ path: String) throws {
        let server = try startServer(metrics: DaemonMetrics(startedAtUnix: 1))
        defer { server.stop() }
        let get = try exchange(server.port, "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try exchange(server.port, "HEAD \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(head.status == get.status)
        #expect(head.headers["content-type"] == get.headers["content-type"])
        #expect(head.headers["content-length"] == String(get.body.utf8.count))
        #expect(head.body == "")
    }

    // MARK: Hostile clients

    @Test(arguments: [
        // Not HTTP at all.
        ("hello\r\n\r\n", 400),
        ("\u{0}\u{1}\u{FF}binary\r\n\r\n", 400),
        // HTTP/0.9 style, no version.
        ("GET /metrics\r\n\r\n", 400),
        // Two spaces, a tab, a missing target.
        ("GET  /metrics HTTP/1.1\r\n\r\n", 400),
        ("GET\t/metrics HTTP/1.1\r\n\r\n", 400),
        ("GET HTTP/1.1\r\n\r\n", 400),
        // A target that is not a path.
        ("GET metrics HTTP/1.1\r\n\r\n", 400),
        ("GET ftp://x/metrics HTTP/1.1\r\n\r\n", 400),
        // Bad versions; another major version is 505.
        ("GET /metrics HTTP/1\r\n\r\n", 400),
        ("GET /metrics http/1.1\r\n\r\n", 400),
        ("GET /metrics HTTP/2.0\r\n\r\n", 505),
        // A method with a non-token character.
        ("G(T /metrics HTTP/1.1\r\n\r\n", 400),
        // Header lines without a name, without a colon, or folded.
        ("GET /metrics HTTP/1.1\r\n: x\r\n\r\n", 400),
        ("GET /metrics HTTP/1.1\r\nno colon\r\n\r\n", 400),
        ("GET /metrics HTTP/1.1\r\nA: b\r\n  folded\r\n\r\n", 400),
        ("GET /metrics HTTP/1.1\r\nBad Name: x\r\n\r\n", 400),
        // A carriage return that does not end a line.
        ("GET /metrics HTTP/1.1\rX: y\r\n\r\n", 400),
    ])
    func malformedRequestsGet400AndTheServerCarriesOn(_ request: String, _ status: Int) throws {
        let server = try startServer()
        defer { server.stop() }
        let response = try exchange(server.port, request)
        #expect(response.status == status)
        #expect(response.headers["connection"] == "close")
        #expect(try exchange(server.port, "GET /metrics HTTP/1.1\r\n\r\n").status == 200)
    }

    @Test func leadingEmptyLinesAndBareLineFeedsAreAccepted() throws {
        let server = try startServer()
        defer { server.stop() }
        #expect(try exchange(server.port, "\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
        #expect(try exchange(server.port, "GET /healthz HTTP/1.1\nHost: x\n\n").status == 200)
    }

    @Test func aClientThatStopsSendingMidwayGets400() throws {
        let server = try startServer()
        defer { server.stop() }
        let response = try exchange(server.port, "GET /metrics HTTP/1.1\r\nHost: x\r\n", halfClose: true)
        #expect(response.status == 400)
        #expect(response.body == "bad request: incomplete request head\n")
        // Connecting and closing without a byte gets no response at all.
        #expect(try exchange(server.port, "", halfClose: true).raw.isEmpty)
        #expect(try exchange(server.port, "GET /metrics HTTP/1.1\r\n\r\n").status == 200)
    }

    @Test func aHeadUpToEightKibibytesIsServedAndOneByteMoreGets431() throws {
        let server = try startServer()
        defer { server.stop() }
        func request(headLength: Int) -> String {
            let start = "GET /metrics HTTP/1.1\r\nX-Pad: "
            let end = "\r\n\r\n"
            return start + String(repeating: "a", count: headLength - start.utf8.count - end.utf8.count) + end
        }
        #expect(request(headLength: 8192).utf8.count == 8192)
        #expect(try exchange(server.port, request(headLength: 8192)).status == 200)

        let tooLarge = try exchange(server.port, request(headLength: 8193))
        #expect(tooLarge.status == 431)
        #expect(tooLarge.statusLine == "HTTP/1.1 431 Request Header Fields Too Large")
        // Far larger, and never ending: answered as soon as the limit is passed.
        let endless = try exchange(server.port, "GET /metrics HTTP/1.1\r\n" + String(repeating: "X-A: b\r\n", count: 4_000))
        #expect(endless.status == 431)
        #expect(try exchange(server.port, "GET /metrics HTTP/1.1\r\n\r\n").status == 200)
    }

    @Test func aSilentClientHoldsTheServerOnlyUntilTheReadDeadline() throws {
        let readTimeout = Duration.milliseconds(300)
        let server = try startServer(readTimeout: readTimeout)
        defer { server.stop() }
        let clock = ContinuousClock()
        let started = clock.now
        let silent = try TestClient(port: server.port)
        defer { silent.close() }

        let response = try exchange(server.port, "GET /metrics HTTP/1.1\r\n\r\n")
        #expect(response.status == 200)
        // Served only once the silent client's deadline passed (connections are served in turn).
        #expect(clock.now - started >= readTimeout)
        // And the silent client was told why it was dropped.
        #expect(try HTTPResult(silent.readToEnd()).status == 408)
    }

    @Test func aClientThatResetsTheConnectionDoesNotHurtTheServer() throws {
        let server = try startServer()
        defer { server.stop() }
        // Send a request and reset at once: the server's write then fails with EPIPE or
        // ECONNRESET, which must not raise SIGPIPE in this process.
        for _ in 0..<10 {
            let client = try TestClient(port: server.port)
            try client.send(Array("GET /metrics HTTP/1.1\r\n\r\n".utf8))
            client.reset()
        }
        #expect(try exchange(server.port, "GET /metrics HTTP/1.1\r\n\r\n").status == 200)
    }

    // MARK: Life cycle

    @Test func stopEndsAWaitingConnectionAtOnceAndIsIdempotent() throws {
        let server = try startServer(readTimeout: .seconds(30))
        // The server takes this connection at once and waits in its read, for 30 s unless
        // stop() wakes it (were it still in accept, stop() must be as prompt).
        let silent = try TestClient(port: server.port)
        defer { silent.close() }
        try silent.send(Array("GET /metrics HTTP/1.1\r\n".utf8))

        let clock = ContinuousClock()
        let started = clock.now
        server.stop()
        #expect(clock.now - started < .seconds(5))
        server.stop()
        // The listening socket is closed.
        #expect(throws: TestClientError.self) { try TestClient(port: server.port) }
    }

    @Test func aServerNeverStartedStopsAndAStoppedOneDoesNotStart() throws {
        let idle = try MetricsServer(address: HTTPAddress(host: "127.0.0.1", port: 0), metrics: DaemonMetrics()) { (true, "") }
        idle.stop()
        idle.start()
        #expect(throws: TestClientError.self) { try TestClient(port: idle.port) }
    }

    @Test func aTakenPortFailsAtStartUpWithOneLine() throws {
        let first = try startServer()
        defer { first.stop() }
        let address = HTTPAddress(host: "127.0.0.1", port: first.port)
        #expect {
            _ = try MetricsServer(address: address, metrics: DaemonMetrics()) { (true, "") }
        } throws: { error in
            (error as? MetricsServerError)?.description == "cannot listen on 127.0.0.1:\(first.port): Address already in use"
        }
    }

    /// `siamd run --http` on a taken port is a runtime failure (exit 1), not a usage error.
    @Test func runOnATakenPortExitsOneWithTheReason() throws {
        let first = try startServer()
        defer { first.stop() }
        let result = try CLI.run(["run", "--once", "--http", "127.0.0.1:\(first.port)"], database: "host=/nonexistent")
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasSuffix("siamd: error: cannot listen on 127.0.0.1:\(first.port): Address already in use\n"), "\(result.stderr)")
    }

    @Test func ipv6LoopbackAndLocalhostWork() throws {
        for text in ["[::1]:0", "localhost:0"] {
            let server: MetricsServer
            do {
                server = try MetricsServer(address: HTTPAddress(parsing: text), metrics: DaemonMetrics()) { (true, "") }
            } catch let error as MetricsServerError where text.hasPrefix("[") {
                // A host without IPv6 (some containers) cannot test it.
                print("skipping \(text): \(error)")
                continue
            }
            server.start()
            defer { server.stop() }
            #expect(server.port != 0)
            let family = text.hasPrefix("[") ? AF_INET6 : AF_INET
            let response = try HTTPResult(exchangeRaw(server.port, family: family, "GET /healthz HTTP/1.1\r\n\r\n"))
            #expect(response.status == 200)
        }
    }

    // MARK: Pure parts

    @Test(arguments: [
        ("127.0.0.1:9464", HTTPAddress(host: "127.0.0.1", port: 9464)),
        ("0.0.0.0:65535", HTTPAddress(host: "0.0.0.0", port: 65535)),
        ("127.0.0.1:0", HTTPAddress(host: "127.0.0.1", port: 0)),
        ("[::1]:9464", HTTPAddress(host: "::1", port: 9464)),
        ("[::]:80", HTTPAddress(host: "::", port: 80)),
        ("localhost:9464", HTTPAddress(host: "localhost", port: 9464)),
        ("LocalHost:1", HTTPAddress(host: "LocalHost", port: 1)),
        // Leading zeros in the port are only zeros.
        ("127.0.0.1:09464", HTTPAddress(host: "127.0.0.1", port: 9464)),
    ])
    func validAddressesParse(_ text: String, _ address: HTTPAddress) throws {
        #expect(try HTTPAddress(parsing: text) == address)
    }

    @Test(arguments: [
        ("", #"invalid HTTP address "": expected host:port, e.g. 127.0.0.1:9464"#),
        ("127.0.0.1", #"invalid HTTP address "127.0.0.1": missing ":" and a port, e.g. 127.0.0.1:9464"#),
        ("127.0.0.1:", #"invalid HTTP address "127.0.0.1:": missing port after ":""#),
        (":9464", #"invalid HTTP address ":9464": missing host before ":", e.g. 127.0.0.1:9464"#),
        ("127.0.0.1:http", #"invalid HTTP address "127.0.0.1:http": port "http" is not a number"#),
        ("127.0.0.1:-1", #"invalid HTTP address "127.0.0.1:-1": port "-1" is not a number"#),
        ("127.0.0.1:+80", #"invalid HTTP address "127.0.0.1:+80": port "+80" is not a number"#),
        ("127.0.0.1:65536", #"invalid HTTP address "127.0.0.1:65536": port 65536 is out of range (0-65535)"#),
        ("127.0.0.1:0000009464", #"invalid HTTP address "127.0.0.1:0000009464": port 0000009464 is out of range (0-65535)"#),
        (
            "example.com:80",
            #"invalid HTTP address "example.com:80": host "example.com" is not an IPv4 address, a bracketed IPv6 address or localhost"#
        ),
        (
            "256.0.0.1:80",
            #"invalid HTTP address "256.0.0.1:80": host "256.0.0.1" is not an IPv4 address, a bracketed IPv6 address or localhost"#
        ),
        (
            "127.1:80",
            #"invalid HTTP address "127.1:80": host "127.1" is not an IPv4 address, a bracketed IPv6 address or localhost"#
        ),
        ("::1:9464", #"invalid HTTP address "::1:9464": an IPv6 address needs brackets, e.g. [::1]:9464"#),
        ("[::1", #"invalid HTTP address "[::1": missing "]" after the IPv6 address"#),
        ("[::1]", #"invalid HTTP address "[::1]": expected ":" and a port after "]", e.g. [::1]:9464"#),
        ("[::1]9464", #"invalid HTTP address "[::1]9464": expected ":" and a port after "]", e.g. [::1]:9464"#),
        ("[127.0.0.1]:80", #"invalid HTTP address "[127.0.0.1]:80": "127.0.0.1" is not an IPv6 address"#),
        ("[fe80::1%eth0]:80", #"invalid HTTP address "[fe80::1%eth0]:80": "fe80::1%eth0" is not an IPv6 address"#),
        // Control characters in the input stay on one line.
        ("127.0.0.1:94\n64", #"invalid HTTP address "127.0.0.1:94\n64": port "94\n64" is not a number"#),
    ])
    func invalidAddressesSayWhatIsWrongOnOneLine(_ text: String, _ message: String) {
        #expect {
            _ = try HTTPAddress(parsing: text)
        } throws: { error in
            (error as? HTTPAddressError)?.description == message
        }
        #expect(!message.contains("\n"))
    }

    @Test(arguments: [
        (HTTPAddress(host: "127.0.0.1", port: 9464), "127.0.0.1:9464"),
        (HTTPAddress(host: "::1", port: 80), "[::1]:80"),
        (HTTPAddress(host: "localhost", port: 0), "localhost:0"),
    ])
    func addressesPrintAsTheyAreWritten(_ address: HTTPAddress, _ text: String) throws {
        #expect(address.description == text)
        #expect(try HTTPAddress(parsing: text) == address)
    }

    @Test func theDateHeaderIsAnIMFFixdate() {
        // RFC 9110's own example.
        #expect(HTTPDate.format(unixSeconds: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(unixSeconds: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    @Test(arguments: [
        // Incomplete heads.
        ("", nil),
        ("GET / HTTP/1.1\r\n", nil),
        ("\r\n\r\n", nil),
        // Complete ones: up to and including the empty line; what follows is not counted.
        ("GET / HTTP/1.1\r\n\r\n", 18),
        ("GET / HTTP/1.1\n\nbody", 16),
        ("\r\nGET / HTTP/1.1\r\nA: b\r\n\r\nbody", 26),
    ] as [(String, Int?)])
    func theHeadEndsAtTheFirstEmptyLine(_ buffer: String, _ length: Int?) {
        #expect(HTTPRequestHead.length(in: Array(buffer.utf8)) == length)
    }
}

// MARK: - Helpers

/// Starts a server on 127.0.0.1, any free port.
private func startServer(
    metrics: DaemonMetrics = DaemonMetrics(), readTimeout: Duration = .seconds(2),
    health: @escaping @Sendable () -> (healthy: Bool, detail: String) = { (true, "") }
) throws -> MetricsServer {
    let server = try MetricsServer(
        address: HTTPAddress(host: "127.0.0.1", port: 0), metrics: metrics, readTimeout: readTimeout, health: health)
    server.start()
    return server
}

/// Sends `request` on a new connection and reads the response to the end.
func exchange(_ port: UInt16, _ request: String, halfClose: Bool = false) throws -> HTTPResult {
    try HTTPResult(exchangeRaw(port, family: AF_INET, request, halfClose: halfClose))
}

private func exchangeRaw(_ port: UInt16, family: Int32, _ request: String, halfClose: Bool = false) throws -> [UInt8] {
    let client = try TestClient(port: port, family: family)
    defer { client.close() }
    try client.send(Array(request.utf8))
    if halfClose { shutdown(client.descriptor, Int32(SHUT_WR)) }
    return try client.readToEnd()
}

/// A response split into its parts; header names in lower case.
struct HTTPResult {
    let raw: [UInt8]
    let statusLine: String
    let status: Int
    let headers: [String: String]
    let body: String

    init(_ raw: [UInt8]) throws {
        self.raw = raw
        let text = String(decoding: raw, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else {
            if raw.isEmpty {
                (statusLine, status, headers, body) = ("", 0, [:], "")
                return
            }
            throw TestClientError("no end of head in \(text.debugDescription)")
        }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        statusLine = lines[0]
        status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let colon = line.firstIndex(of: ":")!
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        self.headers = headers
        body = String(text[split.upperBound...])
    }
}

private struct TestClientError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A blocking TCP client on the loopback address; every call times out after 5 s.
private struct TestClient {
    let descriptor: Int32

    init(port: UInt16, family: Int32 = AF_INET) throws {
        descriptor = socket(family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw TestClientError("socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let status: Int32
        if family == AF_INET6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = in6addr_loopback
            status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard status == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw TestClientError("connect: \(reason)")
        }
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { throw TestClientError("send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    /// Everything until the server closes.
    func readToEnd() throws -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[..<count]
            } else if count == 0 {
                return received
            } else if errno != EINTR {
                throw TestClientError("recv: \(String(cString: strerror(errno))) after \(received.count) bytes")
            }
        }
    }

    /// Closes with a reset rather than a FIN (SO_LINGER with a zero timeout).
    func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        Glibc.close(descriptor)
    }

    func close() {
        Glibc.close(descriptor)
    }
}
