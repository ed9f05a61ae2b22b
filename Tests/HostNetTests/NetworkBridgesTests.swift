import HostNet
import NetConf
import NetCore
import Netlink
import TestSupport
import Testing

/// `LinuxNetworkBridges` on a real kernel, in a throwaway namespace: a network's bridge with its
/// addresses, IPv6 switches and routes, its device group, and the checks of administrators' devices.
@Suite("Network bridges on the kernel", .serialized)
struct NetworkBridgesTests {
    static let route = """
        <network><name>rb</name><forward mode='route'/><bridge name='pbrb0' stp='off'/>
          <ip address='10.204.0.1' prefix='24'/>
          <route address='10.205.0.0' prefix='16' gateway='10.204.0.9' metric='7'/>
        </network>
        """

    @Test func bridgeWithAddressesRoutesAndGroupGoesInOneRequest() throws {
        try TestNamespace.with { ns in
            let bridges = try LinuxNetworkBridges(namespace: ns.path)
            let network = try NetworkDefinition.parse(xml: Self.route)
            let bridge = try InterfaceName("pbrb0")
            let group = try bridges.freeGroup(preferred: 4100)
            #expect(group == 4100)
            try bridges.createBridge(bridge, of: network, group: group)
            try bridges.activateBridge(bridge, of: network)
            #expect(try bridges.group(of: bridge) == group)
            #expect(try bridges.bridgeNames() == ["pbrb0"])
            #expect(try bridges.usedGroups().contains(group))
            #expect(try bridges.freeGroup(preferred: 4100) == 4101)
            #expect(try ns.exec(["ip", "-4", "addr", "show", "dev", "pbrb0"]).contains("10.204.0.1/24"))
            let routes = try ns.exec(["ip", "route", "show"])
            #expect(routes.contains("10.205.0.0/16 via 10.204.0.9 dev pbrb0"), "\(routes)")
            // No IPv6 address on the network: the bridge gets no IPv6 at all (libvirt's switch).
            #expect(try ns.exec(["cat", "/proc/sys/net/ipv6/conf/pbrb0/disable_ipv6"]).hasPrefix("1"))
            #expect(try bridges.checkHostBridge("pbrb0", of: network) == bridge)
            try bridges.deleteGroup(group)
            #expect(try bridges.group(of: bridge) == nil)
            #expect(try bridges.deviceNames() == ["lo"])
        }
    }

    /// A create that fails (the name is taken) deletes nothing: its own group is still empty,
    /// and the device holding the name is not its to remove.
    @Test func failedCreateTakesNothingAway() throws {
        try TestNamespace.with { ns in
            let bridges = try LinuxNetworkBridges(namespace: ns.path)
            let network = try NetworkDefinition.parse(xml: Self.route)
            let bridge = try InterfaceName("pbrb1")
            try bridges.createBridge(bridge, of: network, group: 4200)
            #expect(throws: PatchbayError.self) { try bridges.createBridge(bridge, of: network, group: 4201) }
            #expect(try bridges.group(of: bridge) == 4200, "the first bridge is not someone else's to delete")
            try bridges.deleteGroup(4200)
            #expect(try bridges.deviceNames() == ["lo"])
        }
    }

    @Test func administratorsDevicesAreCheckedNotMade() throws {
        try TestNamespace.with { ns in
            let bridges = try LinuxNetworkBridges(namespace: ns.path)
            let links = try Rtnetlink(namespace: ns.path)
            try links.createLink(InterfaceName("pbpool0"), kind: .veth(peer: InterfaceName("pbpeer0")))
            let hostBridge = try NetworkDefinition.parse(xml: "<network><name>hb</name><forward mode='bridge'/><bridge name='pbpool0'/></network>")
            #expect(throws: PatchbayError.self) { try bridges.checkHostBridge("pbpool0", of: hostBridge) }
            #expect(throws: PatchbayError.self) { try bridges.checkHostBridge("pbnone0", of: hostBridge) }
            let pool = try NetworkDefinition.parse(xml: "<network><name>dp</name><forward mode='vepa'><interface dev='pbpool0'/></forward></network>")
            try bridges.checkPool(of: pool)
            let missing = try NetworkDefinition.parse(xml: "<network><name>dm</name><forward mode='vepa'><interface dev='pbgone0'/></forward></network>")
            #expect(throws: PatchbayError.self) { try bridges.checkPool(of: missing) }
            #expect(try bridges.deviceNames() == ["lo", "pbpool0", "pbpeer0"])
        }
    }
}
