import NetCore
import Testing
@testable import NetConf

/// A NAT network with one DHCP-enabled IPv4 address, DNS records, a pool interface and portgroups.
private let base = """
<network>
  <name>default</name>
  <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>
  <forward dev='eth1' mode='nat'/>
  <bridge name='virbr0'/>
  <dns>
    <txt name='example' value='example value'/>
    <srv service='name' protocol='tcp' domain='test' target='.' port='1024'/>
    <srv service='name' protocol='tcp' domain='donkey' target='.' port='404'/>
    <host ip='192.168.122.1'><hostname>host</hostname><hostname>gateway</hostname></host>
  </dns>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
      <host mac='00:16:3e:77:e2:ed' name='a.example.com' ip='192.168.122.10'/>
      <host mac='00:16:3e:3e:a9:1a' name='b.example.com' ip='192.168.122.11'/>
    </dhcp>
  </ip>
  <ip family='ipv4' address='192.168.123.1' netmask='255.255.255.0'/>
  <ip family='ipv6' address='2001:db8:ac10:fe01::1' prefix='64'/>
  <portgroup name='bob' default='yes'/>
  <portgroup name='alice'/>
</network>
"""

@Suite("net-update")
struct NetworkUpdateTests {
    /// One update libvirt refuses: what is sent, and the code and message it answers with.
    struct Refusal: CustomTestStringConvertible, Sendable {
        let section: NetworkUpdateSection
        let command: NetworkUpdateCommand
        let xml: String
        var parentIndex = -1
        let code: ErrorCode
        let message: String
        var testDescription: String { message }
    }

    static let refusals: [Refusal] = [
        Refusal(section: .bridge, command: .modify, xml: "<bridge name='x'/>", code: .noSupport,
                message: "can't update 'bridge' section of network 'default'"),
        Refusal(section: .forwardPF, command: .addLast, xml: "<pf dev='x'/>", code: .noSupport,
                message: "can't update 'forward pf' section of network 'default'"),
        Refusal(section: .ip, command: .addLast, xml: "<ip address='10.0.0.1'/>", code: .noSupport, message: "'ip' section"),
        Refusal(section: .ipDHCPHost, command: .addLast, xml: "<range start='1.1.1.1' end='1.1.1.2'/>", code: .xmlError,
                message: "unexpected element <range>, expecting <host>"),
        Refusal(section: .ipDHCPHost, command: .addLast, xml: "<host mac='00:16:3e:77:e2:ed'/>", code: .xmlError,
                message: "Missing IP address in static host definition"),
        Refusal(section: .ipDHCPHost, command: .addLast, xml: "<host mac='00:16:3E:77:E2:ED' name='n' ip='192.168.122.99'/>",
                code: .operationInvalid, message: "there is an existing dhcp host entry in network 'default'"),
        Refusal(section: .ipDHCPHost, command: .modify, xml: "<host mac='00:16:3e:77:f0:0d' name='m' ip='192.168.122.12'/>",
                code: .operationInvalid, message: "couldn't locate an existing dhcp host entry"),
        Refusal(section: .ipDHCPHost, command: .delete, xml: "<host name='nobody'/>", code: .operationInvalid,
                message: "couldn't locate a matching dhcp host entry in network 'default'"),
        Refusal(section: .ipDHCPHost, command: .addLast, xml: "<host name='x' ip='192.168.123.5'/>", parentIndex: 1,
                code: .operationInvalid, message: "dhcp is supported only for a single IPv4 address on each network"),
        Refusal(section: .ipDHCPHost, command: .addLast, xml: "<host name='x' ip='10.0.0.5'/>", parentIndex: 7,
                code: .operationInvalid, message: "no <ip> element found at index 7"),
        Refusal(section: .ipDHCPRange, command: .modify, xml: "<range start='192.168.122.2' end='192.168.122.254'/>",
                code: .operationUnsupported, message: "dhcp ranges cannot be modified, only added or deleted"),
        Refusal(section: .ipDHCPRange, command: .addFirst, xml: "<range start='192.168.122.2' end='192.168.122.254'/>",
                code: .operationInvalid, message: "there is an existing dhcp range entry"),
        Refusal(section: .ipDHCPRange, command: .addFirst, xml: "<range start='10.0.0.2' end='10.0.0.9'/>",
                code: .internalError, message: "is not entirely within network 192.168.122.1/24"),
        Refusal(section: .ipDHCPRange, command: .delete, xml: "<range start='192.168.122.10' end='192.168.122.100'/>",
                code: .operationInvalid, message: "couldn't locate a matching dhcp range entry"),
        Refusal(section: .forwardInterface, command: .modify, xml: "<interface dev='eth1'/>", code: .operationUnsupported,
                message: "forward interface entries cannot be modified"),
        Refusal(section: .forwardInterface, command: .addLast, xml: "<interface dev='eth1'/>", code: .operationInvalid,
                message: "there is an existing interface entry in network 'default' that matches \"<interface dev='eth1'>\""),
        Refusal(section: .forwardInterface, command: .delete, xml: "<interface dev='eth47'/>", code: .operationInvalid,
                message: "couldn't find an interface entry in network 'default' matching <interface dev='eth47'>"),
        Refusal(section: .portgroup, command: .addLast, xml: "<portgroup name='alice'/>", code: .operationInvalid,
                message: "there is an existing portgroup entry"),
        Refusal(section: .portgroup, command: .delete, xml: "<portgroup name='carol'/>", code: .operationInvalid,
                message: "couldn't find a portgroup entry in network 'default' matching <portgroup name='carol'>"),
        Refusal(section: .portgroup, command: .addLast, xml: "<portgroup name='carol' default='yes'/>", code: .operationInvalid,
                message: "is already set as the default. Only one default is allowed."),
        Refusal(section: .dnsHost, command: .modify, xml: "<host ip='1.2.3.4'><hostname>x</hostname></host>",
                code: .operationUnsupported, message: "DNS HOST records cannot be modified"),
        Refusal(section: .dnsHost, command: .addFirst, xml: "<host><hostname>gateway</hostname></host>", code: .xmlDetail,
                message: "Missing IP address in network 'default' DNS HOST record"),
        Refusal(section: .dnsHost, command: .addFirst, xml: "<host ip='192.168.122.1'><hostname>other</hostname></host>",
                code: .operationInvalid, message: "there is already at least one DNS HOST record with a matching field"),
        Refusal(section: .dnsHost, command: .delete, xml: "<host protocol='x'/>", code: .xmlDetail,
                message: "Missing ip and hostname"),
        Refusal(section: .dnsTXT, command: .addLast, xml: "<txt name='example' value='other'/>", code: .operationInvalid,
                message: "there is already a DNS TXT record with name 'example' in network default"),
        Refusal(section: .dnsTXT, command: .delete, xml: "<txt name='snowman'/>", code: .operationInvalid,
                message: "couldn't locate a matching DNS TXT record in network default"),
        Refusal(section: .dnsSRV, command: .delete, xml: "<srv service='name'/>", code: .operationInvalid,
                message: "multiple DNS SRV records matching all specified fields were found"),
        Refusal(section: .dnsSRV, command: .addLast, xml: "<srv service='name' protocol='tcp' domain='test' target='.'/>",
                code: .operationInvalid, message: "there is already at least one DNS SRV record matching all specified fields"),
        Refusal(section: .none, command: .addLast, xml: "<x/>", code: .operationUnsupported,
                message: "can't update unrecognized section of network"),
    ]

    @Test("libvirt's refusals leave the definition unchanged", arguments: refusals)
    func refuses(_ refusal: Refusal) throws {
        var network = try NetworkDefinition.parse(xml: base)
        let before = network
        do {
            try network.update(command: refusal.command, section: refusal.section, parentIndex: refusal.parentIndex, xml: refusal.xml)
            Issue.record("update accepted")
        } catch {
            #expect(error.code == refusal.code)
            #expect(error.message.contains(refusal.message), "\(error.message)")
        }
        #expect(network == before)
    }

    /// One accepted update and a check of its effect.
    struct Change: CustomTestStringConvertible, Sendable {
        let name: String
        let section: NetworkUpdateSection
        let command: NetworkUpdateCommand
        let xml: String
        /// False where libvirt, like Patchbay, lets net-update produce what a fresh define refuses.
        var reparses = true
        let check: @Sendable (NetworkDefinition) -> Bool
        var testDescription: String { name }
    }

    static let changes: [Change] = [
        Change(name: "add a DHCP host last", section: .ipDHCPHost, command: .addLast,
               xml: "<host mac='00:16:3e:77:f0:0d' name='m.example.com' ip='192.168.122.12'/>") {
            $0.ips[0].dhcpHosts.map(\.name) == ["a.example.com", "b.example.com", "m.example.com"]
        },
        Change(name: "modify a DHCP host matched by MAC", section: .ipDHCPHost, command: .modify,
               xml: "<host mac='00:16:3e:77:e2:ed' name='c.example.com' ip='192.168.122.20'/>") {
            $0.ips[0].dhcpHosts[0].name == "c.example.com" && $0.ips[0].dhcpHosts.count == 2
        },
        Change(name: "delete a DHCP host by partial match", section: .ipDHCPHost, command: .delete,
               xml: "<host mac='00:16:3e:3e:a9:1a'/>") { $0.ips[0].dhcpHosts.map(\.name) == ["a.example.com"] },
        Change(name: "add a DHCP range first", section: .ipDHCPRange, command: .addFirst,
               xml: "<range start='192.168.122.2' end='192.168.122.9'/>") { $0.ips[0].dhcpRanges.count == 2 },
        Change(name: "delete the DHCP range", section: .ipDHCPRange, command: .delete,
               xml: "<range start='192.168.122.2' end='192.168.122.254'/>") { $0.ips[0].dhcpRanges.isEmpty },
        Change(name: "add a pool interface first", section: .forwardInterface, command: .addFirst,
               xml: "<interface dev='eth47'/>", reparses: false) { $0.forward?.device == "eth47" && $0.forward?.pool.count == 2 },
        Change(name: "delete the pool interface", section: .forwardInterface, command: .delete,
               xml: "<interface dev='eth1'/>") { $0.forward?.pool.isEmpty == true },
        Change(name: "add a portgroup first", section: .portgroup, command: .addFirst,
               xml: "<portgroup name='carol'/>") { $0.portgroups.map(\.name) == ["carol", "bob", "alice"] },
        Change(name: "modify the default portgroup", section: .portgroup, command: .modify,
               xml: "<portgroup name='bob' default='yes'><vlan><tag id='5'/></vlan></portgroup>") { $0.portgroups[0].vlan?.tags == [5] },
        Change(name: "delete a portgroup", section: .portgroup, command: .delete,
               xml: "<portgroup name='alice'/>") { $0.portgroups.map(\.name) == ["bob"] },
        Change(name: "delete a DNS host by name", section: .dnsHost, command: .delete,
               xml: "<host><hostname>gateway</hostname></host>") { $0.dns.hosts.isEmpty },
        Change(name: "add a DNS host", section: .dnsHost, command: .addLast,
               xml: "<host ip='192.168.122.5'><hostname>gateway</hostname></host>") { $0.dns.hosts.count == 2 },
        Change(name: "add a TXT record first", section: .dnsTXT, command: .addFirst,
               xml: "<txt name='snowman' value='water'/>") { $0.dns.txtRecords.map(\.name) == ["snowman", "example"] },
        Change(name: "delete an SRV record by domain", section: .dnsSRV, command: .delete,
               xml: "<srv service='name' protocol='tcp' domain='donkey'/>") { $0.dns.srvRecords.map(\.domain) == ["test"] },
    ]

    @Test("accepted updates", arguments: changes)
    func applies(_ change: Change) throws {
        var network = try NetworkDefinition.parse(xml: base)
        try network.update(command: change.command, section: change.section, parentIndex: -1, xml: change.xml)
        #expect(change.check(network))
        if change.reparses {
            // The result is still a document libvirt would define.
            _ = try NetworkDefinition.parse(xml: network.formatXML())
        }
    }

    @Test func parentIndexSelectsTheIPElement() throws {
        var network = try NetworkDefinition.parse(xml: base)
        try network.update(command: .addLast, section: .ipDHCPHost, parentIndex: 2,
                           xml: "<host id='0:3:0:1:0:16:3e:11:22:33' ip='2001:db8:ac10:fe01::20'/>")
        #expect(network.ips[2].dhcpHosts.count == 1)
        #expect(network.formatXML().contains("<host id='0:3:0:1:0:16:3e:11:22:33' ip='2001:db8:ac10:fe01::20'/>"))
    }
}
