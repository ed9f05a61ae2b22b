import CLinuxUAPI
import Glibc
import NetCore

/// A long-lived process (QEMU) that the daemon started or found again after a restart.
///
/// Holds a pidfd when the kernel offers one, so signals and exit waits reach this very process
/// even after its pid is reused. Liveness is proof of life (see `ProcessIdentity.isAlive`), and a
/// child of this process is reaped as soon as it is seen dead, so none stays a zombie.
public final class SupervisedProcess: @unchecked Sendable {
    /// Pid and start time: record them to find the process again after a daemon restart.
    public let identity: ProcessIdentity
    /// The pidfd, or -1 when pidfds are unavailable.
    private let pidfd: Int32
    private let lock = Lock()
    private var reapedStatus: Int32?

    /// The process id.
    public var pid: pid_t { identity.pid }

    init(identity: ProcessIdentity, pidfd: Int32) {
        self.identity = identity
        self.pidfd = pidfd
    }

    /// Takes back a process recorded earlier (a daemon restart): nil when it has exited, is a
    /// zombie, or its pid now belongs to another process.
    public static func adopt(_ identity: ProcessIdentity) -> SupervisedProcess? {
        guard identity.isAlive else { return nil }
        let fd = pb_pidfd_open(identity.pid)
        // The pid could have been reused between the check and the open: check again through
        // the pidfd's process, which can no longer change.
        guard identity.isAlive else {
            if fd >= 0 { close(fd) }
            return nil
        }
        return SupervisedProcess(identity: identity, pidfd: fd >= 0 ? fd : -1)
    }

    /// True while the process runs. A dead child of ours is reaped here.
    ///
    /// With a pidfd the kernel says when the whole process (every thread) has exited; /proc's
    /// state is the fallback, and it shows the main thread a zombie a moment before the other
    /// threads of an exiting QEMU are gone (too early to reap).
    public var isAlive: Bool {
        if lock.withLock({ reapedStatus != nil }) { return false }
        let running = pidfd >= 0 ? pb_pidfd_wait_exit(pidfd, 0) == 0 : identity.isAlive
        if running { return true }
        reapIfChild()
        return false
    }

    /// Waits up to `timeout` seconds for the process to exit; true when it has (and is reaped
    /// if it was our child).
    @discardableResult
    public func waitForExit(timeout: Double) -> Bool {
        if !isAlive { return true }
        let deadline = Monotonic.now + timeout
        if pidfd >= 0 {
            while true {
                let left = deadline - Monotonic.now
                let result = pb_pidfd_wait_exit(pidfd, Int32(max(0, min(left, 60)) * 1000))
                if result == 1 || !isAlive { break }
                if left <= 0 || result < 0 { break }
            }
        } else {
            while isAlive && Monotonic.now < deadline { usleep(20_000) }
        }
        return !isAlive
    }

    /// Sends `signal` to this process (through the pidfd: never to a successor on its pid).
    public func signal(_ signal: Int32) throws(PatchbayError) {
        guard isAlive else { return }
        let result = pidfd >= 0 ? pb_pidfd_send_signal(pidfd, signal) : (kill(pid, signal) == 0 ? 0 : -errno)
        guard result == 0 || result == -ESRCH else {
            throw .system("Failed to send signal \(signal) to process \(pid)", errno: -result)
        }
    }

    /// SIGTERM, then SIGKILL after `grace` seconds; waits until it is gone (and reaped when ours).
    /// True when the process is gone.
    @discardableResult
    public func terminate(grace: Double = 10) -> Bool {
        if !isAlive { return true }
        try? signal(SIGTERM)
        if waitForExit(timeout: grace) { return true }
        try? signal(SIGKILL)
        return waitForExit(timeout: 30)
    }

    /// Calls `handler` once, from a thread of its own, when the process has exited (at once if it
    /// already has); a child of ours is reaped first, so `exitStatus` is known in the handler.
    /// False when no thread could be started.
    @discardableResult
    public func onExit(_ handler: @escaping @Sendable (SupervisedProcess) -> Void) -> Bool {
        HostThread { [self] in
            while !waitForExit(timeout: 3600) {}
            handler(self)
        }.start()
    }

    /// The exit status (128+signal when killed) once this process was reaped here, else nil.
    public var exitStatus: Int32? {
        lock.withLock { reapedStatus }.map { ($0 & 0x7F) == 0 ? ($0 >> 8) & 0xFF : 128 + ($0 & 0x7F) }
    }

    /// Collects the exit status of a dead child of ours; others' children are their parent's to
    /// reap (or, after a daemon restart, stay zombies of a PID 1 that does not reap: they count as dead).
    private func reapIfChild() {
        lock.withLock {
            guard reapedStatus == nil, let status = ProcessStatus.read(pid), status.parent == getpid(),
                  status.startTime == identity.startTime, !status.isRunning else { return }
            var exit: Int32 = 0
            if waitpid(pid, &exit, WNOHANG) == pid { reapedStatus = exit }
        }
    }

    deinit { if pidfd >= 0 { close(pidfd) } }
}

/// CLOCK_MONOTONIC in seconds.
enum Monotonic {
    static var now: Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
