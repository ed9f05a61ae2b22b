import Foundation
import Glibc
import HostOS
import NetCore
import QMP

/// A real QEMU guest (TCG) running the tiny test guest, for tests that judge networking from inside
/// a guest: it boots with the given NICs and kernel command line, reports over its serial console
/// and is driven over QMP. Stopping (or dropping) it kills and reaps QEMU and removes its files.
public final class TestGuest: @unchecked Sendable {
    /// One guest NIC backed by a tap.
    public struct NIC: Sendable {
        /// An open tap descriptor (HostNet `TapDevice.descriptor`), passed to QEMU as `fd=`.
        public var descriptor: Int32?
        /// Or a tap name QEMU opens itself (QEMU then must run in the tap's namespace).
        public var tapName: String?
        /// The guest MAC.
        public var mac: String
        /// The QEMU device id (`set_link` takes it); the netdev is `host<id>`.
        public var id: String

        /// A NIC on an open tap descriptor.
        public init(descriptor: Int32, mac: String, id: String) {
            self.descriptor = descriptor
            self.mac = mac
            self.id = id
        }

        /// A NIC on a tap that QEMU opens by name.
        public init(tapName: String, mac: String, id: String) {
            self.tapName = tapName
            self.mac = mac
            self.id = id
        }
    }

    /// What to boot.
    public struct Configuration: Sendable {
        /// NICs in PCI order: the first is eth0 in the guest.
        public var nics: [NIC]
        /// `pb.net=` values: `eth0,10.0.0.2/24[,gateway]` or `eth0,dhcp`.
        public var networks: [String]
        /// Addresses the guest pings continuously.
        public var probes: [String]
        /// Probe period per target.
        public var probeIntervalMilliseconds = 100
        /// More kernel command line words.
        public var extraCommandLine: [String] = []
        /// Start QEMU in this network namespace (path); needed only for NICs given by tap name.
        public var namespace: String?
        /// Start paused (`-S`): nothing runs until `qmp.execute("cont")`.
        public var paused = false
        /// Guest memory.
        public var memoryMiB = 256
        /// More QEMU arguments, appended last (e.g. a `pcie-root-port` for hot-plug).
        public var extraQEMUArguments: [String] = []

        /// Describes a guest.
        public init(nics: [NIC], networks: [String], probes: [String]) {
            self.nics = nics
            self.networks = networks
            self.probes = probes
        }
    }

    /// The QEMU process.
    public let process: SupervisedProcess
    /// The monitor.
    public let qmp: QMPConnection
    /// The serial console.
    public let serial: GuestSerialLog
    /// Host monotonic time when QEMU was spawned.
    public let startedAt: Double
    /// The directory holding the serial log, QMP socket and QEMU's own log.
    public let directory: String

    /// Spawns QEMU and connects to its monitor; the guest then boots on its own.
    public init(_ configuration: Configuration, image: TestGuestImage? = nil) throws {
        let image = try image ?? TestGuestImage.prepare()
        var template = Array("/tmp/pbguest-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestGuestError(description: "mkdtemp failed: \(errno)") }
        directory = String(cString: made)
        serial = GuestSerialLog(path: directory + "/serial.log")
        var commandLine = ["console=ttyS0", "quiet", "panic=-1"]
        commandLine += configuration.networks.map { "pb.net=\($0)" }
        if !configuration.probes.isEmpty { commandLine.append("pb.probe=" + configuration.probes.joined(separator: ",")) }
        commandLine.append("pb.interval=\(configuration.probeIntervalMilliseconds)")
        commandLine += configuration.extraCommandLine
        var arguments = [
            "-name", "pbtest", "-accel", "tcg", "-machine", "q35", "-m", "\(configuration.memoryMiB)",
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-kernel", image.kernel, "-initrd", image.initrd, "-append", commandLine.joined(separator: " "),
            "-serial", "file:" + serial.path,
            "-qmp", "unix:\(directory)/qmp.sock,server=on,wait=off",
        ]
        if configuration.paused { arguments.append("-S") }
        var descriptors: [Int32: Int32] = [:]
        for (index, nic) in configuration.nics.enumerated() {
            var netdev = "tap,id=host\(nic.id)"
            if let descriptor = nic.descriptor {
                let target = Int32(3 + index)
                descriptors[target] = descriptor
                netdev += ",fd=\(target)"
            } else if let name = nic.tapName {
                netdev += ",ifname=\(name),script=no,downscript=no"
            }
            arguments += ["-netdev", netdev, "-device", "virtio-net-pci,netdev=host\(nic.id),id=\(nic.id),mac=\(nic.mac)"]
        }
        arguments += configuration.extraQEMUArguments
        let launch = ProcessLaunch(executable: "/usr/bin/qemu-system-x86_64", arguments: arguments, descriptors: descriptors,
                                   logFile: directory + "/qemu.log", namespace: configuration.namespace)
        startedAt = TestClock.now
        process = try launch.spawn()
        do {
            watchdog = try GuestWatchdog(guarding: process)
        } catch {
            process.terminate(grace: 5)
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        let box = EventSink()
        do {
            qmp = try TestGuest.connect(directory + "/qmp.sock", while: process, events: { box.add($0) })
        } catch {
            watchdog.release()
            process.terminate(grace: 5)
            let log = (try? String(contentsOfFile: directory + "/qemu.log", encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: directory)
            throw TestGuestError(description: "QEMU did not open its monitor: \(error); its log: \(log)")
        }
        sink = box
    }

    private let sink: EventSink
    private let watchdog: GuestWatchdog

    /// Connects to QEMU's monitor once it listens; gives up at once when QEMU exited (bad arguments).
    private static func connect(_ path: String, while process: SupervisedProcess,
                                events: @escaping QMPConnection.EventHandler) throws -> QMPConnection {
        let deadline = TestClock.now + 120
        while true {
            do {
                return try QMPConnection.connect(path: path, timeout: 1, events: events)
            } catch {
                guard process.isAlive, TestClock.now < deadline else { throw error }
            }
        }
    }

    /// QMP events received so far, in order.
    public var events: [QMPEvent] { sink.all }

    /// The current end of the serial log.
    public func mark() -> GuestSerialMark { serial.mark() }

    /// Waits for a successful probe of `target` after `mark`; returns it.
    @discardableResult
    public func waitUntilReachable(_ target: String, after mark: GuestSerialMark? = nil, timeout: Double = 300) throws -> GuestReport {
        try serial.wait(for: "\(target) reachable", after: mark, timeout: timeout) { reports in
            reports.first { $0.target == target && $0.succeeded }
        }
    }

    /// Waits until `consecutive` probes of `target` sent one after the other (after `mark`) all
    /// failed; returns the first of them.
    @discardableResult
    public func waitUntilUnreachable(_ target: String, consecutive: Int = 3, after mark: GuestSerialMark? = nil,
                                     timeout: Double = 120) throws -> GuestReport {
        try serial.wait(for: "\(target) unreachable for \(consecutive) probes", after: mark, timeout: timeout) { reports in
            let probes = reports.filter { $0.target == target }.sorted { $0.milliseconds < $1.milliseconds }
            var run = 0
            for (index, probe) in probes.enumerated() {
                run = probe.succeeded ? 0 : run + 1
                if run == consecutive { return probes[index - consecutive + 1] }
            }
            return nil
        }
    }

    /// Waits until the first outage of `target` after `mark` is over (or `quiet` probes in a row
    /// succeeded without one) and returns it: what a live re-wiring cost the guest.
    @discardableResult
    public func waitForOutageEnd(_ target: String, after mark: GuestSerialMark, quiet: Int = 30,
                                 timeout: Double = 120) throws -> GuestOutage {
        try serial.wait(for: "the end of an outage of \(target)", after: mark, timeout: timeout) { reports in
            GuestOutage.first(of: target, in: reports, quiet: quiet)
        }
    }

    /// Waits for a DHCP lease on `interface` after `mark`; returns the address with its prefix.
    @discardableResult
    public func waitForDHCP(_ interface: String = "eth0", after mark: GuestSerialMark? = nil, timeout: Double = 120) throws -> String {
        try serial.wait(for: "a DHCP lease on \(interface)", after: mark, timeout: timeout) { reports in
            reports.first { $0.keyword == "DHCP" && $0.fields.first == interface }?.fields.last
        }
    }

    /// Waits for the guest to see its link `up` or down.
    @discardableResult
    public func waitForLink(_ interface: String = "eth0", up: Bool, after mark: GuestSerialMark? = nil,
                            timeout: Double = 60) throws -> GuestReport {
        try serial.wait(for: "link \(interface) \(up ? "up" : "down")", after: mark, timeout: timeout) { reports in
            reports.first { $0.keyword == "LINK" && $0.fields == [interface, up ? "up" : "down"] }
        }
    }

    /// Kills QEMU, reaps it and removes the guest's files (kept, for reading, when
    /// PATCHBAY_KEEP_GUEST_LOGS is set). Idempotent.
    public func stop() {
        qmp.close()
        watchdog.release()
        process.terminate(grace: 5)
        if ProcessInfo.processInfo.environment["PATCHBAY_KEEP_GUEST_LOGS"] == nil {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    deinit { stop() }
}

/// Collects events from the QMP reader thread.
private final class EventSink: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [QMPEvent] = []

    func add(_ event: QMPEvent) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }

    var all: [QMPEvent] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }
}
