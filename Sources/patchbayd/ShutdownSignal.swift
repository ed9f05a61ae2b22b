import Dispatch
import Glibc

/// Waits for the first of a set of signals (delivered through Dispatch, not a C handler).
enum ShutdownSignal {
    /// Suspends until one of `signals` arrives; returns its number.
    static func wait(for signals: [Int32]) async -> Int32 {
        await withCheckedContinuation { continuation in
            let queue = DispatchQueue(label: "patchbayd.signals")
            let fired = Fired(continuation)
            var sources: [DispatchSourceSignal] = []
            for number in signals {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { fired.fire(number) }
                source.resume()
                sources.append(source)
            }
            fired.keep(sources)
        }
    }

    /// Resumes the continuation exactly once (all signal sources share one serial queue).
    private final class Fired: @unchecked Sendable {
        private var continuation: CheckedContinuation<Int32, Never>?
        private var sources: [DispatchSourceSignal] = []

        init(_ continuation: CheckedContinuation<Int32, Never>) { self.continuation = continuation }

        func keep(_ sources: [DispatchSourceSignal]) { self.sources = sources }

        func fire(_ number: Int32) {
            continuation?.resume(returning: number)
            continuation = nil
        }
    }
}
