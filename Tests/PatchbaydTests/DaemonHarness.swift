import Foundation
import Glibc
import TestSupport

/// A patchbayd started for one test: its own network namespace, config/state/socket
/// directories under /tmp, killed by PID and cleaned up whatever the test does.
final class DaemonHarness: @unchecked Sendable {
    let root: String
    let namespace: String
    var socketDirectory: String { "\(root)/sock" }
    var configDirectory: String { "\(root)/etc" }
    var stateDirectory: String { "\(root)/run" }
    var networkSocket: String { "\(socketDirectory)/virtnetworkd-sock" }
    var readOnlySocket: String { "\(socketDirectory)/virtnetworkd-sock-ro" }
    /// `network:///system?socket=...` for virsh and libvirt-python.
    var uri: String { "network:///system?socket=\(networkSocket)" }
    var readOnlyURI: String { "network:///system?socket=\(readOnlySocket)" }
    var logPath: String { "\(root)/patchbayd.log" }
    private(set) var process: Process?
    private let extraArguments: [String]

    /// The daemon binary: $PATCHBAYD_BIN, else the one `swift build` put beside the tests.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["PATCHBAYD_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for configuration in ["debug", "release"] {
            let path = root.appendingPathComponent(".build/\(configuration)/patchbayd").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return root.appendingPathComponent(".build/debug/patchbayd").path
    }

    /// The CLI binary beside the daemon.
    static var cli: String { URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("patchbay").path }

    init(arguments: [String] = []) throws {
        let token = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        root = "/tmp/pbd-test-\(token)"
        namespace = "pbd-\(token)"
        extraArguments = arguments
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try TestNamespace.run("/usr/sbin/ip", ["netns", "add", namespace])
    }

    /// Runs `body` with a started daemon; always stops it and removes namespace and files.
    static func with<T>(arguments: [String] = [], _ body: (DaemonHarness) throws -> T) throws -> T {
        let harness = try DaemonHarness(arguments: arguments)
        defer { harness.cleanUp() }
        try harness.start()
        return try body(harness)
    }

    /// Starts the daemon inside the namespace and waits for its sockets, looking every
    /// `pollMicroseconds` (a stop test looks as often as it can, to stop it the moment it is ready).
    func start(pollMicroseconds: UInt32 = 20_000) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        // `ip netns exec` execs the daemon, so the PID we hold is the daemon's own.
        process.arguments = ["netns", "exec", namespace, Self.binary, "--socket-dir", socketDirectory, "--config-dir", configDirectory,
                             "--state-dir", stateDirectory, "--log-level", "debug"] + extraArguments
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let logFile = FileHandle(forWritingAtPath: logPath)
        logFile?.seekToEndOfFile()
        process.standardError = logFile
        process.standardOutput = logFile
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            // A daemon killed earlier leaves its socket files behind: ready means all six accept.
            if Self.socketNames.allSatisfy({ (try? RawConnection(path: "\(socketDirectory)/\($0)")) != nil }) { return }
            guard process.isRunning else { throw HarnessError("patchbayd exited early:\n\(log(tail: 40))") }
            usleep(pollMicroseconds)
        }
        throw HarnessError("patchbayd did not create its sockets:\n\(log(tail: 40))")
    }

    /// The six sockets patchbayd binds (SocketRole.fileName).
    static let socketNames = ["virtnetworkd", "virtinterfaced", "virtnodedevd"].flatMap { ["\($0)-sock", "\($0)-sock-ro"] }

    /// How a stop ended.
    struct StopOutcome {
        /// It exited by itself within the grace time (else it was killed).
        var stoppedBySignal: Bool
        /// Exited normally (not by a signal) with status 0: the clean stop path ran to its end.
        var clean: Bool
        /// From SIGTERM to exit.
        var seconds: Double
    }

    /// SIGTERM (a graceful stop) and wait; SIGKILL if it lingers.
    @discardableResult
    func stop() -> StopOutcome? {
        guard let process, process.isRunning else { return nil }
        let start = Date()
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(1_000) }
        let stoppedBySignal = !process.isRunning
        if !stoppedBySignal { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return StopOutcome(stoppedBySignal: stoppedBySignal,
                           clean: stoppedBySignal && process.terminationReason == .exit && process.terminationStatus == 0,
                           seconds: Date().timeIntervalSince(start))
    }

    /// Stops and starts again over the same directories.
    func restart() throws {
        stop()
        try start()
    }

    /// Whether the daemon process is still alive.
    var isRunning: Bool { process?.isRunning ?? false }

    func cleanUp() {
        stop()
        // Networks outlive the daemon by design: their dnsmasq processes go with the namespace.
        if let pids = try? Shell.run("/usr/sbin/ip", ["netns", "pids", namespace]) {
            for pid in pids.output.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
        }
        _ = try? TestNamespace.run("/usr/sbin/ip", ["netns", "del", namespace])
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Waits until the daemon has logged `count` event registrations (a listener is ready).
    func waitForEventRegistrations(_ count: Int, timeout: TimeInterval = 15) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if text.components(separatedBy: "events registered").count - 1 >= count { return }
            usleep(20_000)
        }
        throw HarnessError("no event registration seen:\n\(log(tail: 20))")
    }

    /// The last lines of the daemon's log.
    func log(tail: Int) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(tail).joined(separator: "\n")
    }

    /// `virsh -c URI ARGS...` (`readOnly`: the -ro socket).
    func virsh(_ arguments: String..., readOnly: Bool = false) throws -> CommandResult {
        try Shell.run("/usr/bin/virsh", ["-c", readOnly ? readOnlyURI : uri] + arguments)
    }

    /// `patchbay ARGS... -c SOCKET`.
    func cli(_ arguments: String...) throws -> CommandResult {
        try Shell.run(Self.cli, ["-c", networkSocket] + arguments)
    }

    /// Writes a file under the test directory and returns its path.
    func file(_ name: String, _ contents: String) throws -> String {
        let path = "\(root)/\(name)"
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// A harness failure with the daemon's log.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
