import Foundation
import Glibc
import HostNet
import NetConf
import NetCore
import Netlink
import TestSupport
import Testing

@Suite("Neighbour announcements", .serialized)
struct NeighbourAnnouncementTests {
    static let owner = "52:54:00:aa:bb:cc"
    static let guest = "52:54:00:12:34:77"

    @Test func gratuitousARPIsARequestFromTheAddressForItself() throws {
        let a = NeighbourAnnouncement(address: try IPAddress("10.211.0.1"), owner: try MACAddress(Self.owner), guest: try MACAddress(Self.guest))
        #expect(a.etherType == 0x0806)
        #expect(a.frame == [
            0x52, 0x54, 0x00, 0x12, 0x34, 0x77, 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc, 0x08, 0x06,
            0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
            0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc, 0x0a, 0xd3, 0x00, 0x01,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xd3, 0x00, 0x01,
        ])
    }

    @Test func unsolicitedNeighbourAdvertisement() throws {
        let target = try IPAddress("fd00:211::1")
        let a = NeighbourAnnouncement(address: target, owner: try MACAddress(Self.owner), guest: try MACAddress(Self.guest))
        let allNodes: [UInt8] = [0xff, 0x02] + [UInt8](repeating: 0, count: 13) + [0x01]
        #expect(a.etherType == 0x86DD)
        let expected: [UInt8] = [0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc, 0x86, 0xdd]
            + [0x60, 0, 0, 0, 0, 32, 58, 255] + target.bytes + allNodes
            + [136, 0, 0xc9, 0xae, 0xa0, 0, 0, 0] + target.bytes + [2, 1, 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc]
        #expect(a.frame == expected)
        // The receiver's check: the sum over pseudo-header and message (checksum included) is 0.
        let icmp = Array(a.frame[54...])
        let sum = NeighbourAnnouncementTests.onesComplementSum(target.bytes + allNodes + [0, 0, 0, 32, 0, 0, 0, 58] + icmp)
        #expect(sum == 0xFFFF)
    }

    static func onesComplementSum(_ data: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        for i in stride(from: 0, to: data.count - 1, by: 2) { sum += UInt32(data[i]) << 8 | UInt32(data[i + 1]) }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return UInt16(sum)
    }

    /// A tap on a bridge with an IPv4 and an IPv6 address: `announce` puts a gratuitous ARP and a
    /// neighbour advertisement for each, with the bridge's MAC, on the tap (read from its fd,
    /// where QEMU would), and repeats them shortly after.
    @Test func announcementsReachThePeerOnTheTap() throws {
        try TestNamespace.with { ns in
            let links = try Rtnetlink(namespace: ns.path)
            let bridge = try InterfaceName("pbbr1")
            try links.createLink(bridge, kind: .bridge(BridgeOptions(stp: false, forwardDelay: 0)))
            try links.addAddress(IPAddress("10.211.0.1"), prefix: PrefixLength(24, family: .ipv4), to: bridge)
            try links.addAddress(IPAddress("fd00:211::1"), prefix: PrefixLength(64, family: .ipv6), to: bridge)
            try links.setLink(bridge, up: true)
            let tap = try TapDevice.create("pbtap0", options: .init(vnetHeader: false), namespace: ns.path)
            let host = try LinuxGuestNICAttachment(namespace: ns.path)
            let attachment = try host.plan(tap: tap.name, mac: MACAddress(Self.guest), target: .bridge(bridge), replacing: nil)
            try host.prepare(attachment)
            try host.connect(attachment)
            // Read after the tap joined: a bridge without a MAC of its own takes its ports'.
            let bridgeMAC = try #require(try links.link(named: bridge)?.mac)
            var buffer = [UInt8](repeating: 0, count: 2048)
            var poller = pollfd(fd: tap.descriptor, events: Int16(POLLIN), revents: 0)
            while poll(&poller, 1, 0) > 0 { _ = buffer.withUnsafeMutableBytes { read(tap.descriptor, $0.baseAddress, $0.count) } }

            let started = Date.now
            // The two addresses, and the link-local one once the bridge has a carrier.
            #expect(try host.announce(attachment) >= 2)
            let announceTook = Date.now.timeIntervalSince(started)
            #expect(announceTook < 0.5, "announce does not wait for its repeats")

            let arp = NeighbourAnnouncement(address: try IPAddress("10.211.0.1"), owner: bridgeMAC, guest: try MACAddress(Self.guest)).frame
            let na = NeighbourAnnouncement(address: try IPAddress("fd00:211::1"), owner: bridgeMAC, guest: try MACAddress(Self.guest)).frame
            var arps = 0
            var nas = 0
            let deadline = Date.now.addingTimeInterval(10)
            while Date.now < deadline, arps < 3 || nas < 3 {
                poller.revents = 0
                guard poll(&poller, 1, 100) > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { read(tap.descriptor, $0.baseAddress, $0.count) }
                guard count > 0 else { continue }
                let frame = Array(buffer[0..<count])
                // Short frames are padded to 60 octets by nothing on a tap; compare the prefix.
                if frame.starts(with: arp) { arps += 1 }
                if frame.starts(with: na) { nas += 1 }
            }
            #expect(arps == 3, "one gratuitous ARP now and one per repeat")
            #expect(nas == 3, "one neighbour advertisement now and one per repeat")
            try host.disconnect(tap: tap.name)
        }
    }

    /// A direct attachment has no host address to announce.
    @Test func directAttachmentAnnouncesNothing() throws {
        try TestNamespace.with { ns in
            let host = try LinuxGuestNICAttachment(namespace: ns.path)
            let attachment = NICAttachment(tap: try InterfaceName("vnet0"), mac: try MACAddress(Self.guest),
                                           target: .direct(lower: try InterfaceName("eth0"), mode: .bridge))
            #expect(try host.announce(attachment) == 0)
        }
    }
}
