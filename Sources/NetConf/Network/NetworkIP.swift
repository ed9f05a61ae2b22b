import NetCore
import NetXML

/// One `<ip>` of a network: the host-side address of the bridge, its DHCP service and TFTP root.
public struct NetworkIP: Hashable, Sendable {
    /// The `family` attribute exactly as given (`ipv4`/`ipv6`); libvirt prints it only when given.
    public var family: IPFamily?
    /// The bridge's own address.
    public var address: IPAddress
    /// IPv4 netmask, when given instead of a prefix.
    public var netmask: IPAddress?
    /// Prefix length; nil when not given.
    public var prefix: UInt32?
    /// Whether dnsmasq answers reverse lookups for the network locally.
    public var localPtr: Bool?
    /// TFTP root served by dnsmasq (IPv4 only).
    public var tftpRoot: String?
    /// DHCP address ranges.
    public var dhcpRanges: [DHCPRange] = []
    /// Static DHCP hosts.
    public var dhcpHosts: [DHCPHost] = []
    /// PXE boot file (formatted only when the DHCP section has a range or host, like libvirt).
    public var bootp: DHCPBootp?

    public init(family: IPFamily? = nil, address: IPAddress, netmask: IPAddress? = nil, prefix: UInt32? = nil,
                localPtr: Bool? = nil) {
        self.family = family
        self.address = address
        self.netmask = netmask
        self.prefix = prefix
        self.localPtr = localPtr
    }

    /// The prefix libvirt computes (`virNetworkIPDefPrefix`): prefix, else netmask bits, else the
    /// classful IPv4 prefix or 64 for IPv6; nil when none can be derived.
    public var effectivePrefix: Int? {
        if let prefix, prefix > 0 { return Int(prefix) }
        if let netmask { return (try? PrefixLength(netmask: netmask))?.value }
        if address.family == .ipv6 { return 64 }
        return PrefixLength.classful(for: address)?.value
    }

    /// True when this address runs DHCP (it has a range or a static host).
    public var hasDHCP: Bool { !dhcpRanges.isEmpty || !dhcpHosts.isEmpty }

    /// Parses `<ip>` of network `network`.
    static func parse(_ element: XMLElement, network: String) throws(PatchbayError) -> NetworkIP {
        let familyText = element.nonEmptyAttribute("family")
        guard let addressText = element.nonEmptyAttribute("address") else {
            throw .xml("Missing required address attribute in network '\(network)'")
        }
        let address = try parseAddress(addressText, .xml("Invalid address '\(addressText)' in network '\(network)'"))
        let netmaskText = element.nonEmptyAttribute("netmask")
        var netmask: IPAddress?
        if let netmaskText {
            netmask = try parseAddress(netmaskText, .xml("Invalid netmask '\(netmaskText)' in network '\(network)'"))
        }
        var prefix: UInt32?
        if let text = element.nonEmptyAttribute("prefix") {
            guard let value = LibvirtNumber.unsignedDecimal(text), value <= UInt64(UInt32.max) else {
                throw .xml("Invalid value for attribute 'prefix' in element 'ip': '\(text)'. Expected non-negative integer value")
            }
            prefix = UInt32(value)
        }
        let localPtr = try tristate(element, "localPtr") { text in
            .xml("Invalid localPtr value '\(text)' in network '\(network)'")
        }
        let family: IPFamily?
        switch familyText {
        case nil, "ipv4":
            family = familyText == nil ? nil : .ipv4
            guard address.family == .ipv4 else {
                throw .unsupported("\(familyText == nil ? "no" : "ipv4") family specified for non-IPv4 address '\(addressText)' in network '\(network)'")
            }
            if let netmaskText {
                guard netmask?.family == .ipv4 else {
                    throw .unsupported("Invalid netmask '\(netmaskText)' for address '\(addressText)' in network '\(network)' (both must be IPv4)")
                }
                if let prefix, prefix > 0 {
                    throw .unsupported("Network '\(network)' IP address cannot have both a prefix and a netmask")
                }
            } else if let prefix, prefix > 32 {
                throw .unsupported("Invalid IPv4 prefix '\(prefix)' in network '\(network)'")
            }
        case "ipv6":
            family = .ipv6
            guard address.family == .ipv6 else {
                throw .unsupported("Family 'ipv6' specified for non-IPv6 address '\(addressText)' in network '\(network)'")
            }
            if netmaskText != nil {
                throw .unsupported("netmask not allowed for IPv6 address '\(addressText)' in network '\(network)'")
            }
            if let prefix, prefix > 128 {
                throw .unsupported("Invalid IPv6 prefix '\(prefix)' in network '\(network)'")
            }
        default:
            throw .xml("Unrecognized family '\(familyText ?? "")' in network '\(network)'")
        }
        var ip = NetworkIP(family: family, address: address, netmask: netmask, prefix: prefix, localPtr: localPtr)
        if let dhcp = element.first("dhcp") {
            try ip.parseDHCP(dhcp, network: network)
        }
        if let tftp = element.first("tftp") {
            guard address.family == .ipv4 else {
                throw .unsupported("Unsupported <tftp> element in an IPv6 element in network '\(network)'")
            }
            ip.tftpRoot = tftp.nonEmptyAttribute("root")
        }
        return ip
    }

    private mutating func parseDHCP(_ dhcp: XMLElement, network: String) throws(PatchbayError) {
        for range in dhcp.elements("range") {
            dhcpRanges.append(try DHCPRange.parse(range, in: self, network: network))
        }
        for host in dhcp.elements("host") {
            dhcpHosts.append(try DHCPHost.parse(host, in: self, network: network, partial: false))
        }
        // libvirt reads <bootp> only for IPv4 addresses, skips one without a file, and keeps the last.
        for bootp in dhcp.elements("bootp") where address.family == .ipv4 {
            guard let file = bootp.attribute("file") else { continue }
            var server: IPAddress?
            if let text = bootp.attribute("server") { server = try parseSocketAddress(text) }
            self.bootp = DHCPBootp(file: file, server: server)
        }
    }

    /// The `<ip>` element; libvirt always writes it open (`<ip ...>` and `</ip>`).
    var xml: XMLElement {
        var element = XMLElement("ip", keepsOpenWhenEmpty: true)
        element.set("family", family?.rawValue)
        element.set("address", address.description)
        element.set("netmask", netmask?.description)
        if let prefix, prefix > 0 { element.set("prefix", String(prefix)) }
        element.set("localPtr", yesNoText(localPtr))
        if let tftpRoot { element.append(XMLElement("tftp", attributes: [("root", tftpRoot)])) }
        if hasDHCP {
            var dhcp = XMLElement("dhcp")
            dhcp.append(contentsOf: dhcpRanges.map(\.xml))
            dhcp.append(contentsOf: dhcpHosts.map(\.xml))
            if let bootp { dhcp.append(bootp.xml) }
            element.append(dhcp)
        }
        return element
    }
}
