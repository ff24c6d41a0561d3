// One accepted connection, from the first byte read to close(2).
//
// Failure handling: nothing a client sends can do more than get its own connection answered
// with 400/408/431 or closed. The read deadline bounds how long a silent or slow client holds the
// server thread; the write deadline bounds one that stops reading.
//
// Why a lingering close: closing a socket with unread input makes the kernel send a reset, and a
// client that gets the reset before it read the response loses the response (a 431 for a huge
// head, say). So after the response the write side is shut down and the input drained, briefly,
// until the client closes.

#if canImport(Glibc)
import Glibc
#endif

/// Serves exactly one request on an accepted, non-blocking socket, then closes it.
struct HTTPConnection {
    let descriptor: Int32
    /// The server's wake-up pipe: readable once stop() was called; every wait gives up then.
    let wakeDescriptor: Int32
    /// How long the client has to send its whole head, and to take the whole response.
    let timeout: Duration

    /// The most input drained after the response before closing anyway.
    static let lingerLimitBytes = 64 * 1024
    /// The longest drain after the response.
    static let lingerLimit: Duration = .seconds(1)

    /// Reads one head, answers it, closes the socket.
    func serve(_ endpoint: MetricsEndpoint) {
        defer { close(descriptor) }
        let limit = HTTPRequestHead.maximumLength
        let deadline = ContinuousClock.now + timeout
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let length = HTTPRequestHead.length(in: buffer) {
                guard length <= limit else { return reply(.text(.requestHeaderFieldsTooLarge, "request head too large\n")) }
                switch HTTPRequestHead.parse(buffer.prefix(length)) {
                case .success(let request):
                    return reply(endpoint.respond(to: request), includeBody: request.method != "HEAD")
                case .failure(let failure):
                    return reply(MetricsEndpoint.respond(to: failure))
                }
            }
            if buffer.count > limit { return reply(.text(.requestHeaderFieldsTooLarge, "request head too large\n")) }

            switch SocketWait.wait(for: Int32(POLLIN), on: descriptor, orWake: wakeDescriptor, until: deadline) {
            case .ready: break
            case .timedOut: return reply(.text(.requestTimeout, "request timeout\n"), linger: false)
            case .woken, .failed: return
            }
            // Never more than one byte past the limit: enough to know it was exceeded.
            let wanted = min(chunk.count, limit + 1 - buffer.count)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, wanted, 0) }
            if count > 0 {
                buffer += chunk[..<count]
            } else if count == 0 {
                // The client closed its side. A few stray line breaks are no request at all.
                if buffer.contains(where: { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }) {
                    reply(.text(.badRequest, "bad request: incomplete request head\n"))
                }
                return
            } else if errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK {
                return  // ECONNRESET and the like: nobody to answer.
            }
        }
    }

    /// Sends `response`, then (with `linger`) drains the input until the client closes.
    private func reply(_ response: HTTPResponse, includeBody: Bool = true, linger: Bool = true) {
        let bytes = response.serialized(includeBody: includeBody, date: HTTPDate.format())
        guard send(bytes, until: ContinuousClock.now + timeout) else { return }
        if linger { drainUntilClosed() }
    }

    /// Writes all of `bytes`; false when the client went away, stopped reading, or stop() came.
    private func send(_ bytes: [UInt8], until deadline: ContinuousClock.Instant) -> Bool {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a client that closed gets us EPIPE, not a SIGPIPE that ends the daemon.
            let sent = bytes.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
                continue
            }
            guard sent < 0, errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK else { return false }
            if errno != EINTR {
                guard SocketWait.wait(for: Int32(POLLOUT), on: descriptor, orWake: wakeDescriptor, until: deadline) == .ready
                else { return false }
            }
        }
        return true
    }

    /// Shuts down the write side (the client sees the end of the response) and reads until the
    /// client closes, up to ``lingerLimit`` and ``lingerLimitBytes``.
    private func drainUntilClosed() {
        shutdown(descriptor, Int32(SHUT_WR))
        let deadline = ContinuousClock.now + min(timeout, Self.lingerLimit)
        var drained = 0
        var chunk = [UInt8](repeating: 0, count: 4096)
        while drained <= Self.lingerLimitBytes {
            guard SocketWait.wait(for: Int32(POLLIN), on: descriptor, orWake: wakeDescriptor, until: deadline) == .ready
            else { return }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                drained += count
            } else if count == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
                return
            }
        }
    }
}
