/// Appends netlink wire data; length fields are back-patched by `lengthPrefixed*` so no caller
/// ever computes an offset or a size.
public struct NetlinkWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    /// Appends a host-order integer.
    public mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    /// Appends raw bytes.
    public mutating func append(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

    /// Pads with zeros to a multiple of 4 bytes (NLA_ALIGN / NLMSG_ALIGN).
    public mutating func alignTo4() {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }

    /// Writes a 16-bit length, then `body`; the length covers itself and the body.
    public mutating func lengthPrefixed16(_ body: (inout NetlinkWriter) -> Void) {
        let start = bytes.count
        append(UInt16(0))
        body(&self)
        patch(UInt16(truncatingIfNeeded: bytes.count - start), at: start)
    }

    /// Writes a 32-bit length, then `body`; the length covers itself and the body.
    public mutating func lengthPrefixed32(_ body: (inout NetlinkWriter) -> Void) {
        let start = bytes.count
        append(UInt32(0))
        body(&self)
        patch(UInt32(truncatingIfNeeded: bytes.count - start), at: start)
    }

    private mutating func patch<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value) { raw in
            for (index, byte) in raw.enumerated() { bytes[offset + index] = byte }
        }
    }
}

/// Reads netlink wire data with bounds checks; every short read is a `NetlinkError`.
public struct NetlinkReader: Sendable {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    /// A reader over `bytes`.
    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    /// Bytes not read yet.
    public var remaining: Int { bytes.endIndex - position }

    /// Reads `count` bytes.
    public mutating func take(_ count: Int) throws(NetlinkError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw .malformed("needed \(count) bytes, \(remaining) left") }
        defer { position += count }
        return bytes[position..<position + count]
    }

    /// Reads a host-order integer.
    public mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) throws(NetlinkError) -> T {
        let raw = try take(MemoryLayout<T>.size)
        return Array(raw).withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }

    /// Reads a UInt16.
    public mutating func u16() throws(NetlinkError) -> UInt16 { try integer(UInt16.self) }

    /// Skips to the next 4-byte boundary (relative to the start of the buffer).
    public mutating func skipPadding() {
        let offset = position - bytes.startIndex
        let padded = (offset + 3) & ~3
        position = min(bytes.endIndex, bytes.startIndex + padded)
    }
}

/// Why a netlink exchange failed below the level of a named operation.
public enum NetlinkError: Error, Equatable, Sendable {
    /// The kernel answered with this errno.
    case kernel(errno: Int32)
    /// A message or attribute was too short or inconsistent.
    case malformed(String)
    /// A socket call failed with this errno.
    case socket(call: String, errno: Int32)
}
