#if canImport(Glibc)
import Glibc
#endif
import HostOS

/// The thread that reads the link monitor's stream and hands device events to the daemon.
///
/// The stream can only be read by a task; on Swift's cooperative pool that task waited whenever
/// blocking work held every pool thread of its priority, and clients heard of devices seconds (or
/// minutes) late. The reading task prefers this executor instead, whose one thread runs nothing
/// else. (The daemon's domain event forwarder does the same for guest events.)
final class DeviceEventThread: TaskExecutor, @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Guarded by `mutex`.
    private var jobs: [UnownedJob] = []
    private var finished = false

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Starts the thread; false when none could be started.
    func start() -> Bool { HostThread { [self] in run() }.start() }

    func enqueue(_ job: UnownedJob) {
        pthread_mutex_lock(mutex)
        jobs.append(job)
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Lets the thread exit once it has run every job queued so far (called by the reading task as
    /// its last step, when the stream has ended).
    func finish() {
        pthread_mutex_lock(mutex)
        finished = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    private func run() {
        while true {
            pthread_mutex_lock(mutex)
            while jobs.isEmpty && !finished { pthread_cond_wait(condition, mutex) }
            let batch = jobs
            jobs = []
            let done = finished && batch.isEmpty
            pthread_mutex_unlock(mutex)
            if done { return }
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
