import Foundation
import Glibc
@testable import GuestDriver
import HostNet
import HostOS
import NetConf
import NetCore
import NetDriver
import Netlink
import TestSupport
import Testing

/// The NIC wiring with the real network driver and real kernel in a namespace: one tap (written
/// and read through its fd, where QEMU would) moved between networks of every forward mode, a
/// host bridge and a host device, checked by ARP against each destination's peer.
@Suite("NIC wiring on a real kernel", .serialized)
struct NICOnKernelTests {
    /// A destination and the address the tap must reach there.
    struct Destination {
        var label: String
        var kind: String
        var interface: DomainInterface
        var peer: [UInt8]
    }


    /// A namespace with a host bridge pbhost0 (10.214.0.1) and two pool devices whose peers sit
    /// in a LAN namespace: pbpool0 ↔ pblan0 (10.213.0.2), pbpool1 ↔ pblan1 (10.216.0.2).
    static func buildHost(_ host: TestNamespace, lan: TestNamespace) throws {
        let links = try Rtnetlink(namespace: host.path)
        let hostBridge = try InterfaceName("pbhost0")
        try links.createLink(hostBridge, kind: .bridge(BridgeOptions(stp: false, forwardDelay: 0)))
        try links.addAddress(IPAddress("10.214.0.1"), prefix: PrefixLength(24, family: .ipv4), to: hostBridge)
        try links.setLink(hostBridge, up: true)
        let lanLinks = try Rtnetlink(namespace: lan.path)
        let fd = open(lan.path, O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        for (index, subnet) in [(0, 213), (1, 216)] {
            let pool = try InterfaceName("pbpool\(index)")
            let peer = try InterfaceName("pblan\(index)")
            try links.createLink(pool, kind: .veth(peer: peer))
            try links.setLink(peer, namespaceFD: fd)
            try links.setLink(pool, up: true)
            try lanLinks.addAddress(IPAddress("10.\(subnet).0.2"), prefix: PrefixLength(24, family: .ipv4), to: peer)
            try lanLinks.setLink(peer, up: true)
        }
    }

    /// Networks of every forward mode but hostdev, started.
    static func startNetworks(_ networks: NetworkDriver) throws {
        let documents = [
            "<network><name>iso</name><bridge name='pbiso' stp='off'/><ip address='10.221.0.1' prefix='24'/></network>",
            "<network><name>nat</name><forward mode='nat'/><bridge name='pbnat' stp='off'/><ip address='10.222.0.1' prefix='24'/></network>",
            "<network><name>route</name><forward mode='route'/><bridge name='pbroute' stp='off'/><ip address='10.223.0.1' prefix='24'/></network>",
            "<network><name>open</name><forward mode='open'/><bridge name='pbopen' stp='off'/><ip address='10.224.0.1' prefix='24'/></network>",
            "<network><name>hb</name><forward mode='bridge'/><bridge name='pbhost0'/></network>",
            "<network><name>priv</name><forward mode='private'><interface dev='pbpool0'/></forward></network>",
            "<network><name>vepa</name><forward mode='vepa'><interface dev='pbpool0'/></forward></network>",
            "<network><name>pass</name><forward mode='passthrough'><interface dev='pbpool1'/></forward></network>",
        ]
        for document in documents { _ = try networks.create(xml: document) }
    }

    static func destinations() throws -> [Destination] {
        [
            Destination(label: "iso", kind: "bridge", interface: try NICDocuments.network("iso"), peer: [10, 221, 0, 1]),
            Destination(label: "nat", kind: "bridge", interface: try NICDocuments.network("nat"), peer: [10, 222, 0, 1]),
            Destination(label: "priv", kind: "direct", interface: try NICDocuments.network("priv"), peer: [10, 213, 0, 2]),
            Destination(label: "route", kind: "bridge", interface: try NICDocuments.network("route"), peer: [10, 223, 0, 1]),
            Destination(label: "pass", kind: "direct", interface: try NICDocuments.network("pass"), peer: [10, 216, 0, 2]),
            Destination(label: "open", kind: "bridge", interface: try NICDocuments.network("open"), peer: [10, 224, 0, 1]),
            Destination(label: "vepa", kind: "direct", interface: try NICDocuments.network("vepa"), peer: [10, 213, 0, 2]),
            Destination(label: "hb", kind: "bridge", interface: try NICDocuments.network("hb"), peer: [10, 214, 0, 1]),
            Destination(label: "type=bridge", kind: "bridge", interface: try NICDocuments.interface("bridge", source: "bridge='pbhost0'"), peer: [10, 214, 0, 1]),
            Destination(label: "type=direct", kind: "direct", interface: try NICDocuments.interface("direct", source: "dev='pbpool1' mode='bridge'"), peer: [10, 216, 0, 2]),
        ]
    }

    /// A driver, wiring and tap in a fresh namespace with every network up.
    static func with(_ body: (NetworkDriver, NICWiring, TapDevice, TestNamespace, TestNamespace) throws -> Void) throws {
        try NICFixture.with { fixture in
            try TestNamespace.with { host in
                try TestNamespace.with { lan in
                    defer { ProcessTable.killDnsmasqs(pidFilesUnder: fixture.root) }
                    try buildHost(host, lan: lan)
                    let networks = try NetworkDriver(configDirectory: fixture.config, stateDirectory: fixture.state,
                                                     host: try LinuxNetworkHost(namespace: host.path))
                    try startNetworks(networks)
                    let wiring = try NICWiring(stateDirectory: fixture.state, networks: networks,
                                               attachment: try LinuxGuestNICAttachment(namespace: host.path),
                                               linkDownHoldMicroseconds: 0)
                    let tap = try TapDevice.create("vnet0", options: .init(vnetHeader: false), namespace: host.path)
                    try body(networks, wiring, tap, host, lan)
                }
            }
        }
    }

    /// Ports across all networks, by network.
    static func ports(_ networks: NetworkDriver) throws -> [String: [LibvirtUUID]] {
        var result: [String: [LibvirtUUID]] = [:]
        for summary in networks.list() where summary.isActive {
            let uuids = try networks.ports(network: summary.name).map(\.uuid)
            if !uuids.isEmpty { result[summary.name] = uuids }
        }
        return result
    }

    @Test func movesBetweenEveryKindCarryTraffic() throws {
        try Self.with { networks, wiring, tap, _, _ in try Self.moveThroughEveryKind(networks, wiring, tap) }
    }

    static func moveThroughEveryKind(_ networks: NetworkDriver, _ wiring: NICWiring, _ tap: TapDevice) throws {
        let nic = try NICFixture.nic()
        let link = RecordingLink()
        try wiring.apply(NICDocuments.unplugged(), to: nic, link: link)
        let reachedUnplugged = try GuestFrames.reaches(tap.descriptor, [10, 221, 0, 1], timeout: 1.5)
        #expect(!reachedUnplugged, "unplugged reaches nothing")
        for destination in try Self.destinations() {
            let change = try wiring.apply(destination.interface, to: nic, link: link)
            #expect(change.kind == .plugged || change.kind == .moved)
            GuestFrames.drain(tap.descriptor)
            #expect(try GuestFrames.reaches(tap.descriptor, destination.peer), "on \(destination.label) the NIC reaches its peer")
            let record = wiring.record(domain: nic.domainUUID, alias: nic.alias)
            let ports = try Self.ports(networks)
            if case .network(let name, _, _) = destination.interface.source {
                let expected: [String: [LibvirtUUID]] = record?.current.port.map { [name: [$0]] } ?? [:]
                #expect(ports == expected, "one port, on \(name), the record's")
            } else {
                #expect(ports.isEmpty)
            }
        }
        try wiring.apply(NICDocuments.unplugged(), to: nic, link: link)
        #expect(try Self.ports(networks).isEmpty)
        let reachedAgain = try GuestFrames.reaches(tap.descriptor, [10, 214, 0, 1], timeout: 1.5)
        #expect(!reachedAgain, "unplugged again, it reaches nothing")
        try wiring.release(nic)
    }

    @Test func failedMovesLeaveTheNICWorkingWhereItWas() throws {
        try Self.with { (networks: NetworkDriver, wiring: NICWiring, tap: TapDevice, host: TestNamespace, _: TestNamespace) throws in
            let nic = try NICFixture.nic()
            let other = try NICFixture.nic(alias: "ua-net1", tap: "vnet1", mac: "52:54:00:aa:00:02")
            let otherTap = try TapDevice.create("vnet1", options: .init(vnetHeader: false), namespace: host.path)
            let link = RecordingLink()
            try wiring.apply(NICDocuments.network("nat"), to: nic, link: link)
            try wiring.apply(NICDocuments.network("pass", mac: "52:54:00:aa:00:02", alias: "ua-net1"), to: other, link: link)
            // Pool exhausted: "pass" has one device and the other NIC holds it.
            #expect(throws: PatchbayError.self) { try wiring.apply(NICDocuments.network("pass"), to: nic, link: link) }
            // Device gone: the direct network's device disappears.
            let links = try Rtnetlink(namespace: host.path)
            try links.deleteLink(InterfaceName("pbpool0"))
            #expect(throws: PatchbayError.self) { try wiring.apply(NICDocuments.network("priv"), to: nic, link: link) }
            #expect(throws: PatchbayError.self) {
                try wiring.apply(NICDocuments.interface("direct", source: "dev='pbpool0' mode='vepa'"), to: nic, link: link)
            }
            GuestFrames.drain(tap.descriptor)
            #expect(try GuestFrames.reaches(tap.descriptor, [10, 222, 0, 1]), "still on nat, and working")
            let record = wiring.record(domain: nic.domainUUID, alias: nic.alias)
            #expect(record?.pending == nil)
            let otherPort = wiring.record(domain: other.domainUUID, alias: "ua-net1")?.current.port
            var expected: [String: [LibvirtUUID]] = [:]
            if let port = record?.current.port { expected["nat"] = [port] }
            if let otherPort { expected["pass"] = [otherPort] }
            #expect(try Self.ports(networks) == expected)
            #expect(try links.links().filter { $0.kind == "macvlan" }.count == 1, "only the other NIC's macvlan")
            #expect(link.state("ua-net0") == true)
            try wiring.release(nic)
            try wiring.release(other)
            _ = otherTap
        }
    }

    @Test func networkRestartPlugsTheTapBackIn() throws {
        try Self.with { (networks: NetworkDriver, wiring: NICWiring, tap: TapDevice, _: TestNamespace, _: TestNamespace) throws in
            let nic = try NICFixture.nic()
            let link = RecordingLink()
            wiring.register(domain: nic.domainUUID, link: link)
            try wiring.apply(NICDocuments.network("nat"), to: nic, link: link)
            try networks.destroy(name: "nat")
            _ = try networks.create(xml: "<network><name>nat</name><forward mode='nat'/><bridge name='pbnat' stp='off'/><ip address='10.222.0.1' prefix='24'/></network>")
            wiring.waitForReplugs()
            #expect(wiring.restartProblems.isEmpty)
            GuestFrames.drain(tap.descriptor)
            #expect(try GuestFrames.reaches(tap.descriptor, [10, 222, 0, 1]), "plugged back after the network's restart")
            #expect(try Self.ports(networks)["nat"]?.count == 1)
            try wiring.release(nic)
        }
    }

    /// Live bandwidth (domiftune, update-device): on a network through its port, then on the
    /// tap (bridge: IFB for outbound; direct: HTB on the macvlan), and rebuilt by a move.
    @Test func liveBandwidthFollowsTheNIC() throws {
        try Self.with { networks, wiring, _, host, _ in try Self.checkBandwidth(networks, wiring, host) }
    }

    static func checkBandwidth(_ networks: NetworkDriver, _ wiring: NICWiring, _ host: TestNamespace) throws {
        let nic = try NICFixture.nic()
        let link = RecordingLink()
        let links = try Rtnetlink(namespace: host.path)
        let shaped = try Bandwidth(inbound: try BandwidthRate(average: try KibibytesPerSecond(1000)),
                                   outbound: try BandwidthRate(average: try KibibytesPerSecond(500), element: "outbound"))
        try wiring.apply(NICDocuments.network("nat"), to: nic, link: link)
        try wiring.setBandwidth(nic, shaped)
        let port = try #require(wiring.record(domain: nic.domainUUID, alias: nic.alias)?.current.port)
        #expect(try networks.port(network: "nat", uuid: port).bandwidth == shaped, "the port carries the NIC's bandwidth")
        #expect(try host.exec(["tc", "qdisc", "show", "dev", "vnet0"]).contains("htb"))
        #expect(try links.links().contains { $0.kind == "ifb" }, "outbound through an IFB on a bridge")

        let extra = "<bandwidth><inbound average='1000'/><outbound average='500'/></bandwidth>"
        try wiring.apply(NICDocuments.network("priv", extra: extra), to: nic, link: link)
        let macvlan = try #require(wiring.record(domain: nic.domainUUID, alias: nic.alias)?.current.attachment?.macvlan)
        #expect(try host.exec(["tc", "qdisc", "show", "dev", macvlan.value]).contains("htb"), "outbound on the macvlan")
        #expect(try !links.links().contains { $0.kind == "ifb" }, "the bridge's IFB went with the old attachment")

        try wiring.setBandwidth(nic, nil)
        #expect(try !host.exec(["tc", "qdisc", "show", "dev", "vnet0"]).contains("htb"))
        #expect(try !host.exec(["tc", "qdisc", "show", "dev", macvlan.value]).contains("htb"))
        #expect(try host.exec(["tc", "qdisc", "show", "dev", "vnet0"]).contains("ingress"), "the attachment's redirect stays")
        try wiring.release(nic)
    }

    /// A move into a network whose bridge runs kernel STP (libvirt's default) is dark until the
    /// new port has listened and learned (the kernel raises the forward delay to 2 s at least, and
    /// refuses a hand-set port state while STP runs): the move says so, and this measures it.
    @Test func moveIntoAnSTPNetworkReportsTheDelay() throws {
        try Self.with { networks, wiring, tap, _, _ in try Self.measureSTP(networks, wiring, tap) }
    }

    static func measureSTP(_ networks: NetworkDriver, _ wiring: NICWiring, _ tap: TapDevice) throws {
        _ = try networks.create(xml: "<network><name>stp</name><bridge name='pbstp' stp='on' delay='0'/><ip address='10.225.0.1' prefix='24'/></network>")
        let nic = try NICFixture.nic()
        let link = RecordingLink()
        try wiring.apply(NICDocuments.network("iso"), to: nic, link: link)
        let started = Date.now
        let change = try wiring.apply(NICDocuments.network("stp"), to: nic, link: link)
        #expect(change.stpDelayExpected, "the move's result says the destination runs STP")
        GuestFrames.drain(tap.descriptor)
        #expect(try GuestFrames.reaches(tap.descriptor, [10, 225, 0, 1], timeout: 12))
        let dark = Date.now.timeIntervalSince(started)
        print("STP destination: first ARP reply \(Int(dark * 1000)) ms after the move began (host side \(change.hostMicroseconds) µs)")
        #expect(dark > 1, "kernel STP holds a new port in listening/learning")
        let back = try wiring.apply(NICDocuments.network("iso"), to: nic, link: link)
        #expect(!back.stpDelayExpected)
        try wiring.release(nic)
    }

    /// Host-side time of a move until the NIC carries traffic on the destination, per pair of
    /// kinds, over the full matrix of destinations (printed for the report; the bench repeats it).
    @Test func moveTimings() throws {
        try Self.with { (networks: NetworkDriver, wiring: NICWiring, _: TapDevice, _: TestNamespace, _: TestNamespace) throws in
            let nic = try NICFixture.nic()
            let link = RecordingLink()
            let destinations = try Self.destinations()
            try wiring.apply(destinations[0].interface, to: nic, link: link)
            var current = destinations[0]
            var carried: [String: [UInt64]] = [:]
            var calls: [String: [UInt64]] = [:]
            let rounds = Int(ProcessInfo.processInfo.environment["PB_NIC_MOVE_ROUNDS"] ?? "") ?? 3
            for _ in 0..<rounds {
                for from in destinations.indices {
                    for to in destinations.indices where to != from {
                        if current.label != destinations[from].label {
                            try wiring.apply(destinations[from].interface, to: nic, link: link)
                            current = destinations[from]
                        }
                        let started = NICWiring.monotonicMicroseconds()
                        let change = try wiring.apply(destinations[to].interface, to: nic, link: link)
                        let call = NICWiring.monotonicMicroseconds() - started
                        let pair = "\(destinations[from].kind)→\(destinations[to].kind)"
                        carried[pair, default: []].append(change.hostMicroseconds)
                        calls[pair, default: []].append(call)
                        current = destinations[to]
                    }
                }
            }
            var lines: [String] = []
            for pair in carried.keys.sorted() {
                let values = carried[pair] ?? []
                let whole = calls[pair] ?? []
                lines.append("\(pair): n=\(values.count) carries-traffic median \(Self.percentile(values, 50)) µs p99 \(Self.percentile(values, 99)) µs; whole call median \(Self.percentile(whole, 50)) µs p99 \(Self.percentile(whole, 99)) µs")
            }
            let report = lines.joined(separator: "\n")
            print(report)
            try? report.write(toFile: "/tmp/pb-nic-move-timings.txt", atomically: true, encoding: .utf8)
            #expect(try Self.ports(networks).values.map(\.count).reduce(0, +) <= 1)
            try wiring.release(nic)
        }
    }

    static func percentile(_ values: [UInt64], _ p: Int) -> UInt64 {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, (sorted.count * p) / 100)]
    }
}

/// ARP from the "guest" side of the NIC's tap.
extension GuestFrames {
    static let guest = GuestFrames(mac: [0x52, 0x54, 0x00, 0xaa, 0x00, 0x01])

    /// Sends ARP requests for `target` until a reply comes back (or `timeout` seconds pass).
    static func reaches(_ fd: Int32, _ target: [UInt8], timeout: Double = 6) throws -> Bool {
        guest.reaches(fd, target, timeout: timeout, resend: 0.3)
    }
}
