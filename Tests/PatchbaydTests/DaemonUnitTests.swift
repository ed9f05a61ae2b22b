import Glibc
import NIOCore
import NIOEmbedded
import RemoteProtocol
import Testing
@testable import PatchbayDaemon

/// The daemon's pieces that need no process: framing on a channel, lease parsing.
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

    @Test("dnsmasq lease lines become libvirt leases; IPv6 lines after the duid line; MAC filter")
    func leases() throws {
        let path = "/tmp/pbd-leases-\(UInt32.random(in: 0...UInt32.max))"
        try """
        1700000000 52:54:00:aa:bb:cc 10.1.0.11 guest1 01:52:54:00:aa:bb:cc
        1700000100 52:54:00:aa:bb:dd 10.1.0.12 * *
        duid 00:01:00:01:2c:aa:bb:cc:52:54:00:00:00:01
        1700000200 12345 fd00::11 guest6 00:01:00:01:aa
        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let leases = DHCPLeaseFile.leases(path: path, bridge: "virbr9", prefixes: (24, 64), mac: nil)
        #expect(leases.count == 3)
        #expect(leases[0].ipAddress == "10.1.0.11" && leases[0].prefix == 24 && leases[0].hostname == "guest1")
        #expect(leases[1].hostname == nil && leases[1].clientID == nil)
        #expect(leases[2].type == DHCPLeaseFile.typeIPv6 && leases[2].iaid == "12345" && leases[2].prefix == 64)
        let one = DHCPLeaseFile.leases(path: path, bridge: "virbr9", prefixes: (24, 64), mac: "52:54:00:AA:BB:DD")
        #expect(one.map(\.ipAddress) == ["10.1.0.12"])
        #expect(DHCPLeaseFile.leases(path: "/nonexistent", bridge: "b", prefixes: (24, 64), mac: nil).isEmpty)
    }
}
