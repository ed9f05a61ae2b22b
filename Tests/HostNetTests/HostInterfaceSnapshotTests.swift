import Foundation
import Glibc
import HostOS
import HostNet
import NetCore
import Netlink
import TestSupport
import Testing

/// Snapshot and restore of a namespace "host", with a Patchbay network's bridge and tap beside it.
@Suite("Host interface snapshots", .serialized)
struct HostInterfaceSnapshotTests {
    /// A host with a bridge and a veth port, IPv4/IPv6 addresses, a gateway route, and Patchbay's
    /// own bridge `pbnet0` (device group 7) with a guest tap `vnet0`.
    static func makeHost(_ ns: TestNamespace) throws {
        for command in [
            "ip link add br0 type bridge", "ip link add veth0 type veth peer name veth1",
            "ip link set veth0 master br0", "ip link set br0 up", "ip link set veth0 up", "ip link set veth1 up",
            "ip addr add 10.1.0.1/24 dev br0", "ip -6 addr add fd00:1::1/64 dev br0 nodad",
            "ip addr add 10.2.0.1/24 dev veth1", "ip route add 10.9.0.0/16 via 10.1.0.254",
            "ip -6 route add fd00:9::/48 via fd00:1::fe",
            "ip link add pbnet0 group 7 type bridge", "ip tuntap add dev vnet0 mode tap",
            "ip link set vnet0 master pbnet0", "ip link set pbnet0 up", "ip addr add 192.168.77.1/24 dev pbnet0",
        ] {
            try ns.exec(command.split(separator: " ").map(String.init))
        }
    }

    static let ownership = InterfaceOwnership(names: ["pbnet0"])

    @Test func snapshotSeesTheHostButNotPatchbay() throws {
        try TestNamespace.with { ns in
            try Self.makeHost(ns)
            let snapshot = try LinuxHostInterfaces(namespace: ns.path).snapshot(excluding: Self.ownership)
            #expect(snapshot.links.map(\.name) == ["br0", "lo", "veth0", "veth1"])
            #expect(snapshot.link(named: "veth0")?.master == "br0")
            #expect(snapshot.link(named: "veth0")?.peer == "veth1")
            #expect(snapshot.addresses.contains(.init(link: "br0", address: "10.1.0.1", prefix: 24)))
            #expect(snapshot.addresses.contains(.init(link: "br0", address: "fd00:1::1", prefix: 64)))
            #expect(!snapshot.addresses.contains { $0.address.hasPrefix("fe80") }, "no IPv6 link-local")
            #expect(!snapshot.addresses.contains { $0.link == "pbnet0" })
            #expect(snapshot.routes.contains { $0.destination == "10.9.0.0" && $0.gateway == "10.1.0.254" })
            #expect(!snapshot.routes.contains { $0.device == "pbnet0" })
            let again = try LinuxHostInterfaces(namespace: ns.path).snapshot(excluding: Self.ownership)
            #expect(again == snapshot)
        }
    }

    @Test func restoreUndoesBrokenConnectivityAndLeavesPatchbayAlone() throws {
        try TestNamespace.with { ns in
            try Self.makeHost(ns)
            let host = LinuxHostInterfaces(namespace: ns.path)
            let before = try host.snapshot(excluding: Self.ownership)
            for command in [
                "ip addr del 10.1.0.1/24 dev br0", "ip link set veth0 nomaster", "ip link set veth1 mtu 1400",
                "ip route add 10.50.0.0/16 via 10.2.0.2", "ip link add vx0 type veth peer name vx1",
                "ip link set veth1 address 02:11:22:33:44:55", "ip link set br0 down",
                // Patchbay's own objects change too, and must stay as they are now.
                "ip addr add 192.168.78.1/24 dev pbnet0", "ip link set pbnet0 mtu 1300",
            ] {
                try ns.exec(command.split(separator: " ").map(String.init))
            }
            #expect(try host.snapshot(excluding: Self.ownership) != before)
            let changes = try host.restore(before, excluding: Self.ownership)
            #expect(changes.contains(.deleteLink("vx0")))
            #expect(changes.contains(.attach("veth0", master: "br0")))
            let after = try host.snapshot(excluding: Self.ownership)
            #expect(after.normalized == before.normalized)
            let netlink = try Rtnetlink(namespace: ns.path)
            let bridge = try #require(try netlink.link(named: InterfaceName("pbnet0")))
            #expect(bridge.mtu == 1300)
            #expect(try netlink.link(named: InterfaceName("vnet0"))?.masterIndex == bridge.index)
            let patchbayAddresses = try netlink.addresses(of: InterfaceName("pbnet0")).map(\.address.description)
            #expect(Set(patchbayAddresses).isSuperset(of: ["192.168.77.1", "192.168.78.1"]))
        }
    }

    @Test func restoreRecreatesADeletedBridgeAndVethPair() throws {
        try TestNamespace.with { ns in
            try Self.makeHost(ns)
            let host = LinuxHostInterfaces(namespace: ns.path)
            let before = try host.snapshot(excluding: Self.ownership)
            try ns.exec(["ip", "link", "del", "br0"])
            try ns.exec(["ip", "link", "del", "veth0"])
            try host.restore(before, excluding: Self.ownership)
            #expect(try host.snapshot(excluding: Self.ownership).normalized == before.normalized)
        }
    }

    @Test func planOrdersLinksBeforeAddressesBeforeRoutes() {
        let target = HostInterfaceSnapshot(
            links: [.init(name: "br0", kind: "bridge", mtu: 1500, mac: nil, up: true, master: nil),
                    .init(name: "eth0", kind: nil, mtu: 9000, mac: nil, up: true, master: "br0")],
            addresses: [.init(link: "br0", address: "10.0.0.1", prefix: 24)],
            routes: [.init(family: "ipv4", destination: nil, prefix: 0, gateway: "10.0.0.254", device: "br0", metric: 0,
                           scope: 0, routeProtocol: 4, type: 1, source: nil)])
        let current = HostInterfaceSnapshot(
            links: [.init(name: "eth0", kind: nil, mtu: 1500, mac: nil, up: true, master: nil),
                    .init(name: "tmp0", kind: "bridge", mtu: 1500, mac: nil, up: true, master: nil)],
            addresses: [], routes: [])
        let plan = HostInterfaceChange.plan(from: current, to: target)
        #expect(plan.map(\.description) == [
            "delete link tmp0", "create bridge br0", "set MTU of eth0 to 9000", "add eth0 to bridge br0", "set br0 up",
            "add address 10.0.0.1/24 to br0", "add route default via 10.0.0.254 dev br0 metric 0",
        ])
        #expect(HostInterfaceChange.plan(from: target, to: target).isEmpty)
    }

    @Test func snapshotSurvivesJSON() throws {
        let snapshot = HostInterfaceSnapshot(
            links: [.init(name: "eth0", index: 2, kind: nil, mtu: 1500, mac: "52:54:00:00:00:01", up: true, master: nil)],
            addresses: [.init(link: "eth0", address: "fd00::1", prefix: 64)], routes: [])
        let decoded = try JSONDecoder().decode(HostInterfaceSnapshot.self, from: JSONEncoder().encode(snapshot))
        #expect(decoded == snapshot)
    }
}

/// Taps, a vanished physical link, and the reachability probe.
@Suite("Host interface snapshot scope", .serialized)
struct HostInterfaceScopeTests {
    @Test func tapsAreNeverInScopeAndAVanishedDeviceDoesNotBlockTheRest() throws {
        try TestNamespace.with { ns in
            try HostInterfaceSnapshotTests.makeHost(ns)
            let host = LinuxHostInterfaces(namespace: ns.path)
            let ownership = InterfaceOwnership(names: ["pbnet0"])
            // A guest tap with a name of the user's choosing, unplugged.
            try ns.exec(["ip", "tuntap", "add", "dev", "guest0", "mode", "tap"])
            var before = try host.snapshot(excluding: ownership)
            #expect(before.link(named: "guest0") == nil)
            // Pretend a physical device (no kind) existed at begin and was unplugged since.
            before.links.append(.init(name: "eth9", kind: nil, mtu: 1500, mac: nil, up: true, master: nil))
            before.addresses.append(.init(link: "eth9", address: "10.99.0.1", prefix: 24))
            let snapshot = HostInterfaceSnapshot(links: before.links, addresses: before.addresses, routes: before.routes)
            try ns.exec(["ip", "tuntap", "add", "dev", "guest1", "mode", "tap"])
            try ns.exec(["ip", "addr", "del", "10.2.0.1/24", "dev", "veth1"])
            let changes = try host.restore(snapshot, excluding: ownership)
            #expect(changes.contains { if case .cannotRecreate(let link) = $0 { link.name == "eth9" } else { false } })
            let netlink = try Rtnetlink(namespace: ns.path)
            #expect(try netlink.link(named: InterfaceName("guest1")) != nil, "a tap made during the transaction stays")
            #expect(try netlink.addresses(of: InterfaceName("veth1")).map(\.address.description).contains("10.2.0.1"))
        }
    }

    @Test func tcpProbeConnectsOrExplains() throws {
        try TestNamespace.with { ns in
            try ns.exec(["ip", "link", "set", "lo", "up"])
            let result = try NetworkNamespace.run(in: ns.path) { () throws(PatchbayError) -> (Bool, String) in
                let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                defer { close(listener) }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = UInt16(2222).bigEndian
                address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
                _ = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                listen(listener, 4)
                let probe = TCPReachabilityProbe()
                try probe.checkTCP(IPAddress("127.0.0.1"), port: 2222, timeout: 5)
                do throws(PatchbayError) {
                    try probe.checkTCP(IPAddress("127.0.0.1"), port: 2223, timeout: 5)
                    return (false, "")
                } catch {
                    return (true, error.detail)
                }
            }.get()
            #expect(result.0)
            #expect(result.1 == "127.0.0.1:2223 is not reachable over TCP: Connection refused")
        }
    }
}
