import Foundation
@testable import GuestDriver
import HostNet
import NetConf
import NetCore
import NetDriver
import NetXML
import Testing

/// The NIC transaction's logic over a real network driver (inert host) and a model of the
/// kernel's attachments.
@Suite("NIC wiring: plug, unplug, move, link, failure, recovery")
struct NICWiringTests {
    static let devices: Set<InterfaceName> = Set(["pbra", "pbrb", "pbeth0", "pbeth1", "pbhost0"].compactMap { try? InterfaceName($0) })

    /// Networks a (isolated), b (nat), d (private on pbeth0), p (passthrough on pbeth1), h (host bridge pbhost0).
    static func startNetworks(_ networks: NetworkDriver) throws {
        _ = try networks.create(xml: NICDocuments.isolated("a", bridge: "pbra"))
        _ = try networks.create(xml: NICDocuments.nat("b", bridge: "pbrb", subnet: 78))
        _ = try networks.create(xml: NICDocuments.direct("d", mode: "private", devices: ["pbeth0"]))
        _ = try networks.create(xml: NICDocuments.direct("p", mode: "passthrough", devices: ["pbeth1"]))
        _ = try networks.create(xml: NICDocuments.hostBridge("h", bridge: "pbhost0"))
    }

    /// The networks above started, a model of the kernel's attachments and the wiring over both.
    static func wired(_ fixture: NICFixture) throws -> (networks: NetworkDriver, model: ModelGuestNICAttachment, wiring: NICWiring) {
        let networks = try fixture.networks()
        try startNetworks(networks)
        let model = ModelGuestNICAttachment(devices: devices)
        return (networks, model, try fixture.wiring(networks, model))
    }

    static func portCounts(_ networks: NetworkDriver) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for name in ["a", "b", "d", "p", "h"] { counts[name] = try networks.ports(network: name).count }
        return counts
    }

    @Test func connectMoveAcrossKindsAndUnplug() throws {
        try NICFixture.with { fixture in
            let (networks, model, wiring) = try Self.wired(fixture)
            let link = RecordingLink()
            let nic = try NICFixture.nic()

            #expect(try wiring.apply(NICDocuments.network("a"), to: nic, link: link).kind == .plugged)
            #expect(model.attachment(of: nic.tap)?.target == .bridge(try InterfaceName("pbra")))
            let ports = try networks.ports(network: "a")
            #expect(ports.count == 1)
            #expect(ports.first?.owner.name == "guest1", "net-port-list shows the domain as owner")
            #expect(link.state("ua-net0") == true)

            let steps: [(DomainInterface, NICAttachmentTarget?, String?)] = [
                (try NICDocuments.network("b"), .bridge(try InterfaceName("pbrb")), "b"),
                (try NICDocuments.network("d"), .direct(lower: try InterfaceName("pbeth0"), mode: .private), "d"),
                (try NICDocuments.network("p"), .direct(lower: try InterfaceName("pbeth1"), mode: .passthrough), "p"),
                (try NICDocuments.interface("bridge", source: "bridge='pbhost0'"), .bridge(try InterfaceName("pbhost0")), nil),
                (try NICDocuments.interface("direct", source: "dev='pbeth0' mode='vepa'"), .direct(lower: try InterfaceName("pbeth0"), mode: .vepa), nil),
                (try NICDocuments.network("h"), .bridge(try InterfaceName("pbhost0")), "h"),
                (try NICDocuments.network("a"), .bridge(try InterfaceName("pbra")), "a"),
            ]
            for (interface, target, network) in steps {
                let before = link.history("ua-net0").count
                let change = try wiring.apply(interface, to: nic, link: link)
                #expect(change.kind == .moved)
                #expect(model.attachment(of: nic.tap)?.target == target)
                let counts = try Self.portCounts(networks)
                #expect(counts.values.reduce(0, +) == (network == nil ? 0 : 1), "exactly one port, on the destination")
                if let network { #expect(counts[network] == 1) }
                #expect(Array(link.history("ua-net0").dropFirst(before)) == [false, true], "one link flap per move")
            }
            #expect(model.macvlanNames.isEmpty, "every old macvlan was released")

            #expect(try wiring.apply(NICDocuments.unplugged(), to: nic, link: link).kind == .unplugged)
            #expect(model.attachment(of: nic.tap) == nil)
            #expect(try Self.portCounts(networks).values.reduce(0, +) == 0)
            #expect(link.state("ua-net0") == false)
        }
    }

    @Test func linkDownIsRememberedWhileUnplugged() throws {
        try NICFixture.with { fixture in
            let (_, _, wiring) = try Self.wired(fixture)
            let link = RecordingLink()
            let nic = try NICFixture.nic()
            try wiring.apply(NICDocuments.unplugged(), to: nic, link: link)
            #expect(link.state("ua-net0") == false)
            try wiring.setLink(nic, up: false, link: link)
            try wiring.apply(NICDocuments.network("a"), to: nic, link: link)
            // The update document says nothing of the link, so it asks for "up" ...
            #expect(link.state("ua-net0") == true)
            try wiring.apply(NICDocuments.unplugged(extra: "<link state='down'/>"), to: nic, link: link)
            try wiring.apply(NICDocuments.network("a", extra: "<link state='down'/>"), to: nic, link: link)
            #expect(link.state("ua-net0") == false, "plugged with link down: no carrier")
            #expect(wiring.record(domain: nic.domainUUID, alias: nic.alias)?.linkUp == false)
            try wiring.setLink(nic, up: true, link: link)
            #expect(link.state("ua-net0") == true)
        }
    }

    @Test func exhaustedPoolLeavesTheNICOnItsNetwork() throws {
        try NICFixture.with { fixture in
            let (networks, model, wiring) = try Self.wired(fixture)
            let link = RecordingLink()
            let first = try NICFixture.nic()
            let second = try NICFixture.nic(alias: "ua-net1", tap: "vnet1", mac: "52:54:00:aa:00:02")
            try wiring.apply(NICDocuments.network("p"), to: first, link: link)
            try wiring.apply(NICDocuments.network("a", mac: "52:54:00:aa:00:02", alias: "ua-net1"), to: second, link: link)
            #expect(throws: PatchbayError.self) {
                try wiring.apply(NICDocuments.network("p", mac: "52:54:00:aa:00:02", alias: "ua-net1"), to: second, link: link)
            }
            #expect(model.attachment(of: second.tap)?.target == .bridge(try InterfaceName("pbra")))
            #expect(try Self.portCounts(networks) == ["a": 1, "b": 0, "d": 0, "p": 1, "h": 0])
            #expect(wiring.record(domain: second.domainUUID, alias: "ua-net1")?.pending == nil)
            #expect(link.state("ua-net1") == true, "the link is back on")
        }
    }

    @Test(arguments: ["device", "link", "hostdev"])
    func failedMoveIsUndone(failure: String) throws {
        try NICFixture.with { fixture in
            let networks = try fixture.networks()
            try Self.startNetworks(networks)
            _ = try networks.create(xml: "<network><name>v</name><forward mode='hostdev' managed='yes'><pf dev='pbeth1'/><address type='pci' domain='0' bus='1' slot='0' function='1'/></forward></network>")
            let model = ModelGuestNICAttachment(devices: Self.devices)
            let wiring = try fixture.wiring(networks, model)
            let link = RecordingLink()
            let nic = try NICFixture.nic()
            try wiring.apply(NICDocuments.network("a"), to: nic, link: link)
            let portBefore = wiring.record(domain: nic.domainUUID, alias: nic.alias)?.current.port
            var destination = "d"
            switch failure {
            case "device": model.fail(on: try InterfaceName("pbeth0"))
            case "link": link.failUp = true
            default: destination = "v"
            }
            #expect(throws: PatchbayError.self) { try wiring.apply(NICDocuments.network(destination), to: nic, link: link) }
            link.failUp = false
            #expect(model.attachment(of: nic.tap)?.target == .bridge(try InterfaceName("pbra")))
            #expect(model.macvlanNames.isEmpty)
            let record = wiring.record(domain: nic.domainUUID, alias: nic.alias)
            #expect(record?.current.port == portBefore)
            #expect(record?.pending == nil)
            #expect(try networks.ports(network: "a").map(\.uuid) == [portBefore].compactMap { $0 })
            #expect(try networks.ports(network: destination).isEmpty)
        }
    }

    @Test func recoveryUndoesAnInterruptedMove() throws {
        try NICFixture.with { fixture in
            let networks = try fixture.networks()
            try Self.startNetworks(networks)
            let model = ModelGuestNICAttachment(devices: Self.devices)
            let link = RecordingLink()
            let nic = try NICFixture.nic()
            do {
                let wiring = try fixture.wiring(networks, model)
                try wiring.apply(NICDocuments.network("a"), to: nic, link: link)
                // A crash after the destination's port and macvlan were made, before the commit.
                guard var record = wiring.record(domain: nic.domainUUID, alias: nic.alias) else { throw PatchbayError.internalError("no record") }
                let uuid = LibvirtUUID.random()
                let owner = try NetworkPortOwner(name: nic.domain, uuid: nic.domainUUID)
                _ = try networks.createPort(network: "d", xml: NetworkPortDefinition(uuid: uuid, owner: owner, mac: nic.mac).formatXML())
                let planned = try model.plan(tap: nic.tap, mac: nic.mac, target: .direct(lower: try InterfaceName("pbeth0"), mode: .private), replacing: nil)
                try model.prepare(planned)
                try model.connect(planned)
                record.pending = NICWire(connection: .network(name: "d", portgroup: nil), port: uuid, attachment: planned)
                record.step = .attach
                try wiring.ledger.save(record)
            }
            let restarted = try fixture.wiring(networks, model)
            let recovered = restarted.recover(domain: nic.domainUUID, link: link)
            #expect(recovered.problems.isEmpty)
            #expect(recovered.records.first?.current.connection == .network(name: "a", portgroup: nil))
            #expect(model.attachment(of: nic.tap)?.target == .bridge(try InterfaceName("pbra")))
            #expect(model.macvlanNames.isEmpty)
            #expect(try Self.portCounts(networks) == ["a": 1, "b": 0, "d": 0, "p": 0, "h": 0])
        }
    }

    @Test func networkRestartPlugsTheNICBackIn() throws {
        try NICFixture.with { fixture in
            let (networks, _, wiring) = try Self.wired(fixture)
            let link = RecordingLink()
            let nic = try NICFixture.nic()
            wiring.register(domain: nic.domainUUID, link: link)
            try wiring.apply(NICDocuments.network("b"), to: nic, link: link)
            try networks.destroy(name: "b")
            _ = try networks.create(xml: NICDocuments.nat("b", bridge: "pbrb", subnet: 78))
            wiring.waitForReplugs()
            #expect(wiring.restartProblems.isEmpty)
            let record = wiring.record(domain: nic.domainUUID, alias: nic.alias)
            let ports = try networks.ports(network: "b")
            #expect(ports.count == 1)
            #expect(record?.current.port == ports.first?.uuid)
            #expect(Array(link.history("ua-net0").suffix(2)) == [false, true], "a link flap makes the guest redo DHCP")
        }
    }

    @Test func releaseLeavesNothing() throws {
        try NICFixture.with { fixture in
            let (networks, model, wiring) = try Self.wired(fixture)
            let nic = try NICFixture.nic()
            try wiring.apply(NICDocuments.network("d"), to: nic, link: RecordingLink())
            try wiring.releaseAll(domain: nic.domainUUID)
            #expect(model.macvlanNames.isEmpty)
            #expect(try Self.portCounts(networks).values.reduce(0, +) == 0)
            #expect(wiring.records(domain: nic.domainUUID).isEmpty)
        }
    }

    @Test func updateRefusesWhatNeedsHotUnplug() throws {
        let current = try NICDocuments.network("a")
        #expect(throws: PatchbayError.self) {
            try NICUpdate.check(current: current, requested: NICDocuments.network("a", mac: "52:54:00:aa:00:09"))
        }
        let e1000 = try DomainInterface(xml: XMLParser.parse("<interface type='network'><source network='a'/><mac address='52:54:00:aa:00:01'/><model type='e1000'/></interface>"))
        do {
            try NICUpdate.check(current: current, requested: e1000)
            Issue.record("a model change was accepted")
        } catch {
            #expect(error.message.contains("cannot modify network device model from virtio to e1000"))
            #expect(error.code == .operationUnsupported)
        }
        try NICUpdate.check(current: current, requested: NICDocuments.network("b"))
        #expect(try NICUpdate.find(NICDocuments.network("b", mac: "52:54:00:aa:00:02"),
                                   in: [current, NICDocuments.network("a", mac: "52:54:00:aa:00:02", alias: "ua-net1")], macGiven: true) == 1)
        #expect(try NICUpdate.find(NICDocuments.network("b", mac: "52:54:00:aa:00:07", alias: "ua-net1"),
                                   in: [current, NICDocuments.network("a", mac: "52:54:00:aa:00:02", alias: "ua-net1")], macGiven: false) == 1)
    }

    @Test func updateDocumentsAcceptTheSeedsNoneAsNull() throws {
        let parsed = try NICUpdate.interface(xml: "<interface type='none'><mac address='52:54:00:aa:00:01'/></interface>")
        #expect(parsed.interface.type == .null)
        #expect(parsed.macGiven)
        #expect(try NICConnection(parsed.interface) == .unplugged)
        let byAlias = try NICUpdate.interface(xml: "<interface type='network'><source network='a'/><alias name='ua-net0'/></interface>")
        #expect(!byAlias.macGiven)
        #expect(throws: PatchbayError.self) { try NICUpdate.interface(xml: "<disk type='file'/>") }
        #expect(throws: PatchbayError.self) { try NICConnection(NICDocuments.interface("user")) }
    }

    @Test func liveBandwidthChangesThePortAndTheTap() throws {
        try NICFixture.with { fixture in
            let (networks, _, wiring) = try Self.wired(fixture)
            let link = RecordingLink()
            let nic = try NICFixture.nic()
            try wiring.apply(NICDocuments.network("a"), to: nic, link: link)
            let extra = "<bandwidth><inbound average='2000'/></bandwidth>"
            #expect(try wiring.apply(NICDocuments.network("a", extra: extra), to: nic, link: link).kind == .adjusted)
            let record = try #require(wiring.record(domain: nic.domainUUID, alias: nic.alias))
            let port = try #require(record.current.port)
            #expect(try networks.port(network: "a", uuid: port).bandwidth?.inbound?.average?.value == 2000)
            #expect(record.current.bandwidth?.inbound?.average?.value == 2000)
            // The same document again changes nothing; no <bandwidth> on a network keeps the port's.
            #expect(try wiring.apply(NICDocuments.network("a", extra: extra), to: nic, link: link).kind == .unchanged)
            #expect(try wiring.apply(NICDocuments.network("a"), to: nic, link: link).kind == .unchanged)
            try wiring.setBandwidth(nic, nil)
            #expect(try networks.port(network: "a", uuid: port).bandwidth == nil)
        }
    }
}
