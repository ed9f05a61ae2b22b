import Foundation
import NetCore

/// Keeps Swift's cooperative pool busy: more spinning tasks than it has threads, so any job queued
/// behind them (a `Task.sleep` wake-up among them) waits until `release()`. They spin rather than
/// sleep because a sleeping worker may be replaced by the dispatch pool, a running one is not.
public final class CooperativePoolHog: @unchecked Sendable {
    private let lock = Lock()
    private var released = false
    private var starvedProbeRan = false

    public init(tasks: Int = ProcessInfo.processInfo.activeProcessorCount * 4 + 4) {
        for _ in 0..<tasks {
            Task.detached { [self] in spin() }
        }
        // Queued behind every spinner: it runs only once the pool has a thread to spare.
        Task.detached { [self] in lock.withLock { starvedProbeRan = true } }
    }

    private func spin() {
        var counter = 0
        while !lock.withLock({ released }) {
            for value in 0..<10_000 { counter &+= value }
        }
        _ = counter
    }

    /// Whether a job queued after the spinners ran (the pool was not saturated after all).
    public var poolHadASpareThread: Bool { lock.withLock { starvedProbeRan } }

    public func release() { lock.withLock { released = true } }
}
