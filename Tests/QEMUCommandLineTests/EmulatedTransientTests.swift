import Foundation
import NetConf
import NetCore
import QEMUCommandLine
import Testing

@Suite("Patchbay extension: emulated transient partner")
struct EmulatedTransientTests {
    static let metadata = """
        <metadata>
          <patchbay:domain xmlns:patchbay='https://patchbay.dev/xmlns/domain/1.0'>
            <patchbay:emulated-transient alias='ua-standby'/>
          </patchbay:domain>
        </metadata>
        """

    static func standby(model: String = "virtio") -> String {
        """
        <interface type='network'>
          <source network='default'/>
          <model type='\(model)'/>
          <teaming type='transient' persistent='ua-backup0'/>
          <alias name='ua-standby'/>
        </interface>
        """
    }

    @Test func allowedWhenAskedFor() throws {
        let xml = domainXML(metadata: Self.metadata, persistentNIC + Self.standby())
        let lines = try arguments(xml).arguments.map(\.description)
        #expect(lines.last == "-device virtio-net-pci,netdev=hostua-standby,id=ua-standby,mac=52:54:00:aa:bb:cc,failover_pair_id=ua-backup0,bus=pci.0,addr=0x3")
        // It took the persistent NIC's MAC, and the formatted XML says so.
        let devices = try DomainNetworkDevices.parse(domainXML: xml)
        #expect(devices.formattedElements(active: false)[1].element("mac")?.attribute("address") == "52:54:00:aa:bb:cc")
    }

    static let notAskedFor: [String] = [
        // No metadata at all.
        "",
        // Another alias.
        metadata.replacingOccurrences(of: "ua-standby", with: "ua-other"),
        // The right element in another namespace is not Patchbay's.
        metadata.replacingOccurrences(of: "https://patchbay.dev/xmlns/domain/1.0", with: "https://example.org/other"),
    ]

    @Test(arguments: notAskedFor)
    func refusedUnlessAskedFor(metadata: String) {
        do {
            _ = try arguments(domainXML(metadata: metadata, persistentNIC + Self.standby()))
            Issue.record("accepted")
        } catch let error as PatchbayError {
            #expect(error.message == "unsupported configuration: virtio-net teaming transient interface must be type='hostdev', not 'network'")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func onQ35ItMustBeAPCIExpressModel() throws {
        do {
            _ = try arguments(domainXML(machine: "q35", metadata: Self.metadata, persistentNIC + Self.standby(model: "e1000")))
            Issue.record("accepted")
        } catch let error as PatchbayError {
            #expect(error.message == "unsupported configuration: emulated teaming transient interface ua-standby must be a PCI Express model (virtio, e1000e) on its own pcie-root-port")
        }
        let generated = try arguments(domainXML(machine: "q35", metadata: Self.metadata, persistentNIC + Self.standby(model: "e1000e")))
        let buses = generated.interfaces.map { $0.device["bus"] }
        #expect(buses.count == 2 && buses[0] != buses[1])
        #expect(generated.rootPorts.count == 2)
    }

    @Test func documentStillValidatesAgainstLibvirtsSchema() throws {
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/conformance/libvirt-9.0/schemas/domain.rng").path
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pb-teaming-\(getpid()).xml")
        defer { try? FileManager.default.removeItem(at: file) }
        let xml = domainXML(metadata: Self.metadata, persistentNIC + Self.standby())
            .replacingOccurrences(of: "<memory>", with: "<memory unit='KiB'>")
        try xml.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--noout", "--relaxng", schema, file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
