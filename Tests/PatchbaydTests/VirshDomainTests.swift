import Foundation
import Testing

/// The real Debian virsh against patchbayd's virtqemud-sock, with a fake guest driver behind it:
/// what is checked is the wire (procedures, layouts, flags, errors), not the guests.
@Suite("virsh domains", .serialized)
struct VirshDomainTests {
    @Test("define, start, domiflist, domif-setlink, update-device, domiftune, domifstat, domifaddr, destroy, undefine")
    func lifecycleAndNICs() async throws {
        try await DomainDaemonHarness.with { daemon in
            let xml = try daemon.file("g1.xml", DomainDaemonHarness.guestXML("g1"))
            var result = try daemon.virsh("define", xml)
            #expect(result.status == 0 && result.output.contains("Domain 'g1' defined from"), "\(result)")
            result = try daemon.virsh("list", "--all")
            #expect(result.output.contains(" -    g1     shut off"), "\(result)")
            result = try daemon.virsh("start", "g1")
            #expect(result.status == 0 && result.output.contains("Domain 'g1' started"), "\(result)")
            result = try daemon.virsh("list")
            #expect(result.output.contains(" 1    g1     running"), "\(result)")
            result = try daemon.virsh("dominfo", "g1")
            #expect(result.status == 0, "\(result)")
            #expect(result.output.contains("State:          running") && result.output.contains("Max memory:     131072 KiB"), "\(result)")
            #expect(try daemon.virsh("domstate", "g1", "--reason").output.contains("running (booted)"))
            #expect(try daemon.virsh("domid", "g1").output.contains("1"))
            #expect(try daemon.virsh("domname", "1").output.contains("g1"))

            result = try daemon.virsh("domiflist", "g1")
            #expect(result.output.contains(" pbtap0      network   lan      virtio   52:54:00:aa:00:01"), "\(result)")
            #expect(result.output.contains(" pbtap1      null      -        virtio   52:54:00:aa:00:02"), "\(result)")
            #expect(try daemon.virsh("domif-getlink", "g1", "pbtap0").output.contains("pbtap0 up"))
            result = try daemon.virsh("domif-setlink", "g1", "pbtap0", "down")
            #expect(result.status == 0 && result.output.contains("Device updated successfully"), "\(result)")
            #expect(try daemon.virsh("domif-getlink", "g1", "pbtap0").output.contains("pbtap0 down"))
            // The link change reached the driver as update-device on the running guest.
            let update = try #require(daemon.domains.updates.last)
            #expect(update.0 == "g1" && update.1.contains("state=\"down\"") && update.2 == 1, "\(update)")

            result = try daemon.virsh("domifaddr", "g1", "--source", "lease")
            #expect(result.status == 0 && result.output.contains(" pbtap0     52:54:00:aa:00:01    ipv4         192.0.2.10/24"), "\(result)")

            // A move to another network, then an unplug, as update-device documents.
            let moved = try daemon.file("moved.xml", """
                <interface type='network'><mac address='52:54:00:aa:00:01'/><source network='wan'/>
                <target dev='pbtap0'/><model type='virtio'/></interface>
                """)
            result = try daemon.virsh("update-device", "g1", moved, "--live")
            #expect(result.status == 0 && result.output.contains("Device updated successfully"), "\(result)")
            #expect(try daemon.virsh("domiflist", "g1").output.contains(" pbtap0      network   wan      virtio   52:54:00:aa:00:01"))
            let unplugged = try daemon.file("unplugged.xml", """
                <interface type='null'><mac address='52:54:00:aa:00:01'/><target dev='pbtap0'/><model type='virtio'/></interface>
                """)
            #expect(try daemon.virsh("update-device", "g1", unplugged, "--live", "--config").status == 0)
            #expect(daemon.domains.updates.last?.2 == 3)
            result = try daemon.virsh("domiflist", "g1")
            #expect(result.output.contains(" pbtap0      null   -        virtio   52:54:00:aa:00:01"), "\(result)")

            result = try daemon.virsh("domiftune", "g1", "pbtap1", "--inbound", "1000,2000,3000", "--outbound", "500", "--live")
            #expect(result.status == 0, "\(result)")
            result = try daemon.virsh("domiftune", "g1", "pbtap1")
            #expect(result.output.contains("inbound.average: 1000") && result.output.contains("inbound.peak   : 2000"), "\(result)")
            #expect(result.output.contains("inbound.burst  : 3000") && result.output.contains("outbound.average: 500"), "\(result)")
            result = try daemon.virsh("domifstat", "g1", "pbtap1")
            #expect(result.output.contains("pbtap1 rx_bytes 1234") && result.output.contains("pbtap1 tx_drop 2"), "\(result)")

            #expect(try daemon.virsh("autostart", "g1").output.contains("Domain 'g1' marked as autostarted"))
            #expect(try daemon.virsh("dominfo", "g1").output.contains("Autostart:      enable"))
            result = try daemon.virsh("destroy", "g1")
            #expect(result.status == 0 && result.output.contains("Domain 'g1' destroyed"), "\(result)")
            #expect(try daemon.virsh("domstate", "g1", "--reason").output.contains("shut off (destroyed)"))
            result = try daemon.virsh("undefine", "g1")
            #expect(result.status == 0 && result.output.contains("Domain 'g1' has been undefined"), "\(result)")
            #expect(!(try daemon.virsh("list", "--all").output.contains("g1")))
        }
    }

    @Test("create makes a transient domain; lookups fail with libvirt's words; -ro refuses changes")
    func transientErrorsAndReadOnly() async throws {
        try await DomainDaemonHarness.with { daemon in
            let xml = try daemon.file("g2.xml", DomainDaemonHarness.guestXML("g2"))
            var result = try daemon.virsh("create", xml)
            #expect(result.status == 0 && result.output.contains("Domain 'g2' created from"), "\(result)")
            #expect(try daemon.virsh("list", "--transient").output.contains("g2     running"))
            #expect(try daemon.virsh("list", "--persistent").output.contains("g2") == false)
            result = try daemon.virsh("destroy", "g2", readOnly: true)
            #expect(result.status != 0 && result.errors.contains("read only access prevents virDomainDestroy"), "\(result)")
            result = try daemon.virsh("list", "--all", readOnly: true)
            #expect(result.status == 0 && result.output.contains("g2"), "\(result)")
            result = try daemon.virsh("domifaddr", "g2", "--source", "arp")
            #expect(result.status != 0 && result.errors.contains("Unsupported IP address data source"), "\(result)")
            result = try daemon.virsh("start", "nope")
            #expect(result.status != 0 && result.errors.contains("failed to get domain 'nope'"), "\(result)")
            #expect(try daemon.virsh("destroy", "g2").status == 0)
            #expect(!(try daemon.virsh("list", "--all").output.contains("g2")))
            result = try daemon.virsh("version")
            #expect(result.output.contains("Running hypervisor: QEMU 7.2.0"), "\(result)")
        }
    }
}
