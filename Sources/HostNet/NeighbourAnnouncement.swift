import Glibc
import NetCore

/// Frames that tell a guest which MAC owns one of the host's addresses on its segment, so that
/// a guest just moved to another bridge drops a neighbour entry that still names the old bridge
/// (or that failed while its link was down) at once instead of when the entry times out.
///
/// IPv4: a gratuitous ARP request (sender = target = the address), which Linux guests apply to
/// an existing entry with override (RFC 5227 §3 / kernel `arp_is_garp`), unicast to the guest's
/// MAC so the updated entry is REACHABLE rather than STALE. IPv6: an unsolicited neighbour
/// advertisement with the Override and Router flags (RFC 4861 §7.2.6) to all-nodes.
public struct NeighbourAnnouncement: Sendable, Hashable {
    /// The host address being announced.
    public var address: IPAddress
    /// The MAC that owns it (the bridge's).
    public var owner: MACAddress
    /// The guest the frame is for (Ethernet destination of the IPv4 frame).
    public var guest: MACAddress

    /// An announcement of `address` at `owner`, to `guest`.
    public init(address: IPAddress, owner: MACAddress, guest: MACAddress) {
        self.address = address
        self.owner = owner
        self.guest = guest
    }

    /// EtherType of the frame (ARP or IPv6).
    public var etherType: UInt16 { address.family == .ipv4 ? 0x0806 : 0x86DD }

    /// The whole Ethernet frame, without FCS (the device adds padding and FCS).
    public var frame: [UInt8] {
        address.family == .ipv4 ? arpFrame : neighbourAdvertisementFrame
    }

    private var arpFrame: [UInt8] {
        var f = guest.octets + owner.octets + [0x08, 0x06]
        f += [0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01]   // Ethernet/IPv4, request
        f += owner.octets + address.bytes                // sender
        f += [UInt8](repeating: 0, count: 6) + address.bytes // target: same address
        return f
    }

    private static let allNodes: [UInt8] = [0xFF, 0x02] + [UInt8](repeating: 0, count: 13) + [0x01]

    private var neighbourAdvertisementFrame: [UInt8] {
        // ICMPv6 NA: type 136, code 0, checksum, flags R|O, reserved, target, option 2 (target
        // link-layer address, length 1 × 8 octets).
        var icmp: [UInt8] = [136, 0, 0, 0, 0xA0, 0, 0, 0] + address.bytes + [2, 1] + owner.octets
        let sum = Self.checksum(source: address.bytes, destination: Self.allNodes, icmp: icmp)
        icmp[2] = UInt8(sum >> 8)
        icmp[3] = UInt8(sum & 0xFF)
        let length = UInt16(icmp.count)
        var f = [0x33, 0x33, 0x00, 0x00, 0x00, 0x01] + owner.octets + [0x86, 0xDD]
        f += [0x60, 0, 0, 0, UInt8(length >> 8), UInt8(length & 0xFF), 58, 255] // next header ICMPv6, hop limit 255
        f += address.bytes + Self.allNodes + icmp
        return f
    }

    /// The ICMPv6 checksum over the IPv6 pseudo-header (RFC 8200 §8.1) and the message.
    static func checksum(source: [UInt8], destination: [UInt8], icmp: [UInt8]) -> UInt16 {
        let length = UInt32(icmp.count)
        var data = source + destination
        data += [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
        data += [0, 0, 0, 58] + icmp
        if data.count % 2 == 1 { data.append(0) }
        var sum: UInt32 = 0
        for i in stride(from: 0, to: data.count, by: 2) { sum += UInt32(data[i]) << 8 | UInt32(data[i + 1]) }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }
}

/// Sends raw Ethernet frames out of one device (`AF_PACKET`), in the calling thread's network
/// namespace. The socket receives nothing (protocol 0), so it never sees the device's traffic.
public enum RawFrameSender {
    /// Transmits each frame out of the device with `index`; on a tap that hands it to the
    /// guest, and only that guest (a frame sent on a bridge port never enters the bridge).
    public static func send(_ frames: [(etherType: UInt16, bytes: [UInt8])], deviceIndex index: Int32, device: String) throws(PatchbayError) {
        let fd = socket(AF_PACKET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("Unable to open a packet socket to send on '\(device)'", errno: errno) }
        defer { close(fd) }
        for frame in frames {
            // struct sockaddr_ll (linux/if_packet.h): family, protocol (network order), ifindex,
            // hatype, pkttype, halen, addr[8] — 20 octets.
            var address = [UInt8](repeating: 0, count: 20)
            withUnsafeBytes(of: UInt16(AF_PACKET)) { address.replaceSubrange(0..<2, with: $0) }
            address[2] = UInt8(frame.etherType >> 8)
            address[3] = UInt8(frame.etherType & 0xFF)
            withUnsafeBytes(of: index) { address.replaceSubrange(4..<8, with: $0) }
            address[11] = 6
            let sent = frame.bytes.withUnsafeBytes { payload in
                address.withUnsafeBytes { raw in
                    sendto(fd, payload.baseAddress, payload.count, 0,
                           raw.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
                }
            }
            guard sent == frame.bytes.count else {
                throw .system("Unable to send a neighbour announcement on '\(device)'", errno: errno)
            }
        }
    }
}
