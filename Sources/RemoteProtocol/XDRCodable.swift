import NetCore

/// A value with an XDR wire form that Patchbay can send.
public protocol XDREncodable: Sendable {
    /// Appends this value's XDR form, field by field in declaration order.
    func encode(to encoder: inout XDREncoder) throws(XDRError)
}

/// A value that can be read back from its XDR wire form.
public protocol XDRDecodable: Sendable {
    /// Reads this value's fields in declaration order; malformed input throws, never traps.
    init(from decoder: inout XDRDecoder) throws(XDRError)
}

/// A value that goes both ways over the wire.
public typealias XDRCodable = XDREncodable & XDRDecodable

extension XDREncodable {
    /// This value's complete XDR form.
    public func xdrBytes() throws(XDRError) -> [UInt8] {
        try XDREncoder.encode(self)
    }
}

extension XDRDecodable {
    /// Decodes a value that must span exactly all of `bytes` (a whole payload).
    public init(xdrBytes bytes: [UInt8]) throws(XDRError) {
        self = try XDRDecoder.decode(Self.self, from: bytes)
    }
}

/// XDR `void`: the empty payload of procedures with no arguments or no result.
public struct XDRVoid: XDRCodable, Hashable {
    /// The only value.
    public init() {}
    /// Writes nothing.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {}
    /// Reads nothing.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {}
}

extension Int32: XDRCodable {
    /// Encodes as XDR `int`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { encoder.encode(self) }
    /// Decodes XDR `int`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) { self = try decoder.decode(Int32.self) }
}

extension UInt32: XDRCodable {
    /// Encodes as XDR `unsigned int`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { encoder.encode(self) }
    /// Decodes XDR `unsigned int`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) { self = try decoder.decode(UInt32.self) }
}

extension Int64: XDRCodable {
    /// Encodes as XDR `hyper`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { encoder.encode(self) }
    /// Decodes XDR `hyper`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) { self = try decoder.decode(Int64.self) }
}

extension UInt64: XDRCodable {
    /// Encodes as XDR `unsigned hyper`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { encoder.encode(self) }
    /// Decodes XDR `unsigned hyper`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) { self = try decoder.decode(UInt64.self) }
}

extension Bool: XDRCodable {
    /// Encodes as XDR `bool`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { encoder.encode(self) }
    /// Decodes XDR `bool` (0 or 1 only).
    public init(from decoder: inout XDRDecoder) throws(XDRError) { self = try decoder.decode(Bool.self) }
}

extension Double: XDRCodable {
    /// Encodes as XDR `double`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { encoder.encode(self) }
    /// Decodes XDR `double`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) { self = try decoder.decode(Double.self) }
}

extension LibvirtUUID: XDRCodable {
    /// Encodes as libvirt's `remote_uuid`: `opaque[16]`, no length word.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeFixedOpaque(bytes, count: 16)
    }

    /// Decodes libvirt's `remote_uuid`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        let raw = try decoder.decodeFixedOpaque(count: 16)
        do {
            self = try LibvirtUUID(bytes: raw)
        } catch {
            // Unreachable: the decoder returned exactly 16 bytes. Kept typed rather than trapping.
            throw .wrongFixedLength(expected: 16, actual: raw.count)
        }
    }
}
