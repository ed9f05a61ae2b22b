/// A network prefix length (0–32 for IPv4, 0–128 for IPv6).
public struct PrefixLength: Hashable, Sendable, CustomStringConvertible {
    /// Number of leading one bits.
    public let value: Int

    /// Validates a prefix for `family`.
    public init(_ value: Int, family: IPFamily) throws(PatchbayError) {
        guard value >= 0, value <= family.bitWidth else {
            throw .xml("Invalid prefix \(value): must be between 0 and \(family.bitWidth) for \(family.rawValue)")
        }
        self.value = value
    }

    /// Derives the prefix from a contiguous IPv4 netmask such as 255.255.255.0.
    public init(netmask: IPAddress) throws(PatchbayError) {
        guard netmask.family == .ipv4 else { throw .xml("netmask '\(netmask)' is not an IPv4 address") }
        var bits = 0
        var seenZero = false
        for byte in netmask.bytes {
            for shift in stride(from: 7, through: 0, by: -1) {
                if byte >> shift & 1 == 1 {
                    if seenZero { throw .xml("Invalid netmask '\(netmask)': the one bits are not contiguous") }
                    bits += 1
                } else {
                    seenZero = true
                }
            }
        }
        value = bits
    }

    /// The IPv4 netmask of this prefix.
    public var ipv4Netmask: IPAddress? {
        guard value <= 32 else { return nil }
        let mask: UInt32 = value == 0 ? 0 : UInt32.max << (32 - value)
        return try? IPAddress(bytes: [UInt8(mask >> 24), UInt8(mask >> 16 & 0xFF), UInt8(mask >> 8 & 0xFF), UInt8(mask & 0xFF)])
    }

    /// Decimal text.
    public var description: String { String(value) }

    /// The prefix libvirt assumes for an IPv4 address with neither prefix nor netmask (classful).
    public static func classful(for address: IPAddress) -> PrefixLength? {
        guard address.family == .ipv4 else { return nil }
        let first = address.bytes[0]
        let bits = switch first {
        case 0..<128: 8
        case 128..<192: 16
        case 192..<224: 24
        default: -1
        }
        return bits < 0 ? nil : try? PrefixLength(bits, family: .ipv4)
    }
}
