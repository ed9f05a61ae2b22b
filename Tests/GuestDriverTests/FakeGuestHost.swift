import Foundation
import GuestDriver
import NetConf
import NetCore

/// A host with no kernel objects: taps are names, QEMU processes are table entries that "exit"
/// when the test says so. Every call is counted so tests can take a snapshot of the driver's
/// files at each step (crash points) or fail one (failure injection).
final class FakeGuestHost: GuestProcessHost, @unchecked Sendable {
    final class Tap: GuestTap, @unchecked Sendable {
        let tapName: String
        let descriptor: Int32
        let host: FakeGuestHost
        init(name: String, descriptor: Int32, host: FakeGuestHost) {
            tapName = name
            self.descriptor = descriptor
            self.host = host
        }
        // Like a real non-persistent tap: it lives while the driver's or QEMU's descriptor does.
        deinit { host.tapClosed(tapName) }
    }

    final class Monitor: GuestMonitor, @unchecked Sendable {
        let host: FakeGuestHost
        let process: QEMUProcessID
        let events: @Sendable (GuestMonitorEvent) -> Void
        init(host: FakeGuestHost, process: QEMUProcessID, events: @escaping @Sendable (GuestMonitorEvent) -> Void) {
            self.host = host
            self.process = process
            self.events = events
        }
        func setLink(alias: String, up: Bool) throws(PatchbayError) { try host.step("set_link \(alias) \(up ? "on" : "off")") }
        func cont() throws(PatchbayError) { try host.step("cont") }
        func systemPowerdown() throws(PatchbayError) { try host.step("system_powerdown") }
        func chardevs() throws(PatchbayError) -> [String: String] {
            try host.step("query-chardev")
            return ["charserial0": "pty:/dev/pts/77"]
        }
        func close() {}
    }

    struct Process {
        var id: QEMUProcessID
        var arguments: [String]
        var alive: Bool
        var taps: [String]
        var exitHandlers: [@Sendable () -> Void] = []
    }

    let lock = NSLock()
    private(set) var log: [String] = []
    var processes: [Int32: Process] = [:]
    var liveTaps: Set<String> = []
    var nextPID: Int32 = 1000
    var nextFD: Int32 = 100
    var tapByFD: [Int32: String] = [:]
    /// Called before each counted step with its number; throwing fails that step.
    var beforeStep: ((Int, String) throws(PatchbayError) -> Void)?
    private(set) var steps = 0
    var hasVFIO: Bool { false }

    func step(_ what: String) throws(PatchbayError) {
        let number: Int = lock.withLock {
            steps += 1
            log.append(what)
            return steps
        }
        try beforeStep?(number, what)
    }

    func tapClosed(_ name: String) {
        lock.withLock {
            // A tap survives while a running QEMU holds it.
            if !processes.values.contains(where: { $0.alive && $0.taps.contains(name) }) { liveTaps.remove(name) }
        }
    }

    func createTap(name: String?) throws(PatchbayError) -> GuestTap {
        try step("tap \(name ?? "vnet%d")")
        return lock.withLock {
            var chosen = name ?? ""
            if name == nil {
                var n = 0
                while liveTaps.contains("vnet\(n)") { n += 1 }
                chosen = "vnet\(n)"
            }
            liveTaps.insert(chosen)
            nextFD += 1
            tapByFD[nextFD] = chosen
            return Tap(name: chosen, descriptor: nextFD, host: self)
        }
    }

    func spawnQEMU(executable: String, arguments: [String], descriptors: [Int32: Int32], logFile: String) throws(PatchbayError) -> QEMUProcessID {
        try step("spawn")
        return lock.withLock {
            nextPID += 1
            let id = QEMUProcessID(pid: nextPID, startTime: UInt64(nextPID) * 7)
            let taps = descriptors.values.compactMap { tapByFD[$0] }
            processes[id.pid] = Process(id: id, arguments: arguments, alive: true, taps: taps)
            // QEMU writes its pid file as it starts.
            if let index = arguments.firstIndex(of: "-pidfile"), index + 1 < arguments.count {
                try? "\(id.pid)\n".write(toFile: arguments[index + 1], atomically: true, encoding: .utf8)
            }
            return id
        }
    }

    func findQEMU(pidFile: String, marker: String) -> QEMUProcessID? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        return lock.withLock {
            guard let process = processes[pid], process.alive, process.arguments.contains(where: { $0.contains(marker) }) else { return nil }
            return process.id
        }
    }

    func isRunning(_ process: QEMUProcessID) -> Bool {
        lock.withLock { processes[process.pid].map { $0.alive && $0.id == process } ?? false }
    }

    func terminate(_ process: QEMUProcessID, grace: Double) {
        try? step("terminate")
        exit(process.pid, notify: false)
    }

    /// The process ends (guest power-off, crash, kill behind the driver's back).
    func exit(_ pid: Int32, notify: Bool = true) {
        let handlers: [@Sendable () -> Void] = lock.withLock {
            guard var process = processes[pid], process.alive else { return [] }
            process.alive = false
            for tap in process.taps where !processes.values.contains(where: { $0.alive && $0.id != process.id && $0.taps.contains(tap) }) {
                liveTaps.remove(tap)
            }
            let handlers = process.exitHandlers
            process.exitHandlers = []
            processes[pid] = process
            return handlers
        }
        guard notify else { return }
        // The real watcher is another thread.
        for handler in handlers { Thread.detachNewThread { handler() } }
    }

    func watchExit(_ process: QEMUProcessID, _ handler: @escaping @Sendable () -> Void) {
        let alive: Bool = lock.withLock {
            guard processes[process.pid]?.id == process, processes[process.pid]?.alive == true else { return false }
            processes[process.pid]?.exitHandlers.append(handler)
            return true
        }
        if !alive { Thread.detachNewThread { handler() } }
    }

    func cpuTimeNanoseconds(_ process: QEMUProcessID) -> UInt64 { 42_000_000 }

    func tapCounters(_ tap: String) -> [Int64]? {
        lock.withLock { liveTaps.contains(tap) ? [100, 2, 0, 0, 5000, 40, 0, 1] : nil }
    }

    func connectMonitor(path: String, timeout: Double, events: @escaping @Sendable (GuestMonitorEvent) -> Void) throws(PatchbayError) -> GuestMonitor {
        try step("connect")
        let process: Process? = lock.withLock { processes.values.first { $0.alive && $0.arguments.contains { $0.contains(path) } } }
        guard let process else { throw PatchbayError(.operationFailed, "monitor \(path) refused", domain: .qemu) }
        return Monitor(host: self, process: process.id, events: events)
    }

    /// Another host with the same processes and taps at this instant (a crash snapshot).
    func clone() -> FakeGuestHost {
        lock.withLock {
            let copy = FakeGuestHost()
            copy.processes = processes.mapValues { var p = $0; p.exitHandlers = []; return p }
            // The driver's own tap descriptors die with it: only taps a live QEMU holds survive.
            copy.liveTaps = liveTaps.filter { tap in processes.values.contains { $0.alive && $0.taps.contains(tap) } }
            copy.nextPID = nextPID
            copy.nextFD = nextFD
            copy.tapByFD = tapByFD
            return copy
        }
    }

    var alivePIDs: [Int32] { lock.withLock { processes.values.filter(\.alive).map(\.id.pid).sorted() } }
    func arguments(_ pid: Int32) -> [String] { lock.withLock { processes[pid]?.arguments ?? [] } }
    var stepsLog: [String] { lock.withLock { log } }
}

/// NIC wiring that remembers which NICs hold a "port" (one file per NIC, like the real ledger,
/// so that reopening after a crash sees what was wired).
final class FakeNICPlumbing: GuestNICPlumbing, @unchecked Sendable {
    let directory: String
    let lock = NSLock()
    private(set) var recovered: [LibvirtUUID] = []
    var failConnect = false
    /// The last state each NIC (by alias) was brought to.
    private(set) var applied: [String: DomainInterface] = [:]

    init(directory: String) {
        self.directory = directory
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func connect(_ interface: DomainInterface, slot: GuestNIC, link: @escaping GuestLinkSetter) throws(PatchbayError) {
        if failConnect { throw PatchbayError(.operationFailed, "network has no free port", domain: .network) }
        lock.withLock { applied[slot.alias] = interface }
        // The ledger entry exists before the port does.
        FileManager.default.createFile(atPath: "\(directory)/\(slot.domainUUID)-\(slot.alias)", contents: Data(slot.tap.value.utf8))
        try link(slot.alias, interface.linkState != .down)
    }

    func releaseAll(domain: LibvirtUUID) throws(PatchbayError) {
        for name in ports(domain) { try? FileManager.default.removeItem(atPath: "\(directory)/\(name)") }
    }

    func recoverNICs(domain: LibvirtUUID, link: GuestLinkSetter?) -> [String] {
        lock.withLock { recovered.append(domain) }
        return []
    }

    func liveInterface(_ interface: DomainInterface, domain: LibvirtUUID, alias: String) -> DomainInterface { interface }

    func ports(_ domain: LibvirtUUID) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(domain.description) }.sorted()
    }
    var allPorts: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted() }
}
