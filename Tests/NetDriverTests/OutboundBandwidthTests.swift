import Foundation
import Glibc
import HostNet
import NetConf
import NetCore
@testable import NetDriver
import Netlink
import TestSupport
import Testing

/// A network's own `<outbound>` bandwidth through the driver's host: NAT networks start with it and
/// still masquerade, route networks get the same shaping, drift repair puts it back, and a start
/// without it (a restart after the definition changed) leaves nothing of it behind.
@Suite("LinuxNetworkHost: outbound network bandwidth on nat and route networks", .serialized)
struct OutboundBandwidthTests {
    /// What outbound shaping the host namespace holds now: IFBs, netdev tables, and the bridge's
    /// ingress qdisc (the earlier tc wiring).
    static func outboundShaping(_ fixture: HostFixture, bridge: String) throws -> [String] {
        let ifbs = try fixture.links.links().filter { $0.kind == "ifb" }.map { "ifb \($0.name)" }
        let tables = try Nftables(in: fixture.namespace.path).tables(family: .netdev).map { "netdev \($0.name)" }
        let ingress = try fixture.links.qdiscKind(of: InterfaceName(bridge), at: .ingress).map { "qdisc \($0)" }
        return ifbs + tables + (ingress.map { [$0] } ?? [])
    }

    /// Bytes the IFB's HTB has sent so far (what went through the shaping).
    static func shapedBytes(_ fixture: HostFixture) throws -> Int {
        guard let ifb = try fixture.links.links().first(where: { $0.kind == "ifb" }) else { return 0 }
        let stats = try fixture.namespace.exec(["/usr/sbin/tc", "-s", "qdisc", "show", "dev", ifb.name, "root"])
        guard let range = stats.range(of: "Sent ") else { return 0 }
        return Int(stats[range.upperBound...].prefix { $0.isNumber }) ?? 0
    }

    static func natNetwork(bandwidth: String) throws -> NetworkDefinition {
        try network("""
            <network><name>natout</name><uuid>5a0c2e1d-3b4f-4a6e-9c8d-7e6f5a4b3c2d</uuid><forward mode='nat'/>
              <bridge name='pbnq0' stp='off'/>\(bandwidth)
              <ip address='10.222.0.1' prefix='24'/></network>
            """)
    }

    @Test func natNetworkWithOutboundBandwidthMasqueradesThroughTheShaping() throws {
        try HostFixture.with { fixture in
            try TestNamespace.with { guest in
                try TestNamespace.with { outside in
                    try plug(fixture.links, host: "pbnqup0", into: outside, as: "pbnqout0")
                    try fixture.links.addAddress(IPAddress("198.51.100.1"), prefix: PrefixLength(24, family: .ipv4), to: InterfaceName("pbnqup0"))
                    try Rtnetlink(namespace: outside.path).addAddress(IPAddress("198.51.100.2"), prefix: PrefixLength(24, family: .ipv4),
                                                                      to: InterfaceName("pbnqout0"))
                    let shaped = try Self.natNetwork(bandwidth: "<bandwidth><outbound average='2048' peak='4096' burst='256'/></bandwidth>")
                    var runtime = try fixture.start(shaped)
                    defer { try? fixture.stop(shaped, runtime) }

                    try plug(fixture.links, host: "pbnqg0", into: guest, as: "pbnqgg0", master: "pbnq0")
                    let guestLinks = try Rtnetlink(namespace: guest.path)
                    try guestLinks.addAddress(IPAddress("10.222.0.50"), prefix: PrefixLength(24, family: .ipv4), to: InterfaceName("pbnqgg0"))
                    try guestLinks.addRoute(to: IPAddress("0.0.0.0"), prefix: PrefixLength(0, family: .ipv4), via: IPAddress("10.222.0.1"))

                    let ifbs = try fixture.links.links().filter { $0.kind == "ifb" }
                    #expect(ifbs.count == 1 && ifbs.allSatisfy { $0.group == runtime.deviceGroup }, "the IFB is in the network's group")
                    #expect(try BridgeOutboundRedirect(namespace: fixture.namespace.path).isInstalled(bridge: InterfaceName("pbnq0")))
                    let before = try Self.shapedBytes(fixture)
                    let seen = try connectOut(from: guest, to: outside, address: "198.51.100.2")
                    #expect(seen?.address == "198.51.100.1", "the outside sees the uplink's address: \(String(describing: seen))")
                    #expect(try Self.shapedBytes(fixture) > before, "the connection went through the network's IFB")

                    // Drift repair: the IFB, then the redirect, removed behind the driver's back.
                    try fixture.links.deleteLink(InterfaceName(try #require(ifbs.first).name))
                    var drifts = fixture.host.reconcile(shaped, runtime: &runtime, floors: [], stateDirectory: fixture.stateDirectory)
                    #expect(drifts.map(\.kind) == [.missingQdisc] && drifts.allSatisfy(\.repaired), "\(drifts)")
                    try Nftables(in: fixture.namespace.path).deleteTable(BridgeOutboundRedirect.tableName(bridge: InterfaceName("pbnq0")), family: .netdev)
                    drifts = fixture.host.reconcile(shaped, runtime: &runtime, floors: [], stateDirectory: fixture.stateDirectory)
                    #expect(drifts.map(\.kind) == [.missingQdisc] && drifts.allSatisfy(\.repaired), "\(drifts)")
                    #expect(fixture.host.reconcile(shaped, runtime: &runtime, floors: [], stateDirectory: fixture.stateDirectory).isEmpty)
                    let repairedBefore = try Self.shapedBytes(fixture)
                    #expect(try connectOut(from: guest, to: outside, address: "198.51.100.2")?.address == "198.51.100.1")
                    #expect(try Self.shapedBytes(fixture) > repairedBefore, "the repaired shaping carries the traffic")

                    // Restart with the bandwidth removed from the definition: nothing of it is left.
                    try fixture.stop(shaped, runtime)
                    #expect(try Self.outboundShaping(fixture, bridge: "pbnqup0").isEmpty)
                    let plain = try Self.natNetwork(bandwidth: "")
                    runtime = try fixture.start(plain)
                    try fixture.links.attach(InterfaceName("pbnqg0"), to: InterfaceName("pbnq0"))
                    #expect(try Self.outboundShaping(fixture, bridge: "pbnq0").isEmpty)
                    #expect(try connectOut(from: guest, to: outside, address: "198.51.100.2")?.address == "198.51.100.1")
                    try fixture.stop(plain, runtime)
                    try fixture.expectClean(besides: ["lo", "pbnqup0", "pbnqg0"], dnsmasqPID: nil)
                    #expect(try Nftables(in: fixture.namespace.path).tables(family: .netdev).isEmpty)
                }
            }
        }
    }

    @Test func stopRemovesTheRedirectEvenWhenTheBridgeIsGone() throws {
        try HostFixture.with { fixture in
            let shaped = try Self.natNetwork(bandwidth: "<bandwidth><outbound average='1000'/></bandwidth>")
            let runtime = try fixture.start(shaped)
            try fixture.links.deleteLink(InterfaceName("pbnq0"))
            try fixture.stop(shaped, runtime)
            try fixture.expectClean(dnsmasqPID: nil)
            #expect(try Nftables(in: fixture.namespace.path).tables(family: .netdev).isEmpty)
        }
    }
}
