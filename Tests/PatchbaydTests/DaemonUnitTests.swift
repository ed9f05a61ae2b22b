import Glibc
import NIOCore
import NIOEmbedded
import NetDriver
import RemoteProtocol
import Testing
@testable import PatchbayDaemon

/// The daemon's pieces that need no process: framing on a channel, leases in wire form.
@Suite("daemon units")
struct DaemonUnitTests {
    @Test("frames split anywhere are reassembled; a bad length is refused before its body arrives")
    func framing() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(PacketFrameDecoder()))
        let first = try Packet.call(.authList, serial: 0, args: XDRVoid()).encoded()
        let second = try Packet.call(.networkLookupByName, serial: 1, args: StringMessage("default")).encoded()
        let stream = first + second
        for index in stream.indices {
            try channel.writeInbound(ByteBuffer(bytes: [stream[index]]))
        }
        #expect(try channel.readInbound(as: Packet.self)?.header.serial == 0)
        let lookup = try #require(try channel.readInbound(as: Packet.self))
        #expect(try lookup.decodePayload(as: StringMessage.self).value == "default")
        // Only the length word of a 4 GiB packet: refused at once.
        #expect(throws: ProtocolError.self) { try channel.writeInbound(ByteBuffer(bytes: [0xff, 0xff, 0xff, 0xff])) }
        _ = try? channel.finish()
    }

    @Test("the driver's leases become remote_network_dhcp_lease: IPv4 is type 0, IPv6 type 1, fields kept")
    func leases() {
        let v4 = NetworkDHCPLease(DHCPLease(interface: "virbr9", expiryTime: 1_700_000_000, family: .ipv4, mac: "52:54:00:aa:bb:cc",
                                            iaid: nil, address: "10.1.0.11", prefix: 24, hostname: "guest1", clientID: "01:52"))
        #expect(v4 == NetworkDHCPLease(interface: "virbr9", expiryTime: 1_700_000_000, type: 0, mac: "52:54:00:aa:bb:cc", iaid: nil,
                                       ipAddress: "10.1.0.11", prefix: 24, hostname: "guest1", clientID: "01:52"))
        let v6 = NetworkDHCPLease(DHCPLease(interface: "virbr9", expiryTime: 1_700_000_200, family: .ipv6, mac: nil, iaid: "12345",
                                            address: "fd00::11", prefix: 64, hostname: nil, clientID: nil))
        #expect(v6.type == 1 && v6.iaid == "12345" && v6.prefix == 64 && v6.hostname == nil)
    }
}
