import Glibc
import HostNet
import HostOS
import NetCore
import QMP

/// `GuestProcessHost` on the real machine: HostNet taps, QEMU spawned and supervised through
/// HostOS (pidfd, start time, reaping), QMP monitors. With `namespace`, taps and QEMU live in
/// that network namespace (tests).
public final class LinuxGuestHost: GuestProcessHost, @unchecked Sendable {
    let namespace: String?
    private let lock = Lock()
    /// Processes spawned or taken back, by pid (the identity is checked on every use).
    private var processes: [Int32: SupervisedProcess] = [:]

    public init(namespace: String? = nil) {
        self.namespace = namespace
    }

    public var hasVFIO: Bool { access("/dev/vfio/vfio", F_OK) == 0 }

    public func createTap(name: String?) throws(PatchbayError) -> GuestTap {
        // Not persistent: the tap lives while the driver's or QEMU's descriptor is open.
        LinuxGuestTap(try TapDevice.create(name ?? "vnet%d", options: .init(vnetHeader: true), namespace: namespace))
    }

    public func spawnQEMU(executable: String, arguments: [String], descriptors: [Int32: Int32], logFile: String) throws(PatchbayError) -> QEMUProcessID {
        let process = try ProcessLaunch(executable: executable, arguments: arguments, descriptors: descriptors,
                                        logFile: logFile, namespace: namespace).spawn()
        lock.withLock { processes[process.pid] = process }
        return process.identity
    }

    /// The pid file first; without a usable one, every process is searched for `marker` on its
    /// command line: a SIGKILL of the driver between the spawn and the record naming the pid
    /// leaves a QEMU that may not have written its pid file yet (it does so some way into its
    /// start-up, later still on a loaded host), and it must not outlive the run.
    public func findQEMU(pidFile: String, marker: String) -> QEMUProcessID? {
        if let text = AtomicFile.readText(pidFile), let pid = Int32(text.trimmingWhitespace),
           let found = Self.process(pid, marking: marker) {
            return found
        }
        let own = getpid()
        for name in DirectoryListing.names(in: "/proc") ?? [] {
            guard let pid = Int32(name), pid != own, let found = Self.process(pid, marking: marker) else { continue }
            return found
        }
        return nil
    }

    /// `pid` when it is alive and `marker` (the run's monitor path) is one of its arguments'
    /// text: a stale pid file's pid may since belong to anyone.
    static func process(_ pid: Int32, marking marker: String) -> QEMUProcessID? {
        guard let identity = ProcessIdentity.current(pid), identity.isAlive,
              let commandLine = AtomicFile.read("/proc/\(pid)/cmdline") else { return nil }
        let words = commandLine.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard words.contains(where: { $0.contains(marker) }) else { return nil }
        return identity
    }

    /// The supervised process for `process`, taking it back when it is not known yet.
    private func supervised(_ process: QEMUProcessID) -> SupervisedProcess? {
        let identity = process
        return lock.withLock {
            if let known = processes[process.pid], known.identity == identity { return known }
            guard let adopted = SupervisedProcess.adopt(identity) else { return nil }
            processes[process.pid] = adopted
            return adopted
        }
    }

    public func isRunning(_ process: QEMUProcessID) -> Bool {
        supervised(process)?.isAlive ?? false
    }

    public func terminate(_ process: QEMUProcessID, grace: Double) {
        guard let supervised = supervised(process) else { return }
        supervised.terminate(grace: grace)
    }

    public func watchExit(_ process: QEMUProcessID, _ handler: @escaping @Sendable () -> Void) {
        // Without a thread the exit is still noticed through the monitor closing (`GuestMonitorEvent.closed`).
        guard let supervised = supervised(process) else {
            _ = HostThread(handler).start()
            return
        }
        supervised.onExit { _ in handler() }
    }

    public func cpuTimeNanoseconds(_ process: QEMUProcessID) -> UInt64 {
        guard let text = AtomicFile.readText("/proc/\(process.pid)/stat"), let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // utime and stime are fields 14 and 15: indexes 11 and 12 after the command.
        guard fields.count > 19, UInt64(fields[19]) == process.startTime,
              let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return 0 }
        let ticks = UInt64(max(sysconf(Int32(_SC_CLK_TCK)), 1))
        return (user + system) * 1_000_000_000 / ticks
    }

    public func tapCounters(_ tap: String) -> [Int64]? {
        // /proc/thread-self/net is the namespace of the reading thread: read it from inside.
        let read: @Sendable () throws(PatchbayError) -> String? = { AtomicFile.readText("/proc/thread-self/net/dev") }
        let text: String?
        if let namespace {
            text = (try? NetworkNamespace.run(in: namespace, read).get()) ?? nil
        } else {
            text = AtomicFile.readText("/proc/thread-self/net/dev")
        }
        for line in (text ?? "").split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"), String(line[..<colon]).trimmingWhitespace == tap else { continue }
            let numbers = line[line.index(after: colon)...].split(separator: " ").compactMap { Int64($0) }
            // rx: bytes packets errs drop fifo frame compressed multicast; tx: bytes packets errs drop ...
            guard numbers.count >= 12 else { return nil }
            return [numbers[0], numbers[1], numbers[2], numbers[3], numbers[8], numbers[9], numbers[10], numbers[11]]
        }
        return nil
    }

    public func connectMonitor(path: String, timeout: Double, events: @escaping @Sendable (GuestMonitorEvent) -> Void) throws(PatchbayError) -> GuestMonitor {
        let connection = try QMPConnection.connect(path: path, timeout: timeout, events: { event in
            if event.name == "SHUTDOWN" { events(.shutdown(guest: event.data["guest"]?.boolValue ?? false)) }
        }, disconnected: { events(.closed) })
        return QMPGuestMonitor(connection)
    }
}

/// A HostNet tap as the driver's `GuestTap`.
final class LinuxGuestTap: GuestTap, @unchecked Sendable {
    let device: TapDevice
    init(_ device: TapDevice) { self.device = device }
    var tapName: String { device.name.description }
    var descriptor: Int32 { device.descriptor }
}

/// A guest's QMP monitor.
final class QMPGuestMonitor: GuestMonitor, @unchecked Sendable {
    let connection: QMPConnection
    init(_ connection: QMPConnection) { self.connection = connection }

    func setLink(alias: String, up: Bool) throws(PatchbayError) {
        try connection.setLink(device: alias, up: up)
    }
    func cont() throws(PatchbayError) { try connection.cont() }
    func systemPowerdown() throws(PatchbayError) { try connection.systemPowerdown() }
    func chardevs() throws(PatchbayError) -> [String: String] {
        var result: [String: String] = [:]
        for chardev in try connection.execute("query-chardev").arrayValue ?? [] {
            if let label = chardev["label"]?.stringValue, let filename = chardev["filename"]?.stringValue { result[label] = filename }
        }
        return result
    }
    func close() { connection.close() }
}
