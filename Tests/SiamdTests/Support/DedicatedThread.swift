import Foundation
import Synchronization

/// Runs blocking work (a daemon loop) on a thread of its own: Swift's cooperative pool has
/// one thread per core, and a test that blocks one while waiting for the other must not
/// starve it.
final class DedicatedThread<Value: Sendable>: Sendable {
    private final class State: Sendable {
        let result = Mutex<Result<Value, Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
    }

    private let state = State()

    init(_ body: @escaping @Sendable () throws -> Value) {
        let state = self.state
        Thread {
            let outcome = Result { try body() }
            state.result.withLock { $0 = outcome }
            state.done.signal()
        }.start()
    }

    /// Waits for the work to finish and returns its value (or rethrows its error).
    func value() throws -> Value {
        state.done.wait()
        state.done.signal()
        return try state.result.withLock { $0! }.get()
    }
}
