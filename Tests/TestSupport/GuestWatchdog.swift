import CLinuxUAPI
import Foundation
import Glibc
import HostOS

/// Kills QEMU when the test process goes away without stopping it (a crash, a trap, SIGKILL): a
/// TCG guest left running would burn CPU on this shared machine for ever. A shell waits on a pipe
/// whose only writer is this process; end of file means the test process is gone (or `release`).
public final class GuestWatchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var writer: Int32
    private let shell: SupervisedProcess

    /// Starts the watching shell.
    public init(guarding process: SupervisedProcess) throws {
        var pipe: [Int32] = [-1, -1]
        guard pb_pipe_cloexec(&pipe) == 0 else { throw TestGuestError(description: "cannot create the watchdog pipe") }
        defer { close(pipe[0]) }
        do {
            shell = try ProcessLaunch(executable: "/bin/sh",
                                      arguments: ["-c", """
                                          read _ <&3; set -- $(cat /proc/\(process.pid)/stat 2>/dev/null)
                                          [ "${22}" = \(process.identity.startTime) ] && kill -9 \(process.pid)
                                          """],
                                      descriptors: [3: pipe[0]]).spawn()
        } catch {
            close(pipe[1])
            throw error
        }
        writer = pipe[1]
    }

    /// Lets the shell go: it kills QEMU if QEMU still runs (same pid and start time) and exits.
    public func release() {
        lock.lock()
        let fd = writer
        writer = -1
        lock.unlock()
        guard fd >= 0 else { return }
        close(fd)
        shell.waitForExit(timeout: 30)
    }
}
