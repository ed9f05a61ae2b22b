import NetCore
import NetXML

/// An `<ip>` of an ethernet/user interface (guest side) or of an ethernet `<source>` (host side).
public struct InterfaceIP: Hashable, Sendable {
    public let address: IPAddress
    /// Prefix length, when given.
    public let prefix: UInt8?
    /// Point-to-point peer address.
    public let peer: IPAddress?

    /// Parses `<ip address= family= prefix= peer=>`.
    public init(xml element: XMLElement) throws(PatchbayError) {
        guard let text = element.attribute("address") else {
            throw PatchbayError(.xmlError, "Missing required address in <ip>", domain: .domain)
        }
        guard let address = IPAddress.parsingLibvirtNumericHost(text) else {
            throw PatchbayError(.xmlError, "Invalid address '\(text)' in <ip>", domain: .domain)
        }
        self.address = address
        // A known family must match; any other word is no family at all to libvirt.
        if let family = element.attribute("family").flatMap(IPFamily.init(rawValue:)), family != address.family {
            throw PatchbayError(.xmlError, "Invalid address '\(text)' in <ip>", domain: .domain)
        }
        if let prefixText = element.attribute("prefix") {
            guard let value = LibvirtNumber.unsigned(prefixText, allowHex: false), value <= UInt64(address.family.bitWidth) else {
                throw PatchbayError(.xmlError, "Invalid prefix value '\(prefixText)' in <ip>", domain: .domain)
            }
            prefix = value == 0 ? nil : UInt8(value)
        } else {
            prefix = nil
        }
        if let peerText = element.attribute("peer") {
            guard let peer = IPAddress.parsingLibvirtNumericHost(peerText) else {
                throw PatchbayError(.invalidArg, "Invalid peer '\(peerText)' in <ip>", domain: .domain)
            }
            self.peer = peer
        } else {
            peer = nil
        }
    }

    /// `<ip>` in libvirt's attribute order: address, family, prefix, peer.
    public var xml: XMLElement {
        var element = XMLElement("ip", attributes: [("address", address.description), ("family", address.family.rawValue)])
        element.set("prefix", prefix.map { String($0) })
        element.set("peer", peer?.description)
        return element
    }
}

/// A `<route>` of an ethernet/user interface.
public struct InterfaceRoute: Hashable, Sendable {
    /// Explicit family attribute, when given.
    public let family: IPFamily?
    /// Destination network.
    public let address: IPAddress
    /// IPv4 netmask form of the prefix.
    public let netmask: IPAddress?
    /// Prefix length.
    public let prefix: UInt8?
    /// Next hop.
    public let gateway: IPAddress
    /// Route metric.
    public let metric: UInt32?

    /// Which side of the NIC a route is for; libvirt names it at the start of every refusal.
    public enum Side: String, Sendable {
        /// Inside the guest (`<interface><route>`).
        case guest = "guest interface"
        /// On the host end of the tap (`<interface type='ethernet'><source><route>`).
        case host = "interface host IP"
        /// Inside a container, for a `<hostdev mode='capabilities' type='net'>`.
        case hostdev = "Domain hostdev device"
    }

    /// Parses `<route>`, with libvirt's checks: parse errors first (prefix, metric), then each address,
    /// the family of each, prefix or netmask (not both), and that the address is a network address.
    public init(xml element: XMLElement, side: Side) throws(PatchbayError) {
        func fail(_ detail: String) -> PatchbayError {
            PatchbayError(.xmlError, "\(side.rawValue): \(detail)", domain: .domain)
        }
        let familyText = element.attribute("family")
        let prefixValue = try element.domainUnsigned("prefix")
        metric = try element.domainUnsigned("metric", nonZero: true)
        guard let addressText = element.attribute("address") else {
            throw fail("Missing required address attribute in route definition")
        }
        guard let gatewayText = element.attribute("gateway") else {
            throw fail("Missing required gateway attribute in route definition")
        }
        let netmaskText = element.attribute("netmask")
        guard let address = IPAddress.parsingLibvirtNumericHost(addressText) else {
            throw fail("Bad network address '\(addressText)' in route definition")
        }
        guard let gateway = IPAddress.parsingLibvirtNumericHost(gatewayText) else {
            throw fail("Bad gateway address '\(gatewayText)' in route definition")
        }
        var netmask: IPAddress?
        if let netmaskText {
            guard let parsed = IPAddress.parsingLibvirtNumericHost(netmaskText) else {
                throw fail("Bad netmask address '\(netmaskText)' in route definition")
            }
            netmask = parsed
        }
        var family: IPFamily?
        if let familyText {
            guard let parsed = IPFamily(rawValue: familyText) else {
                throw fail("Unrecognized family '\(familyText)' in route definition")
            }
            family = parsed
        }
        switch family {
        case nil, .ipv4:
            let named = family == nil ? "No family specified for" : "IPv4 family specified for"
            if address.family != .ipv4 {
                throw fail("\(named) non-IPv4 address '\(addressText)' in route definition")
            }
            // libvirt names the address here, not the gateway.
            if gateway.family != .ipv4 {
                throw fail("\(named) non-IPv4 gateway '\(family == nil ? addressText : gatewayText)' in route definition")
            }
            if netmask != nil && prefixValue != nil {
                throw fail("Route definition cannot have both a prefix and a netmask")
            }
            if let prefixValue, prefixValue > 32 {
                throw fail("Invalid prefix \(prefixValue) specified in route definition, must be 0 - 32")
            }
        case .ipv6:
            if address.family != .ipv6 {
                throw fail("ipv6 family specified for non-IPv6 address '\(addressText)' in route definition")
            }
            if gateway.family != .ipv6 {
                throw fail("ipv6 specified for non-IPv6 gateway address '\(gatewayText)' in route definition")
            }
            if netmask != nil {
                throw fail("Specifying netmask invalid for IPv6 address '\(addressText)' in route definition")
            }
            if let prefixValue, prefixValue > 128 {
                throw fail("Invalid prefix \(prefixValue) specified in route definition, must be 0 - 128")
            }
        }
        // The destination must be a network: no host bits under the netmask or prefix (none: 0).
        let mask: [UInt8] = netmask?.bytes ?? Self.mask(prefix: Int(prefixValue ?? 0), bytes: address.bytes.count)
        if zip(address.bytes, mask).contains(where: { $0 & ~$1 != 0 }) {
            throw fail("Address '\(addressText)' in route definition is not a network address")
        }
        self.family = family
        self.address = address
        self.gateway = gateway
        self.netmask = netmask
        prefix = prefixValue.map { UInt8($0) }
    }

    /// A prefix as a netmask of `bytes` octets.
    private static func mask(prefix: Int, bytes: Int) -> [UInt8] {
        (0..<bytes).map { index in
            let bits = min(max(prefix - index * 8, 0), 8)
            return bits == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
        }
    }

    /// `<route>` in libvirt's attribute order.
    public var xml: XMLElement {
        routeElement(family: family, address: address, netmask: netmask, prefix: prefix.map(UInt32.init), gateway: gateway, metric: metric)
    }
}

/// A passt `<portForward>` of a user interface.
public struct PortForward: Hashable, Sendable {
    /// Forwarded protocol.
    public enum Proto: String, Sendable, CaseIterable {
        /// TCP
        case tcp
        /// UDP
        case udp
    }

    /// One `<range start= end= to= exclude=/>`.
    public struct Range: Hashable, Sendable {
        /// First host port (libvirt takes any non-zero number and leaves the range to passt).
        public let start: UInt32
        /// Last host port.
        public let end: UInt32?
        /// First guest port.
        public let to: UInt32?
        /// Whether the range is excluded from forwarding.
        public let exclude: Bool?
    }

    /// Protocol.
    public let proto: Proto
    /// Host address to listen on.
    public let address: IPAddress?
    /// Host device to listen on.
    public let dev: String?
    /// Port ranges.
    public let ranges: [Range]

    /// Parses `<portForward>`.
    public init(xml element: XMLElement) throws(PatchbayError) {
        guard let proto = try element.domainEnum("proto", Proto.self) else {
            throw PatchbayError(.xmlError, "Missing required attribute 'proto' in element 'portForward'", domain: .domain)
        }
        self.proto = proto
        if let text = element.attribute("address") {
            guard let address = IPAddress.parsingLibvirtNumericHost(text) else {
                throw PatchbayError(.xmlError, "Invalid address '\(text)' in <portForward>", domain: .domain)
            }
            self.address = address
        } else {
            address = nil
        }
        dev = element.attribute("dev")
        var ranges: [Range] = []
        for range in element.elements("range") {
            let start = try range.domainUnsigned("start", nonZero: true)
            let end = try range.domainUnsigned("end", nonZero: true)
            let to = try range.domainUnsigned("to", nonZero: true)
            let exclude = try range.domainYesNo("exclude")
            // A range without a start is skipped, as libvirt skips it.
            guard let start else { continue }
            ranges.append(Range(start: start, end: end, to: to, exclude: exclude))
        }
        self.ranges = ranges
    }

    /// `<portForward>` as libvirt formats it.
    public var xml: XMLElement {
        var element = XMLElement("portForward", attributes: [("proto", proto.rawValue)])
        element.set("address", address?.description)
        element.set("dev", dev)
        for range in ranges {
            var child = XMLElement("range", attributes: [("start", String(range.start))])
            child.set("end", range.end.map { String($0) })
            child.set("to", range.to.map { String($0) })
            child.set("exclude", yesNoText(range.exclude))
            element.append(child)
        }
        return element
    }
}
