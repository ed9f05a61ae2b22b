import Glibc

/// One process for its whole life: its pid plus the kernel's record of when it started.
///
/// A pid alone names whichever process holds the number now; after the process dies the number
/// is reused. The start time (field 22 of /proc/PID/stat, clock ticks since boot) never repeats for
/// a pid, so (pid, start time) written to a state file lets a restarted daemon find exactly the
/// QEMU it spawned, or learn that it is gone.
public struct ProcessIdentity: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Process id.
    public let pid: pid_t
    /// Start time in clock ticks after boot, as /proc shows it.
    public let startTime: UInt64

    /// Creates an identity from recorded values (a state file).
    public init(pid: pid_t, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    /// The identity of the process that now holds `pid`, or nil when there is none.
    public static func current(_ pid: pid_t) -> ProcessIdentity? {
        guard let status = ProcessStatus.read(pid) else { return nil }
        return ProcessIdentity(pid: pid, startTime: status.startTime)
    }

    /// True while this very process runs: it exists, is not a zombie (exited, unreaped — PID 1
    /// here reaps no orphans, so `kill(pid, 0)` succeeds on the dead) and its start time matches
    /// (the pid was not reused). While a multi-threaded process exits, its main thread shows as a
    /// zombie a moment before the rest are gone: `SupervisedProcess.isAlive` (pidfd) is exact.
    public var isAlive: Bool {
        guard let status = ProcessStatus.read(pid) else { return false }
        return status.startTime == startTime && status.isRunning
    }

    public var description: String { "\(pid)@\(startTime)" }
}

/// The few fields of /proc/PID/stat that liveness needs.
struct ProcessStatus {
    /// The one-letter state: R, S, D, T, t, Z (zombie), X (dead), I, ...
    let state: Character
    /// Parent pid.
    let parent: pid_t
    /// Clock ticks after boot.
    let startTime: UInt64

    /// Not exited: neither zombie nor dead.
    var isRunning: Bool { state != "Z" && state != "X" && state != "x" }

    static func read(_ pid: pid_t) -> ProcessStatus? {
        guard pid > 0, let text = AtomicFile.readText("/proc/\(pid)/stat"),
              let close = text.lastIndex(of: ")") else { return nil }
        // `comm` may hold spaces and parentheses: fields are counted after the last ')'.
        // Field 3 (state) is the first there, so field N is at index N - 3.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let parent = pid_t(fields[1]),
              let start = UInt64(fields[19]) else { return nil }
        return ProcessStatus(state: state, parent: parent, startTime: start)
    }
}
