import NetCore

/// libvirt's sanity check of an address range (`virSocketAddrGetRange`): same family, inside the
/// network when one is given, not the network or broadcast address (IPv4), not reversed, and no
/// larger than libvirt allows (the last two bytes of IPv4, the last 16 bits of IPv6).
enum AddressRange {
    /// Validates the range and returns the number of addresses in it.
    @discardableResult
    static func check(start: IPAddress, end: IPAddress, network: IPAddress?, prefix: Int?) throws(PatchbayError) -> Int {
        let startText = start.description
        let endText = end.description
        guard start.family == end.family else {
            throw .internalError("mismatch of address family in range \(startText) - \(endText)")
        }
        if let network {
            let prefixText = prefix.map(String.init) ?? "-1"
            guard let prefix, prefix >= 0, prefix <= network.family.bitWidth,
                  let length = try? PrefixLength(prefix, family: network.family) else {
                throw .internalError("bad prefix \(prefixText) for network \(network) when  checking range \(startText) - \(endText)")
            }
            guard start.sharesNetwork(with: network, prefix: length), end.sharesNetwork(with: network, prefix: length) else {
                throw .internalError("range \(startText) - \(endText) is not entirely within network \(network)/\(prefix)")
            }
            if start.family == .ipv4 {
                let networkAddress = network.masked(to: length)
                if start == networkAddress {
                    throw .internalError("start of range \(startText) - \(endText) in network \(network)/\(prefix) is the network address")
                }
                if end == broadcast(of: network, prefix: prefix) {
                    throw .internalError("end of range \(startText) - \(endText) in network \(network)/\(prefix) is the broadcast address")
                }
            }
        }
        // libvirt only counts the low 16 bits; anything differing above them is "too large".
        let fixedBytes = start.family == .ipv4 ? 2 : 14
        guard start.bytes.prefix(fixedBytes) == end.bytes.prefix(fixedBytes) else {
            throw .internalError("range \(startText) - \(endText) too large")
        }
        let count = fixedBytes
        let startLow = Int(start.bytes[count]) << 8 | Int(start.bytes[count + 1])
        let endLow = Int(end.bytes[count]) << 8 | Int(end.bytes[count + 1])
        guard endLow >= startLow else {
            throw .internalError("range \(startText) - \(endText) is reversed ")
        }
        return endLow - startLow + 1
    }

    /// The IPv4 broadcast address of `network`/`prefix`.
    static func broadcast(of network: IPAddress, prefix: Int) -> IPAddress {
        var bytes = network.bytes
        for index in bytes.indices {
            let bitStart = index * 8
            if bitStart >= prefix {
                bytes[index] = 0xFF
            } else if bitStart + 8 > prefix {
                bytes[index] |= UInt8(truncatingIfNeeded: 0xFF >> (prefix - bitStart))
            }
        }
        return (try? IPAddress(bytes: bytes)) ?? network
    }
}
