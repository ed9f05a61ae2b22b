import CLinuxUAPI
import Glibc
import NetCore

/// Starts a long-lived process (QEMU) with chosen descriptors at fixed numbers, its output appended
/// to a log file, optionally inside a named network namespace.
///
/// posix_spawn, not Foundation's `Process` (which hung inside `unshare -n`, DESIGN.md). The child
/// gets its own session, so a signal to the daemon's terminal or process group does not reach it
/// and it outlives the daemon; the daemon remains its parent and reaps it (`SupervisedProcess`).
public struct ProcessLaunch: Sendable {
    /// Absolute path of the program.
    public var executable: String
    /// Arguments after argv[0].
    public var arguments: [String]
    /// Descriptors the child receives: key is the number in the child, value the caller's open
    /// descriptor (e.g. a tap fd at 3). The caller keeps its own copies.
    public var descriptors: [Int32: Int32]
    /// stdout and stderr are appended here (created 0600 if missing); nil sends them to /dev/null.
    public var logFile: String?
    /// A network namespace path (`/run/netns/NAME`) to start the child in; nil for the caller's.
    public var namespace: String?
    /// Extra `NAME=value` environment entries (PATH and LC_ALL=C are always set).
    public var environment: [String]

    /// Describes a launch.
    public init(executable: String, arguments: [String], descriptors: [Int32: Int32] = [:], logFile: String? = nil,
                namespace: String? = nil, environment: [String] = []) {
        self.executable = executable
        self.arguments = arguments
        self.descriptors = descriptors
        self.logFile = logFile
        self.namespace = namespace
        self.environment = environment
    }

    /// Spawns the process and returns it supervised.
    public func spawn() throws(PatchbayError) -> SupervisedProcess {
        let launch = self
        let body: @Sendable () throws(PatchbayError) -> SupervisedProcess = { () throws(PatchbayError) in
            try launch.spawnHere()
        }
        if let namespace { return try NetworkNamespace.run(in: namespace, body).get() }
        return try body()
    }

    private func spawnHere() throws(PatchbayError) -> SupervisedProcess {
        guard descriptors.keys.allSatisfy({ $0 > 2 }) else {
            throw .internalError("descriptors 0-2 of a spawned process are reserved for /dev/null and its log")
        }
        // Move every source above every target first: dup2 onto a target must never clobber a
        // source still to be copied, and dup2(fd, fd) would leave close-on-exec set.
        let floor = (descriptors.keys.max() ?? 2) + 1
        var staged: [(target: Int32, copy: Int32)] = []
        defer { for entry in staged { close(entry.copy) } }
        for (target, source) in descriptors.sorted(by: { $0.key < $1.key }) {
            let copy = fcntl(source, F_DUPFD_CLOEXEC, floor)
            guard copy >= 0 else { throw .system("Unable to pass descriptor \(source) to \(executable)", errno: errno) }
            staged.append((target, copy))
        }
        var log: Int32 = -1
        if let logFile {
            log = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard log >= 0 else { throw .system("Unable to open log file '\(logFile)'", errno: errno) }
        }
        defer { if log >= 0 { close(log) } }

        let pid = try ChildSpawn.spawn(executable, arguments, environment: environment, flags: PB_POSIX_SPAWN_SETSID) {
            (actions: inout posix_spawn_file_actions_t) throws(PatchbayError) in
            ChildSpawn.standardStream(0, from: nil, &actions)
            ChildSpawn.standardStream(1, from: log >= 0 ? log : nil, &actions)
            ChildSpawn.standardStream(2, from: log >= 0 ? log : nil, &actions)
            for entry in staged { posix_spawn_file_actions_adddup2(&actions, entry.copy, entry.target) }
            // Descriptors some thread opened without close-on-exec (or a library's) must not leak
            // into QEMU: another guest's tap would stay alive with it.
            let closing = pb_spawn_close_from(&actions, floor)
            guard closing == 0 else { throw .system("Unable to prepare the descriptors of \(executable)", errno: closing) }
        }
        // Open the pidfd before anything can reap the child, so it names this process for good.
        let pidfd = pb_pidfd_open(pid)
        guard let identity = ProcessIdentity.current(pid) else {
            // Exited and already reaped by someone else: still report it as a (dead) process.
            return SupervisedProcess(identity: ProcessIdentity(pid: pid, startTime: 0), pidfd: pidfd >= 0 ? pidfd : -1)
        }
        return SupervisedProcess(identity: identity, pidfd: pidfd >= 0 ? pidfd : -1)
    }
}
