/// An Ethernet MAC address; always printed as libvirt does, lower case with colons.
///
/// Held as one integer (the 48 bits, most significant octet first), so addresses hash, compare
/// and parse without a heap allocation.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible, Comparable {
    private let value: UInt64

    /// The six octets, most significant first.
    public var octets: [UInt8] { (0..<6).map { UInt8(truncatingIfNeeded: value >> (40 - $0 * 8)) } }

    public init(octets: [UInt8]) throws(PatchbayError) {
        guard octets.count == 6 else {
            throw .internalError("a MAC address has 6 octets, not \(octets.count)")
        }
        value = octets.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Parses `xx:xx:xx:xx:xx:xx` (either case; libvirt also accepts `-` separators and one-digit octets).
    public init(_ text: String) throws(PatchbayError) {
        var separator: UInt8?
        var value: UInt64 = 0
        var octets = 0, digits = 0, current: UInt64 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-") {
                // One separator kind per address, and never an empty octet.
                guard separator == nil || separator == byte, digits > 0, octets < 5 else { throw .internalError("Unable to parse MAC '\(text)'") }
                separator = byte
                value = value << 8 | current
                octets += 1
                digits = 0
                current = 0
                continue
            }
            guard let nibble = HexDigits.value(byte), digits < 2 else { throw .internalError("Unable to parse MAC '\(text)'") }
            current = current << 4 | UInt64(nibble)
            digits += 1
        }
        guard octets == 5, digits > 0 else { throw .internalError("Unable to parse MAC '\(text)'") }
        self.value = value << 8 | current
    }

    /// True for group (multicast/broadcast) addresses, which no NIC or bridge may own.
    public var isMulticast: Bool { (value >> 40) & 1 == 1 }

    /// Lower-case, colon-separated form.
    public var description: String {
        String(unsafeUninitializedCapacity: 17) { buffer in
            for index in 0..<6 {
                let byte = UInt8(truncatingIfNeeded: value >> (40 - index * 8))
                if index > 0 { buffer[index * 3 - 1] = UInt8(ascii: ":") }
                buffer[index * 3] = HexDigits.lower(byte >> 4)
                buffer[index * 3 + 1] = HexDigits.lower(byte & 0xF)
            }
            return 17
        }
    }

    /// Orders addresses numerically.
    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.value < rhs.value }
}
