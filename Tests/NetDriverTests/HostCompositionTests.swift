import HostNet
import NetConf
import NetCore
@testable import NetDriver
import Testing

/// `LinuxNetworkHost` over fakes of HostNet's parts: the order of a network's steps, the undo of a
/// failed start at every step, stop, and the drift repair, without a kernel.
@Suite("LinuxNetworkHost composed of fake host parts")
struct HostCompositionTests {
    static let nat = """
        <network><name>fk</name><uuid>3e3fce45-4f53-4fa7-bb32-11f34168b82b</uuid><forward mode='nat'/>
          <bridge name='pbfk0'/><bandwidth><inbound average='1000'/></bandwidth>
          <ip address='192.168.77.1' netmask='255.255.255.0'><dhcp><range start='192.168.77.2' end='192.168.77.9'/></dhcp></ip>
        </network>
        """

    @Test func startAndStopInLibvirtsOrder() throws {
        let parts = FakeHostParts()
        let host = parts.host()
        let network = try NetworkDefinition.parse(xml: Self.nat)
        let runtime = try host.start(network, floors: [], stateDirectory: "/nonexistent")
        let group = try #require(runtime.deviceGroup)
        let table = try #require(runtime.firewallTable)
        #expect(parts.calls == ["bridges.createBridge pbfk0", "firewall.apply \(table)", "bridges.activateBridge pbfk0",
                                "bridges.enableForwarding ipv4", "dns.start fk", "shaping.applyToNetwork pbfk0"])
        #expect(runtime.dnsmasqPID == parts.runningDNS["fk"])
        #expect(runtime == NetworkRuntime(bridge: try InterfaceName("pbfk0"), ownsBridge: true, firewallTable: table,
                                          dnsmasqPID: runtime.dnsmasqPID, deviceGroup: group))
        try host.stop(network, runtime: runtime, stateDirectory: "/nonexistent")
        #expect(parts.devices.isEmpty && parts.tables.isEmpty && parts.runningDNS.isEmpty && parts.shapedBridges.isEmpty)
    }

    @Test(arguments: ["bridges.createBridge", "firewall.apply", "bridges.activateBridge", "bridges.enableForwarding",
                      "dns.start", "shaping.applyToNetwork"])
    func failedStartLeavesNothing(failing step: String) throws {
        let parts = FakeHostParts()
        parts.fail(step)
        let host = parts.host()
        #expect(throws: PatchbayError.self) {
            try host.start(try NetworkDefinition.parse(xml: Self.nat), floors: [], stateDirectory: "/nonexistent")
        }
        #expect(parts.calls.contains { $0.hasPrefix(step) })
        #expect(parts.devices.isEmpty, "bridge left: \(parts.devices)")
        #expect(parts.tables.isEmpty, "table left: \(parts.tables)")
        #expect(parts.runningDNS.isEmpty, "dnsmasq left: \(parts.runningDNS)")
    }

    @Test func vanishedBridgeIsRebuiltWithItsService() throws {
        let parts = FakeHostParts()
        let host = parts.host()
        let network = try NetworkDefinition.parse(xml: Self.nat)
        var runtime = try host.start(network, floors: [], stateDirectory: "/nonexistent")
        parts.vanish("pbfk0")
        let drifts = host.reconcile(network, runtime: &runtime, floors: [], stateDirectory: "/nonexistent")
        #expect(drifts.contains(Drift(kind: .missingBridge, network: "fk", object: "pbfk0", repaired: true)))
        #expect(parts.devices["pbfk0"] == runtime.deviceGroup)
        // dnsmasq serves the new bridge's index only after a restart.
        #expect(parts.calls.suffix(4).elementsEqual(["bridges.createBridge pbfk0", "bridges.activateBridge pbfk0", "dns.stop fk", "dns.start fk"]))
    }

    @Test(arguments: [
        ("<network><name>hb</name><forward mode='bridge'/><bridge name='br0'/></network>", "bridges.checkHostBridge br0"),
        ("<network><name>dp</name><forward mode='vepa'><interface dev='eth9'/></forward></network>", "bridges.checkPool dp"),
    ])
    func networksOnAdministratorsDevicesOnlyCheckThem(xml: String, call: String) throws {
        let parts = FakeHostParts()
        _ = try parts.host().start(try NetworkDefinition.parse(xml: xml), floors: [], stateDirectory: "/nonexistent")
        #expect(parts.calls == [call])
    }
}
