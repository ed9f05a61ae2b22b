/// Writes XDR (RFC 4506) into a byte buffer.
///
/// Every quantity is big endian and every item is padded to a multiple of four bytes.
/// Lengths are checked against the declared maximum on the way OUT as well, so Patchbay never
/// sends a peer something that peer's decoder would refuse.
public struct XDREncoder: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Creates an empty encoder; `capacity` only avoids reallocations.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Encodes a whole value and returns its bytes.
    public static func encode<T: XDREncodable>(_ value: T) throws(XDRError) -> [UInt8] {
        var encoder = XDREncoder()
        try value.encode(to: &encoder)
        return encoder.bytes
    }

    // MARK: - Fixed-size items

    /// `int`: 4 bytes, two's complement.
    public mutating func encode(_ value: Int32) {
        encode(UInt32(bitPattern: value))
    }

    /// `unsigned int`: 4 bytes.
    public mutating func encode(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// `hyper`: 8 bytes, two's complement.
    public mutating func encode(_ value: Int64) {
        encode(UInt64(bitPattern: value))
    }

    /// `unsigned hyper`: 8 bytes.
    public mutating func encode(_ value: UInt64) {
        encode(UInt32(truncatingIfNeeded: value >> 32))
        encode(UInt32(truncatingIfNeeded: value))
    }

    /// `bool`: an enum of FALSE = 0 and TRUE = 1.
    public mutating func encode(_ value: Bool) {
        encode(value ? UInt32(1) : UInt32(0))
    }

    /// `double`: IEEE 754 double precision, big endian.
    public mutating func encode(_ value: Double) {
        encode(value.bitPattern)
    }

    /// An `enum` whose Swift type mirrors the XDR enumeration.
    public mutating func encode<E: RawRepresentable>(enum value: E) where E.RawValue == Int32 {
        encode(value.rawValue)
    }

    /// Any value that knows its own XDR form (structs, unions, nested types).
    public mutating func encode<T: XDREncodable>(_ value: T) throws(XDRError) {
        try value.encode(to: &self)
    }

    // MARK: - Opaque data and strings

    /// `opaque name[n]`: exactly `count` bytes, padded, with no length word.
    public mutating func encodeFixedOpaque(_ data: [UInt8], count: Int) throws(XDRError) {
        guard data.count == count else { throw .wrongFixedLength(expected: count, actual: data.count) }
        bytes.append(contentsOf: data)
        appendPadding(for: count)
    }

    /// `opaque name<maxLength>`: a length word, the bytes, padding.
    public mutating func encodeOpaque(_ data: [UInt8], maxLength: UInt32) throws(XDRError) {
        guard let length = UInt32(exactly: data.count), length <= maxLength else {
            throw .lengthExceedsMaximum(length: UInt32(clamping: data.count), maximum: maxLength)
        }
        encode(length)
        bytes.append(contentsOf: data)
        appendPadding(for: data.count)
    }

    /// `string name<maxLength>`: encoded as its UTF-8 bytes, like variable opaque data.
    public mutating func encodeString(_ string: String, maxLength: UInt32) throws(XDRError) {
        try encodeOpaque(Array(string.utf8), maxLength: maxLength)
    }

    // MARK: - Optional data, arrays

    /// `T *name`: a discriminator (0 absent, 1 present) then the value when present.
    public mutating func encodeOptional<T: XDREncodable>(_ value: T?) throws(XDRError) {
        guard let value else {
            encode(false)
            return
        }
        encode(true)
        try value.encode(to: &self)
    }

    /// `string *name` (libvirt's `remote_string`): optional data holding a bounded string.
    public mutating func encodeOptionalString(_ value: String?, maxLength: UInt32) throws(XDRError) {
        guard let value else {
            encode(false)
            return
        }
        encode(true)
        try encodeString(value, maxLength: maxLength)
    }

    /// `T name<maxCount>`: a count word then each element.
    public mutating func encodeArray<T: XDREncodable>(_ items: [T], maxCount: UInt32) throws(XDRError) {
        try encodeArray(items, maxCount: maxCount) { (encoder: inout XDREncoder, item: T) throws(XDRError) in
            try item.encode(to: &encoder)
        }
    }

    /// `T name<maxCount>` for elements that need extra parameters, such as bounded strings.
    public mutating func encodeArray<T>(
        _ items: [T],
        maxCount: UInt32,
        element: (inout XDREncoder, T) throws(XDRError) -> Void
    ) throws(XDRError) {
        guard let count = UInt32(exactly: items.count), count <= maxCount else {
            throw .lengthExceedsMaximum(length: UInt32(clamping: items.count), maximum: maxCount)
        }
        encode(count)
        for item in items {
            try element(&self, item)
        }
    }

    /// Appends raw, already-encoded bytes (a nested payload built elsewhere).
    public mutating func appendRaw(_ data: [UInt8]) {
        bytes.append(contentsOf: data)
    }

    private mutating func appendPadding(for count: Int) {
        let padding = (4 - count % 4) % 4
        for _ in 0..<padding { bytes.append(0) }
    }
}
