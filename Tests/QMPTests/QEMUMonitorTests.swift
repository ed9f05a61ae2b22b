import CLinuxUAPI
import Foundation
import Glibc
import HostOS
import NetCore
import QMP
import Testing

/// The client against a real QEMU with no machine (`-machine none`): cheap, no guest.
@Suite(.serialized) struct QEMUMonitorTests {
    /// A QEMU spawned for one test; `stop` kills and reaps it and removes its directory.
    final class MachinelessQEMU {
        let directory: String
        let process: SupervisedProcess
        var socket: String { directory + "/qmp.sock" }

        init(paused: Bool = false) throws {
            var template = Array("/tmp/pbqmp-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
            directory = String(cString: made)
            var arguments = ["-machine", "none", "-nodefaults", "-no-user-config", "-display", "none",
                             "-qmp", "unix:\(directory)/qmp.sock,server=on,wait=off"]
            if paused { arguments.append("-S") }
            process = try ProcessLaunch(executable: "/usr/bin/qemu-system-x86_64", arguments: arguments,
                                        logFile: directory + "/qemu.log").spawn()
        }

        func stop() {
            process.terminate(grace: 5)
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test func queriesAndRefusalsFromARealQEMU() throws {
        let qemu = try MachinelessQEMU()
        defer { qemu.stop() }
        let qmp = try QMPConnection.connect(path: qemu.socket, timeout: 60)
        defer { qmp.close() }
        #expect(qmp.greeting.major >= 7)
        let version = try qmp.execute("query-version")
        #expect(version["qemu"]?["major"]?.integerValue == Int64(qmp.greeting.major))
        let refusal = try qmp.reply("no-such-command")
        guard case .failure(let error) = refusal else { Issue.record("accepted an unknown command"); return }
        #expect(error.errorClass == "CommandNotFound")
        let thrown = #expect(throws: PatchbayError.self) { try qmp.execute("device_del", ["id": "nothing"]) }
        #expect(thrown?.message.hasPrefix("internal error: unable to execute QEMU command 'device_del': ") == true)
    }

    @Test func stopAndContRaiseEventsInOrder() throws {
        let qemu = try MachinelessQEMU()
        defer { qemu.stop() }
        let seen = Collected()
        let qmp = try QMPConnection.connect(path: qemu.socket, timeout: 60, events: { seen.add($0) })
        defer { qmp.close() }
        try qmp.execute("stop")
        #expect(seen.all.map(\.name) == ["STOP"])
        #expect(try qmp.execute("query-status")["status"] == "paused")
        try qmp.execute("cont")
        #expect(seen.all.map(\.name) == ["STOP", "RESUME"])
        #expect(seen.all.allSatisfy { $0.timestampMicroseconds > 1_600_000_000_000_000 })
    }

    @Test func descriptorsReachQEMU() throws {
        let qemu = try MachinelessQEMU()
        defer { qemu.stop() }
        let qmp = try QMPConnection.connect(path: qemu.socket, timeout: 60)
        defer { qmp.close() }
        var pipe: [Int32] = [-1, -1]
        #expect(pb_pipe_cloexec(&pipe) == 0)
        defer { close(pipe[0]); close(pipe[1]) }
        let before = try openDescriptors(of: qemu.process.pid)
        try qmp.getfd(name: "probe", descriptor: pipe[1])
        let pipeInode = try #require(try inode(of: "/proc/self/fd/\(pipe[1])"))
        #expect(try openDescriptors(of: qemu.process.pid).count == before.count + 1)
        #expect(try openDescriptors(of: qemu.process.pid).contains { (try? inode(of: $0)) == pipeInode })
        try qmp.closefd(name: "probe")
        #expect(throws: PatchbayError.self) { try qmp.closefd(name: "probe") }
        let added = try qmp.addFD(pipe[1], opaque: "patchbay-test")
        let sets = try qmp.execute("query-fdsets")
        let set = sets.arrayValue?.first { $0["fdset-id"]?.integerValue == added.fdset }
        #expect(set?["fds"]?.arrayValue?.first?["fd"]?.integerValue == added.fd)
        #expect(set?["fds"]?.arrayValue?.first?["opaque"] == "patchbay-test")
    }

    @Test func aNewConnectionAfterTheFirstLeftIsAccepted() throws {
        let qemu = try MachinelessQEMU(paused: true)
        defer { qemu.stop() }
        let first = try QMPConnection.connect(path: qemu.socket, timeout: 60)
        #expect(try first.execute("query-status")["status"] == "prelaunch")
        first.close()
        #expect(!first.isOpen)
        // As after a daemon restart: same socket, new client.
        let second = try QMPConnection.connect(path: qemu.socket, timeout: 10)
        defer { second.close() }
        #expect(try second.execute("query-status")["status"] == "prelaunch")
    }

    @Test func quitEndsTheConnectionAndTheProcessIsReaped() throws {
        let qemu = try MachinelessQEMU()
        defer { qemu.stop() }
        let seen = Collected()
        let closed = Collected()
        let qmp = try QMPConnection.connect(path: qemu.socket, timeout: 60, events: { seen.add($0) },
                                            disconnected: { closed.add(QMPEvent(name: "closed")) })
        _ = try? qmp.execute("quit")
        try waitFor { closed.all.count == 1 }
        #expect(seen.all.map(\.name).contains("SHUTDOWN"))
        #expect(qemu.process.waitForExit(timeout: 60))
        #expect(qemu.process.exitStatus == 0)
        // Reaped: no zombie left behind.
        #expect(ProcessIdentity.current(qemu.process.pid) == nil)
    }

    private func openDescriptors(of pid: pid_t) throws -> [String] {
        (DirectoryListing.names(in: "/proc/\(pid)/fd") ?? []).map { "/proc/\(pid)/fd/\($0)" }
    }

    private func inode(of path: String) throws -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }
}
