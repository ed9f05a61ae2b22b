import GuestDriver
import HostOS
import NIOConcurrencyHelpers

/// Forwards the guest driver's event stream to the broker from a thread of its own.
///
/// The stream can only be read by a task; on Swift's cooperative pool (as many threads as cores)
/// that task waited whenever blocking work held every pool thread, and events came seconds late.
/// So the task prefers this executor, whose one thread runs nothing else, and events leave in the
/// order the driver emitted them.
final class DomainEventForwarder: TaskExecutor, @unchecked Sendable {
    /// 1 while jobs wait or a stop was asked, 0 when the thread may sleep.
    private let condition = ConditionLock<Int>(value: 0)
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var task: Task<Void, Never>?

    /// Starts the thread and the forwarding task; false when no thread could be started.
    func start(_ events: AsyncStream<DomainEvent>, deliver: @escaping @Sendable (DomainEvent) -> Void) -> Bool {
        guard HostThread({ self.run() }).start() else { return false }
        task = Task(executorPreference: self) {
            for await event in events { deliver(event) }
        }
        return true
    }

    /// Stops forwarding once the stream has ended or now; the thread then exits.
    func stop() {
        task?.cancel()
        condition.lock()
        stopping = true
        condition.unlock(withValue: 1)
    }

    func enqueue(_ job: UnownedJob) {
        condition.lock()
        jobs.append(job)
        condition.unlock(withValue: 1)
    }

    private func run() {
        while true {
            condition.lock(whenValue: 1)
            let batch = jobs
            jobs = []
            let stop = stopping
            condition.unlock(withValue: 0)
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            if stop { return }
        }
    }
}
