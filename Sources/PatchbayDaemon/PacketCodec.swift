import NIOCore
import RemoteProtocol

/// Cuts a connection's byte stream into packets.
///
/// The length word is checked the moment its four bytes are in, before any of the body is
/// awaited, so a peer announcing more than libvirt's 32 MiB costs nothing: the connection is
/// closed (there is no way to resynchronise a stream after a bad length).
struct PacketFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = Packet

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard length <= FrameLimits.maxPacketLength else {
            throw ProtocolError.packetTooLarge(length: length, maximum: FrameLimits.maxPacketLength)
        }
        guard length >= FrameLimits.minPacketLength else { throw ProtocolError.packetTooSmall(length: length) }
        guard buffer.readableBytes >= Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: FrameLimits.lengthWordSize)
        let payloadLength = Int(length) - Int(FrameLimits.minPacketLength)
        guard let headerBytes = buffer.readBytes(length: PacketHeader.encodedLength),
              let payload = buffer.readBytes(length: payloadLength) else {
            throw ProtocolError.packetTooSmall(length: length)
        }
        var decoder = XDRDecoder(headerBytes)
        let header: PacketHeader
        do {
            header = try PacketHeader(from: &decoder)
        } catch {
            throw ProtocolError.xdr(error)
        }
        context.fireChannelRead(wrapInboundOut(Packet(header: header, payload: payload)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A half-received packet at EOF is simply dropped with the connection.
        return .needMoreData
    }
}

extension Channel {
    /// Sends one packet (thread-safe, like every Channel write). A packet that cannot be
    /// encoded is logged by the caller's error path; it never reaches the wire half-written.
    @discardableResult
    func send(_ packet: Packet) -> EventLoopFuture<Void> {
        do {
            let bytes = try packet.encoded()
            return writeAndFlush(ByteBuffer(bytes: bytes))
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }
}
