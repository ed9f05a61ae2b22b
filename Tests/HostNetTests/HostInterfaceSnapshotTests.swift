import Foundation
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
