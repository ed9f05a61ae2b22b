import Foundation
import GuestDriver
import NetConf
import NetCore
import Testing

/// A driver over a temporary config/state directory, a fake host and fake NIC wiring.
final class DriverBench: @unchecked Sendable {
    let root: String
    let host = FakeGuestHost()
    let nics: FakeNICPlumbing
    var driver: GuestDriver

    init() throws {
        root = NSTemporaryDirectory() + "guest-driver-\(UUID().uuidString)"
        nics = FakeNICPlumbing(directory: root + "/nics")
        driver = try GuestDriver(configDirectory: root + "/etc", stateDirectory: root + "/run", host: host, nics: nics)
    }

    /// A new driver on the same directories and host: patchbayd restarted.
    func reopen() throws {
        driver = try GuestDriver(configDirectory: root + "/etc", stateDirectory: root + "/run", host: host, nics: nics)
    }

    func files(_ sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + sub)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    static func guest(_ name: String = "g1", uuid: String = "8e1d5a4c-3f2b-4c1d-9e0f-1a2b3c4d5e6f", extra: String = "") -> String {
        """
        <domain type='qemu'>
          <name>\(name)</name>
          <uuid>\(uuid)</uuid>
          <memory unit='MiB'>128</memory>
          <vcpu>2</vcpu>
          <os><type arch='x86_64' machine='pc'>hvm</type><kernel>/boot/k</kernel><initrd>/boot/i</initrd><cmdline>console=ttyS0</cmdline></os>
          <features><acpi/></features>
          <devices>
            <interface type='network'><mac address='52:54:00:00:00:01'/><source network='a'/><model type='virtio'/></interface>
            <interface type='none'><mac address='52:54:00:00:00:02'/><model type='virtio'/></interface>
            <interface type='network'><mac address='52:54:00:00:00:03'/><source network='b'/><model type='virtio'/><link state='down'/></interface>
            <serial type='pty'/>
            \(extra)
          </devices>
        </domain>
        """
    }
}

/// Waits for a condition set by another thread (exit watchers), generously.
func eventually(_ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
        if condition() { return true }
        usleep(2000)
    }
    return condition()
}

@Suite struct GuestDriverLifecycleTests {
    @Test func definitionsPersistAcrossReopen() throws {
        let bench = try DriverBench()
        let defined = try bench.driver.define(xml: DriverBench.guest())
        #expect(defined.state == .shutOff && defined.id == -1 && defined.isPersistent)
        #expect(defined.maxMemoryKiB == 131072 && defined.vcpus == 2)
        try bench.driver.setAutostart(name: "g1", false)
        try bench.reopen()
        #expect(bench.driver.listDomains().map(\.name) == ["g1"])
        let xml = try bench.driver.xml(name: "g1", flags: [])
        #expect(xml.contains("<interface type='null'>"))
        try bench.driver.undefine(name: "g1")
        #expect(bench.driver.listDomains().isEmpty)
        #expect(throws: PatchbayError.self) { try bench.driver.lookup(name: "g1") }
        #expect(bench.files("/etc/qemu").filter { $0.hasSuffix(".xml") }.isEmpty)
    }

    @Test func redefiningWithAnotherUUIDIsRefused() throws {
        let bench = try DriverBench()
        _ = try bench.driver.define(xml: DriverBench.guest())
        #expect(throws: PatchbayError.self) {
            _ = try bench.driver.define(xml: DriverBench.guest(uuid: "11111111-2222-3333-4444-555555555555"))
        }
    }

    /// Start: record, taps (vnetN), QEMU paused with the taps as fds, monitor, NIC wiring, links
    /// off for the unplugged and the down NIC, live definition, then cont.
    @Test func startWiresNICsBeforeTheGuestRuns() throws {
        let bench = try DriverBench()
        _ = try bench.driver.define(xml: DriverBench.guest())
        let started = try bench.driver.start(name: "g1", paused: false)
        #expect(started.state == .running && started.id == 1 && started.cpuTimeNanoseconds == 42_000_000)
        let log = bench.host.stepsLog
        #expect(log == ["tap vnet%d", "tap vnet%d", "tap vnet%d", "spawn", "connect",
                        "set_link net0 on", "set_link net1 off", "set_link net2 off", "set_link net2 off", "query-chardev", "cont"])
        let pid = try #require(bench.host.alivePIDs.first)
        let arguments = bench.host.arguments(pid)
        #expect(arguments.contains("-S") && arguments.contains("tcg"))
        #expect(arguments.contains { $0.contains("\"type\":\"tap\"") && $0.contains("\"fd\":\"3\"") })
        #expect(arguments.contains { $0.contains("\"fd\":\"5\"") })
        let live = try bench.driver.xml(name: "g1", flags: [])
        #expect(live.contains("<domain type='qemu' id='1'>"))
        #expect(live.contains("<target dev='vnet0'/>") && live.contains("<target dev='vnet2'/>"))
        #expect(live.contains("<alias name='net1'/>"))
        #expect(live.contains("/dev/pts/77"))
        #expect(try !bench.driver.xml(name: "g1", flags: .inactive).contains("vnet0"))
        #expect(bench.nics.ports(started.uuid).count == 2)
        #expect(bench.files("/run/qemu").contains("g1.run"))
    }

    @Test func destroyEndsQEMUReleasesPortsAndRemovesStateLast() async throws {
        let bench = try DriverBench()
        let defined = try bench.driver.define(xml: DriverBench.guest())
        let (_, events) = bench.driver.subscribe()
        _ = try bench.driver.start(name: "g1", paused: false)
        try bench.driver.destroy(name: "g1")
        #expect(bench.host.alivePIDs.isEmpty)
        #expect(bench.nics.ports(defined.uuid).isEmpty)
        #expect(bench.host.liveTaps.isEmpty)
        #expect(bench.files("/run/qemu") == ["run"])
        let summary = try bench.driver.lookup(name: "g1")
        #expect(summary.state == .shutOff && summary.reason == 2 && summary.id == -1)
        var seen: [Int32] = []
        for await event in events {
            if case .lifecycle(_, _, _, let kind, let detail) = event { seen.append(kind * 10 + detail) }
            if seen.count == 2 { break }
        }
        #expect(seen == [20, 51])  // STARTED_BOOTED, STOPPED_DESTROYED
    }

    @Test func aQEMUThatExitsByItselfIsReportedShutOff() throws {
        let bench = try DriverBench()
        let defined = try bench.driver.define(xml: DriverBench.guest())
        _ = try bench.driver.start(name: "g1", paused: false)
        let pid = try #require(bench.host.alivePIDs.first)
        bench.host.exit(pid)
        #expect(eventually { (try? bench.driver.lookup(name: "g1").state) == .shutOff })
        #expect(try bench.driver.lookup(name: "g1").reason == 3)  // SHUTOFF_CRASHED
        #expect(bench.nics.ports(defined.uuid).isEmpty)
        #expect(eventually { bench.files("/run/qemu") == ["run"] })
    }

    @Test func aTransientGuestIsForgottenWhenItStops() throws {
        let bench = try DriverBench()
        let created = try bench.driver.createTransient(xml: DriverBench.guest(), paused: true)
        #expect(created.state == .paused && !created.isPersistent)
        #expect(!bench.host.stepsLog.contains("cont"))
        try bench.driver.destroy(name: "g1")
        #expect(bench.driver.listDomains().isEmpty)
    }

    @Test func refusesToStartWhatItCannotRunAndLeavesNothing() throws {
        let bench = try DriverBench()
        _ = try bench.driver.define(xml: DriverBench.guest(extra: "<graphics type='vnc' port='-1' autoport='yes'/>"))
        #expect {
            _ = try bench.driver.start(name: "g1", paused: false)
        } throws: { error in
            (error as? PatchbayError)?.message.contains("<graphics type='vnc'>") == true
        }
        #expect(bench.host.stepsLog.isEmpty)
        #expect(bench.files("/run/qemu") == ["run"])
    }

    @Test func restartKeepsRunningGuestsAndReportsDeadOnes() throws {
        let bench = try DriverBench()
        _ = try bench.driver.define(xml: DriverBench.guest())
        let second = try bench.driver.define(xml: DriverBench.guest("g2", uuid: "9e1d5a4c-3f2b-4c1d-9e0f-1a2b3c4d5e6f"))
        _ = try bench.driver.start(name: "g1", paused: false)
        _ = try bench.driver.start(name: "g2", paused: false)
        let pids = bench.host.alivePIDs
        // patchbayd goes away (nothing is cleaned up), g2's QEMU dies meanwhile.
        bench.host.exit(pids[1], notify: false)
        try bench.reopen()
        let g1 = try bench.driver.lookup(name: "g1")
        #expect(g1.state == .running && g1.id == 1)
        #expect(try bench.driver.lookup(id: 1).name == "g1")
        #expect(try bench.driver.xml(name: "g1", flags: []).contains("<target dev='vnet0'/>"))
        #expect(try bench.driver.lookup(name: "g2").state == .shutOff)
        #expect(bench.nics.ports(second.uuid).isEmpty)
        #expect(bench.nics.recovered == [g1.uuid])
        #expect(bench.driver.recoveryProblems().contains { $0.contains("'g2' died") })
        // A guest started after the restart gets a new id.
        #expect(try bench.driver.start(name: "g2", paused: false).id == 3)
        try bench.driver.destroy(name: "g1")
        try bench.driver.destroy(name: "g2")
        #expect(bench.host.alivePIDs.isEmpty && bench.nics.allPorts.isEmpty)
    }

    @Test func autostartStartsOnOpen() throws {
        let bench = try DriverBench()
        _ = try bench.driver.define(xml: DriverBench.guest())
        try bench.driver.setAutostart(name: "g1", true)
        try bench.reopen()
        #expect(try bench.driver.lookup(name: "g1").state == .running)
        #expect(try bench.driver.lookup(name: "g1").autostart)
    }

    @Test func shutdownPressesThePowerButton() throws {
        let bench = try DriverBench()
        _ = try bench.driver.define(xml: DriverBench.guest())
        _ = try bench.driver.start(name: "g1", paused: false)
        try bench.driver.shutdown(name: "g1")
        #expect(bench.host.stepsLog.last == "system_powerdown")
    }
}
