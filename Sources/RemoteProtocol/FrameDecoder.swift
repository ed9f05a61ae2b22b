/// Cuts a byte stream into packets, fed with whatever chunks a socket read returns.
///
/// The length word is checked as soon as its four bytes are in, BEFORE the body is awaited or
/// buffered, so a peer announcing 4 GiB costs nothing. After a framing error the stream can no
/// longer be resynchronised (there is no marker to search for), so the decoder refuses all
/// further input and the connection should be closed.
public struct FrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    /// Index of the first byte of the next frame; consumed bytes are dropped lazily.
    private var start = 0
    private var poisoned = false

    public init() {}

    /// Bytes received but not yet returned as packets.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Whether a framing error has ended this stream.
    public var isPoisoned: Bool { poisoned }

    /// Adds received bytes without decoding; pair with `nextPacket()`.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        guard !poisoned else { return }
        buffer.append(contentsOf: bytes)
    }

    /// Returns the next complete packet, nil if more bytes are needed, or throws on a bad frame.
    public mutating func nextPacket() throws(ProtocolError) -> Packet? {
        guard !poisoned else { throw .streamPoisoned }
        guard bufferedByteCount >= FrameLimits.lengthWordSize else { return nil }
        let length = readLength()
        guard length <= FrameLimits.maxPacketLength else {
            return try fail(.packetTooLarge(length: length, maximum: FrameLimits.maxPacketLength))
        }
        guard length >= FrameLimits.minPacketLength else { return try fail(.packetTooSmall(length: length)) }
        guard bufferedByteCount >= Int(length) else { return nil }

        let headerStart = start + FrameLimits.lengthWordSize
        let payloadStart = headerStart + PacketHeader.encodedLength
        let end = start + Int(length)
        var headerDecoder = XDRDecoder(Array(buffer[headerStart..<payloadStart]))
        let header: PacketHeader
        do {
            header = try PacketHeader(from: &headerDecoder)
        } catch {
            return try fail(.xdr(error))
        }
        let packet = Packet(header: header, payload: Array(buffer[payloadStart..<end]))
        start = end
        compactIfWorthwhile()
        return packet
    }

    /// Adds received bytes and returns every packet they complete, in order.
    ///
    /// If a frame is bad this throws, and packets completed earlier in the same chunk are lost
    /// with the connection; use `feed` and `nextPacket` to process them first.
    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) throws(ProtocolError) -> [Packet]
    where Bytes.Element == UInt8 {
        guard !poisoned else { throw .streamPoisoned }
        feed(bytes)
        var packets: [Packet] = []
        while let packet = try nextPacket() {
            packets.append(packet)
        }
        return packets
    }

    /// How many more bytes complete the current frame, once its length word is known; a socket
    /// reader can size its next read with it. Nil until the length word has arrived.
    public var bytesNeededForCurrentFrame: Int? {
        guard !poisoned, bufferedByteCount >= FrameLimits.lengthWordSize else { return nil }
        let length = readLength()
        guard length <= FrameLimits.maxPacketLength else { return nil }
        return max(0, Int(length) - bufferedByteCount)
    }

    private func readLength() -> UInt32 {
        buffer[start..<(start + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    private mutating func fail(_ error: ProtocolError) throws(ProtocolError) -> Packet? {
        poisoned = true
        buffer = []
        start = 0
        throw error
    }

    /// Drops consumed bytes once they dominate the buffer, keeping appends amortised O(1).
    private mutating func compactIfWorthwhile() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 4096, start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }
}
