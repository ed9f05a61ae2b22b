/// Size limits of libvirt's framing.
public enum FrameLimits {
    /// The length word's own size; the length it carries includes it.
    public static let lengthWordSize = 4
    /// VIR_NET_MESSAGE_MAX: the largest header + payload, 32 MiB.
    public static let maxMessage: UInt32 = 33_554_432
    /// The largest value the length word may hold (length word + 32 MiB).
    public static let maxPacketLength: UInt32 = 4 + maxMessage
    /// The smallest legal length word: length word plus header, empty payload.
    public static let minPacketLength = UInt32(lengthWordSize + PacketHeader.encodedLength)
    /// libvirt's first read buffer; a hint for socket readers.
    public static let initialBufferSize = 65_536
}

/// One framed RPC packet: header plus raw payload (the payload's type depends on the header).
public struct Packet: Hashable, Sendable {
    /// The six header words.
    public var header: PacketHeader
    /// The XDR payload after the header: args, ret, `remote_error` or an event message.
    public var payload: [UInt8]

    /// Creates a packet from a header and an already-encoded payload.
    public init(header: PacketHeader, payload: [UInt8] = []) {
        self.header = header
        self.payload = payload
    }

    /// Creates a packet whose payload is `body` encoded.
    public init<Body: XDREncodable>(header: PacketHeader, body: Body) throws(XDRError) {
        self.init(header: header, payload: try body.xdrBytes())
    }

    /// The bytes on the wire: length word (including itself), header, payload.
    ///
    /// Throws when the packet would exceed the 32 MiB limit that every libvirt peer enforces.
    public func encoded() throws(ProtocolError) -> [UInt8] {
        let total = FrameLimits.lengthWordSize + PacketHeader.encodedLength + payload.count
        guard let length = UInt32(exactly: total), length <= FrameLimits.maxPacketLength else {
            throw .packetTooLarge(length: UInt32(clamping: total), maximum: FrameLimits.maxPacketLength)
        }
        var encoder = XDREncoder(capacity: total)
        encoder.encode(length)
        do {
            try encoder.encode(header)
        } catch {
            throw .xdr(error)
        }
        encoder.appendRaw(payload)
        return encoder.bytes
    }

    /// Parses one complete frame (length word included); the length must match the bytes.
    public init(frame: [UInt8]) throws(ProtocolError) {
        var decoder = FrameDecoder()
        decoder.feed(frame)
        guard let packet = try decoder.nextPacket() else {
            // Until the length word is complete, the length word itself is what is missing.
            let needed = decoder.bytesNeededForCurrentFrame.map { $0 + frame.count } ?? FrameLimits.lengthWordSize
            throw .xdr(.truncated(needed: needed, available: frame.count))
        }
        guard decoder.bufferedByteCount == 0 else { throw .xdr(.trailingBytes(count: decoder.bufferedByteCount)) }
        self = packet
    }

    /// Decodes the payload as `type`, which must consume it exactly.
    public func decodePayload<Body: XDRDecodable>(as type: Body.Type) throws(XDRError) -> Body {
        try XDRDecoder.decode(type, from: payload)
    }
}
