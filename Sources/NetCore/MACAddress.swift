/// An Ethernet MAC address; always printed as libvirt does, lower case with colons.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The six octets, most significant first.
    public let octets: [UInt8]

    /// Creates an address from six octets.
    public init(octets: [UInt8]) throws(PatchbayError) {
        guard octets.count == 6 else {
            throw .internalError("a MAC address has 6 octets, not \(octets.count)")
        }
        self.octets = octets
    }

    /// Parses `xx:xx:xx:xx:xx:xx` (either case; libvirt also accepts `-` separators and one-digit octets).
    public init(_ text: String) throws(PatchbayError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let dashed = parts.count == 1 ? text.split(separator: "-", omittingEmptySubsequences: false) : parts
        guard dashed.count == 6 else { throw .internalError("Unable to parse MAC '\(text)'") }
        var bytes: [UInt8] = []
        for part in dashed {
            guard (1...2).contains(part.count), part.allSatisfy(\.isHexDigit),
                  let byte = UInt8(part, radix: 16) else {
                throw .internalError("Unable to parse MAC '\(text)'")
            }
            bytes.append(byte)
        }
        self.octets = bytes
    }

    /// True for group (multicast/broadcast) addresses, which no NIC or bridge may own.
    public var isMulticast: Bool { (octets[0] & 1) == 1 }

    /// Lower-case, colon-separated form.
    public var description: String {
        octets.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    /// Orders addresses numerically.
    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.octets.lexicographicallyPrecedes(rhs.octets) }
}
