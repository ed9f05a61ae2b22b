import NetCore
import NetXML
import Testing
@testable import NetConf

/// Builds a network document around `body` (everything after name and uuid).
private func network(_ body: String, name: String = "net", attributes: String = "") -> String {
    "<network\(attributes)><name>\(name)</name><uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>\(body)</network>"
}

private let natIP = "<ip address='192.168.122.1' netmask='255.255.255.0'/>"

@Suite("Network definition")
struct NetworkDefinitionTests {
    /// A bad document, the code libvirt answers with and a piece of its message.
    struct Refusal: CustomTestStringConvertible, Sendable {
        let xml: String
        let code: ErrorCode
        let message: String
        var testDescription: String { message }
    }

    static let refusals: [Refusal] = [
        Refusal(xml: "<network><uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid></network>", code: .noName, message: "missing name information"),
        Refusal(xml: "<net><name>x</name></net>", code: .xmlError, message: "expecting root element of 'network'"),
        Refusal(xml: network("", name: "a/b"), code: .xmlDetail, message: "invalid char in name"),
        Refusal(xml: network("<forward mode='bogus'/>"), code: .configUnsupported,
                message: "unsupported configuration: unknown forwarding type 'bogus'"),
        Refusal(xml: network("<mac address='zz:54:00:00:00:01'/>", name: "lvb-e2"), code: .xmlError,
                message: "XML error: Invalid bridge mac address 'zz:54:00:00:00:01' in network 'lvb-e2'"),
        Refusal(xml: network("<mac address='01:54:00:00:00:01'/>", name: "lvb-e3"), code: .xmlError,
                message: "Invalid multicast bridge mac address '01:54:00:00:00:01' in network 'lvb-e3'"),
        Refusal(xml: network("<forward mode='open' dev='eth0'/>" + natIP), code: .xmlError,
                message: "forward dev not allowed for network 'net' with forward mode='open'"),
        Refusal(xml: network("<forward mode='nat'/>"), code: .xmlError,
                message: "nat forwarding requested, but no IP address provided for network 'net'"),
        Refusal(xml: network("<forward mode='passthrough'><interface dev='eth1'/><interface dev='eth1'/></forward>"),
                code: .xmlError, message: "interface 'eth1' can only be listed once in network net"),
        Refusal(xml: network("<forward mode='hostdev'><address type='pci' bus='3'/><address type='pci' bus='0x03'/></forward>"),
                code: .xmlError, message: "PCI device '0000:03:00.0' can only be listed once"),
        Refusal(xml: network("<forward mode='hostdev'><address type='usb'/></forward>"), code: .configUnsupported,
                message: "unknown address type 'usb'"),
        Refusal(xml: network("<forward dev='eth0' mode='nat'><interface dev='eth1'/></forward>" + natIP), code: .xmlError,
                message: "<forward dev='eth0'> must match first <interface dev='eth1'/>"),
        Refusal(xml: network("<forward mode='route'><nat/></forward>" + natIP), code: .xmlError,
                message: "The <nat> element can only be used when <forward> 'mode' is 'nat'"),
        Refusal(xml: network("<forward mode='bridge'/><bridge name='br0' stp='on'/>"), code: .xmlError,
                message: "bridge delay/stp/zone options only allowed in route, nat, and isolated mode, not in bridge"),
        Refusal(xml: network("<forward mode='vepa'><interface dev='eth1'/></forward><bridge name='br0'/>"), code: .xmlError,
                message: "bridge name not allowed in vepa mode"),
        Refusal(xml: network("<forward mode='bridge'/><bridge name='br0'/><mtu size='9000'/>"), code: .xmlError,
                message: "mtu size only allowed in open, route, nat, and isolated mode"),
        Refusal(xml: network("<ip address='10.67.0.1' prefix='24'><dhcp><range start='10.68.0.2' end='10.68.0.9'/></dhcp></ip>"),
                code: .internalError, message: "range 10.68.0.2 - 10.68.0.9 is not entirely within network 10.67.0.1/24"),
        Refusal(xml: network("<ip address='10.67.0.1' prefix='24'><dhcp><range start='10.67.0.9' end='10.67.0.2'/></dhcp></ip>"),
                code: .internalError, message: "is reversed"),
        Refusal(xml: network("<ip address='10.67.0.1' prefix='24'><dhcp><range start='10.67.0.0' end='10.67.0.9'/></dhcp></ip>"),
                code: .internalError, message: "is the network address"),
        Refusal(xml: network("<ip address='10.67.0.1' prefix='24'><dhcp><host mac='00:16:3e:77:e2:ed'/></dhcp></ip>"),
                code: .xmlError, message: "Missing IP address in static host definition for network 'net'"),
        Refusal(xml: network("<ip address='10.67.0.1' prefix='24'><dhcp><range start='10.67.0.2' end='10.67.0.9'><lease expiry='1'/></range></dhcp></ip>"),
                code: .configUnsupported, message: "The minimum lease time should be greater than 2 minutes"),
        Refusal(xml: network("<ip family='ipv6' address='10.0.0.1'/>"), code: .configUnsupported,
                message: "Family 'ipv6' specified for non-IPv6 address '10.0.0.1'"),
        Refusal(xml: network("<ip address='10.0.0.1' netmask='255.0.0.0' prefix='8'/>"), code: .configUnsupported,
                message: "cannot have both a prefix and a netmask"),
        Refusal(xml: network("<dns enable='no'><txt name='a' value='b'/></dns>"), code: .xmlError,
                message: "Extra data in disabled network 'net'"),
        Refusal(xml: network("<dns><host ip='10.0.0.1'/></dns>"), code: .xmlDetail,
                message: "Missing hostname in network 'net' DNS HOST record"),
        Refusal(xml: network("<dns><srv service='x' protocol='tcp' port='80'/></dns>"), code: .xmlDetail,
                message: "DNS SRV port attribute not permitted without target"),
        Refusal(xml: network("<dns><txt name='a b' value='c'/></dns>"), code: .xmlDetail,
                message: "prohibited character in DNS TXT record name 'a b'"),
        Refusal(xml: network(natIP + "<route address='10.9.0.0' prefix='16' gateway='172.16.0.1'/>"), code: .configUnsupported,
                message: "unreachable static route gateway '172.16.0.1' specified for network 'net'"),
        Refusal(xml: network(natIP + "<route address='10.9.0.1' prefix='16' gateway='192.168.122.9'/>"), code: .xmlError,
                message: "Address '10.9.0.1' in route definition is not a network address"),
        Refusal(xml: network("<portgroup name='a' default='yes'/><portgroup name='b' default='yes'/>"), code: .xmlError,
                message: "has multiple default <portgroup> elements (a and b)"),
        Refusal(xml: network("<portgroup name='a'/><portgroup name='a'/>"), code: .xmlError,
                message: "multiple <portgroup> elements with the same name (a)"),
        Refusal(xml: network("<virtualport><parameters profileid='p'/></virtualport>"), code: .xmlError,
                message: "missing virtualport type"),
        Refusal(xml: network("<bandwidth><inbound average='10' floor='5'/></bandwidth>"), code: .xmlError,
                message: "floor"),
        Refusal(xml: network("<bridge name='virbr9' macTableManager='switch'/>"), code: .xmlError,
                message: "Invalid macTableManager setting 'switch' in network 'net'"),
    ]

    @Test("libvirt's refusals", arguments: refusals)
    func refuses(_ refusal: Refusal) {
        #expect(throws: PatchbayError.self) { try NetworkDefinition.parse(xml: refusal.xml) }
        do {
            _ = try NetworkDefinition.parse(xml: refusal.xml)
        } catch {
            #expect(error.code == refusal.code)
            #expect(error.message.contains(refusal.message), "\(error.message)")
        }
    }

    static let defineRefusals: [Refusal] = [
        Refusal(xml: network("<forward mode='bridge'/><bridge name='br0'/><mac address='52:54:00:00:00:01'/>"), code: .configUnsupported,
                message: "Unsupported <mac> element in network net with forward mode='bridge'"),
        Refusal(xml: network("<forward mode='bridge'/><bridge name='br0'/>" + natIP), code: .configUnsupported,
                message: "Unsupported <ip> element in network net with forward mode='bridge'"),
        Refusal(xml: network("<forward mode='vepa'><interface dev='eth0'/></forward><bandwidth><inbound average='10'/></bandwidth>"),
                code: .configUnsupported, message: "Unsupported network-wide <bandwidth> element"),
        Refusal(xml: network("<ip address='10.0.0.1' prefix='24'><dhcp><range start='10.0.0.2' end='10.0.0.9'/></dhcp></ip>"
                             + "<ip address='10.0.1.1' prefix='24'><dhcp><range start='10.0.1.2' end='10.0.1.9'/></dhcp></ip>"),
                code: .configUnsupported, message: "Multiple IPv4 dhcp sections found"),
        Refusal(xml: network("<vlan><tag id='5'/></vlan>"), code: .xmlError,
                message: "whose type doesn't support vlan configuration"),
    ]

    @Test("the network driver's refusals at define time", arguments: defineRefusals)
    func refusesAtDefine(_ refusal: Refusal) throws {
        let parsed = try NetworkDefinition.parse(xml: refusal.xml)
        do {
            try parsed.validateForDefine()
            Issue.record("accepted")
        } catch {
            #expect(error.code == refusal.code)
            #expect(error.message.contains(refusal.message), "\(error.message)")
        }
    }

    @Test func validNetworksPassDefineChecks() throws {
        try NetworkDefinition.parse(xml: network("<forward mode='nat'/>" + natIP)).validateForDefine()
        try NetworkDefinition.parse(xml: network("<forward mode='bridge'/><bridge name='br0'/><virtualport type='openvswitch'/>"
                                                 + "<portgroup name='p'><vlan><tag id='5'/></vlan></portgroup>")).validateForDefine()
    }

    /// Input and the exact text libvirt writes for it.
    static let formatCases: [(String, String)] = [
        // Isolated network: libvirt adds stp/delay to the bridge and lower-cases the MAC.
        (network("<bridge name='virbr2'/><mac address='52:54:00:17:3F:37'/>", attributes: " ipv6='no'"),
         """
         <network>
           <name>net</name>
           <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>
           <bridge name='virbr2' stp='on' delay='0'/>
           <mac address='52:54:00:17:3f:37'/>
         </network>

         """),
        // forward dev becomes the first pool interface; <forward/> defaults to nat; <ip> stays open.
        (network("<forward dev='eth1'/>" + natIP),
         """
         <network>
           <name>net</name>
           <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>
           <forward dev='eth1' mode='nat'>
             <interface dev='eth1'/>
           </forward>
           <bridge stp='on' delay='0'/>
           <ip address='192.168.122.1' netmask='255.255.255.0'>
           </ip>
         </network>

         """),
        // hostdev prints managed='no' by default; bridge mode has no stp/delay.
        (network("<forward mode='hostdev'><driver name='vfio'/><address type='pci' domain='0' bus='3' slot='0' function='1'/></forward>"),
         """
         <network>
           <name>net</name>
           <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>
           <forward mode='hostdev' managed='no'>
             <driver name='vfio'/>
             <address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x1'/>
           </forward>
         </network>

         """),
        (network("<forward mode='bridge'/><bridge name='br0' macTableManager='libvirt'/><port isolated='yes'/>"),
         """
         <network>
           <name>net</name>
           <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>
           <forward mode='bridge'/>
           <bridge name='br0' macTableManager='libvirt'/>
           <port isolated='yes'/>
         </network>

         """),
    ]

    @Test("formats exactly like libvirt", arguments: formatCases)
    func formats(_ input: String, _ expected: String) throws {
        let parsed = try NetworkDefinition.parse(xml: input)
        #expect(parsed.formatXML() == expected)
    }

    static let roundTrips: [String] = [
        network("<forward mode='nat'><nat ipv6='yes'><address start='10.20.30.40' end='10.20.30.44'/><port start='60000' end='65432'/></nat></forward>"
                + "<bridge name='virbr0' stp='off' delay='2' zone='trusted'/><mtu size='9000'/><domain name='example.com' localOnly='yes'/>"
                + "<dns enable='yes' forwardPlainNames='no'><forwarder domain='example.com' addr='192.168.1.1'/><forwarder addr='8.8.8.8'/>"
                + "<txt name='example' value='v'/><srv service='name' protocol='tcp' domain='d' target='.' port='1024' priority='10' weight='10'/>"
                + "<host ip='192.168.122.2'><hostname>a</hostname><hostname>b</hostname></host></dns>"
                + "<bandwidth><inbound average='1000' peak='2000' burst='1024'/><outbound average='2000'/></bandwidth>"
                + "<ip address='192.168.122.1' netmask='255.255.255.0' localPtr='yes'><tftp root='/srv/tftp'/><dhcp>"
                + "<range start='192.168.122.2' end='192.168.122.254'><lease expiry='1' unit='hours'/></range>"
                + "<host mac='00:16:3e:77:e2:ed' name='a.example.com' ip='192.168.122.10'><lease expiry='0'/></host>"
                + "<bootp file='pxeboot.img' server='10.20.30.40'/></dhcp></ip>"
                + "<ip family='ipv6' address='2001:db8:ac10:fd01::1' prefix='64'><dhcp><host id='0:3:0:1:0:16:3e:11:22:33' ip='2001:db8:ac10:fd01::1:22'/></dhcp></ip>"
                + "<route family='ipv6' address='2001:db8:ac10:fc00::' prefix='64' gateway='2001:db8:ac10:fd01::1:24' metric='2'/>",
                attributes: " ipv6='yes' trustGuestRxFilters='no'"),
        network("<forward mode='bridge'/><virtualport type='openvswitch'/><portgroup name='bob' default='yes' trustGuestRxFilters='yes'>"
                + "<vlan trunk='yes'><tag id='123' nativeMode='tagged'/><tag id='444'/></vlan><virtualport><parameters profileid='bob'/></virtualport>"
                + "<bandwidth><inbound average='100'/></bandwidth></portgroup><portgroup name='empty'></portgroup>"),
        network("<forward mode='passthrough'><pf dev='eth0'/></forward>"),
    ]

    @Test("a formatted document parses back to the same definition", arguments: roundTrips)
    func roundTrip(_ input: String) throws {
        let first = try NetworkDefinition.parse(xml: input)
        let text = first.formatXML()
        let second = try NetworkDefinition.parse(xml: text)
        #expect(first == second)
        #expect(second.formatXML() == text)
    }

    @Test func generatesUUIDWhenMissing() throws {
        let parsed = try NetworkDefinition.parse(xml: "<network><name>n</name></network>")
        #expect(!parsed.uuidGiven)
        #expect(parsed.formatXML().contains("<uuid>\(parsed.uuid)</uuid>"))
    }

    @Test func connectionsAreLiveOnly() throws {
        var parsed = try NetworkDefinition.parse(xml: network("<forward mode='bridge'><interface dev='eth1'/></forward>"))
        parsed.connections = 3
        parsed.forward?.pool[0].connections = 2
        #expect(parsed.formatXML().contains("<network connections='3'>"))
        #expect(parsed.formatXML().contains("<interface dev='eth1' connections='2'/>"))
        #expect(!parsed.formatXML(inactive: true).contains("connections"))
    }

    @Test func physicalFunctionHidesPoolInInactiveXML() throws {
        var parsed = try NetworkDefinition.parse(xml: network("<forward mode='passthrough'><pf dev='eth0'/></forward>"))
        parsed.forward?.pool = [ForwardPoolEntry(.interface("eth0v0"))]
        #expect(parsed.formatXML().contains("<interface dev='eth0v0'/>"))
        #expect(!parsed.formatXML(inactive: true).contains("interface"))
        #expect(!parsed.formatXML().contains("dev='eth0v0' mode"))
    }

    @Test func dnsmasqOptionsMatchedByNamespaceURI() throws {
        let input = network("<x:options xmlns:x='http://libvirt.org/schemas/network/dnsmasq/1.0'><x:option value='foo=bar'/><x:option/></x:options>")
        let parsed = try NetworkDefinition.parse(xml: input)
        #expect(parsed.dnsmasqOptions?.values == ["foo=bar"])
        let text = parsed.formatXML()
        #expect(text.hasPrefix("<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>"))
        #expect(text.contains("    <dnsmasq:option value='foo=bar'/>"))
    }

    @Test func metadataKeptVerbatim() throws {
        let input = network("<metadata xmlns:app='http://app.example/'><app:foo a='1'>fooish<app:bar/></app:foo><plain/></metadata>")
        let text = try NetworkDefinition.parse(xml: input).formatXML()
        #expect(text.contains("<app:foo xmlns:app='http://app.example/' a='1'>"))
        #expect(!text.contains("<plain"))
        #expect(throws: Never.self) { try XMLParser.parse(text) }
    }
}
