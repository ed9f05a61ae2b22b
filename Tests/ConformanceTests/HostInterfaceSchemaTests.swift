import Conformance
import NetConf
import Testing

/// Patchbay's host interface documents validate against libvirt's interface.rng.
@Suite("Host interface documents validate against interface.rng")
struct HostInterfaceSchemaTests {
    static let documents = [
        "<interface type='ethernet' name='eth0'><start mode='onboot'/><mac address='52:54:00:aa:bb:cc'/><mtu size='1500'/>"
            + "<protocol family='ipv4'><ip address='10.0.0.2' prefix='24'/><route gateway='10.0.0.1'/></protocol>"
            + "<protocol family='ipv6'><ip address='fd00::2' prefix='64'/><route gateway='fd00::1'/></protocol></interface>",
        "<interface type='bridge' name='br0'><start mode='none'/><protocol family='ipv4'><dhcp peerdns='yes'/></protocol>"
            + "<bridge stp='on' delay='2.5'><interface type='ethernet' name='eth0'><mac address='52:54:00:aa:bb:cc'/></interface>"
            + "<interface type='ethernet' name='eth1'/></bridge></interface>",
        "<interface type='ethernet' name='lo'><protocol family='ipv6'><autoconf/><dhcp/></protocol></interface>",
    ]

    @Test func formattedDocumentsValidate() throws {
        var formatted: [(name: String, text: String)] = []
        for (index, text) in Self.documents.enumerated() {
            let definition = try HostInterfaceDefinition.parse(xml: text)
            formatted.append(("doc\(index)", definition.formatted()))
            formatted.append(("live\(index)", definition.formatted(link: .init(speed: 1000, state: "up"))))
        }
        let failures = try SchemaCheck.failures(of: formatted, schema: CorpusLocation.file("schemas/interface.rng"))
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func schemaCheckCatchesABadInterfaceDocument() throws {
        let failures = try SchemaCheck.failures(of: [(name: "bad", text: "<interface type='ethernet'/>\n")],
                                                schema: CorpusLocation.file("schemas/interface.rng"))
        #expect(failures["bad"] != nil)
    }
}
