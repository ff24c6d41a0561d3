// SIGTERM, SIGINT and SIGHUP for a daemon whose loop blocks in poll(2).
//
// Why flags set by a plain sigaction handler: a signal handler may only do async-signal-safe
// things. Storing to a lock-free atomic and calling write(2) are; taking a lock, allocating or
// touching Swift concurrency are not. So the handler records what arrived and the loop acts on it
// at a safe point (SIGTERM: finish the current transaction, then exit).
//
// Why without SA_RESTART: a poll(2) that is blocked in the thread that takes the signal then
// returns EINTR at once instead of being restarted, so the loop sees the flag without waiting for
// its timeout.
//
// Why a self-pipe as well: EINTR alone is not enough. A signal that lands after the loop checked
// the flags but before it entered poll(2) would wait for the next wake-up (up to the poll
// interval). And the kernel gives a process-directed signal to one thread that does not block it:
// Dispatch and the Swift concurrency pool block these signals in their threads, so a loop running
// there never sees EINTR at all. The handler therefore also writes a byte to a non-blocking pipe
// whose read end the loop keeps in its poll set: that descriptor is readable until drained,
// whichever thread ran the handler and however the timing falls.

import Synchronization

#if canImport(Glibc)
import Glibc
#endif

// Global, because a @convention(c) handler can capture nothing. Install touches each of them
// before any handler is in place, so a handler never runs their lazy initialisation.
private let stopFlag = Atomic<Bool>(false)
private let reloadFlag = Atomic<Bool>(false)
private let wakeWriteDescriptor = Atomic<Int32>(-1)
private let installedWatcher = Mutex<SignalWatcher?>(nil)

/// The signal handler: sets a flag and pokes the self-pipe. Async-signal-safe: atomics, write(2),
/// and errno saved and restored so that the interrupted code does not see it change.
private let signalHandler: @convention(c) (Int32) -> Void = { signal in
    let savedErrno = errno
    switch signal {
    case SIGTERM, SIGINT: stopFlag.store(true, ordering: .sequentiallyConsistent)
    case SIGHUP: reloadFlag.store(true, ordering: .sequentiallyConsistent)
    default: break
    }
    let descriptor = wakeWriteDescriptor.load(ordering: .sequentiallyConsistent)
    if descriptor >= 0 {
        var byte: UInt8 = 1
        // EAGAIN means the pipe is full, hence already readable: nothing is lost.
        _ = write(descriptor, &byte, 1)
    }
    errno = savedErrno
}

/// Turns SIGTERM and SIGINT into a stop request and SIGHUP into a reload request, for a loop that
/// checks them between transactions and keeps ``wakeDescriptor`` in its `poll(2)` set.
///
/// There is one per process (signal dispositions are process-wide): ``install()`` returns it.
/// Once installed, these signals no longer end the process; the loop decides what to do.
///
/// Typical loop:
/// ```swift
/// let signals = try SignalWatcher.install()
/// while !signals.stopRequested {
///     if signals.takeReloadRequest() { reload() }
///     // poll() on the database socket and signals.wakeDescriptor, with the next due instant
///     // as timeout; EINTR is just another wake-up.
///     signals.drainWakeups()
///     runPass()
/// }
/// ```
public final class SignalWatcher: Sendable {
    /// The signals watched: SIGTERM and SIGINT (stop), SIGHUP (reload).
    public static let watchedSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    /// The read end of the self-pipe: readable after any watched signal, until
    /// ``drainWakeups()``. Non-blocking and close-on-exec; do not read or close it yourself.
    public let wakeDescriptor: Int32

    private init(wakeDescriptor: Int32) {
        self.wakeDescriptor = wakeDescriptor
    }

    /// Installs the handlers for SIGTERM, SIGINT and SIGHUP and returns the process's watcher.
    /// Calling it again returns the same watcher.
    ///
    /// - Throws: ``SignalWatcherError`` when the pipe or a handler cannot be set up.
    public static func install() throws(SignalWatcherError) -> SignalWatcher {
        try installedWatcher.withLock { (installed: inout SignalWatcher?) throws(SignalWatcherError) -> SignalWatcher in
            if let installed { return installed }

            // Initialise every global the handler touches before the handler can run.
            _ = stopFlag.load(ordering: .relaxed)
            _ = reloadFlag.load(ordering: .relaxed)

            // pipe2(2) is not visible to Swift (glibc hides it behind _GNU_SOURCE), so the flags
            // are set with fcntl(2) before any handler can write.
            var descriptors: [Int32] = [-1, -1]
            guard pipe(&descriptors) == 0 else {
                throw SignalWatcherError("cannot create the signal wake-up pipe: \(String(cString: strerror(errno)))")
            }
            for descriptor in descriptors {
                let statusFlags = fcntl(descriptor, F_GETFL)
                guard statusFlags >= 0, fcntl(descriptor, F_SETFL, statusFlags | O_NONBLOCK) == 0,
                    fcntl(descriptor, F_SETFD, FD_CLOEXEC) == 0
                else {
                    let reason = String(cString: strerror(errno))
                    close(descriptors[0])
                    close(descriptors[1])
                    throw SignalWatcherError("cannot configure the signal wake-up pipe: \(reason)")
                }
            }
            wakeWriteDescriptor.store(descriptors[1], ordering: .sequentiallyConsistent)

            for signal in watchedSignals {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = signalHandler
                sigemptyset(&action.sa_mask)
                action.sa_flags = 0  // no SA_RESTART: a blocked poll(2) returns EINTR.
                guard sigaction(signal, &action, nil) == 0 else {
                    let reason = String(cString: strerror(errno))
                    // Undo the handlers set so far: a half-installed watcher would swallow signals.
                    for earlier in watchedSignals.prefix(while: { $0 != signal }) {
                        Glibc.signal(earlier, SIG_DFL)
                    }
                    wakeWriteDescriptor.store(-1, ordering: .sequentiallyConsistent)
                    close(descriptors[0])
                    close(descriptors[1])
                    throw SignalWatcherError("cannot install the handler for signal \(signal): \(reason)")
                }
            }
            let watcher = SignalWatcher(wakeDescriptor: descriptors[0])
            installed = watcher
            return watcher
        }
    }

    /// Whether SIGTERM or SIGINT has arrived. Stays true: the daemon is meant to stop.
    public var stopRequested: Bool {
        stopFlag.load(ordering: .sequentiallyConsistent)
    }

    /// Whether SIGHUP has arrived since the last call; true once for any number of SIGHUPs
    /// received in between.
    public func takeReloadRequest() -> Bool {
        reloadFlag.exchange(false, ordering: .sequentiallyConsistent)
    }

    /// Empties the self-pipe, so that ``wakeDescriptor`` is readable again only after the next
    /// signal. Call it after `poll(2)` returns and before checking the flags, so no signal is
    /// missed between the two.
    public func drainWakeups() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(wakeDescriptor, $0.baseAddress, $0.count) }
            if count > 0 { continue }
            if count < 0 && errno == EINTR { continue }
            return  // EAGAIN: empty.
        }
    }

    /// Sends `signal` to this process, as systemd or `kill` would; for tests. Delivery is
    /// asynchronous: wait for ``wakeDescriptor`` to become readable before checking the flags.
    ///
    /// kill(2) on our own pid rather than raise(3): raise directs the signal at the calling thread,
    /// and the threads of Dispatch and of the Swift concurrency pool block these signals, so from a
    /// task it would stay pending for ever. A process-directed signal goes to a thread that does
    /// not block it (the main thread).
    public func simulate(_ signal: Int32) {
        kill(getpid(), signal)
    }

    /// Forgets every signal seen so far and empties the pipe, so that tests can raise SIGTERM
    /// without leaving the process in a stopping state. Handlers stay installed.
    func resetForTesting() {
        stopFlag.store(false, ordering: .sequentiallyConsistent)
        reloadFlag.store(false, ordering: .sequentiallyConsistent)
        drainWakeups()
    }
}

/// The signal handlers could not be installed.
public struct SignalWatcherError: Error, CustomStringConvertible, Sendable {
    /// One line saying what failed and why.
    public let description: String

    init(_ description: String) { self.description = description }
}
