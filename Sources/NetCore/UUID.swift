/// A 128-bit UUID as libvirt uses it for networks, ports and owners.
///
/// Held as two integers rather than a byte array: UUIDs are dictionary keys on every port
/// operation and are parsed ten thousand times on a restart, so no heap allocation per value.
public struct LibvirtUUID: Hashable, Sendable, CustomStringConvertible {
    /// Bytes 0–7, most significant first.
    let high: UInt64
    /// Bytes 8–15, most significant first.
    let low: UInt64

    /// The sixteen bytes.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - $0 * 8)) } + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - $0 * 8)) }
    }

    /// Parses 32 hex digits; like libvirt, dashes and surrounding spaces are allowed between digits.
    public init(_ text: String) throws(PatchbayError) {
        var high: UInt64 = 0, low: UInt64 = 0
        var digits = 0
        var leading = true
        for byte in text.utf8 {
            if leading && byte == UInt8(ascii: " ") { continue }
            leading = false
            if byte == UInt8(ascii: "-") { continue }
            if byte == UInt8(ascii: " ") && digits == 32 { continue }
            guard let nibble = HexDigits.value(byte), digits < 32 else { throw .internalError("malformed uuid element") }
            if digits < 16 { high = high << 4 | UInt64(nibble) } else { low = low << 4 | UInt64(nibble) }
            digits += 1
        }
        guard digits == 32 else { throw .internalError("malformed uuid element") }
        self.high = high
        self.low = low
    }

    public init(bytes: [UInt8]) throws(PatchbayError) {
        guard bytes.count == 16 else { throw .internalError("a UUID has 16 bytes, not \(bytes.count)") }
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A random (version 4) UUID, as libvirt generates for documents that omit one.
    public static func random() -> LibvirtUUID {
        var generator = SystemRandomNumberGenerator()
        // Two 64-bit draws rather than sixteen byte draws: each draw is a getrandom(2) call.
        let drawnHigh: UInt64 = generator.next(), drawnLow: UInt64 = generator.next()
        let high = (drawnHigh & ~0xF000) | 0x4000
        let low = (drawnLow & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return LibvirtUUID(high: high, low: low)
    }

    private init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Orders UUIDs by their bytes.
    public func precedes(_ other: LibvirtUUID) -> Bool { (high, low) < (other.high, other.low) }

    /// Lower-case 8-4-4-4-12 form.
    public var description: String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    buffer[position] = UInt8(ascii: "-")
                    position += 1
                }
                let byte = UInt8(truncatingIfNeeded: (index < 8 ? high : low) >> (56 - (index % 8) * 8))
                buffer[position] = HexDigits.lower(byte >> 4)
                buffer[position + 1] = HexDigits.lower(byte & 0xF)
                position += 2
            }
            return position
        }
    }
}
