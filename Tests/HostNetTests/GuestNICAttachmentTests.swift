import Foundation
import Glibc
import HostNet
import NetConf
import NetCore
import Netlink
import TestSupport
import Testing

/// One real tap moved through every attachment kind in a namespace: two bridges (each with an
/// address the "guest" ARPs for) and a pool device (a veth whose peer sits in a LAN namespace).
/// Frames are written to and read from the tap's fd, where QEMU would.
@Suite("Guest NIC attachment on the kernel", .serialized)
struct GuestNICAttachmentTests {
    static let guestMAC = "52:54:00:12:34:77"

    /// Sends ARP requests for `target` from the tap until a reply comes back (or 5 s pass).
    static func reaches(_ fd: Int32, _ target: [UInt8]) throws -> Bool {
        GuestFrames(mac: try MACAddress(guestMAC).octets).reaches(fd, target, timeout: 5, resend: 0.5)
    }

    /// Bridges pbbr1 (10.211.0.1) and pbbr2 (10.212.0.1), STP off, in `host`; pool device pbpool0
    /// whose peer pblan0 (10.213.0.2) is in `lan`.
    static func build(host: TestNamespace, lan: TestNamespace) throws {
        let links = try Rtnetlink(namespace: host.path)
        for (index, name) in ["pbbr1", "pbbr2"].enumerated() {
            let bridge = try InterfaceName(name)
            try links.createLink(bridge, kind: .bridge(BridgeOptions(stp: false, forwardDelay: 0)))
            try links.addAddress(IPAddress("10.21\(index + 1).0.1"), prefix: PrefixLength(24, family: .ipv4), to: bridge)
            try links.setLink(bridge, up: true)
        }
        try LANPoolDevice.build(links, lan: lan, lanAddress: "10.213.0.2")
    }

    @Test func tapMovesThroughEveryKindAndCarriesTraffic() throws {
        try TestNamespace.with { host in
            try TestNamespace.with { lan in
                try Self.build(host: host, lan: lan)
                let links = try Rtnetlink(namespace: host.path)
                let pool = try InterfaceName("pbpool0")
                let poolMAC = try links.link(named: pool)?.mac
                let tap = try TapDevice.create("pbtap0", options: .init(vnetHeader: false), namespace: host.path)
                let wiring = try LinuxGuestNICAttachment(namespace: host.path)
                let mac = try MACAddress(Self.guestMAC)
                let shaped = try Bandwidth(inbound: try BandwidthRate(average: try KibibytesPerSecond(1000)), outbound: try BandwidthRate(average: try KibibytesPerSecond(500), element: "outbound"))

                let route: [(NICAttachmentTarget, [UInt8], Bandwidth?)] = [
                    (.bridge(try InterfaceName("pbbr1")), [10, 211, 0, 1], nil),
                    (.bridge(try InterfaceName("pbbr2")), [10, 212, 0, 1], shaped),
                    (.direct(lower: pool, mode: .private), [10, 213, 0, 2], shaped),
                    (.direct(lower: pool, mode: .vepa), [10, 213, 0, 2], nil),
                    (.direct(lower: pool, mode: .passthrough), [10, 213, 0, 2], shaped),
                    (.direct(lower: pool, mode: .bridge), [10, 213, 0, 2], nil),
                    (.bridge(try InterfaceName("pbbr1")), [10, 211, 0, 1], shaped),
                ]
                var current: NICAttachment?
                for (target, peer, bandwidth) in route {
                    let next = try wiring.plan(tap: tap.name, mac: mac, target: target, replacing: current)
                    let breakFirst = current.map { next.conflicts(with: $0) } ?? false
                    if breakFirst, let current {
                        try wiring.disconnect(tap: tap.name)
                        try wiring.release(current)
                    }
                    try wiring.prepare(next)
                    try wiring.connect(next)
                    try wiring.applyBandwidth(bandwidth, to: next)
                    try wiring.verify(tap: tap.name, next, bandwidth: bandwidth)
                    if !breakFirst, let current { try wiring.release(current) }
                    // What the old attachment left must be gone, what the new one needs intact.
                    try wiring.verify(tap: tap.name, next, bandwidth: bandwidth)
                    GuestFrames.drain(tap.descriptor)
                    #expect(try Self.reaches(tap.descriptor, peer), "\(target) carries the guest's traffic")
                    let macvlans = try links.links().filter { $0.kind == "macvlan" }
                    #expect(macvlans.count == (next.macvlan == nil ? 0 : 1), "only the current macvlan exists (\(target))")
                    if case .direct(_, .passthrough) = target {
                        #expect(try links.link(named: pool)?.mac == mac, "passthru gives the device the guest's MAC")
                    } else {
                        #expect(try links.link(named: pool)?.mac == poolMAC, "the pool device keeps (or got back) its MAC")
                    }
                    current = next
                }
                // A verify that expects another attachment fails.
                #expect(throws: PatchbayError.self) {
                    try wiring.verify(tap: tap.name, NICAttachment(tap: tap.name, mac: mac, target: .bridge(try InterfaceName("pbbr2"))), bandwidth: shaped)
                }
                #expect(throws: PatchbayError.self) { try wiring.verify(tap: tap.name, current, bandwidth: nil) }

                // Unplugged: attached to nothing, no filter, no IFB, reaches nobody.
                try wiring.disconnect(tap: tap.name)
                if let current { try wiring.release(current) }
                try wiring.verify(tap: tap.name, nil, bandwidth: nil)
                GuestFrames.drain(tap.descriptor)
                #expect(try !Self.reaches(tap.descriptor, [10, 211, 0, 1]))
                #expect(try links.links().map(\.name).sorted() == ["lo", "pbbr1", "pbbr2", "pblan0", "pbpool0", "pbtap0"].filter { $0 != "pblan0" })
            }
        }
    }

    @Test func prepareOnAMissingDeviceLeavesNothing() throws {
        try TestNamespace.with { host in
            let links = try Rtnetlink(namespace: host.path)
            let tap = try TapDevice.create("pbtap2", options: .init(vnetHeader: false), namespace: host.path)
            let wiring = try LinuxGuestNICAttachment(namespace: host.path)
            let mac = try MACAddress(Self.guestMAC)
            #expect(throws: PatchbayError.self) {
                _ = try wiring.plan(tap: tap.name, mac: mac, target: .direct(lower: InterfaceName("missing0"), mode: .vepa), replacing: nil)
            }
            let planned = NICAttachment(tap: tap.name, mac: mac, target: .direct(lower: try InterfaceName("missing0"), mode: .vepa),
                                        macvlan: try InterfaceName("pbmv999"))
            #expect(throws: PatchbayError.self) { try wiring.prepare(planned) }
            #expect(throws: PatchbayError.self) { try wiring.prepare(NICAttachment(tap: tap.name, mac: mac, target: .bridge(try InterfaceName("nobr0")))) }
            #expect(try links.links().map(\.name).sorted() == ["lo", "pbtap2"])
        }
    }
}
