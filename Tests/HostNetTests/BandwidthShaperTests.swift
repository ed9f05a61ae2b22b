import HostNet
import NetConf
import NetCore
import Netlink
import TestSupport
import Testing

@Suite("Bandwidth plans and the shaper that puts them on devices", .serialized)
struct BandwidthShaperTests {
    static func rate(_ average: UInt64?, peak: UInt64? = nil, burst: UInt64? = nil) throws -> BandwidthRate {
        try BandwidthRate(average: average.map { try KibibytesPerSecond($0) }, peak: peak.map { try KibibytesPerSecond($0) },
                          burst: burst.map { try Kibibytes($0) })
    }

    @Test func planLines() throws {
        #expect(BandwidthPlan.deviceEgress(device: "vnet0", rate: try Self.rate(1000, peak: 2000, burst: 1024)) == [
            "qdisc add dev vnet0 root handle 1: htb default 1",
            "class add dev vnet0 parent 1: classid 1:1 htb rate 1024000bps ceil 2048000bps burst 1048576b cburst 1048576b",
            "qdisc add dev vnet0 parent 1:1 handle 2: pfifo limit 1000",
        ])
        #expect(BandwidthPlan.ingressRedirect(device: "vnet0", to: "pbifb7") == [
            "qdisc add dev vnet0 handle ffff: ingress",
            "filter add dev vnet0 parent ffff: protocol all prio 1 u32 match u32 0 0 action mirred egress redirect dev pbifb7",
        ])
        #expect(BandwidthPlan.htbParameters(try Self.rate(512)) == "rate 524288bps ceil 524288bps")
    }

    /// The network's tree on its bridge and a port's floor class, selected by the port's MAC.
    @Test func networkAndFloorPlanLines() throws {
        let inbound = try Self.rate(1000, peak: 2000)
        #expect(BandwidthPlan.networkInbound(bridge: "virbr1", inbound: inbound, flooredTotal: try KibibytesPerSecond(100)) == [
            "qdisc add dev virbr1 root handle 1: htb default 2",
            "class add dev virbr1 parent 1: classid 1:1 htb rate 1024000bps ceil 2048000bps",
            "class add dev virbr1 parent 1:1 classid 1:2 htb rate 921600bps ceil 2048000bps",
            "qdisc add dev virbr1 parent 1:2 handle 2: pfifo limit 1000",
        ])
        let floor = PortFloor(classID: 0x1a, floor: try KibibytesPerSecond(100), mac: try MACAddress("52:54:00:0a:0b:0c"))
        #expect(BandwidthPlan.floor(floor, bridge: "virbr1", network: inbound) == [
            "class add dev virbr1 parent 1:1 classid 1:1a htb rate 102400bps ceil 2048000bps",
            "qdisc add dev virbr1 parent 1:1a handle 1a: pfifo limit 1000",
            "filter add dev virbr1 parent 1: protocol all prio 1 handle 800::1a u32 match u16 0x5254 0xffff at -14 match u32 0x000a0b0c 0xffffffff at -12 flowid 1:1a",
        ])
        #expect(BandwidthPlan.floorRemoval(classID: 0x1a, bridge: "virbr1").first == "filter del dev virbr1 parent 1: protocol all prio 1 handle 800::1a u32")
        // Floors above everything: the unguaranteed class keeps 1 KiB/s so HTB accepts it.
        #expect(BandwidthPlan.unguaranteedResize(bridge: "virbr1", inbound: inbound, flooredTotal: try KibibytesPerSecond(5_000))
            == ["class change dev virbr1 parent 1:1 classid 1:2 htb rate 1024bps ceil 2048000bps"])
    }

    @Test(arguments: [
        ([], 3), ([3], 4), ([3, 4, 6], 5), ([4, 5], 3),
    ] as [([UInt32], UInt32)])
    func floorClassNumbers(used: [UInt32], expected: UInt32) {
        #expect(PortFloor.freeClassID(among: Set(used)) == expected)
    }

    /// A network's outbound redirect: one netdev table per bridge, hooked on the bridge's ingress,
    /// forwarding to the IFB; odd bridge names keep distinct table names and load as nft input (nft
    /// strings have no escapes: a backslash is literal, a double quote cannot be written).
    @Test func bridgeOutboundRedirectScriptAndNames() throws {
        let bridge = try InterfaceName("virbr0")
        #expect(try BridgeOutboundRedirect.script(bridge: bridge, ifb: try InterfaceName("pbifb12"), replacing: false) == """
            table netdev \(BridgeOutboundRedirect.tableName(bridge: bridge)) {
              comment "Patchbay outbound bandwidth of bridge virbr0"
              chain outbound {
                type filter hook ingress device "virbr0" priority 0; policy accept;
                fwd to "pbifb12"
              }
            }

            """)
        let names = try ["br.0", "br-0", "br_0"].map { BridgeOutboundRedirect.tableName(bridge: try InterfaceName($0)) }
        #expect(Set(names).count == 3 && names.allSatisfy { $0.hasPrefix("patchbay_outbound_br_0_") })
        try TestNamespace.with { ns in
            let links = try Rtnetlink(namespace: ns.path)
            let odd = try InterfaceName("pb.q\\x;")
            try links.createLink(odd, kind: .bridge(BridgeOptions(stp: false, forwardDelay: 0)))
            let ifb = try InterfaceName("pbqifb0")
            try links.createLink(ifb, kind: .ifb)
            let redirect = BridgeOutboundRedirect(namespace: ns.path)
            try redirect.apply(bridge: odd, ifb: ifb)
            try redirect.apply(bridge: odd, ifb: ifb)
            #expect(try redirect.isInstalled(bridge: odd))
            #expect(try ns.exec(["/usr/sbin/nft", "list", "tables", "netdev"]).split(separator: "\n").count == 1)
            try redirect.remove(bridge: odd)
            try redirect.remove(bridge: odd)
            #expect(try !redirect.isInstalled(bridge: odd))
            let quote = try InterfaceName("pbq\"0")
            try links.createLink(quote, kind: .bridge(BridgeOptions(stp: false, forwardDelay: 0)))
            #expect(throws: PatchbayError.self) { try redirect.apply(bridge: quote, ifb: ifb) }
            #expect(try ns.exec(["/usr/sbin/nft", "list", "tables", "netdev"]).isEmpty)
        }
    }

    @Test func applyThenRemoveLeavesNothing() throws {
        try TestNamespace.with { ns in
            let links = try Rtnetlink(namespace: ns.path)
            let device = try InterfaceName("pbq0")
            try links.createLink(device, kind: .veth(peer: InterfaceName("pbq1")))
            try links.setLink(device, up: true)
            let tc = try BandwidthShaper(namespace: ns.path)
            let bandwidth = try Bandwidth(inbound: Self.rate(1000, peak: 2000, burst: 256), outbound: Self.rate(500))
            try tc.apply(bandwidth, to: .tap(device))
            let ifb = try tc.ifbName(for: device)
            #expect(try links.link(named: ifb)?.isUp == true)
            #expect(try tc.installed(on: device) == (root: true, ingress: true))
            let classes = try ns.exec(["tc", "class", "show", "dev", ifb.value])
            #expect(classes.contains("class htb 1:1 root leaf 2: prio 0 rate 4096Kbit ceil 4096Kbit"))
            #expect(try ns.exec(["tc", "filter", "show", "dev", device.value, "ingress"]).contains("mirred"))

            // Re-applying replaces rather than stacking.
            try tc.apply(try Bandwidth(inbound: Self.rate(2000)), to: .tap(device))
            #expect(try tc.installed(on: device) == (root: true, ingress: false))
            #expect(try links.link(named: ifb) == nil)

            try tc.apply(bandwidth, to: .tap(device))
            try tc.remove(from: .tap(device))
            #expect(try tc.installed(on: device) == (root: false, ingress: false))
            #expect(try ns.exec(["tc", "filter", "show", "dev", device.value, "ingress"]).isEmpty)
            #expect(try ns.exec(["tc", "class", "show", "dev", device.value]).isEmpty)
            #expect(try links.link(named: ifb) == nil)
        }
    }

    /// A direct attachment's NIC: inbound on the tap, outbound on the macvlan's egress, no IFB and
    /// no ingress qdisc on the tap (that ingress belongs to the attachment's redirect).
    @Test func directNICShapesTheMacvlan() throws {
        try TestNamespace.with { ns in
            let links = try Rtnetlink(namespace: ns.path)
            let tap = try InterfaceName("pbq4")
            let macvlan = try InterfaceName("pbq5")
            try links.createLink(tap, kind: .veth(peer: macvlan))
            let tc = try BandwidthShaper(namespace: ns.path)
            let nic = ShapedNIC.direct(tap: tap, macvlan: macvlan)
            try tc.apply(try Bandwidth(inbound: Self.rate(1000), outbound: Self.rate(500)), to: nic)
            #expect(try tc.installed(on: tap) == (root: true, ingress: false))
            #expect(try tc.installed(on: macvlan) == (root: true, ingress: false))
            #expect(try links.link(named: tc.ifbName(for: tap)) == nil)
            try tc.remove(from: nic)
            #expect(try tc.installed(on: tap) == (root: false, ingress: false))
            #expect(try tc.installed(on: macvlan) == (root: false, ingress: false))
        }
    }

    @Test func failedApplyLeavesNothing() throws {
        try TestNamespace.with { ns in
            let links = try Rtnetlink(namespace: ns.path)
            let device = try InterfaceName("pbq2")
            try links.createLink(device, kind: .veth(peer: InterfaceName("pbq3")))
            let tc = try BandwidthShaper(namespace: ns.path)
            // The direct-mode outbound device does not exist: the whole apply must fail and undo itself.
            #expect(throws: PatchbayError.self) {
                try tc.apply(try Bandwidth(inbound: Self.rate(1000), outbound: Self.rate(1000)),
                             to: .direct(tap: device, macvlan: InterfaceName("missing0")))
            }
            #expect(try tc.installed(on: device) == (root: false, ingress: false))
        }
    }
}
