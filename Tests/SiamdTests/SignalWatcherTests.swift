import Testing

@testable import SiamDaemon

#if canImport(Glibc)
import Glibc
#endif

/// Real signals raised in the test process. The handlers replace the default actions, so SIGTERM
/// and SIGINT set a flag instead of ending the process. Serialized: the flags and the pipe are
/// process-wide, and each test starts from `resetForTesting()`.
@Suite(.serialized) struct SignalWatcherTests {
    @Test func installIsIdempotent() throws {
        let first = try SignalWatcher.install()
        let second = try SignalWatcher.install()
        #expect(first === second)
        #expect(first.wakeDescriptor >= 0)
    }

    @Test func sighupIsTakenOncePerBurst() throws {
        let signals = try SignalWatcher.install()
        signals.resetForTesting()
        #expect(!signals.takeReloadRequest())

        signals.simulate(SIGHUP)
        #expect(waitUntilReadable(signals.wakeDescriptor))
        #expect(signals.takeReloadRequest())
        #expect(!signals.takeReloadRequest())

        // Two SIGHUPs handled before the loop looks are one reload. Drain between them, so that
        // the second wait sees the second signal's own wake-up byte.
        signals.drainWakeups()
        signals.simulate(SIGHUP)
        #expect(waitUntilReadable(signals.wakeDescriptor))
        signals.drainWakeups()
        signals.simulate(SIGHUP)
        #expect(waitUntilReadable(signals.wakeDescriptor))
        #expect(signals.takeReloadRequest())
        #expect(!signals.takeReloadRequest())
        #expect(!signals.stopRequested)
    }

    @Test func theWakeDescriptorIsReadableUntilDrained() throws {
        let signals = try SignalWatcher.install()
        signals.resetForTesting()
        #expect(!isReadableNow(signals.wakeDescriptor))

        signals.simulate(SIGHUP)
        #expect(waitUntilReadable(signals.wakeDescriptor))
        // Still readable: nothing consumed it yet, so a loop that enters poll late still wakes.
        #expect(isReadableNow(signals.wakeDescriptor))
        signals.drainWakeups()
        #expect(!isReadableNow(signals.wakeDescriptor))
        // Draining an empty pipe returns at once (non-blocking).
        signals.drainWakeups()
        _ = signals.takeReloadRequest()
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func sigtermAndSigintRequestAStop(_ signal: Int32) throws {
        let signals = try SignalWatcher.install()
        signals.resetForTesting()
        #expect(!signals.stopRequested)

        signals.simulate(signal)
        #expect(waitUntilReadable(signals.wakeDescriptor))
        #expect(signals.stopRequested)
        // A stop request stays set; it is not a reload.
        #expect(signals.stopRequested)
        #expect(!signals.takeReloadRequest())

        signals.resetForTesting()
        #expect(!signals.stopRequested)
    }

    @Test func handlersDoNotRestartInterruptedCalls() throws {
        _ = try SignalWatcher.install()
        for signal in SignalWatcher.watchedSignals {
            var current = sigaction()
            #expect(sigaction(signal, nil, &current) == 0)
            // Our handler, not the default action nor "ignore".
            let handler = unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self)
            #expect(handler != unsafeBitCast(SIG_DFL, to: Int.self))
            #expect(handler != unsafeBitCast(SIG_IGN, to: Int.self))
            // No SA_RESTART, so a blocking poll(2) in the loop returns EINTR.
            #expect(current.sa_flags & Int32(SA_RESTART) == 0)
        }
    }

    @Test func theWakeDescriptorIsNonBlockingAndCloseOnExec() throws {
        let signals = try SignalWatcher.install()
        #expect(fcntl(signals.wakeDescriptor, F_GETFL) & O_NONBLOCK != 0)
        #expect(fcntl(signals.wakeDescriptor, F_GETFD) & FD_CLOEXEC != 0)
    }
}

/// Waits (in poll, at most 5 s) for `descriptor` to become readable.
private func waitUntilReadable(_ descriptor: Int32) -> Bool {
    poll(descriptor, timeoutMilliseconds: 5_000)
}

/// Whether `descriptor` is readable right now.
private func isReadableNow(_ descriptor: Int32) -> Bool {
    poll(descriptor, timeoutMilliseconds: 0)
}

private func poll(_ descriptor: Int32, timeoutMilliseconds: Int32) -> Bool {
    var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    while true {
        let ready = Glibc.poll(&entry, 1, timeoutMilliseconds)
        if ready < 0 && errno == EINTR { continue }
        return ready > 0 && entry.revents & Int16(POLLIN) != 0
    }
}
