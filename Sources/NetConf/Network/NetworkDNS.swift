import NetCore
import NetXML

/// A DNS server dnsmasq forwards to, optionally only for one domain.
public struct DNSForwarder: Hashable, Sendable {
    /// Upstream server address.
    public var address: IPAddress?
    /// Domain the server is used for.
    public var domain: String?

    /// The `<forwarder>` element (domain before addr, as libvirt writes it).
    var xml: XMLElement {
        var element = XMLElement("forwarder")
        element.set("domain", domain)
        element.set("addr", address?.description)
        return element
    }
}

/// A DNS TXT record.
public struct DNSTxtRecord: Hashable, Sendable {
    /// Record name (no spaces or commas).
    public var name: String
    /// Record text; nil only in partial records used for matching.
    public var value: String?

    /// Parses `<txt>`; `partial` allows a missing value (net-update delete).
    static func parse(_ element: XMLElement, network: String, partial: Bool) throws(PatchbayError) -> DNSTxtRecord {
        guard let name = element.attribute("name") else {
            throw PatchbayError(.xmlDetail, "missing required name attribute in DNS TXT record of network \(network)")
        }
        if name.contains(where: { $0 == " " || $0 == "," }) {
            throw PatchbayError(.xmlDetail, "prohibited character in DNS TXT record name '\(name)' of network \(network)")
        }
        let value = element.attribute("value")
        if value == nil && !partial {
            throw PatchbayError(.xmlDetail, "missing required value attribute in DNS TXT record named '\(name)' of network \(network)")
        }
        return DNSTxtRecord(name: name, value: value)
    }

    /// The `<txt>` element.
    var xml: XMLElement {
        XMLElement("txt", attributes: [("name", name), ("value", value ?? "")])
    }
}

/// A DNS SRV record.
public struct DNSSrvRecord: Hashable, Sendable {
    /// Longest service name libvirt accepts.
    public static let maximumServiceLength = 512 - 30

    /// Service name (`_service` without the underscore).
    public var service: String?
    /// Protocol (`tcp`, `udp`, ...).
    public var `protocol`: String?
    /// Domain of the record.
    public var domain: String?
    /// Target host.
    public var target: String?
    /// Port on the target (1–65535); 0 when unset.
    public var port: UInt32 = 0
    /// Priority (0–65535); 0 is not printed.
    public var priority: UInt32 = 0
    /// Weight (0–65535); 0 is not printed.
    public var weight: UInt32 = 0

    private static let serviceCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+/*")
    private static let protocolCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-+/")

    /// Parses `<srv>`; `partial` allows missing service/protocol (net-update delete).
    static func parse(_ element: XMLElement, network: String, partial: Bool) throws(PatchbayError) -> DNSSrvRecord {
        var record = DNSSrvRecord()
        record.service = element.attribute("service")
        if record.service == nil && !partial {
            throw PatchbayError(.xmlDetail, "missing required service attribute in DNS SRV record of network '\(network)'")
        }
        if let service = record.service {
            if service.utf8.count > maximumServiceLength {
                throw PatchbayError(.xmlDetail, "service attribute '\(service)' in network '\(network)' is too long, limit is \(maximumServiceLength) bytes")
            }
            if !service.allSatisfy(serviceCharacters.contains) {
                throw PatchbayError(.xmlDetail, "invalid character in service attribute '\(service)' in DNS SRV record of network '\(network)'")
            }
        }
        let serviceName = record.service ?? "(null)"
        record.protocol = element.attribute("protocol")
        if record.protocol == nil && !partial {
            throw PatchbayError(.xmlDetail, "missing required protocol attribute in DNS SRV record '\(serviceName)' of network '\(network)'")
        }
        if let proto = record.protocol, !proto.allSatisfy(protocolCharacters.contains) {
            throw PatchbayError(.xmlDetail, "invalid character in protocol attribute '\(proto)' in DNS SRV record of network '\(network)'")
        }
        record.domain = element.attribute("domain")
        record.target = element.attribute("target")
        let hasTarget = record.target != nil
        func number(_ name: String, invalid: String, range: ClosedRange<UInt64>) throws(PatchbayError) -> UInt32 {
            guard let text = element.nonEmptyAttribute(name) else {
                if element.attribute(name) != nil {
                    throw PatchbayError(.xmlDetail, "\(invalid) DNS SRV \(name) attribute for service '\(serviceName)' in network '\(network)'")
                }
                return 0
            }
            if !hasTarget {
                throw PatchbayError(.xmlDetail, "DNS SRV \(name) attribute not permitted without target for service '\(serviceName)' in network '\(network)'")
            }
            guard let value = LibvirtNumber.unsignedDecimal(text), range.contains(value) else {
                throw PatchbayError(.xmlDetail, "\(invalid) DNS SRV \(name) attribute for service '\(serviceName)' in network '\(network)'")
            }
            return UInt32(value)
        }
        record.port = try number("port", invalid: "invalid", range: 1...65535)
        record.priority = try number("priority", invalid: "Invalid", range: 0...65535)
        record.weight = try number("weight", invalid: "invalid", range: 0...65535)
        return record
    }

    /// The `<srv>` element; libvirt skips records lacking service or protocol.
    var xml: XMLElement? {
        guard let service, let proto = self.protocol else { return nil }
        var element = XMLElement("srv", attributes: [("service", service), ("protocol", proto)])
        element.set("domain", domain)
        element.set("target", target)
        if port != 0 { element.set("port", String(port)) }
        if priority != 0 { element.set("priority", String(priority)) }
        if weight != 0 { element.set("weight", String(weight)) }
        return element
    }
}

/// A DNS host entry: one address with its names.
public struct DNSHost: Hashable, Sendable {
    /// The address; nil only in partial entries used for matching.
    public var ip: IPAddress?
    /// Host names in order.
    public var hostnames: [String]

    /// Parses `<host>` of `<dns>`; `partial` allows a missing address or names (net-update delete).
    static func parse(_ element: XMLElement, network: String, partial: Bool) throws(PatchbayError) -> DNSHost {
        let names = element.elements("hostname").map(\.deepText)
        if names.contains(where: \.isEmpty) || (names.isEmpty && !partial) {
            throw PatchbayError(.xmlDetail, "Missing hostname in network '\(network)' DNS HOST record")
        }
        var ip: IPAddress?
        if let text = element.attribute("ip") {
            ip = try parseAddress(text, PatchbayError(.xmlDetail, "Invalid IP address in network '\(network)' DNS HOST record"))
        } else {
            if !partial {
                throw PatchbayError(.xmlDetail, "Missing IP address in network '\(network)' DNS HOST record")
            }
            if names.isEmpty {
                throw PatchbayError(.xmlDetail, "Missing ip and hostname in network '\(network)' DNS HOST record")
            }
        }
        return DNSHost(ip: ip, hostnames: names)
    }

    /// The `<host>` element with its `<hostname>` children.
    var xml: XMLElement {
        var element = XMLElement("host", attributes: [("ip", ip?.description ?? "")])
        for name in hostnames { element.appendText("hostname", name) }
        return element
    }
}

/// A network's `<dns>`: whether dnsmasq serves DNS, what it forwards, and its records.
public struct NetworkDNS: Hashable, Sendable {
    /// `enable='yes|no'`; no turns the DNS server off.
    public var enable: Bool?
    /// Whether names without a domain are forwarded upstream.
    public var forwardPlainNames: Bool?
    /// Upstream servers.
    public var forwarders: [DNSForwarder] = []
    /// TXT records.
    public var txtRecords: [DNSTxtRecord] = []
    /// SRV records.
    public var srvRecords: [DNSSrvRecord] = []
    /// Host entries.
    public var hosts: [DNSHost] = []

    /// An empty DNS section.
    public init() {}

    /// True when there is nothing to print.
    var isEmpty: Bool {
        enable == nil && forwardPlainNames == nil && forwarders.isEmpty && txtRecords.isEmpty && srvRecords.isEmpty && hosts.isEmpty
    }

    /// Parses `<dns>` of network `network`.
    static func parse(_ element: XMLElement, network: String) throws(PatchbayError) -> NetworkDNS {
        var dns = NetworkDNS()
        dns.enable = try tristate(element, "enable") { text in
            .xml("Invalid dns enable setting '\(text)' in network '\(network)'")
        }
        dns.forwardPlainNames = try tristate(element, "forwardPlainNames") { text in
            .xml("Invalid dns forwardPlainNames setting '\(text)' in network '\(network)'")
        }
        for forwarder in element.elements("forwarder") {
            let addressText = forwarder.attribute("addr")
            var address: IPAddress?
            if let addressText {
                address = try parseAddress(addressText, .xml("Invalid forwarder IP address '\(addressText)' in network '\(network)'"))
            }
            let domain = forwarder.attribute("domain")
            if addressText == nil && domain == nil {
                throw .xml("Invalid forwarder element, must contain at least one of addr or domain")
            }
            dns.forwarders.append(DNSForwarder(address: address, domain: domain))
        }
        for host in element.elements("host") {
            dns.hosts.append(try DNSHost.parse(host, network: network, partial: false))
        }
        for srv in element.elements("srv") {
            dns.srvRecords.append(try DNSSrvRecord.parse(srv, network: network, partial: false))
        }
        for txt in element.elements("txt") {
            dns.txtRecords.append(try DNSTxtRecord.parse(txt, network: network, partial: false))
        }
        if dns.enable == false, !(dns.forwarders.isEmpty && dns.hosts.isEmpty && dns.srvRecords.isEmpty && dns.txtRecords.isEmpty) {
            throw .xml("Extra data in disabled network '\(network)'")
        }
        return dns
    }

    /// The `<dns>` element (forwarders, txt, srv, host — libvirt's order), nil when empty.
    var xml: XMLElement? {
        guard !isEmpty else { return nil }
        var element = XMLElement("dns")
        element.set("enable", yesNoText(enable))
        element.set("forwardPlainNames", yesNoText(forwardPlainNames))
        element.append(contentsOf: forwarders.map(\.xml))
        element.append(contentsOf: txtRecords.map(\.xml))
        element.append(contentsOf: srvRecords.compactMap(\.xml))
        element.append(contentsOf: hosts.map(\.xml))
        return element
    }
}
