import Foundation
import Glibc
import HostNet
import NetCore
import Netlink
import Testing

/// The real virsh against patchbayd's interface and node device sockets, in the daemon's namespace.
@Suite("virsh interfaces and node devices", .serialized)
struct InterfaceVirshTests {
    static let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/conformance/libvirt-9.0/schemas").path

    /// A namespace host: veth0/veth1 with an address and a route, plus a running Patchbay network `pbt1`.
    static func prepareHost(_ daemon: DaemonHarness) throws {
        for command in ["link add veth0 type veth peer name veth1", "link set veth0 up", "link set veth1 up",
                        "addr add 10.7.0.2/24 dev veth1", "route add 10.70.0.0/16 via 10.7.0.1"] {
            let result = try Shell.run("/usr/sbin/ip", ["-n", daemon.namespace] + command.split(separator: " ").map(String.init))
            #expect(result.status == 0, "\(command): \(result)")
        }
        let xml = try daemon.file("t1.xml", Fixtures.network("t1", bridge: "pbt1"))
        #expect(try daemon.virsh("net-define", xml).status == 0)
        #expect(try daemon.virsh("net-start", "t1").status == 0)
    }

    static func snapshot(_ daemon: DaemonHarness) throws -> HostInterfaceSnapshot {
        try LinuxHostInterfaces(namespace: "/run/netns/\(daemon.namespace)").snapshot(excluding: InterfaceOwnership(names: ["pbt1"]))
    }

    static func ip(_ daemon: DaemonHarness, _ command: String) throws -> CommandResult {
        try Shell.run("/usr/sbin/ip", ["-n", daemon.namespace] + command.split(separator: " ").map(String.init))
    }

    static let bridgeXML = """
        <interface type='bridge' name='br9'>
          <start mode='onboot'/>
          <protocol family='ipv4'>
            <ip address='10.9.0.1' prefix='24'/>
          </protocol>
          <bridge stp='off'>
            <interface type='ethernet' name='veth0'/>
          </bridge>
        </interface>
        """

    static func validate(_ document: String, schema: String, in daemon: DaemonHarness) throws {
        let path = try daemon.file("doc-\(UInt32.random(in: 0...UInt32.max)).xml", document)
        let result = try Shell.run("/usr/bin/xmllint", ["--noout", "--relaxng", "\(schemas)/\(schema)", path])
        #expect(result.status == 0, "\(schema): \(result)\n\(document)")
    }

    @Test("iface-begin, iface-define, iface-start, iface-rollback, iface-commit")
    func transactionEndToEnd() throws {
        try DaemonHarness.with { daemon in
            try Self.prepareHost(daemon)
            let before = try Self.snapshot(daemon)
            var result = try daemon.iface("iface-begin")
            #expect(result.status == 0 && result.output.contains("Network config change transaction started"), "\(result)")
            let xml = try daemon.file("br9.xml", Self.bridgeXML)
            result = try daemon.iface("iface-define", xml)
            #expect(result.status == 0 && result.output.contains("Interface br9 defined"), "\(result)")
            result = try daemon.iface("iface-start", "br9")
            #expect(result.status == 0 && result.output.contains("Interface br9 started"), "\(result)")
            #expect(try Self.ip(daemon, "link show veth0").output.contains("master br9"))
            result = try daemon.iface("iface-list", "--all")
            #expect(result.output.contains("br9") && result.output.contains("veth1"), "\(result)")
            #expect(!result.output.contains("pbt1"), "Patchbay's own bridge is not a host interface")
            let dump = try daemon.iface("iface-dumpxml", "br9").output
            #expect(dump.contains("<interface type='ethernet' name='veth0'"), "\(dump)")
            try Self.validate(dump, schema: "interface.rng", in: daemon)
            try Self.validate(try daemon.iface("iface-dumpxml", "veth1").output, schema: "interface.rng", in: daemon)
            #expect(try daemon.iface("iface-mac", "veth1").status == 0)
            _ = try Self.ip(daemon, "addr del 10.7.0.2/24 dev veth1")
            result = try daemon.iface("iface-rollback")
            #expect(result.status == 0 && result.output.contains("rolled back"), "\(result)")
            #expect(try Self.snapshot(daemon).normalized == before.normalized)
            #expect(!(try daemon.iface("iface-list", "--all").output.contains("br9")), "the definition is gone too")
            #expect(try Self.ip(daemon, "link show pbt1").status == 0, "Patchbay's network bridge untouched")
            #expect(try daemon.virsh("net-list").output.contains(" t1 "))

            #expect(try daemon.iface("iface-begin").status == 0)
            #expect(try daemon.iface("iface-begin").status != 0, "a pending transaction is not silently replaced")
            #expect(try daemon.iface("iface-define", xml).status == 0)
            #expect(try daemon.iface("iface-start", "br9").status == 0)
            result = try daemon.iface("iface-commit")
            #expect(result.status == 0 && result.output.contains("committed"), "\(result)")
            #expect(try Self.ip(daemon, "link show br9").status == 0, "commit keeps the change")
            result = try daemon.iface("iface-rollback")
            #expect(result.status != 0 && result.errors.contains("no interface transaction is pending"), "\(result)")
            result = try daemon.iface("iface-destroy", "br9")
            // Debian's virsh 9.0 exits 1 after a successful iface-destroy (its own return value,
            // with nothing on stderr); the message and the kernel tell whether it worked.
            #expect(result.output.contains("Interface br9 destroyed") && result.errors.isEmpty, "\(result)")
            #expect(try Self.ip(daemon, "link show br9").status != 0)
        }
    }

    @Test("patchbay iface-begin --timeout rolls back by itself")
    func deadlineThroughTheCLI() throws {
        try DaemonHarness.with { daemon in
            try Self.prepareHost(daemon)
            // A network using veth1 as its forward device: it must be named before commit.
            let uplink = "<network><name>uplink</name><forward mode='bridge'><interface dev='veth1'/></forward></network>"
            #expect(try daemon.virsh("net-define", try daemon.file("uplink.xml", uplink)).status == 0)
            let before = try Self.snapshot(daemon)
            // Long enough for the status below to come first on a loaded machine.
            var result = try daemon.interfaceCLI("iface-begin", "--timeout", "8")
            #expect(result.status == 0 && result.output.contains("rolls back in 8 s"), "\(result)")
            _ = try Self.ip(daemon, "link set veth1 mtu 1400")
            _ = try Self.ip(daemon, "route del 10.70.0.0/16")
            result = try daemon.interfaceCLI("iface-status")
            #expect(result.output.contains("rollback would: set MTU of veth1 to 1500"), "\(result)")
            #expect(result.output.contains("networks depending on changed devices: uplink"), "\(result)")
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, try Self.snapshot(daemon).normalized != before.normalized { usleep(50_000) }
            #expect(try Self.snapshot(daemon).normalized == before.normalized)
            #expect(try daemon.interfaceCLI("iface-status").output.contains("no interface transaction is pending"))
            #expect(daemon.log(tail: 50).contains("rolled back by itself"))
        }
    }

    @Test("a confirmation rule refuses a commit that lost the path")
    func confirmationRule() throws {
        try DaemonHarness.with { daemon in
            try Self.prepareHost(daemon)
            var result = try daemon.interfaceCLI("iface-begin", "--confirm", "10.7.0.2:22")
            #expect(result.status == 0, "\(result)")
            result = try daemon.iface("iface-commit")
            #expect(result.status != 0, "\(result)")
            #expect(result.errors.contains("commit refused by the confirmation rule: 10.7.0.2:22 is not reachable over TCP"), "\(result)")
            result = try daemon.iface("iface-begin")
            #expect(result.errors.contains("an interface transaction is already pending") && result.errors.contains("s ago"), "\(result)")
            #expect(try daemon.iface("iface-rollback").status == 0)
            #expect(try daemon.interfaceCLI("iface-begin", "--confirm", "nonsense").status != 0)
            #expect(try daemon.interfaceCLI("iface-status").output.contains("no interface transaction is pending"))
            let readOnly = try Shell.run(DaemonHarness.cli, ["-c", daemon.interfaceSocket + "-ro", "iface-begin", "--timeout", "5"])
            #expect(readOnly.status != 0, "\(readOnly)")
        }
    }

    @Test("a transaction left by a SIGKILLed daemon is rolled back when it starts again")
    func rollbackAfterSIGKILL() throws {
        try DaemonHarness.with { daemon in
            try Self.prepareHost(daemon)
            let before = try Self.snapshot(daemon)
            #expect(try daemon.iface("iface-begin").status == 0)
            let xml = try daemon.file("br9.xml", Self.bridgeXML)
            #expect(try daemon.iface("iface-define", xml).status == 0)
            #expect(try daemon.iface("iface-start", "br9").status == 0)
            _ = try Self.ip(daemon, "addr del 10.7.0.2/24 dev veth1")
            _ = try Self.ip(daemon, "link add vx0 type veth peer name vx1")
            daemon.send(signal: SIGKILL)
            #expect(try Self.snapshot(daemon).normalized != before.normalized)
            let start = Date()
            try daemon.start()
            let seconds = Date().timeIntervalSince(start)
            print("rollback after SIGKILL: restart to host restored in \(String(format: "%.3f", seconds)) s")
            #expect(try Self.snapshot(daemon).normalized == before.normalized)
            #expect(!(try daemon.iface("iface-list", "--all").output.contains("br9")))
            #expect(daemon.log(tail: 50).contains("found at start"))
            #expect(try Self.ip(daemon, "link show pbt1").status == 0)
        }
    }

    @Test("SIGKILL while the daemon is enslaving 150 ports, then restart: the host is back")
    func sigkillInTheMiddleOfChanges() throws {
        try DaemonHarness.with { daemon in
            let ports = 150
            let batch = (0..<ports).map { "link add pbp\($0) type veth peer name pbq\($0)" }.joined(separator: "\n") + "\n"
            #expect(try Shell.run("/usr/sbin/ip", ["-n", daemon.namespace, "-batch", "-"], input: batch).status == 0)
            let before = try Self.snapshot(daemon)
            let portsXML = (0..<ports).map { "<interface type='ethernet' name='pbp\($0)'/>" }.joined()
            let xml = try daemon.file("big.xml", "<interface type='bridge' name='brbig'><bridge stp='off'>\(portsXML)</bridge></interface>")
            #expect(try daemon.iface("iface-begin").status == 0)
            #expect(try daemon.iface("iface-define", xml).status == 0)
            let starter = Process()
            starter.executableURL = URL(fileURLWithPath: "/usr/bin/virsh")
            starter.arguments = ["-c", daemon.interfaceURI, "iface-start", "brbig"]
            starter.standardOutput = FileHandle.nullDevice
            starter.standardError = FileHandle.nullDevice
            try starter.run()
            // Kill the daemon as soon as the first port is in the bridge.
            let netlink = try Rtnetlink(namespace: "/run/netns/\(daemon.namespace)")
            let bridgeName = try InterfaceName("brbig")
            let deadline = Date().addingTimeInterval(30)
            var attached = 0
            while Date() < deadline {
                if let bridge = try netlink.link(named: bridgeName),
                   try netlink.link(named: InterfaceName("pbp0"))?.masterIndex == bridge.index {
                    daemon.send(signal: SIGKILL)
                    attached = try netlink.links().filter { $0.masterIndex == bridge.index }.count
                    break
                }
                usleep(200)
            }
            starter.waitUntilExit()
            print("SIGKILL with \(attached) of \(ports) ports enslaved")
            #expect(attached > 0)
            #expect(try Self.snapshot(daemon).normalized != before.normalized)
            let start = Date()
            try daemon.start()
            print("rollback after SIGKILL mid-change: restart to host restored in \(String(format: "%.3f", Date().timeIntervalSince(start))) s")
            #expect(try Self.snapshot(daemon).normalized == before.normalized)
            #expect(try netlink.link(named: bridgeName) == nil)
        }
    }

    @Test("nodedev-list, nodedev-dumpxml, nodedev-event --loop see a veth come and go")
    func nodeDevices() throws {
        try DaemonHarness.with { daemon in
            _ = try Self.ip(daemon, "link add veth0 address 02:00:00:00:00:0a type veth peer name veth1")
            var result = try daemon.nodedev("nodedev-list")
            #expect(result.output.contains("computer") && result.output.contains("net_veth0_02_00_00_00_00_0a"), "\(result)")
            result = try daemon.nodedev("nodedev-list", "--cap", "net")
            #expect(!result.output.contains("computer") && result.output.contains("net_lo_00_00_00_00_00_00"), "\(result)")
            result = try daemon.nodedev("nodedev-dumpxml", "net_veth0_02_00_00_00_00_0a")
            #expect(result.output.contains("<interface>veth0</interface>") && result.output.contains("<parent>computer</parent>"), "\(result)")
            try Self.validate(result.output, schema: "nodedev.rng", in: daemon)
            try Self.validate(try daemon.nodedev("nodedev-dumpxml", "computer").output, schema: "nodedev.rng", in: daemon)
            #expect(try daemon.nodedev("nodedev-dumpxml", "net_nope_00_00_00_00_00_00").status != 0)

            let watcher = Process()
            watcher.executableURL = URL(fileURLWithPath: "/usr/bin/virsh")
            watcher.arguments = ["-c", daemon.nodedevURI, "nodedev-event", "--loop", "--event", "lifecycle"]
            let output = Pipe()
            watcher.standardOutput = output
            watcher.standardError = FileHandle.nullDevice
            try watcher.run()
            defer {
                if watcher.isRunning { kill(watcher.processIdentifier, SIGKILL) }
                watcher.waitUntilExit()
            }
            try daemon.waitForEventRegistrations(1)
            _ = try Self.ip(daemon, "link add pbev0 address 02:00:00:00:00:0b type veth peer name pbev1 address 02:00:00:00:00:0c")
            _ = try Self.ip(daemon, "link del pbev0")
            let collected = LineCollector(output.fileHandleForReading)
            let seen = collected.wait(timeout: 30) { text in
                text.contains("net_pbev0_02_00_00_00_00_0b: Deleted") && text.contains("net_pbev1_02_00_00_00_00_0c: Deleted")
            }
            #expect(seen.contains("event 'lifecycle' for node device net_pbev0_02_00_00_00_00_0b: Created"), "\(seen)")
            #expect(seen.contains("event 'lifecycle' for node device net_pbev0_02_00_00_00_00_0b: Deleted"), "\(seen)")
        }
    }
}

/// Reads a pipe on another thread until a condition on everything read so far holds.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                lock.lock()
                text += String(decoding: data, as: UTF8.self)
                lock.unlock()
            }
        }
    }

    func wait(timeout: TimeInterval, until condition: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            lock.lock()
            let now = text
            lock.unlock()
            if condition(now) { return now }
            usleep(20_000)
        }
        lock.lock()
        defer { lock.unlock() }
        return text
    }
}

extension DaemonHarness {
    var interfaceSocket: String { "\(socketDirectory)/virtinterfaced-sock" }
    var interfaceURI: String { "interface:///system?socket=\(interfaceSocket)" }
    var nodedevURI: String { "nodedev:///system?socket=\(socketDirectory)/virtnodedevd-sock" }

    /// `virsh -c interface:///system?socket=... ARGS...`.
    func iface(_ arguments: String...) throws -> CommandResult {
        try Shell.run("/usr/bin/virsh", ["-c", interfaceURI] + arguments)
    }

    /// `virsh -c nodedev:///system?socket=... ARGS...`.
    func nodedev(_ arguments: String...) throws -> CommandResult {
        try Shell.run("/usr/bin/virsh", ["-c", nodedevURI] + arguments)
    }

    /// `patchbay ARGS... -c INTERFACE-SOCKET`.
    func interfaceCLI(_ arguments: String...) throws -> CommandResult {
        try Shell.run(Self.cli, ["-c", interfaceSocket] + arguments)
    }
}

extension DaemonHarness {
    /// Sends `signal` to the daemon and waits for it to end (SIGKILL: no clean-up runs).
    func send(signal: Int32) {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }
}
