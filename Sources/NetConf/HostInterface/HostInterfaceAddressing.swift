import NetCore
import NetXML

/// One `<protocol family='ipv4|ipv6'>` of a host interface: static addresses, a default route,
/// DHCP or (IPv6) autoconf.
public struct HostInterfaceAddressing: Hashable, Sendable {
    /// A static address.
    public struct Address: Hashable, Sendable {
        public var address: IPAddress
        /// Prefix length (libvirt leaves it out when the document did).
        public var prefix: Int?

        /// An address.
        public init(address: IPAddress, prefix: Int?) {
            self.address = address
            self.prefix = prefix
        }
    }

    /// IPv4 or IPv6.
    public var family: IPFamily
    /// Static addresses.
    public var addresses: [Address]
    /// Default gateway.
    public var gateway: IPAddress?
    /// `<dhcp>` present; `peerdns` is its attribute.
    public var dhcp: Bool
    /// `<dhcp peerdns=>`.
    public var peerDNS: Bool?
    /// `<autoconf/>` (IPv6 only).
    public var autoconf: Bool

    /// Addressing of one family.
    public init(family: IPFamily, addresses: [Address] = [], gateway: IPAddress? = nil, dhcp: Bool = false,
                peerDNS: Bool? = nil, autoconf: Bool = false) {
        self.family = family
        self.addresses = addresses
        self.gateway = gateway
        self.dhcp = dhcp
        self.peerDNS = peerDNS
        self.autoconf = autoconf
    }

    static func parse(_ element: XMLElement) throws(PatchbayError) -> HostInterfaceAddressing {
        let family: IPFamily
        switch element.attribute("family") {
        case "ipv4": family = .ipv4
        case "ipv6": family = .ipv6
        case let other:
            throw PatchbayError(.xmlError, "unknown protocol family '\(other ?? "")'", domain: .interface)
        }
        var addressing = HostInterfaceAddressing(family: family)
        for child in element.elements {
            switch child.name {
            case "ip":
                let text = try child.required("address")
                guard let address = try? IPAddress(text), address.family == family else {
                    throw PatchbayError(.xmlError, "invalid \(family.rawValue) address '\(text)'", domain: .interface)
                }
                let prefix = try child.unsigned("prefix", maximum: UInt64(family.bitWidth)).map { Int($0) }
                addressing.addresses.append(Address(address: address, prefix: prefix))
            case "route":
                guard addressing.gateway == nil else {
                    throw PatchbayError(.xmlError, "multiple routes in an \(family.rawValue) protocol element", domain: .interface)
                }
                let text = try child.required("gateway")
                guard let gateway = try? IPAddress(text), gateway.family == family else {
                    throw PatchbayError(.xmlError, "invalid \(family.rawValue) gateway '\(text)'", domain: .interface)
                }
                addressing.gateway = gateway
            case "dhcp":
                addressing.dhcp = true
                addressing.peerDNS = try child.yesNo("peerdns")
            case "autoconf" where family == .ipv6:
                addressing.autoconf = true
            default:
                throw PatchbayError(.xmlError, "unexpected element <\(child.name)> in \(family.rawValue) protocol", domain: .interface)
            }
        }
        return addressing
    }

    var xml: XMLElement {
        var element = XMLElement("protocol", attributes: [("family", family.rawValue)])
        if autoconf { element.append(XMLElement("autoconf")) }
        if dhcp {
            var child = XMLElement("dhcp")
            child.set("peerdns", peerDNS.map { $0 ? "yes" : "no" })
            element.append(child)
        }
        for address in addresses {
            var child = XMLElement("ip", attributes: [("address", address.address.description)])
            child.set("prefix", address.prefix.map(String.init))
            element.append(child)
        }
        if let gateway { element.append(XMLElement("route", attributes: [("gateway", gateway.description)])) }
        return element
    }
}
