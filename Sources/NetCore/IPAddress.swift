#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The address family of an IP address or network, named as libvirt's `family` attribute names them.
public enum IPFamily: String, Sendable, Hashable {
    /// `family='ipv4'`
    case ipv4
    /// `family='ipv6'`
    case ipv6

    /// Number of bits in an address of this family.
    public var bitWidth: Int { self == .ipv4 ? 32 : 128 }
}

/// An IPv4 or IPv6 address, printed in its canonical numeric form.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// Which family the address belongs to.
    public let family: IPFamily
    /// Network-order bytes: 4 for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// Parses a numeric address of either family; host names are never resolved.
    public init(_ text: String) throws(PatchbayError) {
        if let v4 = Self.parse(text, family: AF_INET, count: 4) {
            family = .ipv4
            bytes = v4
        } else if let v6 = Self.parse(text, family: AF_INET6, count: 16) {
            family = .ipv6
            bytes = v6
        } else {
            throw .xml("Invalid IP address '\(text)'")
        }
    }

    /// Parses an address that must be of `family`.
    public init(_ text: String, family: IPFamily) throws(PatchbayError) {
        let address = try IPAddress(text)
        guard address.family == family else {
            throw .xml("'\(text)' is not an \(family == .ipv4 ? "IPv4" : "IPv6") address")
        }
        self = address
    }

    /// Creates an address from network-order bytes (4 or 16 of them).
    public init(bytes: [UInt8]) throws(PatchbayError) {
        switch bytes.count {
        case 4: family = .ipv4
        case 16: family = .ipv6
        default: throw .internalError("an IP address has 4 or 16 bytes, not \(bytes.count)")
        }
        self.bytes = bytes
    }

    private static func parse(_ text: String, family: Int32, count: Int) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count < 64, !text.utf8.contains(0) else { return nil }
        var buffer = [UInt8](repeating: 0, count: 16)
        let result = buffer.withUnsafeMutableBytes { raw in
            inet_pton(family, text, raw.baseAddress)
        }
        return result == 1 ? Array(buffer.prefix(count)) : nil
    }

    /// The canonical text (RFC 5952 for IPv6), as `inet_ntop` and libvirt print it.
    public var description: String {
        var output = [CChar](repeating: 0, count: 64)
        let af = family == .ipv4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            output.withUnsafeMutableBufferPointer { out in
                inet_ntop(af, raw.baseAddress, out.baseAddress, socklen_t(out.count)) != nil
            }
        }
        guard ok else { return "" }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The address as an unsigned integer (IPv4 only uses the low 32 bits).
    public var integerValue: (high: UInt64, low: UInt64) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if family == .ipv4 || index >= 8 { low = low << 8 | UInt64(byte) } else { high = high << 8 | UInt64(byte) }
        }
        return (high, low)
    }

    /// True for 0.0.0.0 / ::.
    public var isUnspecified: Bool { bytes.allSatisfy { $0 == 0 } }

    /// Numeric order within a family; IPv4 sorts before IPv6.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family == .ipv4 }
        return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    /// The address with every bit past `prefix` cleared.
    public func masked(to prefix: PrefixLength) -> IPAddress {
        var out = bytes
        for index in out.indices {
            let bitStart = index * 8
            if bitStart >= prefix.value {
                out[index] = 0
            } else if bitStart + 8 > prefix.value {
                let keep = prefix.value - bitStart
                out[index] &= UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
            }
        }
        return IPAddress(unchecked: family, out)
    }

    /// True when both addresses lie in the same network of the given prefix.
    public func sharesNetwork(with other: IPAddress, prefix: PrefixLength) -> Bool {
        family == other.family && masked(to: prefix) == other.masked(to: prefix)
    }

    private init(unchecked family: IPFamily, _ bytes: [UInt8]) {
        self.family = family
        self.bytes = bytes
    }
}
