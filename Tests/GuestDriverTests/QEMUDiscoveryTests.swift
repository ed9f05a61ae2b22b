import Foundation
import Glibc
import GuestDriver
import HostOS
import Testing

/// Finding a run's QEMU when the driver was SIGKILLed between spawning it and saving the record
/// that names its pid: QEMU may not have written its pid file yet, so recovery must find it by
/// the run's monitor path on its command line, or it outlives the run holding its taps.
@Suite("QEMU found without its pid file")
struct QEMUDiscoveryTests {
    @Test(arguments: [false, true])
    func foundByItsMonitorPathWhenThePidFileIsMissingOrStale(staleFile: Bool) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-qemu-find-\(getpid())-\(staleFile)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let marker = "\(directory)/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0.qmp"
        let pidFile = "\(directory)/run.pid"
        // Stale: names a live process of someone else (the test itself), as after a pid was reused.
        if staleFile { try AtomicFile.write("\(getpid())\n", to: pidFile) }
        // Stands in for a QEMU whose command line names the monitor socket (`$0` of the script).
        let pid = try HostCommand.start("/bin/sh", ["-c", "while :; do sleep 1; done", "chardev,path=\(marker)"])
        defer {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        let host = LinuxGuestHost()
        let found = try #require(host.findQEMU(pidFile: pidFile, marker: marker))
        #expect(found.pid == pid)
        #expect(found.startTime == ProcessIdentity.current(pid)?.startTime)
        #expect(host.findQEMU(pidFile: pidFile, marker: "\(directory)/another-run.qmp") == nil, "another run's QEMU is not this one")
    }
}
