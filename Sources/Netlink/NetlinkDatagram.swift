/// One netlink datagram as `recv` returned it, cut into its messages (`nlmsghdr` + body).
///
/// Every length comes from the wire, so each is checked against the bytes actually received: a
/// message whose `nlmsg_len` runs past the datagram, a header cut short, or bytes left over that
/// cannot hold a header are `NetlinkError.malformed`, never read past nor silently shortened.
public enum NetlinkDatagram {
    /// `sizeof(struct nlmsghdr)`.
    public static let headerSize = 16

    /// One message: its header fields and its body (after the header, without trailing padding).
    public struct Message: Sendable, Equatable {
        /// `nlmsg_type`.
        public var type: UInt16
        /// `nlmsg_flags`.
        public var flags: UInt16
        /// `nlmsg_seq`.
        public var sequence: UInt32
        /// The body, `nlmsg_len - 16` bytes.
        public var body: ArraySlice<UInt8>
    }

    /// The messages of `datagram`, in order.
    public static func split(_ datagram: ArraySlice<UInt8>) throws(NetlinkError) -> [Message] {
        var reader = NetlinkReader(datagram)
        var messages: [Message] = []
        while reader.remaining > 0 {
            guard reader.remaining >= headerSize else {
                throw .malformed("\(reader.remaining) bytes left, too few for a netlink message header")
            }
            let length = Int(try reader.integer(UInt32.self))
            let type = try reader.u16()
            let flags = try reader.u16()
            let sequence = try reader.integer(UInt32.self)
            _ = try reader.integer(UInt32.self)
            guard length >= headerSize else { throw .malformed("netlink message of length \(length)") }
            guard length - headerSize <= reader.remaining else {
                throw .malformed("netlink message of length \(length) with \(reader.remaining + headerSize) bytes received")
            }
            let body = try reader.take(length - headerSize)
            messages.append(Message(type: type, flags: flags, sequence: sequence, body: body))
            reader.skipPadding()
        }
        return messages
    }
}
