import NetCore
import NetXML

/// A static route the host adds for a network (`<route address prefix gateway>`).
public struct NetworkRoute: Hashable, Sendable {
    /// The `family` attribute when given.
    public var family: IPFamily?
    /// Destination network address.
    public var address: IPAddress
    /// IPv4 netmask, when given instead of a prefix.
    public var netmask: IPAddress?
    /// Prefix length, when given.
    public var prefix: UInt32?
    /// Next hop; must be on one of the network's own subnets.
    public var gateway: IPAddress
    /// Route metric, when given (never 0).
    public var metric: UInt32?

    /// Parses `<route>` of network `network`.
    static func parse(_ element: XMLElement, network: String) throws(PatchbayError) -> NetworkRoute {
        func unsigned(_ name: String, nonZero: Bool) throws(PatchbayError) -> UInt32? {
            guard let text = element.attribute(name) else { return nil }
            guard let value = LibvirtNumber.unsignedDecimal(text), value <= UInt64(UInt32.max), !(nonZero && value == 0) else {
                let expected = nonZero ? "Expected non-zero value" : "Expected non-negative integer value"
                throw .xml("Invalid value for attribute '\(name)' in element 'route': '\(text)'. \(expected)")
            }
            return UInt32(value)
        }
        let prefix = try unsigned("prefix", nonZero: false)
        let metric = try unsigned("metric", nonZero: true)
        let familyText = element.attribute("family")
        guard let addressText = element.attribute("address") else {
            throw .xml("\(network): Missing required address attribute in route definition")
        }
        guard let gatewayText = element.attribute("gateway") else {
            throw .xml("\(network): Missing required gateway attribute in route definition")
        }
        let address = try parseAddress(addressText, .xml("\(network): Bad network address '\(addressText)' in route definition"))
        let gateway = try parseAddress(gatewayText, .xml("\(network): Bad gateway address '\(gatewayText)' in route definition"))
        let netmaskText = element.attribute("netmask")
        var netmask: IPAddress?
        let family: IPFamily?
        switch familyText {
        case nil, "ipv4":
            family = familyText == nil ? nil : .ipv4
            let which = familyText == nil ? "No family" : "IPv4 family"
            guard address.family == .ipv4 else {
                throw .xml("\(network): \(which) specified for non-IPv4 address '\(addressText)' in route definition")
            }
            guard gateway.family == .ipv4 else {
                throw .xml("\(network): \(which) specified for non-IPv4 gateway '\(addressText)' in route definition")
            }
            if let netmaskText {
                netmask = try parseAddress(netmaskText, .xml("\(network): Bad netmask address '\(netmaskText)' in route definition"))
                guard netmask?.family == .ipv4 else {
                    throw .xml("\(network): Invalid netmask '\(netmaskText)' for address '\(addressText)' (both must be IPv4)")
                }
                if prefix != nil {
                    throw .xml("\(network): Route definition cannot have both a prefix and a netmask")
                }
            }
            if let prefix, prefix > 32 {
                throw .xml("\(network): Invalid prefix \(prefix) specified in route definition, must be 0 - 32")
            }
        case "ipv6":
            family = .ipv6
            guard address.family == .ipv6 else {
                throw .xml("\(network): ipv6 family specified for non-IPv6 address '\(addressText)' in route definition")
            }
            if netmaskText != nil {
                throw .xml("\(network): Specifying netmask invalid for IPv6 address '\(addressText)' in route definition")
            }
            guard gateway.family == .ipv6 else {
                throw .xml("\(network): ipv6 specified for non-IPv6 gateway address '\(gatewayText)' in route definition")
            }
            if let prefix, prefix > 128 {
                throw .xml("\(network): Invalid prefix \(prefix) specified in route definition, must be 0 - 128")
            }
        default:
            throw .xml("\(network): Unrecognized family '\(familyText ?? "")' in route definition")
        }
        // The destination must be a network address (no host bits set).
        let bits: Int
        if let netmask {
            guard let length = try? PrefixLength(netmask: netmask) else {
                throw .internalError("\(network): Error converting address '\(addressText)' with netmask '\(netmaskText ?? "")' to network-address in route definition")
            }
            bits = length.value
        } else {
            bits = Int(prefix ?? 0)
        }
        guard let length = try? PrefixLength(bits, family: address.family) else {
            throw .internalError("\(network): Error converting address '\(addressText)' with prefix \(bits) to network-address in route definition")
        }
        guard address.masked(to: length) == address else {
            throw .xml("\(network): Address '\(addressText)' in route definition is not a network address")
        }
        return NetworkRoute(family: family, address: address, netmask: netmask, prefix: prefix, gateway: gateway, metric: metric)
    }

    /// The `<route>` element.
    var xml: XMLElement {
        routeElement(family: family, address: address, netmask: netmask, prefix: prefix, gateway: gateway, metric: metric)
    }
}
