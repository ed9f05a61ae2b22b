import CLinuxUAPI
import Glibc
import NetCore

/// Runs a host tool (tc, nft, dnsmasq) with posix_spawn, feeding stdin and collecting output.
///
/// Foundation's `Process` was seen to hang inside `unshare -n` (DESIGN.md); posix_spawn does not.
/// With `namespace`, the child is spawned from a thread inside that network namespace, so it
/// inherits it without an `ip netns exec` wrapper.
public enum HostCommand {
    /// What a finished command left behind.
    public struct Outcome: Sendable {
        /// Exit status (128+signal when killed).
        public var status: Int32
        /// Standard output.
        public var output: String
        /// Standard error.
        public var errors: String
    }

    /// Runs `executable` to completion; a non-zero exit is an error quoting its standard error.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], input: String? = nil,
                           namespace: String? = nil) throws(PatchbayError) -> Outcome {
        let outcome = try spawnAndWait(executable, arguments, input: input, namespace: namespace)
        guard outcome.status == 0 else {
            let detail = outcome.errors.split(separator: "\n").joined(separator: "; ")
            throw PatchbayError(.internalError,
                                "Child process (\(([executable] + arguments).joined(separator: " "))) unexpected exit status \(outcome.status)\(detail.isEmpty ? "" : ": \(detail)")")
        }
        return outcome
    }

    /// Runs `executable` to completion and returns its outcome whatever the exit status.
    public static func spawnAndWait(_ executable: String, _ arguments: [String], input: String? = nil,
                                    namespace: String? = nil) throws(PatchbayError) -> Outcome {
        if let namespace {
            let inputCopy = input
            return try NetworkNamespace.run(in: namespace) { () throws(PatchbayError) in
                try spawnHere(executable, arguments, input: inputCopy)
            }.get()
        }
        return try spawnHere(executable, arguments, input: input)
    }

    /// Starts `executable` without waiting (daemons such as dnsmasq); returns its pid.
    public static func start(_ executable: String, _ arguments: [String], namespace: String? = nil) throws(PatchbayError) -> pid_t {
        let body: @Sendable () throws(PatchbayError) -> pid_t = { () throws(PatchbayError) in
            try spawn(executable, arguments, stdin: nil, stdout: nil, stderr: nil)
        }
        if let namespace { return try NetworkNamespace.run(in: namespace, body).get() }
        return try body()
    }

    private static func spawnHere(_ executable: String, _ arguments: [String], input: String?) throws(PatchbayError) -> Outcome {
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pb_pipe_cloexec(&inPipe) == 0 else { throw .system("Unable to create a pipe", errno: EMFILE) }
        guard pb_pipe_cloexec(&outPipe) == 0 else {
            close(inPipe[0]); close(inPipe[1])
            throw .system("Unable to create a pipe", errno: errno)
        }
        guard pb_pipe_cloexec(&errPipe) == 0 else {
            for fd in inPipe + outPipe { close(fd) }
            throw .system("Unable to create a pipe", errno: errno)
        }
        let pid: pid_t
        do {
            pid = try spawn(executable, arguments, stdin: inPipe[0], stdout: outPipe[1], stderr: errPipe[1])
        } catch {
            for fd in inPipe + outPipe + errPipe { close(fd) }
            throw error
        }
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        // Feed stdin from a helper thread so a chatty child cannot deadlock against a full pipe.
        let writer = input.map { text in
            let fd = inPipe[1]
            return ThreadRunner { writeAll(fd, Array(text.utf8)); close(fd) }
        }
        if let writer { writer.start() } else { close(inPipe[1]) }
        let errorsReader = ThreadRunner.collecting(errPipe[0])
        errorsReader.start()
        let output = readAll(outPipe[0])
        close(outPipe[0])
        writer?.join()
        errorsReader.join()
        close(errPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Outcome(status: exit, output: String(decoding: output, as: UTF8.self),
                       errors: String(decoding: errorsReader.collected, as: UTF8.self))
    }

    private static func spawn(_ executable: String, _ arguments: [String], stdin: Int32?, stdout: Int32?,
                              stderr: Int32?) throws(PatchbayError) -> pid_t {
        // Sanitizer settings follow into children: an instrumented child (the crash torture, a
        // test's daemon) must report where its parent's reports go, and not report false leaks.
        var environment: [String] = []
        if let sanitizer = getenv("ASAN_OPTIONS") { environment.append("ASAN_OPTIONS=\(String(cString: sanitizer))") }
        return try ChildSpawn.spawn(executable, arguments, environment: environment) { (actions: inout posix_spawn_file_actions_t) in
            ChildSpawn.standardStream(0, from: stdin, &actions)
            ChildSpawn.standardStream(1, from: stdout, &actions)
            ChildSpawn.standardStream(2, from: stderr, &actions)
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 { if errno == EINTR { continue } else { return } }
            offset += written
        }
    }

    static func readAll(_ fd: Int32) -> [UInt8] {
        var collected: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return collected }
            collected.append(contentsOf: chunk[0..<count])
        }
    }
}

/// A joinable helper thread for pipe I/O: either runs a closure or drains a file descriptor.
final class ThreadRunner: @unchecked Sendable {
    private let body: () -> Void
    private let readFD: Int32
    private var thread = pthread_t()
    private var started = false
    /// What a draining runner read.
    private(set) var collected: [UInt8] = []

    init(_ body: @escaping () -> Void) {
        self.body = body
        self.readFD = -1
    }

    private init(draining fd: Int32) {
        self.body = {}
        self.readFD = fd
    }

    /// A runner that reads `fd` to its end.
    static func collecting(_ fd: Int32) -> ThreadRunner { ThreadRunner(draining: fd) }

    private func work() {
        if readFD >= 0 { collected = HostCommand.readAll(readFD) } else { body() }
    }

    func start() {
        let unmanaged = Unmanaged.passRetained(self)
        started = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<ThreadRunner>.fromOpaque(context).takeRetainedValue().work()
            return nil
        }, unmanaged.toOpaque()) == 0
        if !started {
            unmanaged.release()
            work()
        }
    }

    func join() {
        if started { pthread_join(thread, nil) }
    }
}
