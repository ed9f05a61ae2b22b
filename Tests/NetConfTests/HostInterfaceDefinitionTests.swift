import NetConf
import NetCore
import Testing

@Suite("Host interface documents")
struct HostInterfaceDefinitionTests {
    static let bridge = """
        <interface type='bridge' name='br0'>
          <start mode='onboot'/>
          <mtu size='1500'/>
          <protocol family='ipv4'>
            <ip address='192.168.0.5' prefix='24'/>
            <route gateway='192.168.0.1'/>
          </protocol>
          <protocol family='ipv6'>
            <ip address='fd00::5' prefix='64'/>
          </protocol>
          <bridge stp='off' delay='0.01'>
            <interface type='ethernet' name='eth0'>
              <mac address='ab:bb:cc:dd:ee:ff'/>
            </interface>
            <interface type='ethernet' name='eth1'/>
          </bridge>
        </interface>

        """

    @Test func bridgeRoundTripsAsLibvirtFormatsIt() throws {
        let definition = try HostInterfaceDefinition.parse(xml: Self.bridge)
        #expect(definition.name.value == "br0")
        #expect(definition.startMode == .onboot)
        #expect(definition.ipv4?.gateway?.description == "192.168.0.1")
        guard case .bridge(let bridge) = definition.kind else { Issue.record("not a bridge"); return }
        #expect(bridge.stp == false && bridge.delay == "0.01")
        #expect(bridge.ports.map(\.name.value) == ["eth0", "eth1"])
        #expect(definition.formatted() == Self.bridge)
        #expect(try HostInterfaceDefinition.parse(xml: definition.formatted()) == definition)
    }

    @Test func ethernetWithMACAndDHCP() throws {
        let text = """
            <interface type='ethernet' name='eth0'>
              <start mode='hotplug'/>
              <mac address='52:54:00:aa:bb:cc'/>
              <mtu size='9000'/>
              <protocol family='ipv4'>
                <dhcp peerdns='no'/>
              </protocol>
              <protocol family='ipv6'>
                <autoconf/>
              </protocol>
            </interface>

            """
        let definition = try HostInterfaceDefinition.parse(xml: text)
        #expect(definition.mac?.description == "52:54:00:aa:bb:cc")
        #expect(definition.ipv4?.dhcp == true && definition.ipv4?.peerDNS == false)
        #expect(definition.ipv6?.autoconf == true)
        #expect(definition.formatted() == text)
    }

    @Test(arguments: [
        ("<interface type='vlan' name='eth0.42'><vlan tag='42'><interface name='eth0'/></vlan></interface>",
         PatchbayError(.configUnsupported, "vlan interfaces are not supported by this host kernel (no 8021q module)", domain: .interface)),
        ("<interface type='bond' name='bond0'><bond><interface type='ethernet' name='eth0'/></bond></interface>",
         PatchbayError(.configUnsupported, "bond interfaces are not supported by this host kernel (no bonding module)", domain: .interface)),
        ("<interface type='bogus' name='x'/>", PatchbayError(.xmlError, "unknown interface type 'bogus'", domain: .interface)),
        ("<interface type='ethernet'/>", PatchbayError(.xmlError, "interface has no name", domain: .interface)),
        ("<interface type='bridge' name='br0'/>", PatchbayError(.xmlError, "bridge interface misses the bridge element", domain: .interface)),
        ("<interface type='ethernet' name='e0'><protocol family='ipv4'><ip address='fd00::1'/></protocol></interface>",
         PatchbayError(.xmlError, "invalid ipv4 address 'fd00::1'", domain: .interface)),
        ("<interface type='ethernet' name='e0'><start mode='sometimes'/></interface>",
         PatchbayError(.xmlError, "Invalid value for attribute 'mode' in element 'start': 'sometimes'. Expected one of 'onboot', 'none', 'hotplug'")),
        ("<interface type='ethernet' name='a-name-that-is-too-long'/>",
         PatchbayError(.xmlError, "invalid interface name 'a-name-that-is-too-long'", domain: .interface)),
        ("<interface type='bridge' name='br0'><bridge><interface type='vlan' name='eth0.1'/></bridge></interface>",
         PatchbayError(.configUnsupported, "vlan bridge ports are not supported by this host kernel", domain: .interface)),
    ])
    func refusals(_ text: String, _ expected: PatchbayError) {
        #expect(throws: expected) { try HostInterfaceDefinition.parse(xml: text) }
    }
}
