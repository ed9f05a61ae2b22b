/// Reads XDR (RFC 4506) from untrusted bytes.
///
/// Every read checks the remaining length first and every variable-length item checks its
/// declared maximum BEFORE allocating, so a hostile length word costs nothing but an error.
/// Padding bytes are skipped without being checked: libvirt's own decoder does not check them
/// either, and refusing them would only break interoperability.
public struct XDRDecoder: Sendable {
    private let bytes: [UInt8]
    /// The index of the next unread byte.
    public private(set) var offset: Int

    /// Creates a decoder over `bytes`, starting at the first byte.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        offset = 0
    }

    /// How many bytes are still unread.
    public var remaining: Int { bytes.count - offset }

    /// Decodes one value that must span exactly all of `bytes`.
    public static func decode<T: XDRDecodable>(_ type: T.Type, from bytes: [UInt8]) throws(XDRError) -> T {
        var decoder = XDRDecoder(bytes)
        let value = try T(from: &decoder)
        try decoder.finish()
        return value
    }

    /// Throws if any bytes were left unread: a payload must be exactly its type.
    public func finish() throws(XDRError) {
        guard remaining == 0 else { throw .trailingBytes(count: remaining) }
    }

    // MARK: - Fixed-size items

    /// `unsigned int`.
    public mutating func decode(_ type: UInt32.Type = UInt32.self) throws(XDRError) -> UInt32 {
        let raw = try take(4)
        return raw.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// `int`.
    public mutating func decode(_ type: Int32.Type = Int32.self) throws(XDRError) -> Int32 {
        Int32(bitPattern: try decode(UInt32.self))
    }

    /// `unsigned hyper`.
    public mutating func decode(_ type: UInt64.Type = UInt64.self) throws(XDRError) -> UInt64 {
        let raw = try take(8)
        return raw.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// `hyper`.
    public mutating func decode(_ type: Int64.Type = Int64.self) throws(XDRError) -> Int64 {
        Int64(bitPattern: try decode(UInt64.self))
    }

    /// `bool`: only 0 and 1 are valid.
    public mutating func decode(_ type: Bool.Type = Bool.self) throws(XDRError) -> Bool {
        switch try decode(UInt32.self) {
        case 0: return false
        case 1: return true
        case let other: throw .invalidBoolean(other)
        }
    }

    /// `double`.
    public mutating func decode(_ type: Double.Type = Double.self) throws(XDRError) -> Double {
        Double(bitPattern: try decode(UInt64.self))
    }

    /// An `enum`: values the Swift type does not define are an error, not a trap.
    public mutating func decode<E: RawRepresentable>(enum type: E.Type) throws(XDRError) -> E
    where E.RawValue == Int32 {
        let raw = try decode(Int32.self)
        guard let value = E(rawValue: raw) else {
            throw .invalidEnumValue(type: String(describing: E.self), value: raw)
        }
        return value
    }

    /// Any value that knows its own XDR form.
    public mutating func decode<T: XDRDecodable>(_ type: T.Type) throws(XDRError) -> T {
        try T(from: &self)
    }

    // MARK: - Opaque data and strings

    /// `opaque name[count]`.
    public mutating func decodeFixedOpaque(count: Int) throws(XDRError) -> [UInt8] {
        let data = Array(try take(count))
        try skipPadding(for: count)
        return data
    }

    /// `opaque name<maxLength>`.
    public mutating func decodeOpaque(maxLength: UInt32) throws(XDRError) -> [UInt8] {
        let length = try decode(UInt32.self)
        guard length <= maxLength else { throw .lengthExceedsMaximum(length: length, maximum: maxLength) }
        // `length` fits in Int on every platform Swift runs on, and `take` checks it against `remaining`.
        return try decodeFixedOpaque(count: Int(length))
    }

    /// `string name<maxLength>`: the bytes must be UTF-8.
    public mutating func decodeString(maxLength: UInt32) throws(XDRError) -> String {
        let data = try decodeOpaque(maxLength: maxLength)
        guard let string = String(validating: data, as: UTF8.self) else { throw .invalidUTF8 }
        return string
    }

    // MARK: - Optional data, arrays

    /// `T *name`.
    public mutating func decodeOptional<T: XDRDecodable>(_ type: T.Type) throws(XDRError) -> T? {
        try decodePresence() ? try T(from: &self) : nil
    }

    /// `string *name` (libvirt's `remote_string`).
    public mutating func decodeOptionalString(maxLength: UInt32) throws(XDRError) -> String? {
        try decodePresence() ? try decodeString(maxLength: maxLength) : nil
    }

    /// `T name<maxCount>`.
    public mutating func decodeArray<T: XDRDecodable>(_ type: T.Type, maxCount: UInt32) throws(XDRError) -> [T] {
        try decodeArray(maxCount: maxCount) { (decoder: inout XDRDecoder) throws(XDRError) in
            try T(from: &decoder)
        }
    }

    /// `T name<maxCount>` for elements that need extra parameters, such as bounded strings.
    public mutating func decodeArray<T>(
        maxCount: UInt32,
        element: (inout XDRDecoder) throws(XDRError) -> T
    ) throws(XDRError) -> [T] {
        let count = try decode(UInt32.self)
        guard count <= maxCount else { throw .lengthExceedsMaximum(length: count, maximum: maxCount) }
        // Every XDR element takes at least 4 bytes, so a count the input cannot hold is refused
        // before any allocation is sized from it.
        guard Int(count) <= remaining / 4 else {
            throw .truncated(needed: Int(count) * 4, available: remaining)
        }
        var items: [T] = []
        items.reserveCapacity(Int(count))
        for _ in 0..<count {
            items.append(try element(&self))
        }
        return items
    }

    // MARK: - Internals

    private mutating func decodePresence() throws(XDRError) -> Bool {
        switch try decode(UInt32.self) {
        case 0: return false
        case 1: return true
        case let other: throw .invalidOptionalDiscriminant(other)
        }
    }

    private mutating func take(_ count: Int) throws(XDRError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw .truncated(needed: count, available: remaining) }
        let slice = bytes[offset..<(offset + count)]
        offset += count
        return slice
    }

    private mutating func skipPadding(for count: Int) throws(XDRError) {
        _ = try take((4 - count % 4) % 4)
    }
}
