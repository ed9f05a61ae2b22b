import NetConf
import NetCore
import NetXML
import QEMUCommandLine
import Foundation
import Testing

/// Builds a domain document around the given devices.
func domainXML(machine: String = "pc", metadata: String = "", _ devices: String) -> String {
    """
    <domain type='kvm'>
      <name>guest</name>
      <memory>219100</memory>
      <os><type arch='x86_64' machine='\(machine)'>hvm</type></os>
      \(metadata)
      <devices>
    \(devices)
      </devices>
    </domain>
    """
}

/// The arguments of a domain, tap descriptors numbered from 3.
func arguments(_ xml: String, capabilities: QEMUCapabilities = QEMUCapabilities(vfioPCI: true)) throws -> GuestNetworkArguments {
    var next = 3
    return try GuestNetworkArguments(devices: try GuestNetworkDevices.parse(domainXML: xml), capabilities: capabilities,
                                     runtime: GuestRuntime(domainID: 1, domainName: "guest", stateDirectory: "/run/patchbay")) { _ in
        defer { next += 1 }
        return String(next)
    }
}

let persistentNIC = """
    <interface type='network'>
      <mac address='52:54:00:aa:bb:cc'/>
      <source network='default'/>
      <model type='virtio'/>
      <teaming type='persistent'/>
      <alias name='ua-backup0'/>
    </interface>
    """

let transientVF = """
    <interface type='hostdev' managed='yes'>
      <source><address type='pci' domain='0x0000' bus='0x03' slot='0x07' function='0x1'/></source>
      <teaming type='transient' persistent='ua-backup0'/>
    </interface>
    """

@Suite("<teaming>")
struct TeamingTests {
    @Test func persistentGetsFailoverTransientGetsPairID() throws {
        let lines = try arguments(domainXML(persistentNIC + transientVF)).arguments.map(\.description)
        #expect(lines == [
            "-netdev tap,fd=3,vhost=on,vhostfd=4,id=hostua-backup0",
            "-device virtio-net-pci,failover=on,netdev=hostua-backup0,id=ua-backup0,mac=52:54:00:aa:bb:cc,bus=pci.0,addr=0x2",
            "-device vfio-pci,host=0000:03:07.1,id=hostdev0,failover_pair_id=ua-backup0,bus=pci.0,addr=0x3",
        ])
    }

    @Test func jsonSyntaxToo() throws {
        let lines = try arguments(domainXML(persistentNIC + transientVF), capabilities: .current).arguments.map(\.description)
        #expect(lines.contains(#"-device '{"driver":"virtio-net-pci","failover":true,"netdev":"hostua-backup0","id":"ua-backup0","mac":"52:54:00:aa:bb:cc","bus":"pci.0","addr":"0x2"}'"#))
        #expect(lines.contains(#"-device '{"driver":"vfio-pci","host":"0000:03:07.1","id":"hostdev0","failover_pair_id":"ua-backup0","bus":"pci.0","addr":"0x3"}'"#))
    }

    @Test func onQ35TheTransientPartnerSitsOnItsOwnRootPort() throws {
        let generated = try arguments(domainXML(machine: "q35", persistentNIC + transientVF))
        let vf = try #require(generated.hostdevs.first)
        let nic = try #require(generated.interfaces.first)
        guard case .string(let vfBus)? = vf.device["bus"], case .string(let nicBus)? = nic.device["bus"] else {
            Issue.record("no buses")
            return
        }
        #expect(vfBus != nicBus)
        #expect(vf.device["addr"] == .string("0x0"))
        // Each bus is a root port of its own, and the arguments create it.
        let ports = generated.rootPorts.compactMap { props -> String? in if case .string(let id)? = props["id"] { id } else { nil } }
        #expect(ports.contains(vfBus) && ports.contains(nicBus))
        #expect(generated.arguments.map(\.description).contains {
            $0.hasPrefix("-device pcie-root-port,") && $0.contains("id=\(vfBus),bus=pcie.0")
        })
    }

    @Test func transientTakesThePersistentMACWhenItHasNone() throws {
        let xml = domainXML(persistentNIC + transientVF)
        let devices = try GuestNetworkDevices.parse(domainXML: xml)
        #expect(devices.interfaces[1].mac.address.description == "52:54:00:aa:bb:cc")
        // The model's formatted XML shows the MAC it took.
        let formatted = try DomainNetworkDevices.parse(domainXML: xml).formattedElements(active: false)[1]
        #expect(formatted.element("mac")?.attribute("address") == "52:54:00:aa:bb:cc")
    }

    @Test func aMACTheUserGaveIsKept() throws {
        let own = transientVF.replacingOccurrences(of: "<source>", with: "<mac address='52:54:00:11:22:33'/><source>")
        let devices = try GuestNetworkDevices.parse(domainXML: domainXML(persistentNIC + own))
        #expect(devices.interfaces[1].mac.address.description == "52:54:00:11:22:33")
    }

    static let refusals: [(String, String)] = [
        // No alias on the persistent NIC: its partner cannot name it.
        (persistentNIC.replacingOccurrences(of: "<alias name='ua-backup0'/>", with: "") + transientVF,
         "unsupported configuration: virtio-net teaming persistent interface 52:54:00:aa:bb:cc must have an <alias name='ua-...'/> for its transient partner to name"),
        // A persistent alias that names nothing.
        (persistentNIC + transientVF.replacingOccurrences(of: "persistent='ua-backup0'", with: "persistent='ua-nothing'"),
         "unsupported configuration: virtio-net teaming transient device names persistent='ua-nothing', which is no <teaming type='persistent'/> interface of this domain"),
        // A standalone hostdev naming nothing either.
        (persistentNIC + """
            <hostdev mode='subsystem' type='pci' managed='yes'>
              <source><address domain='0x0000' bus='0x03' slot='0x07' function='0x2'/></source>
              <teaming type='transient' persistent='ua-other'/>
            </hostdev>
            """,
         "unsupported configuration: virtio-net teaming transient device names persistent='ua-other', which is no <teaming type='persistent'/> interface of this domain"),
        // A transient partner that is not a host device: libvirt's own words.
        (persistentNIC + """
            <interface type='network'><source network='default'/><model type='virtio'/>
              <teaming type='transient' persistent='ua-backup0'/><alias name='ua-standby'/></interface>
            """,
         "unsupported configuration: virtio-net teaming transient interface must be type='hostdev', not 'network'"),
        (persistentNIC + """
            <interface type='ethernet'><model type='virtio'/><teaming type='transient' persistent='ua-backup0'/></interface>
            """,
         "unsupported configuration: virtio-net teaming transient interface must be type='hostdev', not 'ethernet'"),
        // The persistent half must be virtio (libvirt's check, kept).
        (persistentNIC.replacingOccurrences(of: "virtio", with: "e1000") + transientVF,
         "unsupported configuration: virtio-net teaming persistent interface must be <model type='virtio'/>, not 'e1000'"),
    ]

    @Test(arguments: refusals)
    func inconsistentTeamingIsRefused(devices: String, message: String) {
        do {
            _ = try arguments(domainXML(devices))
            Issue.record("accepted")
        } catch let error as PatchbayError {
            #expect(error.message == message)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
