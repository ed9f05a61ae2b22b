import CLinuxUAPI
import Foundation
import Glibc
import HostOS
import NetCore
import Testing
import TestSupport

/// Long-lived processes: descriptors at fixed numbers, logs, namespaces, proof of life, reaping.
@Suite struct SupervisedProcessTests {
    private func temporaryDirectory() throws -> String {
        var template = Array("/tmp/pbproc-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        return String(cString: made)
    }

    private func waitFor(timeout: Double = 60, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { return false }
            usleep(10_000)
        }
        return true
    }

    @Test func descriptorsArriveAtTheirNumbersAndOutputGoesToTheLog() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var first: [Int32] = [-1, -1], second: [Int32] = [-1, -1]
        #expect(pb_pipe_cloexec(&first) == 0 && pb_pipe_cloexec(&second) == 0)
        defer { for fd in first + second { close(fd) } }
        // Targets 3 and 4 swap places with whatever numbers the pipes have; a cycle must not clobber.
        let script = "echo one >&3; echo two >&4; echo to-log; echo err >&2; ls /proc/self/fd"
        let process = try ProcessLaunch(executable: "/bin/sh", arguments: ["-c", script],
                                        descriptors: [3: first[1], 4: second[1]], logFile: directory + "/log").spawn()
        #expect(process.waitForExit(timeout: 60))
        #expect(process.exitStatus == 0)
        close(first[1]); first[1] = -1
        close(second[1]); second[1] = -1
        #expect(String(decoding: readAll(first[0]), as: UTF8.self) == "one\n")
        #expect(String(decoding: readAll(second[0]), as: UTF8.self) == "two\n")
        let log = try String(contentsOfFile: directory + "/log", encoding: .utf8).split(separator: "\n")
        #expect(Array(log.prefix(2)) == ["to-log", "err"])
        // Only 0-2, the two passed descriptors and the one ls opens: nothing of ours leaked.
        #expect(log.dropFirst(2).count <= 6)
    }

    @Test func startsInsideANamedNamespace() throws {
        try TestNamespace.with { namespace in
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let process = try ProcessLaunch(executable: "/usr/bin/stat", arguments: ["-L", "-c", "%i", "/proc/self/ns/net"],
                                            logFile: directory + "/log", namespace: namespace.path).spawn()
            #expect(process.waitForExit(timeout: 60))
            var info = stat()
            #expect(stat(namespace.path, &info) == 0)
            let logged = try String(contentsOfFile: directory + "/log", encoding: .utf8)
            #expect(logged.trimmingCharacters(in: .whitespacesAndNewlines) == String(info.st_ino))
        }
    }

    @Test func aZombieIsNotAlive() throws {
        let process = try ProcessLaunch(executable: "/bin/sleep", arguments: ["600"]).spawn()
        let identity = process.identity
        #expect(identity.isAlive && process.isAlive)
        #expect(kill(identity.pid, SIGKILL) == 0)
        // Not reaped yet: kill(pid, 0) still succeeds, yet the identity knows it is dead.
        #expect(waitFor { !identity.isAlive })
        #expect(kill(identity.pid, 0) == 0)
        #expect(ProcessIdentity.current(identity.pid) != nil)
        // The supervising handle reaps its child when it finds it dead.
        #expect(!process.isAlive)
        #expect(process.exitStatus == 128 + SIGKILL)
        #expect(ProcessIdentity.current(identity.pid) == nil)
    }

    @Test func exitIsReportedOnceWithItsStatus() throws {
        let process = try ProcessLaunch(executable: "/bin/sh", arguments: ["-c", "exit 7"]).spawn()
        let reported = Reported()
        #expect(process.onExit { reported.add($0.exitStatus) })
        #expect(waitFor { reported.values.count == 1 })
        #expect(reported.values == [7])
        // Registered after the exit: called at once.
        #expect(process.onExit { reported.add($0.exitStatus) })
        #expect(waitFor { reported.values.count == 2 })
    }

    @Test func aRecordedIdentityIsFoundAgainOnlyWhileThatProcessRuns() throws {
        let process = try ProcessLaunch(executable: "/bin/sleep", arguments: ["600"]).spawn()
        defer { process.terminate(grace: 1) }
        let recorded = try JSONDecoder().decode(ProcessIdentity.self, from: JSONEncoder().encode(process.identity))
        let adopted = try #require(SupervisedProcess.adopt(recorded))
        #expect(adopted.isAlive)
        // The same pid with another start time is another process (pid reuse).
        #expect(SupervisedProcess.adopt(ProcessIdentity(pid: recorded.pid, startTime: recorded.startTime + 1)) == nil)
        // Signals through the adopted handle reach the process; the spawning handle reaps it.
        try adopted.signal(SIGTERM)
        #expect(process.waitForExit(timeout: 60))
        #expect(!adopted.isAlive)
        #expect(SupervisedProcess.adopt(recorded) == nil)
    }

    @Test func terminateEscalatesToSIGKILL() throws {
        let process = try ProcessLaunch(executable: "/bin/sh", arguments: ["-c", "trap '' TERM; exec sleep 600"]).spawn()
        // Wait until SIGTERM is ignored (its disposition shows in /proc; before exec the child still
        // shows the test process's own dispositions).
        #expect(waitFor { (try? String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8))?
                .split(separator: "\n").first { $0.hasPrefix("SigIgn:") }
                .flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) }
                .map { $0 & (1 << (UInt64(SIGTERM) - 1)) != 0 } == true })
        #expect(process.terminate(grace: 0.5))
        #expect(process.exitStatus == 128 + SIGKILL)
    }

    private func readAll(_ fd: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}

private final class Reported: @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [Int32?] = []

    func add(_ status: Int32?) {
        lock.lock()
        statuses.append(status)
        lock.unlock()
    }

    var values: [Int32?] {
        lock.lock()
        defer { lock.unlock() }
        return statuses
    }
}
