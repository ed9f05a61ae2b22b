import Foundation
import HostNet
import InterfaceDriver
import NetCore
import Testing

/// Transactions over a fake host: begin/commit/rollback, deadline, confirmation, restart.
@Suite("Interface transactions")
struct InterfaceTransactionTests {
    static let host = HostInterfaceSnapshot(
        links: [.init(name: "eth0", kind: nil, mtu: 1500, mac: "52:54:00:00:00:01", up: true, master: nil),
                .init(name: "lo", kind: nil, mtu: 65536, mac: nil, up: true, master: nil),
                .init(name: "pbnet0", kind: "bridge", mtu: 1500, mac: nil, up: true, master: nil)],
        addresses: [.init(link: "eth0", address: "10.0.0.2", prefix: 24)],
        routes: [.init(family: "ipv4", destination: nil, prefix: 0, gateway: "10.0.0.1", device: "eth0", metric: 0,
                       scope: 0, routeProtocol: 4, type: 1, source: nil)])
    static let bridgeXML = """
        <interface type='bridge' name='br1'><start mode='onboot'/><mtu size='1500'/>\
        <protocol family='ipv4'><ip address='10.5.0.1' prefix='24'/></protocol>\
        <bridge stp='off'><interface type='ethernet' name='eth0'/></bridge></interface>
        """

    static func directory() -> String {
        let path = NSTemporaryDirectory() + "pb-iface-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func driver(_ directory: String, _ host: FakeHostInterfaces, probe: FakeProbe = FakeProbe()) throws -> HostInterfaceDriver {
        try HostInterfaceDriver(configDirectory: directory, host: host, probe: probe,
                            ownership: { InterfaceOwnership(names: ["pbnet0"]) },
                            dependents: { devices in devices.contains("eth0") ? ["uplink"] : [] })
    }

    /// Waits (generously: the machine is loaded) until `condition` holds.
    static func waitUntil(seconds: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    @Test func beginIsDurableBeforeItReturnsAndASecondBeginIsRefusedWithAReport() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = FakeHostInterfaces(Self.host)
        let driver = try Self.driver(directory, host)
        try driver.begin()
        #expect(FileManager.default.fileExists(atPath: directory + "/interface-transaction.json"))
        host.change { $0.addresses.removeAll() }
        let error = #expect(throws: PatchbayError.self) { try driver.begin() }
        #expect(error?.code == .operationInvalid)
        #expect(error?.detail.contains("begun 0 s ago") == true)
        #expect(error?.detail.contains("add address 10.0.0.2/24 to eth0") == true)
        try driver.commit()
        #expect(!FileManager.default.fileExists(atPath: directory + "/interface-transaction.json"))
        #expect(host.current.addresses.isEmpty, "commit keeps the change")
        #expect(throws: PatchbayError.self) { try driver.commit() }
        #expect(throws: PatchbayError.self) { try driver.rollback() }
    }

    @Test func rollbackRestoresHostAndDefinitionsAndListsDependentNetworks() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = FakeHostInterfaces(Self.host)
        let driver = try Self.driver(directory, host)
        try driver.define(xml: "<interface type='ethernet' name='eth0'><start mode='onboot'/></interface>")
        try driver.begin()
        try driver.undefine(name: "eth0")
        try driver.define(xml: Self.bridgeXML)
        try driver.create(name: "br1")
        host.change { state in
            state.links = state.links.map { link in
                var link = link
                if link.name == "eth0" { link.master = "br1"; link.mtu = 1400 }
                return link
            }
            // Patchbay's own bridge changes meanwhile; rollback must keep that.
            state.addresses.append(.init(link: "pbnet0", address: "192.168.100.1", prefix: 24))
        }
        let status = try #require(try driver.status())
        #expect(status.dependentNetworks == ["uplink"])
        #expect(status.changedDevices.contains("eth0") && status.changedDevices.contains("br1"))
        #expect(status.wouldUndo.contains("delete link br1"))
        #expect(status.wouldUndo.contains("restore definition of eth0"))
        let record = try driver.rollback()
        #expect(record.undone.contains("remove definition of br1"))
        #expect(try host.snapshot(excluding: InterfaceOwnership(names: ["pbnet0"])) == Self.host.removing("pbnet0"))
        #expect(host.current.addresses.contains(.init(link: "pbnet0", address: "192.168.100.1", prefix: 24)))
        #expect(try driver.xml(name: "eth0", inactive: true).contains("onboot"))
        #expect(throws: PatchbayError.self) { try driver.xml(name: "br1", inactive: true) }
        #expect(!FileManager.default.fileExists(atPath: directory + "/interfaces/br1.xml"))
        #expect(try driver.status() == nil)
    }

    @Test func deadlineRollsBackByItself() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = FakeHostInterfaces(Self.host)
        let driver = try Self.driver(directory, host)
        try driver.begin(timeout: 2)
        host.change { $0.routes.removeAll() }
        #expect(try driver.status()?.remaining ?? 0 > 0)
        #expect(try Self.waitUntil { try driver.status() == nil })
        #expect(host.current.routes == Self.host.routes)
        #expect(driver.lastAutomaticRollback?.reason == .deadline)
        #expect(driver.lastAutomaticRollback?.undone.contains { $0.hasPrefix("add route default via 10.0.0.1") } == true)
    }

    @Test func committedTransactionIsNotRolledBackAtItsDeadline() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = FakeHostInterfaces(Self.host)
        let driver = try Self.driver(directory, host)
        try driver.begin(timeout: 0.3)
        host.change { $0.routes.removeAll() }
        try driver.commit()
        usleep(800_000)
        #expect(host.restores == 0)
        #expect(host.current.routes.isEmpty)
    }

    @Test func confirmationRuleRefusesCommitWhileTheAddressIsUnreachable() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = FakeHostInterfaces(Self.host)
        let probe = FakeProbe()
        let driver = try Self.driver(directory, host, probe: probe)
        try driver.begin(confirm: ConfirmationRule(address: "10.0.0.1", port: 22))
        probe.set(reachable: false)
        let error = #expect(throws: PatchbayError.self) { try driver.commit() }
        #expect(error?.detail.contains("commit refused by the confirmation rule") == true)
        #expect(try driver.status() != nil, "a refused commit leaves the transaction pending")
        probe.set(reachable: true)
        try driver.commit()
        #expect(try driver.status() == nil)
    }

    @Test func transactionFoundAtStartIsRolledBack() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = FakeHostInterfaces(Self.host)
        do {
            let driver = try Self.driver(directory, host)
            try driver.begin(timeout: 3600)
            try driver.define(xml: Self.bridgeXML)
            try driver.create(name: "br1")
        }
        // A new driver on the same directory stands for the daemon restarted after a crash.
        let restarted = try Self.driver(directory, host)
        let record = try #require(try restarted.recover())
        #expect(record.reason == .foundAtStart)
        #expect(record.undone.contains("delete link br1"))
        #expect(try host.snapshot(excluding: InterfaceOwnership(names: ["pbnet0"])) == Self.host.removing("pbnet0"))
        #expect(try restarted.list().map(\.name) == ["eth0", "lo"])
        #expect(try restarted.recover() == nil)
    }

    @Test func aRollbackThatFailsHalfwayStaysPendingAndIsFinishedAtTheNextStart() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = FakeHostInterfaces(Self.host)
        do {
            let driver = try Self.driver(directory, host)
            try driver.begin()
            try driver.define(xml: Self.bridgeXML)
            try driver.create(name: "br1")
            host.change { $0.addresses.removeAll() }
            host.failingRestores = 1
            #expect(throws: PatchbayError.self) { try driver.rollback() }
            #expect(try driver.status() != nil, "the transaction is kept until the host is back")
            #expect(FileManager.default.fileExists(atPath: directory + "/interface-transaction.json"))
        }
        let restarted = try Self.driver(directory, host)
        #expect(try restarted.recover()?.reason == .foundAtStart)
        #expect(try host.snapshot(excluding: InterfaceOwnership(names: ["pbnet0"])) == Self.host.removing("pbnet0"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/interface-transaction.json"))
    }

    @Test func patchbaysOwnDevicesCannotBeDefinedAsHostInterfaces() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let driver = try Self.driver(directory, FakeHostInterfaces(Self.host))
        #expect(throws: PatchbayError(.operationInvalid, "'pbnet0' is a device Patchbay manages for its networks or guests, not a host interface",
                                      domain: .interface)) {
            try driver.define(xml: "<interface type='bridge' name='pbnet0'><bridge/></interface>")
        }
        #expect(throws: PatchbayError.self) {
            try driver.define(xml: "<interface type='bridge' name='br1'><bridge><interface type='ethernet' name='vnet3'/></bridge></interface>")
        }
        #expect(try driver.list().map(\.name) == ["eth0", "lo"])
    }

    @Test func invalidArgumentsAreRefusedBeforeAnythingIsWritten() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let driver = try Self.driver(directory, FakeHostInterfaces(Self.host))
        #expect(throws: PatchbayError.self) { try driver.begin(timeout: 0) }
        #expect(throws: PatchbayError.self) { try driver.begin(confirm: ConfirmationRule(address: "not-an-ip", port: 22)) }
        #expect(try driver.status() == nil)
    }
}

extension HostInterfaceSnapshot {
    func removing(_ name: String) -> HostInterfaceSnapshot {
        HostInterfaceSnapshot(links: links.filter { $0.name != name }, addresses: addresses.filter { $0.link != name },
                              routes: routes.filter { $0.device != name })
    }
}
