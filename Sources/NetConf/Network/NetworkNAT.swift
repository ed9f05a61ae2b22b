import NetCore
import NetXML

/// `<nat>` inside a NAT network's `<forward>`: SNAT address range, port range, IPv6 NAT.
public struct NetworkNAT: Hashable, Sendable {
    /// IPv4 addresses to SNAT to.
    public var addressStart: IPAddress?
    /// Last SNAT address.
    public var addressEnd: IPAddress?
    /// First port used for SNAT/masquerade (0 = unset).
    public var portStart: UInt32 = 0
    /// Last port (0 = unset).
    public var portEnd: UInt32 = 0
    /// Whether IPv6 traffic is NATed too.
    public var ipv6: Bool?

    /// An empty setting.
    public init() {}

    /// True when nothing is set (libvirt then prints no `<nat>`).
    var isEmpty: Bool { addressStart == nil && addressEnd == nil && portStart == 0 && portEnd == 0 && ipv6 == nil }

    /// Parses `<nat>` of network `network`.
    static func parse(_ element: XMLElement, network: String) throws(PatchbayError) -> NetworkNAT {
        var nat = NetworkNAT()
        nat.ipv6 = try element.yesNo("ipv6")
        let addresses = element.elements("address")
        if addresses.count > 1 {
            throw .xml("Only one <address> element is allowed in <nat> in <forward> in network \(network)")
        }
        if let address = addresses.first {
            guard let start = address.attribute("start") else {
                throw .xml("missing 'start' attribute in <address> element in <nat> in <forward> in network \(network)")
            }
            guard let end = address.attribute("end") else {
                throw .xml("missing 'end' attribute in <address> element in <nat> in <forward> in network \(network)")
            }
            let startAddress = try? IPAddress(start, family: .ipv4)
            guard let startAddress else {
                throw .xml("Bad ipv4 start address '\(start)' in <nat> in <forward> in network '\(network)'")
            }
            let endAddress = try? IPAddress(end, family: .ipv4)
            guard let endAddress else {
                throw .xml("Bad ipv4 end address '\(end)' in <nat> in <forward> in network '\(network)'")
            }
            try AddressRange.check(start: startAddress, end: endAddress, network: nil, prefix: nil)
            nat.addressStart = startAddress
            nat.addressEnd = endAddress
        }
        let ports = element.elements("port")
        if ports.count > 1 {
            throw .xml("Only one <port> element is allowed in <nat> in <forward> in network \(network)")
        }
        if let port = ports.first {
            guard let start = port.nonEmptyAttribute("start").flatMap(LibvirtNumber.unsignedDecimal), start <= 65535 else {
                throw PatchbayError(.xmlDetail, "Missing or invalid 'start' attribute in <port> in <nat> in <forward> in network \(network)")
            }
            guard let end = port.nonEmptyAttribute("end").flatMap(LibvirtNumber.unsignedDecimal), end <= 65535, end >= start else {
                throw PatchbayError(.xmlDetail, "Missing or invalid 'end' attribute in <port> in <nat> in <forward> in network \(network)")
            }
            nat.portStart = UInt32(start)
            nat.portEnd = UInt32(end)
        }
        return nat
    }

    /// The `<nat>` element, nil when empty.
    var xml: XMLElement? {
        guard !isEmpty else { return nil }
        var element = XMLElement("nat")
        element.set("ipv6", yesNoText(ipv6))
        if let addressStart {
            var address = XMLElement("address", attributes: [("start", addressStart.description)])
            address.set("end", addressEnd?.description)
            element.append(address)
        }
        if portStart != 0 || portEnd != 0 {
            var port = XMLElement("port", attributes: [("start", String(portStart))])
            if portEnd != 0 { port.set("end", String(portEnd)) }
            element.append(port)
        }
        return element
    }
}
