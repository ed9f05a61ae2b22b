import Foundation
import Glibc
import HostOS
import NetCore
import QMP
import Testing
import TestSupport

/// What a restarted daemon meets: a QEMU some earlier process started (not our child), found again
/// from its recorded identity and monitor socket; when it dies, its unreaped zombie counts as dead.
@Suite struct QEMURestartTests {
    @Test func aQEMUStartedByAnEarlierDaemonIsTakenBackAndItsDeathSeenThroughItsZombie() throws {
        // Orphans come back to this process when their parent goes, so the test can reap them.
        ChildReaper.adoptOrphans()
        var template = Array("/tmp/pbrestart-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/qmp.sock"
        // The "earlier daemon": starts QEMU, then lives on without ever reaping it, like a PID 1
        // that reaps no orphans.
        let qemu = "/usr/bin/qemu-system-x86_64 -machine none -nodefaults -no-user-config -display none -qmp unix:\(socket),server=on,wait=off"
        let earlier = try ProcessLaunch(executable: "/bin/sh",
                                        arguments: ["-c", "\(qemu) >/dev/null 2>&1 & echo $! > \(directory)/pid; exec sleep 600"]).spawn()
        defer { earlier.terminate(grace: 1) }
        try waitFor { (try? String(contentsOfFile: directory + "/pid", encoding: .utf8))?.hasSuffix("\n") == true }
        let pid = try #require(pid_t((try String(contentsOfFile: directory + "/pid", encoding: .utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        let recorded = try #require(ProcessIdentity.current(pid))
        let first = try QMPConnection.connect(path: socket, timeout: 60)
        try first.stop()
        first.close()

        // The restarted daemon: same identity, same socket, the state the earlier one left.
        let adopted = try #require(SupervisedProcess.adopt(recorded))
        let qmp = try QMPConnection.connect(path: socket, timeout: 10)
        #expect(try qmp.queryStatus() == QMPConnection.RunState(running: false, status: "paused"))

        try adopted.signal(SIGKILL)
        #expect(adopted.waitForExit(timeout: 60))
        try waitFor { !qmp.isOpen }
        // A zombie nobody reaps: kill(pid, 0) still says it exists; proof of life says it is dead.
        #expect(kill(pid, 0) == 0)
        #expect(ProcessTable.entry(pid)?.isZombie == true)
        #expect(!recorded.isAlive && !adopted.isAlive)
        #expect(adopted.exitStatus == nil)
        #expect(SupervisedProcess.adopt(recorded) == nil)

        // Its parent goes: the zombie becomes ours, and the handle reaps it when it looks.
        earlier.terminate(grace: 1)
        try waitFor { ProcessTable.entry(pid)?.parent == getpid() || ProcessTable.entry(pid) == nil }
        _ = adopted.isAlive
        #expect(adopted.exitStatus == 128 + SIGKILL || ProcessTable.entry(pid) == nil)
        try waitFor { ProcessTable.entry(pid) == nil }
    }
}
