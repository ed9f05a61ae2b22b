import Testing
@testable import RemoteProtocol

/// The length-prefixed framing and the streaming frame decoder.
@Suite("framing")
struct FramingTests {
    /// A realistic stream: the whole captured conversation of cap1/cap2, back to back.
    static let stream: [UInt8] = Captures.all.flatMap(\.frame)

    @Test("the length word counts itself: an empty-payload packet is 28 bytes")
    func lengthIncludesItself() throws {
        let packet = Packet(header: PacketHeader(program: .remote, procedure: 66, type: .call, serial: 0))
        #expect(hex(try packet.encoded()) == "0000001c" + "20008086" + "00000001" + "00000042" + "00000000"
            + "00000000" + "00000000")
    }

    @Test("feeding chunks of any size yields the same packets", arguments: [1, 2, 3, 4, 5, 7, 24, 28, 29, 100, 4096])
    func chunking(_ chunkSize: Int) throws {
        var whole = FrameDecoder()
        let expected = try whole.append(Self.stream)
        #expect(expected.count == Captures.all.count)

        var decoder = FrameDecoder()
        var packets: [Packet] = []
        var index = 0
        while index < Self.stream.count {
            let end = min(index + chunkSize, Self.stream.count)
            packets += try decoder.append(Self.stream[index..<end])
            index = end
        }
        #expect(packets == expected)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test("a partial frame waits for more bytes and says how many")
    func partial() throws {
        let frame = try #require(Captures.all.first { $0.payload.count > 20 }).frame
        var decoder = FrameDecoder()
        #expect(try decoder.append(frame.prefix(3)).isEmpty)
        #expect(decoder.bytesNeededForCurrentFrame == nil)
        #expect(try decoder.append(frame[3..<10]).isEmpty)
        #expect(decoder.bytesNeededForCurrentFrame == frame.count - 10)
        #expect(try decoder.append(frame[10...]).count == 1)
    }

    @Test("an oversized length is refused as soon as the length word arrives", arguments: [
        FrameLimits.maxPacketLength + 1, UInt32.max, 0x8000_0000,
    ])
    func oversized(_ length: UInt32) throws {
        var decoder = FrameDecoder()
        let lengthWord = try length.xdrBytes()
        #expect(throws: ProtocolError.packetTooLarge(length: length, maximum: FrameLimits.maxPacketLength)) {
            _ = try decoder.append(lengthWord)
        }
        #expect(decoder.isPoisoned)
        #expect(throws: ProtocolError.streamPoisoned) { _ = try decoder.append([0, 0, 0, 28]) }
    }

    @Test("the largest legal length is accepted and awaited, not refused")
    func largestLegal() throws {
        var decoder = FrameDecoder()
        #expect(try decoder.append(try FrameLimits.maxPacketLength.xdrBytes()).isEmpty)
        #expect(decoder.bytesNeededForCurrentFrame == Int(FrameLimits.maxPacketLength) - 4)
    }

    @Test("a length smaller than length word plus header is refused", arguments: [UInt32(0), 4, 27])
    func tooSmall(_ length: UInt32) throws {
        var decoder = FrameDecoder()
        #expect(throws: ProtocolError.packetTooSmall(length: length)) { _ = try decoder.append(try length.xdrBytes()) }
    }

    @Test("an unknown message type or status in a header is a typed error", arguments: [
        ("0000001c200080860000000100000042" + "00000007" + "0000000000000000"),
        ("0000001c200080860000000100000042" + "00000000" + "00000000" + "00000003"),
        ("0000001c200080860000000100000042" + "ffffffff" + "0000000000000000"),
    ])
    func badHeader(_ frameHex: String) {
        var decoder = FrameDecoder()
        #expect(throws: ProtocolError.self) { _ = try decoder.append(bytes(hex: frameHex)) }
    }

    @Test("wrong program or version is refused by validation", arguments: [
        (UInt32(0x2000_8087), UInt32(1)), (0x2000_8086, 2), (0, 1), (0x6b65_6570, 0),
    ])
    func wrongProgram(_ program: UInt32, _ version: UInt32) throws {
        let header = PacketHeader(
            program: ProgramNumber(rawValue: program), version: version, procedure: 1, type: .call, serial: 0)
        let packet = try Packet(frame: try Packet(header: header).encoded())
        #expect(throws: ProtocolError.self) { try packet.header.validateProgram() }
    }

    @Test("Patchbay's own program is served next to libvirt's")
    func patchbayProgram() throws {
        #expect(ProgramNumber.patchbay.description == "0x50424159")
        let header = PacketHeader(program: .patchbay, procedure: 1, type: .call, serial: 9)
        try header.validateProgram()
    }

    @Test("a packet over 32 MiB is refused on the way out too")
    func encodeTooLarge() {
        let payload = [UInt8](repeating: 0, count: Int(FrameLimits.maxMessage) - 24 + 1)
        let packet = Packet(header: PacketHeader(program: .remote, procedure: 43, type: .reply, serial: 1), payload: payload)
        #expect(throws: ProtocolError.self) { _ = try packet.encoded() }
    }
}

/// Parsing a single complete frame.
@Suite("single frames")
struct SingleFrameTests {
    @Test("a frame cut short or with extra bytes is refused with the byte counts")
    func incompleteOrLong() throws {
        let frame = try Packet.keepalive(.ping).encoded()
        #expect(throws: ProtocolError.xdr(.truncated(needed: 28, available: 27))) {
            _ = try Packet(frame: Array(frame.dropLast()))
        }
        #expect(throws: ProtocolError.xdr(.truncated(needed: 4, available: 2))) { _ = try Packet(frame: [0, 0]) }
        #expect(throws: ProtocolError.xdr(.trailingBytes(count: 1))) { _ = try Packet(frame: frame + [0]) }
    }
}
