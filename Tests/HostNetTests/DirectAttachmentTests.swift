import Foundation
import Glibc
import HostNet
import NetCore
import Netlink
import TestSupport
import Testing

/// A real tap joined to a macvlan on a "pool device" (one end of a veth whose other end sits in a
/// LAN namespace). Frames are written to and read from the tap's fd, exactly where QEMU would.
@Suite("Direct attachment: tap + macvlan via mirred", .serialized)
struct DirectAttachmentTests {
    static let guestMAC = "52:54:00:12:34:56"

    /// An ARP request from the guest for 10.202.0.2.
    static func arpRequest() throws -> [UInt8] {
        let mac = try MACAddress(guestMAC).octets
        return [UInt8](repeating: 0xFF, count: 6) + mac + [0x08, 0x06,
            0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01] + mac + [10, 202, 0, 10] + [UInt8](repeating: 0, count: 6) + [10, 202, 0, 2]
    }

    /// Reads frames from the tap until an ARP reply from 10.202.0.2 arrives (or 3 s pass).
    static func awaitARPReply(_ fd: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 2048)
        let deadline = Date.now.addingTimeInterval(3)
        while Date.now < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count >= 42 else { continue }
            let frame = Array(buffer[0..<count])
            if frame[12] == 0x08, frame[13] == 0x06, frame[21] == 2, Array(frame[28..<32]) == [10, 202, 0, 2] { return true }
        }
        return false
    }

    @Test(arguments: [MacvlanMode.bridge, .vepa, .private, .passthru])
    func guestFramesReachTheLANAndBack(mode: MacvlanMode) throws {
        try TestNamespace.with { host in
            try TestNamespace.with { lan in
                let links = try Rtnetlink(namespace: host.path)
                let pool = try LANPoolDevice.build(links, lan: lan, lanAddress: "10.202.0.2")
                let poolMAC = try links.link(named: pool)?.mac

                let tap = try TapDevice.create("pbtap0", options: .init(vnetHeader: false), namespace: host.path)
                let attachment = try DirectAttachment(namespace: host.path)
                let binding = try attachment.attach(tap: tap.name, to: pool, mode: mode, mac: MACAddress(Self.guestMAC))
                #expect(try links.link(named: binding.macvlan)?.mac?.description == Self.guestMAC)
                #expect(try host.exec(["ip", "-6", "addr", "show", "dev", binding.macvlan.value]).isEmpty, "no IPv6 on the macvlan")
                if mode == .passthru { #expect(binding.originalLowerMAC == poolMAC) }

                let frame = try Self.arpRequest()
                let written = frame.withUnsafeBytes { write(tap.descriptor, $0.baseAddress, $0.count) }
                #expect(written == frame.count)
                #expect(Self.awaitARPReply(tap.descriptor), "the LAN's ARP reply came back through the tap")
                #expect(try lan.exec(["ip", "neigh", "show", "10.202.0.10"]).contains(Self.guestMAC))

                try attachment.detach(binding)
                #expect(try links.link(named: binding.macvlan) == nil)
                #expect(try host.exec(["tc", "qdisc", "show", "dev", tap.name.value, "ingress"]).isEmpty)
                #expect(try links.link(named: pool)?.mac == poolMAC, "the pool device's MAC is restored")
            }
        }
    }

    @Test func failedAttachUndoesItself() throws {
        try TestNamespace.with { host in
            let links = try Rtnetlink(namespace: host.path)
            let pool = try InterfaceName("pbpool1")
            try links.createLink(pool, kind: .veth(peer: InterfaceName("pbpool1p")))
            // A bridge port cannot carry macvlans: creation fails, and nothing may be left behind.
            try links.createLink(InterfaceName("pbbr5"), kind: .bridge(BridgeOptions()))
            try links.attach(pool, to: InterfaceName("pbbr5"))
            let tap = try TapDevice.create("pbtap1", namespace: host.path)
            let attachment = try DirectAttachment(namespace: host.path)
            #expect(throws: PatchbayError.self) {
                try attachment.attach(tap: tap.name, to: pool, mode: .bridge, mac: MACAddress(Self.guestMAC))
            }
            #expect(try links.links().map(\.name).sorted() == ["lo", "pbbr5", "pbpool1", "pbpool1p", "pbtap1"])
            #expect(throws: PatchbayError.self) {
                try attachment.attach(tap: tap.name, to: InterfaceName("missing0"), mode: .vepa, mac: MACAddress(Self.guestMAC))
            }
        }
    }
}
