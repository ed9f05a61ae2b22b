import Foundation
import Glibc
import HostNet
import HostOS
import NetCore
import Netlink
import TestSupport
import Testing

/// A guest namespace behind a Patchbay-style bridge in a host namespace, and an outside namespace
/// on the host's uplink. The firewall under test is loaded into the host namespace.
@Suite("nftables firewall: nat, route, isolated", .serialized)
struct FirewallTests {
    struct Topology {
        let host: TestNamespace
        let guest: TestNamespace
        let outside: TestNamespace
        let bridge: InterfaceName
    }

    static func withTopology(_ body: (Topology) throws -> Void) throws {
        try TestNamespace.with { host in
            try TestNamespace.with { guest in
                try TestNamespace.with { outside in
                    let links = try Rtnetlink(namespace: host.path)
                    let bridge = try InterfaceName("pbfwbr0")
                    try links.createLink(bridge, kind: .bridge(BridgeOptions(stp: false, forwardDelay: 0)))
                    try links.addAddress(IPAddress("10.201.0.1"), prefix: PrefixLength(24, family: .ipv4), to: bridge)
                    try links.setLink(bridge, up: true)
                    try plug(links, host: "pbfwg0", into: guest, as: "pbfwgg0", address: "10.201.0.10", master: bridge)
                    try plug(links, host: "pbfwu0", into: outside, as: "pbfwo0", address: "192.0.2.2", master: nil)
                    try links.addAddress(IPAddress("192.0.2.1"), prefix: PrefixLength(24, family: .ipv4), to: InterfaceName("pbfwu0"))
                    try Rtnetlink(namespace: guest.path).addRoute(to: IPAddress("0.0.0.0"), prefix: PrefixLength(0, family: .ipv4),
                                                                  via: IPAddress("10.201.0.1"))
                    try Sysctl.enableForwarding(namespace: host.path)
                    try body(Topology(host: host, guest: guest, outside: outside, bridge: bridge))
                }
            }
        }
    }

    static func plug(_ links: Rtnetlink, host: String, into namespace: TestNamespace, as far: String, address: String,
                     master: InterfaceName?) throws {
        try links.createLink(InterfaceName(host), kind: .veth(peer: InterfaceName(far)))
        let fd = open(namespace.path, O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        try links.setLink(InterfaceName(far), namespaceFD: fd)
        if let master { try links.attach(InterfaceName(host), to: master) }
        try links.setLink(InterfaceName(host), up: true)
        let farLinks = try Rtnetlink(namespace: namespace.path)
        try farLinks.addAddress(IPAddress(address), prefix: PrefixLength(24, family: .ipv4), to: InterfaceName(far))
        try farLinks.setLink(InterfaceName(far), up: true)
    }

    /// Connects from the guest to a one-shot TCP server in the outside namespace; returns the
    /// peer address and port the server saw, or nil when the connection failed.
    static func connectOut(_ topology: Topology) throws -> (address: String, port: Int)? {
        let port = Int.random(in: 20000...40000)
        let server = """
        import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('192.0.2.2', \(port))); s.listen(1); s.settimeout(4)
        try:
            c, a = s.accept(); print(a[0], a[1]); c.close()
        except socket.timeout:
            print('timeout')
        """
        let outside = topology.outside
        let result = ResultCell()
        let thread = Thread {
            result.value = try? HostCommand.run("/usr/bin/python3", ["-c", server], namespace: outside.path).output
        }
        thread.start()
        let client = "import socket,time\nfor i in range(20):\n    try:\n        socket.create_connection(('192.0.2.2', \(port)), timeout=1).close(); break\n    except ConnectionRefusedError:\n        time.sleep(0.1)\n    except OSError:\n        break\n"
        _ = try HostCommand.spawnAndWait("/usr/bin/python3", ["-c", client], namespace: topology.guest.path)
        while !thread.isFinished { usleep(20_000) }
        let words = (result.value ?? "").split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard words.count == 2, let seenPort = Int(words[1]) else { return nil }
        return (words[0], seenPort)
    }

    final class ResultCell: @unchecked Sendable { var value: String? }

    static func policy(_ topology: Topology, _ mode: FirewallPolicy.Mode, ports: ClosedRange<UInt16>? = nil) throws -> FirewallPolicy {
        FirewallPolicy(networkName: "fw-\(mode.rawValue)", bridge: topology.bridge, mode: mode,
                       subnets: [.init(address: try IPAddress("10.201.0.0"), prefix: try PrefixLength(24, family: .ipv4))],
                       natPorts: ports)
    }

    @Test func natMasqueradesToTheUplinkAddressAndPortRange() throws {
        try Self.withTopology { topology in
            let firewall = Firewall(namespace: topology.host.path)
            let policy = try Self.policy(topology, .nat, ports: 40000...40010)
            try firewall.apply(policy)
            let seen = try #require(try Self.connectOut(topology))
            #expect(seen.address == "192.0.2.1", "the outside sees the host's uplink address")
            #expect((40000...40010).contains(seen.port))
            try firewall.remove(tableName: policy.tableName)
            #expect(try firewall.tables().isEmpty)
        }
    }

    @Test func routeKeepsGuestAddress() throws {
        try Self.withTopology { topology in
            try topology.outside.exec(["ip", "route", "add", "10.201.0.0/24", "via", "192.0.2.1"])
            let firewall = Firewall(namespace: topology.host.path)
            try firewall.apply(try Self.policy(topology, .route))
            let seen = try #require(try Self.connectOut(topology))
            #expect(seen.address == "10.201.0.10")
        }
    }

    @Test func isolatedCannotReachOutside() throws {
        try Self.withTopology { topology in
            try topology.outside.exec(["ip", "route", "add", "10.201.0.0/24", "via", "192.0.2.1"])
            let firewall = Firewall(namespace: topology.host.path)
            let policy = try Self.policy(topology, .isolated)
            try firewall.apply(policy)
            #expect(try Self.connectOut(topology) == nil)
            // The same topology routes once the table is gone: the table was what blocked it.
            try firewall.remove(tableName: policy.tableName)
            #expect(try Self.connectOut(topology)?.address == "10.201.0.10")
        }
    }

    @Test func reapplyReplacesAndRemovalIsIdempotent() throws {
        try TestNamespace.with { ns in
            let firewall = Firewall(namespace: ns.path)
            let policy = FirewallPolicy(networkName: "a net/with \"odd\" name", bridge: try InterfaceName("pbbr9"), mode: .nat,
                                        subnets: [.init(address: try IPAddress("10.5.0.1"), prefix: try PrefixLength(24, family: .ipv4))])
            try firewall.apply(policy)
            let first = try ns.exec(["nft", "list", "table", "inet", policy.tableName])
            // The second load replaces the table (a first load into an absent table skips the
            // delete): the same rules once, not twice.
            try firewall.apply(policy)
            #expect(try firewall.tables() == [policy.tableName])
            let listed = try ns.exec(["nft", "list", "table", "inet", policy.tableName])
            #expect(listed == first)
            #expect(listed.contains("masquerade"))
            #expect(listed.contains("10.5.0.0/24"))
            try firewall.remove(tableName: policy.tableName)
            try firewall.remove(tableName: policy.tableName)
            #expect(try firewall.tables().isEmpty)
        }
    }

    /// Removal and listing go over nf_tables netlink; nft, run in the namespace, is the witness.
    @Test func netlinkRemovalAgreesWithNft() throws {
        try TestNamespace.with { ns in
            try ns.exec(["nft", "add", "table", "inet", "foreign"])
            try ns.exec(["nft", "add", "table", "ip", "patchbay_other_family"])
            let firewall = Firewall(namespace: ns.path)
            let policy = FirewallPolicy(networkName: "netlink-removal", bridge: try InterfaceName("pbbr8"), mode: .isolated,
                                        subnets: [.init(address: try IPAddress("10.6.0.1"), prefix: try PrefixLength(24, family: .ipv4))])
            try firewall.apply(policy)
            #expect(try firewall.tables() == [policy.tableName], "only Patchbay's inet tables are listed")
            #expect(try ns.exec(["nft", "list", "tables"]).contains("table inet \(policy.tableName)"))
            // Copies share one socket; concurrent callers are serialised by its lock.
            let copy = firewall
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                #expect((try? copy.tables()) == [policy.tableName])
            }

            try firewall.remove(tableName: policy.tableName)
            #expect(try firewall.tables().isEmpty)
            let listed = try ns.exec(["nft", "list", "tables"]).split(separator: "\n").sorted()
            #expect(listed == ["table inet foreign", "table ip patchbay_other_family"], "nft agrees, and other tables are untouched")
            try firewall.remove(tableName: policy.tableName)
        }
    }
}
