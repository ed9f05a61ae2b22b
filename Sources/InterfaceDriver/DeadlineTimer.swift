#if canImport(Glibc)
import Glibc
#endif
import HostOS

/// Runs one action at a deadline on the monotonic clock, on a thread of its own.
///
/// A host-protecting deadline must fire even when the process's cooperative thread pool (which
/// `Task.sleep` wakes on) is saturated by blocking work: on a loaded 2-core host a `Task`-based timer
/// was seen not to fire for minutes. The thread waits on a condition variable bound to
/// `CLOCK_MONOTONIC`, so setting the wall clock neither delays nor hastens it; it is woken early by
/// `arm` and `cancel`, and exits while nothing is armed (a driver that is never given a deadline
/// costs no thread).
final class DeadlineTimer: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Guarded by `mutex`: the armed action and when it is due (monotonic nanoseconds).
    private var armed: (due: UInt64, action: @Sendable () -> Void)?
    private var threadRunning = false

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Arms `action` to run `seconds` from now, replacing whatever was armed.
    func arm(after seconds: Double, _ action: @escaping @Sendable () -> Void) {
        let delay = UInt64(min(max(seconds, 0), 1e9) * 1e9)
        pthread_mutex_lock(mutex)
        armed = (Self.monotonicNow() + delay, action)
        if threadRunning {
            pthread_cond_signal(condition)
        } else {
            threadRunning = true
            // The thread holds the timer (not the other way round) only while something is armed.
            if !HostThread({ [self] in run() }).start() {
                // No thread to be had: waiting on a pool thread still beats never rolling back.
                Task.detached { [self] in run() }
            }
        }
        pthread_mutex_unlock(mutex)
    }

    /// Disarms the timer; an action already running is not interrupted.
    func cancel() {
        pthread_mutex_lock(mutex)
        armed = nil
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    private func run() {
        pthread_mutex_lock(mutex)
        while let current = armed {
            let now = Self.monotonicNow()
            if now >= current.due {
                armed = nil
                // Run unlocked: the action may arm again (or take locks whose holders cancel).
                pthread_mutex_unlock(mutex)
                current.action()
                pthread_mutex_lock(mutex)
                continue
            }
            var due = timespec(tv_sec: Int(current.due / 1_000_000_000), tv_nsec: Int(current.due % 1_000_000_000))
            // Spurious wakeups, re-arming and cancelling all land back at the loop's test.
            _ = pthread_cond_timedwait(condition, mutex, &due)
        }
        threadRunning = false
        pthread_mutex_unlock(mutex)
    }

    static func monotonicNow() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
