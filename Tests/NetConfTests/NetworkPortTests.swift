import Foundation
import NetCore
import NetXML
import Testing
@testable import NetConf

/// Documents libvirt 9.0 prints byte for byte as they are: parse then format must not change them.
private let canonicalPorts: [String] = [
    """
    <networkport>
      <uuid>1b6a6c4e-3f7d-4b36-9d55-0e4c2d7b8a01</uuid>
      <owner>
        <name>guest-a</name>
        <uuid>7f1c2a9e-5b0d-4e8f-a3c6-2d9b4e6f8a10</uuid>
      </owner>
      <mac address='52:54:00:12:34:56'/>
    </networkport>

    """,
    """
    <networkport>
      <uuid>1b6a6c4e-3f7d-4b36-9d55-0e4c2d7b8a02</uuid>
      <owner>
        <name>guest-b</name>
        <uuid>7f1c2a9e-5b0d-4e8f-a3c6-2d9b4e6f8a10</uuid>
      </owner>
      <group>engineering</group>
      <mac address='52:54:00:ab:cd:ef'/>
      <bandwidth classID='3'>
        <inbound average='2000' peak='5000' floor='500' burst='256'/>
        <outbound average='1000'/>
      </bandwidth>
      <vlan trunk='yes'>
        <tag id='10' nativeMode='untagged'/>
        <tag id='20'/>
      </vlan>
      <port isolated='no'/>
      <rxfilters trustGuest='no'/>
      <plug type='network' bridge='virbr7' macTableManager='libvirt'/>
    </networkport>

    """,
    """
    <networkport>
      <uuid>1b6a6c4e-3f7d-4b36-9d55-0e4c2d7b8a03</uuid>
      <owner>
        <name>guest-c</name>
        <uuid>7f1c2a9e-5b0d-4e8f-a3c6-2d9b4e6f8a11</uuid>
      </owner>
      <mac address='52:54:00:00:00:03'/>
      <plug type='bridge' bridge='br-lan' macTableManager='kernel'/>
    </networkport>

    """,
    """
    <networkport>
      <uuid>1b6a6c4e-3f7d-4b36-9d55-0e4c2d7b8a04</uuid>
      <owner>
        <name>guest-d</name>
        <uuid>7f1c2a9e-5b0d-4e8f-a3c6-2d9b4e6f8a12</uuid>
      </owner>
      <mac address='52:54:00:00:00:04'/>
      <virtualport type='openvswitch'>
        <parameters interfaceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f' profileid='gold'/>
      </virtualport>
      <plug type='direct' dev='eth1' mode='passthrough'/>
    </networkport>

    """,
    """
    <networkport>
      <uuid>1b6a6c4e-3f7d-4b36-9d55-0e4c2d7b8a05</uuid>
      <owner>
        <name>guest-e</name>
        <uuid>7f1c2a9e-5b0d-4e8f-a3c6-2d9b4e6f8a13</uuid>
      </owner>
      <mac address='52:54:00:00:00:05'/>
      <plug type='hostdev-pci' managed='no'>
        <driver name='kvm'/>
        <address domain='0x0000' bus='0x81' slot='0x10' function='0x2'/>
      </plug>
    </networkport>

    """,
    """
    <networkport>
      <uuid>1b6a6c4e-3f7d-4b36-9d55-0e4c2d7b8a06</uuid>
      <owner>
        <name>guest &amp; &lt;friends&gt;</name>
        <uuid>7f1c2a9e-5b0d-4e8f-a3c6-2d9b4e6f8a14</uuid>
      </owner>
      <mac address='52:54:00:00:00:06'/>
      <plug type='direct' dev='ens3' mode='private'/>
    </networkport>

    """,
]

/// A minimal valid port with `extra` added inside `<networkport>`.
private func portDocument(_ extra: String = "", mac: String = "52:54:00:7b:35:93") -> String {
    """
    <networkport>
      <uuid>5d744f21-ba4a-4d6e-bdb2-30a35ff3207d</uuid>
      <owner><name>vm</name><uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid></owner>
      <mac address='\(mac)'/>
      \(extra)
    </networkport>
    """
}

@Suite("network port documents")
struct NetworkPortTests {
    @Test("libvirt's own formatting survives a round trip byte for byte", arguments: canonicalPorts)
    func canonicalRoundTrip(_ document: String) throws {
        let port = try NetworkPortDefinition.parse(xml: document)
        #expect(port.formatXML() == document)
        #expect(try NetworkPortDefinition.parse(xml: port.formatXML()) == port)
        try dumpForSchemaCheck(port.formatXML())
    }

    @Test("parse(element:) and xml agree with the string entry points")
    func elementEntryPoints() throws {
        let element = try XMLParser.parse(canonicalPorts[1])
        let port = try NetworkPortDefinition.parse(element: element)
        #expect(port.xml == element.withoutWhitespaceText)
        #expect(port.plug.kind == .network)
        #expect(port.classID == 3)
        #expect(port.group == "engineering")
        #expect(port.trustGuestRxFilters == false)
    }

    @Test("normalisations libvirt applies", arguments: [
        // plug type none is the default and is not printed
        (portDocument("<plug type='none'/>"), "<plug", false),
        (portDocument("<plug/>"), "<plug", false),
        // a direct plug without mode is vepa
        (portDocument("<plug type='direct' dev='eth0'/>"), "<plug type='direct' dev='eth0' mode='vepa'/>", true),
        // classID without any direction: libvirt drops the whole bandwidth
        (portDocument("<bandwidth classID='5'/>"), "<bandwidth", false),
        // class 0 means none
        (portDocument("<bandwidth classID='0'><inbound average='10'/></bandwidth>"), "<bandwidth>", true),
        // PCI parts in any base print as fixed-width hex; type='pci' and multifunction are not printed
        (portDocument("<plug type='hostdev-pci'><address type='pci' domain='1' bus='010' slot='31' function='7' multifunction='on'/></plug>"),
         "<address domain='0x0001' bus='0x08' slot='0x1f' function='0x7'/>", true),
        // pretty-printed UUIDs are accepted and printed canonically
        (portDocument().replacingOccurrences(of: "<uuid>5d744f21-ba4a-4d6e-bdb2-30a35ff3207d</uuid>",
                                             with: "<uuid>\n  5D744F21BA4A4D6EBDB230A35FF3207D\n</uuid>"),
         "<uuid>5d744f21-ba4a-4d6e-bdb2-30a35ff3207d</uuid>", true),
        // one-digit MAC octets and upper case are accepted
        (portDocument(mac: "52:54:0:A:b:C"), "<mac address='52:54:00:0a:0b:0c'/>", true),
        // an empty group is no group
        (portDocument("<group></group>"), "<group", false),
        // an empty driver name is no driver (libvirt's XPath lookup gives nothing for it)
        (portDocument("<plug type='hostdev-pci'><driver name=''/><address bus='1'/></plug>"), "<driver", false),
        // a bare virtualport is dropped, as libvirt prints nothing for it
        (portDocument("<virtualport/>"), "<virtualport", false),
    ])
    func normalisation(_ document: String, _ fragment: String, _ present: Bool) throws {
        let output = try NetworkPortDefinition.parse(xml: document).formatXML()
        #expect(output.contains(fragment) == present, "\(output)")
        try dumpForSchemaCheck(output)
    }

    @Test("documents libvirt refuses", arguments: [
        ("<networkport/>", ErrorCode.internalError, "internal error: network port has no uuid"),
        ("<network><uuid>5d744f21-ba4a-4d6e-bdb2-30a35ff3207d</uuid></network>", .xmlError,
         "XML error: unknown root element for network port"),
        (portDocument().replacingOccurrences(of: "<uuid>5d744f21-ba4a-4d6e-bdb2-30a35ff3207d</uuid>", with: "<uuid></uuid>"),
         .internalError, "internal error: network port has no uuid"),
        (portDocument().replacingOccurrences(of: "5d744f21-ba4a", with: "5d744f21-zz4a"), .internalError,
         "internal error: Unable to parse UUID '5d744f21-zz4a-4d6e-bdb2-30a35ff3207d'"),
        (portDocument().replacingOccurrences(of: "<owner><name>vm</name>", with: "<owner name='vm'>"), .internalError,
         "internal error: network port has no owner name"),
        (portDocument().replacingOccurrences(of: "<uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid>", with: ""), .internalError,
         "internal error: network port has no owner UUID"),
        (portDocument().replacingOccurrences(of: "d54df46f-1ab5", with: "d54df46f-1ab5-77"), .internalError,
         "internal error: Unable to parse UUID 'd54df46f-1ab5-77-4a22-8618-4560ef5fac2c'"),
        (portDocument().replacingOccurrences(of: "<mac address='52:54:00:7b:35:93'/>", with: ""), .internalError,
         "internal error: network port has no mac"),
        (portDocument(mac: "52:54:01:00:00:ZZ"), .internalError, "internal error: Unable to parse MAC '52:54:01:00:00:ZZ'"),
        (portDocument(mac: "52-54-00-00-00-01"), .internalError, "internal error: Unable to parse MAC '52-54-00-00-00-01'"),
        (portDocument(mac: "52:54:00:00:00:001"), .internalError, "internal error: Unable to parse MAC '52:54:00:00:00:001'"),
        (portDocument("<bandwidth classID='x1'><inbound average='1'/></bandwidth>"), .internalError,
         "internal error: Unable to parse class id 'x1'"),
        (portDocument("<bandwidth classID='4294967296'><inbound average='1'/></bandwidth>"), .internalError,
         "internal error: Unable to parse class id '4294967296'"),
        (portDocument("<rxfilters trustGuest='maybe'/>"), .xmlError,
         "XML error: Invalid value for attribute 'trustGuest' in element 'rxfilters': 'maybe'. Expected 'yes' or 'no'"),
        (portDocument("<plug type='tap'/>"), .xmlError,
         "XML error: Invalid value for attribute 'type' in element 'plug': 'tap'. Expected one of 'none', 'network', 'bridge', 'direct', 'hostdev-pci'"),
        (portDocument("<plug type='network'/>"), .xmlError, "XML error: Missing network port bridge name"),
        (portDocument("<plug type='bridge' bridge='br0' macTableManager='default'/>"), .xmlError,
         "XML error: Invalid macTableManager setting 'default' in network port"),
        (portDocument("<plug type='direct'/>"), .xmlError, "XML error: Missing network port link device name"),
        (portDocument("<plug type='direct' dev='eth0' mode='passthru'/>"), .xmlError,
         "XML error: Invalid mode setting 'passthru' in network port"),
        (portDocument("<plug type='hostdev-pci'/>"), .xmlError, "XML error: Missing network port PCI address"),
        (portDocument("<plug type='hostdev-pci'><driver name='default'/><address bus='1'/></plug>"), .xmlError,
         "XML error: Missing network port driver name"),
        (portDocument("<plug type='hostdev-pci' managed='sure'><address bus='1'/></plug>"), .xmlError,
         "XML error: Invalid value for attribute 'managed' in element 'plug': 'sure'. Expected 'yes' or 'no'"),
        (portDocument("<plug type='hostdev-pci'><address bus='-1'/></plug>"), .xmlError,
         "XML error: Invalid value for attribute 'bus' in element 'address': '-1'. Expected non-negative integer value"),
        (portDocument("<plug type='hostdev-pci'><address bus='99999999999999999999999'/></plug>"), .xmlError,
         "XML error: Invalid value for attribute 'bus' in element 'address': '99999999999999999999999'. Expected non-negative integer value"),
        (portDocument("<plug type='hostdev-pci'><address domain='0x10000'/></plug>"), .xmlError,
         "XML error: Invalid PCI address domain='0x10000', must be <= 0xFFFF"),
        (portDocument("<plug type='hostdev-pci'><address bus='256'/></plug>"), .xmlError,
         "XML error: Invalid PCI address bus='0x100', must be <= 0xFF"),
        (portDocument("<plug type='hostdev-pci'><address slot='0x20'/></plug>"), .xmlError,
         "XML error: Invalid PCI address slot='0x20', must be <= 0x1F"),
        (portDocument("<plug type='hostdev-pci'><address bus='1' function='8'/></plug>"), .xmlError,
         "XML error: Invalid PCI address function=0x8, must be <= 7"),
        (portDocument("<vlan><tag id='4096'/></vlan>"), .xmlError, "XML error: vlan tag id 4096 too large (maximum 4095)"),
        (portDocument("<port isolated='1'/>"), .xmlError,
         "XML error: Invalid value for attribute 'isolated' in element 'port': '1'. Expected 'yes' or 'no'"),
        (portDocument("<virtualport type='bogus'/>"), .xmlError, "XML error: unknown virtualport type bogus"),
        ("<networkport><uuid>", .xmlDetail, nil),
    ] as [(String, ErrorCode, String?)])
    func refusal(_ document: String, _ code: ErrorCode, _ message: String?) {
        #expect {
            _ = try NetworkPortDefinition.parse(xml: document)
        } throws: { error in
            guard let error = error as? PatchbayError else { return false }
            return error.code == code && (message == nil || error.message == message) && error.domain == .network
        }
    }

    @Test("the first of duplicated elements wins, as with libvirt's XPath lookups")
    func duplicates() throws {
        let port = try NetworkPortDefinition.parse(xml: portDocument("""
            <group>first</group><group>second</group>
            <mac address='52:54:00:00:00:99'/>
            <plug type='bridge' bridge='br1'/><plug type='direct' dev='eth0'/>
            """))
        #expect(port.group == "first")
        #expect(port.mac.description == "52:54:00:7b:35:93")
        #expect(port.plug == .bridge(.init(name: "br1")))
    }

    @Test("the reclaim rule", arguments: [
        (NetworkPortPlug.none, false, nil),
        (NetworkPortPlug.none, true, "invalid argument: Port reclaim requested but plug type is none"),
        (NetworkPortPlug.bridge(.init(name: "br0")), false, "invalid argument: Port reclaim not requested but plug type is not none"),
        (NetworkPortPlug.direct(.init(device: "eth0", mode: .bridge)), true, nil),
    ] as [(NetworkPortPlug, Bool, String?)])
    func reclaim(_ plug: NetworkPortPlug, _ reclaim: Bool, _ message: String?) throws {
        var port = try NetworkPortDefinition.parse(xml: portDocument())
        port.plug = plug
        do {
            try NetworkPortReclaim.check(port, flags: reclaim ? NetworkPortReclaim.flag : 0)
            #expect(message == nil)
        } catch {
            #expect(error.code == .invalidArg)
            #expect(error.message == message)
        }
    }

    @Test("unknown create flags are refused before the plug is looked at")
    func unknownFlags() throws {
        let port = try NetworkPortDefinition.parse(xml: portDocument())
        #expect(throws: PatchbayError.invalidArgument("unsupported flags (0x4) in function networkPortCreateXML")) {
            try NetworkPortReclaim.check(port, flags: 0x4 | NetworkPortReclaim.validateFlag)
        }
        try NetworkPortReclaim.check(port, flags: NetworkPortReclaim.validateFlag)
    }

    @Test("ports built in code format like parsed ones")
    func builtInCode() throws {
        let port = NetworkPortDefinition(
            uuid: try LibvirtUUID("1b6a6c4e-3f7d-4b36-9d55-0e4c2d7b8a05"),
            owner: try NetworkPortOwner(name: "guest-e", uuid: try LibvirtUUID("7f1c2a9e-5b0d-4e8f-a3c6-2d9b4e6f8a13")),
            mac: try MACAddress("52:54:00:00:00:05"),
            plug: .hostdevPCI(.init(address: try PCIAddress(domain: 0, bus: 0x81, slot: 0x10, function: 2),
                                    managed: false, driver: .kvm)))
        #expect(port.formatXML() == canonicalPorts[4])
        #expect(throws: PatchbayError.internalError("network port has no owner name")) {
            _ = try NetworkPortOwner(name: "", uuid: try LibvirtUUID("7f1c2a9e-5b0d-4e8f-a3c6-2d9b4e6f8a13"))
        }
    }
}

private extension XMLElement {
    /// The element without white-space-only text nodes (the indentation of a parsed document).
    var withoutWhitespaceText: XMLElement {
        var copy = self
        copy.children = children.compactMap { node in
            switch node {
            case .text(let text): text.allSatisfy(\.isWhitespace) ? nil : node
            case .element(let child): .element(child.withoutWhitespaceText)
            case .comment: node
            }
        }
        return copy
    }
}

/// Writes formatter output to `$PATCHBAY_SCHEMA_DUMP` (when set) so it can be checked with
/// `xmllint --relaxng networkport.rng`; the tests themselves need no schema files.
private func dumpForSchemaCheck(_ document: String) throws {
    guard let directory = ProcessInfo.processInfo.environment["PATCHBAY_SCHEMA_DUMP"] else { return }
    var hasher = Hasher()
    hasher.combine(document)
    let path = "\(directory)/port-\(UInt(bitPattern: hasher.finalize())).xml"
    try document.write(toFile: path, atomically: true, encoding: .utf8)
}
