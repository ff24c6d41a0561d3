// A loopback HTTP endpoint for Prometheus: /metrics and /healthz, over plain POSIX sockets.
//
// States (``MetricsServer/Lifecycle``): ready (bound and listening, not serving) → serving →
// stopped; or ready → stopped. The socket is bound in init, so a taken port fails start-up with
// one line instead of a background error later.
//
// Why one thread and one connection at a time: the clients are a Prometheus scraper every few
// seconds and an occasional health probe, on loopback; each response is a few kilobytes
// rendered from memory. Serving connections in turn keeps the server free of any shared state
// beyond the metrics lock. The per-connection deadlines bound the cost of a misbehaving client:
// a silent one delays the next by at most the read timeout.
//
// Why a self-pipe: the serving thread blocks in poll(2); stop() writes a byte to a pipe in that
// poll set, which wakes it wherever it waits (accept, read, write or linger), with no signals.

import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Serves `GET /metrics` and `GET /healthz` on a dedicated thread.
public final class MetricsServer: Sendable {
    /// The address asked for (its port may be 0; see ``port``).
    public let address: HTTPAddress
    /// The port actually bound (useful with port 0).
    public let port: UInt16

    /// Ready → serving → stopped, or ready → stopped.
    enum Lifecycle {
        /// Listening; connections wait in the backlog until start().
        case ready
        /// The thread runs; the semaphore is signalled when it ended.
        case serving(DispatchSemaphore)
        /// stop() was called; the semaphore (if it served) lets a second stop() wait too.
        case stopped(DispatchSemaphore?)
    }

    private let loop: Loop
    private let wakeWriteDescriptor: Int32
    private let lifecycle = Mutex(Lifecycle.ready)

    /// Binds and listens at once.
    ///
    /// - Parameters:
    ///   - readTimeout: how long a client has to send its request head (and to take the
    ///     response) before the server moves on.
    ///   - health: called on the server thread for each /healthz: 200 when healthy, else 503;
    ///     the detail goes in the body.
    /// - Throws: ``MetricsServerError``, e.g. "cannot listen on 127.0.0.1:9464: Address already
    ///   in use".
    public init(
        address: HTTPAddress, metrics: DaemonMetrics, readTimeout: Duration = .seconds(2),
        health: @escaping @Sendable () -> (healthy: Bool, detail: String)
    ) throws(MetricsServerError) {
        let (listener, port) = try ListeningSocket.open(address)
        var pipeDescriptors: [Int32] = [-1, -1]
        guard pipe(&pipeDescriptors) == 0,
            pipeDescriptors.allSatisfy({ SocketWait.makeNonBlockingAndCloseOnExec($0) })
        else {
            let reason = SocketWait.describe(errno)
            for descriptor in pipeDescriptors + [listener] where descriptor >= 0 { close(descriptor) }
            throw MetricsServerError("cannot create the HTTP server's wake-up pipe: \(reason)")
        }
        self.address = address
        self.port = port
        self.wakeWriteDescriptor = pipeDescriptors[1]
        self.loop = Loop(
            listener: listener, wakeDescriptor: pipeDescriptors[0], readTimeout: readTimeout,
            endpoint: MetricsEndpoint(metrics: metrics, health: health))
    }

    deinit {
        stop()
    }

    /// Serves on a dedicated thread until stop(). Does nothing after the first call or after
    /// stop().
    public func start() {
        lifecycle.withLock { lifecycle in
            guard case .ready = lifecycle else { return }
            let done = DispatchSemaphore(value: 0)
            lifecycle = .serving(done)
            // The thread holds the loop, not the server, so dropping the server still stops it.
            let loop = self.loop
            let thread = Thread {
                loop.run()
                done.signal()
            }
            thread.name = "siamd-http"
            thread.start()
        }
    }

    /// Stops accepting and closes the socket; returns after the serving thread ended. Safe to
    /// call more than once, from any thread but the serving one.
    public func stop() {
        let previous = lifecycle.withLock { lifecycle in
            let previous = lifecycle
            switch lifecycle {
            case .ready: lifecycle = .stopped(nil)
            case .serving(let done): lifecycle = .stopped(done)
            case .stopped: break
            }
            return previous
        }
        switch previous {
        case .ready:
            loop.closeDescriptors()
            close(wakeWriteDescriptor)
        case .serving(let done):
            var byte: UInt8 = 1
            while write(wakeWriteDescriptor, &byte, 1) < 0 && errno == EINTR {}
            done.wait()
            done.signal()  // for a concurrent stop() waiting on the same semaphore
            loop.closeDescriptors()
            close(wakeWriteDescriptor)
        case .stopped(let done?):
            done.wait()
            done.signal()
        case .stopped(nil):
            break
        }
    }
}

extension MetricsServer {
    /// What the serving thread needs: the descriptors and the endpoint, nothing of the server
    /// itself.
    struct Loop: Sendable {
        let listener: Int32
        let wakeDescriptor: Int32
        let readTimeout: Duration
        let endpoint: MetricsEndpoint

        /// How long to wait before accepting again when accept(2) fails for lack of resources
        /// (EMFILE and the like), instead of spinning on a listener that stays readable.
        static let acceptBackoff: Duration = .milliseconds(100)

        /// Accepts and serves connections one at a time until the wake-up pipe is readable.
        func run() {
            while true {
                switch SocketWait.wait(for: Int32(POLLIN), on: listener, orWake: wakeDescriptor, until: nil) {
                case .woken: return
                case .failed: if backOff() { return } else { continue }
                case .ready, .timedOut: break
                }
                let client = accept(listener, nil, nil)
                guard client >= 0 else {
                    switch errno {
                    case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED, EPROTO: continue
                    default: if backOff() { return } else { continue }
                    }
                }
                guard SocketWait.makeNonBlockingAndCloseOnExec(client) else {
                    close(client)
                    continue
                }
                HTTPConnection(descriptor: client, wakeDescriptor: wakeDescriptor, timeout: readTimeout).serve(endpoint)
            }
        }

        /// Waits ``acceptBackoff``; true when stop() came meanwhile.
        private func backOff() -> Bool {
            SocketWait.wait(
                for: 0, on: -1, orWake: wakeDescriptor, until: ContinuousClock.now + Self.acceptBackoff) == .woken
        }

        func closeDescriptors() {
            close(listener)
            close(wakeDescriptor)
        }
    }
}
