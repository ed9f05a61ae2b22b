@testable import GuestDriver
import HostNet
import NetConf
import NetCore
import Testing

/// A move tells the guest the destination's MACs once its link is on, and only then.
@Suite("NIC moves announce the destination")
struct NICAnnouncementTests {
    @Test func moveAnnouncesTheDestinationAfterLinkOn() throws {
        try NICFixture.with { fixture in
            let networks = try fixture.networks()
            try NICWiringTests.startNetworks(networks)
            let model = ModelGuestNICAttachment(devices: NICWiringTests.devices)
            let wiring = try fixture.wiring(networks, model)
            let link = RecordingLink()
            let nic = try NICFixture.nic()

            try wiring.apply(NICDocuments.network("a"), to: nic, link: link)
            try wiring.apply(NICDocuments.network("b"), to: nic, link: link)
            #expect(model.announced.last == model.attachment(of: nic.tap))
            #expect(model.announced.last?.target == .bridge(try InterfaceName("pbrb")))
            let count = model.announced.count

            try wiring.apply(NICDocuments.interface("bridge", source: "bridge='pbhost0'"), to: nic, link: link)
            #expect(model.announced.count == count + 1)
            #expect(model.announced.last?.target == .bridge(try InterfaceName("pbhost0")))

            // Link kept down: nothing would reach the guest.
            try wiring.apply(NICDocuments.network("a", extra: "<link state='down'/>"), to: nic, link: link)
            #expect(model.announced.count == count + 1)
            #expect(link.state("ua-net0") == false)

            try wiring.apply(NICDocuments.unplugged(), to: nic, link: link)
            #expect(model.announced.count == count + 1, "nothing to announce to an unplugged NIC")
        }
    }
}
