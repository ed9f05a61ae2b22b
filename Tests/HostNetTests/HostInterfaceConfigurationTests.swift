import HostNet
import NetConf
import NetCore
import Netlink
import TestSupport
import Testing

/// ifup/ifdown of libvirt interface documents on a namespace host.
@Suite("Host interface configuration", .serialized)
struct HostInterfaceConfigurationTests {
    static let bridge = """
        <interface type='bridge' name='br5'>
          <mtu size='1400'/>
          <protocol family='ipv4'><ip address='10.5.0.1' prefix='24'/><route gateway='10.5.0.254'/></protocol>
          <protocol family='ipv6'><ip address='fd00:5::1' prefix='64'/></protocol>
          <bridge stp='off'><interface type='ethernet' name='veth0'/></bridge>
        </interface>
        """

    @Test func startAndStopABridgeWithItsPort() throws {
        try TestNamespace.with { ns in
            try ns.exec(["ip", "link", "add", "veth0", "type", "veth", "peer", "name", "veth1"])
            let host = LinuxHostInterfaces(namespace: ns.path)
            let before = try host.snapshot(excluding: InterfaceOwnership())
            let definition = try HostInterfaceDefinition.parse(xml: Self.bridge)
            try host.start(definition)
            let netlink = try Rtnetlink(namespace: ns.path)
            let bridge = try #require(try netlink.link(named: InterfaceName("br5")))
            #expect(bridge.isUp && bridge.mtu == 1400)
            #expect(try netlink.link(named: InterfaceName("veth0"))?.masterIndex == bridge.index)
            let addresses = Set(try netlink.addresses(of: InterfaceName("br5")).map { "\($0.address)/\($0.prefixLength)" })
            #expect(addresses.isSuperset(of: ["10.5.0.1/24", "fd00:5::1/64"]))
            #expect(try netlink.routes().contains { $0.header.destinationLength == 0 && $0.gateway?.description == "10.5.0.254" })
            try host.start(definition)  // starting again changes nothing and does not fail
            try host.stop(definition)
            #expect(try netlink.link(named: InterfaceName("br5")) == nil)
            #expect(try netlink.link(named: InterfaceName("veth0"))?.masterIndex == nil)
            // veth0 was brought up as a port; stop leaves it up (as ifdown of the bridge does).
            var after = try host.snapshot(excluding: InterfaceOwnership())
            after.links = after.links.map { link in
                var link = link
                if link.name == "veth0" { link.up = false }
                return link
            }
            #expect(after.normalized == before.normalized)
        }
    }

    @Test func aFailedStartUndoesItsOwnSteps() throws {
        try TestNamespace.with { ns in
            try ns.exec(["ip", "link", "add", "veth0", "type", "veth", "peer", "name", "veth1"])
            let host = LinuxHostInterfaces(namespace: ns.path)
            let before = try host.snapshot(excluding: InterfaceOwnership())
            let broken = Self.bridge.replacingOccurrences(of: "</bridge>", with: "<interface type='ethernet' name='missing0'/></bridge>")
            #expect(throws: PatchbayError(.noInterface, "bridge port 'missing0' of 'br5' does not exist on this host", domain: .interface)) {
                try host.start(HostInterfaceDefinition.parse(xml: broken))
            }
            #expect(try host.snapshot(excluding: InterfaceOwnership()).normalized == before.normalized)
        }
    }

    @Test func dhcpIsRefusedClearly() throws {
        try TestNamespace.with { ns in
            let host = LinuxHostInterfaces(namespace: ns.path)
            let definition = try HostInterfaceDefinition.parse(
                xml: "<interface type='ethernet' name='lo'><protocol family='ipv4'><dhcp/></protocol></interface>")
            #expect(throws: PatchbayError.self) { try host.start(definition) }
        }
    }
}
