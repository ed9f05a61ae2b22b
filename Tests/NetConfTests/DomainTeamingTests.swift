import NetConf
import NetCore
import NetXML
import Testing

/// `<teaming>` across a domain's devices, as the NetConf model resolves it.
@Suite("DomainNetworkDevices: <teaming>")
struct DomainTeamingTests {
    static let persistent = """
        <interface type='network'>
          <mac address='52:54:00:aa:bb:cc'/>
          <source network='default'/>
          <model type='virtio'/>
          <teaming type='persistent'/>
          <alias name='ua-backup0'/>
        </interface>
        """

    /// A hostdev transient partner with the given `<mac>` (or none) naming `alias`.
    static func transient(mac: String = "", alias: String = "ua-backup0") -> String {
        """
        <interface type='hostdev' managed='yes'>
          \(mac)
          <source><address type='pci' domain='0x0000' bus='0x03' slot='0x07' function='0x1'/></source>
          <teaming type='transient' persistent='\(alias)'/>
        </interface>
        """
    }

    static func domain(type: String = "kvm", metadata: String = "", _ devices: String) -> String {
        """
        <domain type='\(type)'>
          <name>guest</name>
          <os><type arch='x86_64' machine='pc'>hvm</type></os>
          \(metadata)
          <devices>
        \(devices)
          </devices>
        </domain>
        """
    }

    /// The `<mac address=>` of each formatted `<interface>`.
    static func formattedMACs(_ xml: String) throws -> [String?] {
        try DomainNetworkDevices.parse(domainXML: xml).formattedElements(active: false)
            .filter { $0.name == "interface" }
            .map { $0.element("mac")?.attribute("address") }
    }

    /// A transient partner without a MAC of its own (none written, or libvirt's all-zero "generate one").
    @Test("a transient partner without a MAC takes its persistent NIC's, and the formatted XML shows it",
          arguments: ["", "<mac address='00:00:00:00:00:00'/>"], ["kvm", "test"])
    func takesThePersistentMAC(mac: String, type: String) throws {
        let macs = try Self.formattedMACs(Self.domain(type: type, Self.persistent + Self.transient(mac: mac)))
        #expect(macs == ["52:54:00:aa:bb:cc", "52:54:00:aa:bb:cc"])
    }

    @Test("a MAC the user gave the transient partner is kept")
    func aGivenMACIsKept() throws {
        let macs = try Self.formattedMACs(Self.domain(Self.persistent + Self.transient(mac: "<mac address='52:54:00:11:22:33'/>")))
        #expect(macs == ["52:54:00:aa:bb:cc", "52:54:00:11:22:33"])
    }

    @Test("a partner naming no persistent NIC keeps a MAC of its own, and is defined as libvirt defines it")
    func partnerNamingNothing() throws {
        let devices = try DomainNetworkDevices.parse(domainXML: Self.domain(Self.persistent + Self.transient(alias: "ua-nothing")))
        #expect(devices.interfaces[1].mac != devices.interfaces[0].mac)
        #expect(throws: PatchbayError.self) { try devices.validateTeaming() }
    }

    /// Documents libvirt defines but whose teaming cannot work, and the refusal when the guest starts.
    static let inconsistent: [(String, String)] = [
        (persistent.replacingOccurrences(of: "<alias name='ua-backup0'/>", with: "") + transient(),
         "unsupported configuration: virtio-net teaming persistent interface 52:54:00:aa:bb:cc must have an <alias name='ua-...'/> for its transient partner to name"),
        (persistent + transient(alias: "ua-nothing"),
         "unsupported configuration: virtio-net teaming transient device names persistent='ua-nothing', which is no <teaming type='persistent'/> interface of this domain"),
        (persistent + """
            <interface type='network'><source network='default'/><model type='virtio'/>
              <teaming type='transient' persistent='ua-backup0'/><alias name='ua-standby'/></interface>
            """,
         "unsupported configuration: virtio-net teaming transient interface must be type='hostdev', not 'network'"),
    ]

    @Test("inconsistent teaming is defined, and refused by validateTeaming with its reason", arguments: inconsistent)
    func inconsistentTeaming(devices: String, message: String) throws {
        let parsed = try DomainNetworkDevices.parse(domainXML: Self.domain(devices))
        #expect(throws: PatchbayError.self) { try parsed.validateTeaming() }
        do {
            try parsed.validateTeaming()
        } catch {
            #expect(error.message == message)
        }
    }

    @Test("Patchbay's extension, read from <metadata>, lets a NIC on a network be the transient partner")
    func emulatedTransientExtension() throws {
        let metadata = """
            <metadata>
              <patchbay:domain xmlns:patchbay='https://patchbay.dev/xmlns/domain/1.0'>
                <patchbay:emulated-transient alias='ua-standby'/>
              </patchbay:domain>
            </metadata>
            """
        let standby = """
            <interface type='network'><source network='default'/><model type='virtio'/>
              <teaming type='transient' persistent='ua-backup0'/><alias name='ua-standby'/></interface>
            """
        let devices = try DomainNetworkDevices.parse(domainXML: Self.domain(metadata: metadata, Self.persistent + standby))
        #expect(devices.extensions.emulatedTransients == ["ua-standby"])
        #expect(devices.isEmulatedTransient(devices.interfaces[1]))
        try devices.validateTeaming()
        #expect(devices.formattedElements(active: false)[1].element("mac")?.attribute("address") == "52:54:00:aa:bb:cc")
    }
}
