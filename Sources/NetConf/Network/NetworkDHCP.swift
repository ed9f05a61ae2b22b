import NetCore
import NetXML

/// A DHCP lease time (`<lease expiry='N' unit='...'/>`); expiry 0 means an infinite lease.
public struct DHCPLease: Hashable, Sendable {
    /// The unit of `expiry`.
    public enum Unit: String, Sendable, CaseIterable {
        /// Seconds.
        case seconds
        /// Minutes (libvirt's default).
        case minutes
        /// Hours.
        case hours
    }

    /// Lease length in `unit`; 0 is infinite.
    public var expiry: UInt64
    /// Unit of the expiry.
    public var unit: Unit

    /// Creates a lease, refusing what dnsmasq refuses: anything shorter than two minutes.
    public init(expiry: UInt64, unit: Unit = .minutes) throws(PatchbayError) {
        if expiry > 0, (unit == .seconds && expiry < 120) || (unit == .minutes && expiry < 2) {
            throw .unsupported("The minimum lease time should be greater than 2 minutes")
        }
        self.expiry = expiry
        self.unit = unit
    }

    /// Parses `<lease>`; nil when it has no `expiry` (libvirt ignores such an element).
    static func parse(_ element: XMLElement) throws(PatchbayError) -> DHCPLease? {
        guard let text = element.attribute("expiry") else { return nil }
        guard let expiry = LibvirtNumber.unsignedBase0(text) else {
            throw .xml("Invalid value for attribute 'expiry' in element 'lease': '\(text)'. Expected non-negative integer value")
        }
        let unit = try element.enumeration("unit", Unit.self) ?? .minutes
        return try DHCPLease(expiry: expiry, unit: unit)
    }

    /// The element; an infinite lease carries no unit.
    var xml: XMLElement {
        var element = XMLElement("lease", attributes: [("expiry", String(expiry))])
        if expiry != 0 { element.set("unit", unit.rawValue) }
        return element
    }
}

/// One `<range start end>` of addresses the DHCP server hands out.
public struct DHCPRange: Hashable, Sendable {
    /// First address.
    public var start: IPAddress
    /// Last address.
    public var end: IPAddress
    /// Lease time for addresses from this range.
    public var lease: DHCPLease?

    /// Creates a range checked against its network (`ip`), as libvirt does.
    public init(start: IPAddress, end: IPAddress, lease: DHCPLease? = nil, in ip: NetworkIP) throws(PatchbayError) {
        try AddressRange.check(start: start, end: end, network: ip.address, prefix: ip.effectivePrefix)
        self.start = start
        self.end = end
        self.lease = lease
    }

    /// Parses `<range>` inside the `<dhcp>` of `ip`.
    static func parse(_ element: XMLElement, in ip: NetworkIP, network: String) throws(PatchbayError) -> DHCPRange {
        guard let startText = element.attribute("start") else {
            throw .xml("Missing 'start' attribute in dhcp range for network '\(network)'")
        }
        let start = try parseSocketAddress(startText)
        guard let endText = element.attribute("end") else {
            throw .xml("Missing 'end' attribute in dhcp range for network '\(network)'")
        }
        let end = try parseSocketAddress(endText)
        let lease = try element.first("lease").flatMap { lease throws(PatchbayError) in try DHCPLease.parse(lease) }
        return try DHCPRange(start: start, end: end, lease: lease, in: ip)
    }

    /// The `<range>` element.
    var xml: XMLElement {
        var element = XMLElement("range", attributes: [("start", start.description), ("end", end.description)])
        if let lease { element.append(lease.xml) }
        return element
    }
}

/// A static DHCP host: a MAC (IPv4) or DUID (IPv6) and/or a name, bound to an address.
public struct DHCPHost: Hashable, Sendable {
    /// MAC address as written (libvirt keeps the text; it is checked to be a unicast MAC).
    public var mac: String?
    /// DHCPv6 client DUID (hex digits and colons).
    public var id: String?
    /// Host name.
    public var name: String?
    /// The reserved address; absent only in partial entries used to match (net-update delete).
    public var ip: IPAddress?
    /// Lease time for this host.
    public var lease: DHCPLease?

    /// Parses `<host>` of the `<dhcp>` in `ip`. `partial` accepts incomplete entries used for matching.
    static func parse(_ element: XMLElement, in ip: NetworkIP, network: String, partial: Bool) throws(PatchbayError) -> DHCPHost {
        let isIPv6 = ip.address.family == .ipv6
        let mac = element.attribute("mac")
        if let mac {
            if isIPv6 {
                throw .xml("Invalid to specify MAC address '\(mac)' in network '\(network)' IPv6 static host definition")
            }
            let parsed: MACAddress
            do { parsed = try MACAddress(mac) } catch {
                throw .xml("Cannot parse MAC address '\(mac)' in network '\(network)'")
            }
            if parsed.isMulticast {
                throw .xml("expected unicast mac address, found multicast '\(mac)' in network '\(network)'")
            }
        }
        let id = element.attribute("id")
        if let id, let bad = id.first(where: { !($0.isHexDigit || $0 == ":") }) {
            throw .xml("Invalid character '\(bad)' in id '\(id)' of network '\(network)'")
        }
        let name = element.attribute("name")
        if let name, !(name.first.map { $0.isASCII && ($0.isLetter || $0.isNumber) } ?? false) {
            throw .xml("Cannot use host name '\(name)' in network '\(network)'")
        }
        var address: IPAddress?
        if let text = element.attribute("ip") {
            address = try parseAddress(text, .xml("Invalid IP address in static host definition for network '\(network)'"))
        }
        if partial {
            if mac == nil && name == nil && address == nil {
                throw .xml("At least one of name, mac, or ip attribute must be specified for static host definition in network '\(network)'")
            }
        } else {
            if isIPv6 {
                if id == nil && name == nil {
                    throw .xml("Static host definition in IPv6 network '\(network)' must have id or name attribute")
                }
            } else if mac == nil && name == nil {
                throw .xml("Static host definition in IPv4 network '\(network)' must have mac or name attribute")
            }
            if address == nil {
                throw .xml("Missing IP address in static host definition for network '\(network)'")
            }
        }
        let lease = try element.first("lease").flatMap { lease throws(PatchbayError) in try DHCPLease.parse(lease) }
        return DHCPHost(mac: mac, id: id, name: name, ip: address, lease: lease)
    }

    /// True when `mac` names the same hardware address as this host's (case and zero padding ignored).
    func macMatches(_ other: String?) -> Bool {
        guard let other, let mac else { return false }
        if let a = try? MACAddress(mac), let b = try? MACAddress(other) { return a == b }
        return mac.lowercased() == other.lowercased()
    }

    /// The `<host>` element in libvirt's attribute order: mac, id, name, ip.
    var xml: XMLElement {
        var element = XMLElement("host")
        element.set("mac", mac)
        element.set("id", id)
        element.set("name", name)
        element.set("ip", ip?.description)
        if let lease { element.append(lease.xml) }
        return element
    }
}

/// The PXE boot file offered by DHCP (`<bootp file server>`), IPv4 only.
public struct DHCPBootp: Hashable, Sendable {
    /// Boot file name.
    public var file: String
    /// TFTP server address when it is not the network's own.
    public var server: IPAddress?

    public init(file: String, server: IPAddress? = nil) {
        self.file = file
        self.server = server
    }

    /// The `<bootp>` element.
    var xml: XMLElement {
        var element = XMLElement("bootp", attributes: [("file", file)])
        element.set("server", server?.description)
        return element
    }
}
