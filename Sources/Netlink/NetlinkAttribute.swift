/// One netlink attribute (`struct nlattr` / `struct rtattr`): a type and a payload that is either
/// raw bytes or further attributes. Lengths and padding are computed by the encoder, never by hand.
public struct NetlinkAttribute: Hashable, Sendable {
    /// What the payload holds.
    public enum Payload: Hashable, Sendable {
        /// Raw bytes (integers in host order unless the attribute says otherwise).
        case bytes([UInt8])
        /// Nested attributes (NLA_F_NESTED is not set: rtnetlink does not require it).
        case nested([NetlinkAttribute])
    }

    /// The attribute type, e.g. `IFLA_IFNAME`.
    public var type: UInt16
    public var payload: Payload

    /// An attribute with raw bytes.
    public init(_ type: UInt16, bytes: [UInt8]) {
        self.type = type
        self.payload = .bytes(bytes)
    }

    /// An attribute holding nested attributes.
    public init(_ type: UInt16, nested: [NetlinkAttribute]) {
        self.type = type
        self.payload = .nested(nested)
    }

    /// A NUL-terminated string attribute.
    public static func string(_ type: UInt16, _ value: String) -> NetlinkAttribute {
        NetlinkAttribute(type, bytes: Array(value.utf8) + [0])
    }

    /// An 8-bit attribute.
    public static func u8(_ type: UInt16, _ value: UInt8) -> NetlinkAttribute { NetlinkAttribute(type, bytes: [value]) }

    /// A 16-bit attribute in host order.
    public static func u16(_ type: UInt16, _ value: UInt16) -> NetlinkAttribute {
        NetlinkAttribute(type, bytes: withUnsafeBytes(of: value) { Array($0) })
    }

    /// A 16-bit attribute in network order (ports).
    public static func u16BigEndian(_ type: UInt16, _ value: UInt16) -> NetlinkAttribute {
        NetlinkAttribute(type, bytes: withUnsafeBytes(of: value.bigEndian) { Array($0) })
    }

    /// A 32-bit attribute in host order.
    public static func u32(_ type: UInt16, _ value: UInt32) -> NetlinkAttribute {
        NetlinkAttribute(type, bytes: withUnsafeBytes(of: value) { Array($0) })
    }

    /// A signed 32-bit attribute in host order.
    public static func i32(_ type: UInt16, _ value: Int32) -> NetlinkAttribute {
        NetlinkAttribute(type, bytes: withUnsafeBytes(of: value) { Array($0) })
    }

    /// A 64-bit attribute in host order.
    public static func u64(_ type: UInt16, _ value: UInt64) -> NetlinkAttribute {
        NetlinkAttribute(type, bytes: withUnsafeBytes(of: value) { Array($0) })
    }

    /// Appends the encoded attribute (header, payload, padding to 4 bytes).
    public func encode(into writer: inout NetlinkWriter) {
        writer.lengthPrefixed16 { writer in
            writer.append(type)
            switch payload {
            case .bytes(let bytes): writer.append(bytes)
            case .nested(let children): for child in children { child.encode(into: &writer) }
            }
        }
        writer.alignTo4()
    }

    // MARK: reading

    /// The raw payload bytes (for nested payloads, their encoding).
    public var bytes: [UInt8] {
        switch payload {
        case .bytes(let bytes): return bytes
        case .nested(let children):
            var writer = NetlinkWriter()
            for child in children { child.encode(into: &writer) }
            return writer.bytes
        }
    }

    /// The payload read as a NUL-terminated string.
    public var stringValue: String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The payload read as a host-order integer of the given width, if long enough.
    public func integer<T: FixedWidthInteger>(_: T.Type = T.self) -> T? {
        let raw = bytes
        guard raw.count >= MemoryLayout<T>.size else { return nil }
        return raw.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }

    /// The payload parsed as nested attributes.
    public func nestedAttributes() throws(NetlinkError) -> [NetlinkAttribute] {
        try NetlinkAttribute.parseAll(bytes[...])
    }

    /// The payload of the first attribute of `type` in a run, found without decoding the others
    /// (a dump of a thousand links has tens of thousands of attributes nobody asked for).
    public static func firstPayload(_ type: UInt16, in bytes: ArraySlice<UInt8>) throws(NetlinkError) -> ArraySlice<UInt8>? {
        var reader = NetlinkReader(bytes)
        while reader.remaining >= 4 {
            let length = Int(try reader.u16())
            let found = try reader.u16() & 0x3FFF
            guard length >= 4 else { throw .malformed("attribute of length \(length)") }
            let payload = try reader.take(length - 4)
            if found == type { return payload }
            reader.skipPadding()
        }
        try checkNoLeftover(reader)
        return nil
    }

    /// Parses a run of attributes; the type's NLA_F_NESTED/NLA_F_NET_BYTEORDER bits are dropped.
    public static func parseAll(_ bytes: ArraySlice<UInt8>) throws(NetlinkError) -> [NetlinkAttribute] {
        var reader = NetlinkReader(bytes)
        var attributes: [NetlinkAttribute] = []
        while reader.remaining >= 4 {
            let length = Int(try reader.u16())
            let type = try reader.u16() & 0x3FFF
            guard length >= 4 else { throw .malformed("attribute of length \(length)") }
            let payload = try reader.take(length - 4)
            attributes.append(NetlinkAttribute(type, bytes: Array(payload)))
            reader.skipPadding()
        }
        try checkNoLeftover(reader)
        return attributes
    }

    /// Every attribute is padded to 4 bytes and the enclosing length covers that padding, so 1 to 3
    /// bytes after the last one are a cut attribute header, not something to skip.
    private static func checkNoLeftover(_ reader: NetlinkReader) throws(NetlinkError) {
        guard reader.remaining == 0 else { throw .malformed("\(reader.remaining) bytes after the last attribute, too few for a header") }
    }
}

extension Array where Element == NetlinkAttribute {
    /// The first attribute of the given type.
    public func first(_ type: UInt16) -> NetlinkAttribute? { first { $0.type == type } }
}
