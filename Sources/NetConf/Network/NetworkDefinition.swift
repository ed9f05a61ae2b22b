import NetCore
import NetXML

/// A libvirt network definition (`<network>`), as libvirt 9.0 reads, checks and writes it.
public struct NetworkDefinition: Hashable, Sendable {
    /// Network name (no `/`).
    public var name: String
    /// UUID; generated when the document has none.
    public var uuid: LibvirtUUID
    /// True when the UUID came from the document.
    public var uuidGiven: Bool = true
    /// One-line title.
    public var title: String?
    /// Free-form description.
    public var description: String?
    /// Applications' private metadata.
    public var metadata: NetworkMetadata?
    /// `ipv6='yes'`: IPv6 between guests even without an IPv6 address on the bridge.
    public var ipv6WithoutGateway: Bool = false
    /// Whether guests' receive filters are trusted.
    public var trustGuestRxFilters: Bool?
    /// Forwarding; nil for an isolated network.
    public var forward: NetworkForward?
    /// Bridge settings.
    public var bridge: NetworkBridge = NetworkBridge()
    /// MTU of the bridge (nil: kernel default).
    public var mtu: UInt32?
    /// Bridge MAC address.
    public var mac: MACAddress?
    /// DNS domain.
    public var domain: NetworkDomain?
    /// DNS settings.
    public var dns: NetworkDNS = NetworkDNS()
    /// Network-wide VLAN tags.
    public var vlan: VLAN?
    /// Network-wide QoS (no floor).
    public var bandwidth: Bandwidth?
    /// Port isolation default.
    public var portOptions: PortOptions?
    /// Host addresses with DHCP and TFTP.
    public var ips: [NetworkIP] = []
    /// Static routes.
    public var routes: [NetworkRoute] = []
    /// Network-wide port profile (type required).
    public var virtualPort: VirtualPort?
    /// Portgroups.
    public var portgroups: [Portgroup] = []
    /// Extra dnsmasq options.
    public var dnsmasqOptions: DnsmasqOptions?
    /// Ports in use (live state; written only in live XML).
    public var connections: Int = 0

    /// A minimal isolated network.
    public init(name: String, uuid: LibvirtUUID = .random()) {
        self.name = name
        self.uuid = uuid
    }

    /// The effective forward mode; nil for isolated networks.
    public var forwardMode: ForwardMode? { forward?.mode }

    /// Parses a `<network>` document.
    public static func parse(xml: String) throws(PatchbayError) -> NetworkDefinition {
        try parse(element: try XMLParser.parse(xml, url: "(network_definition)"))
    }

    /// Parses a `<network>` root element.
    public static func parse(element root: XMLElement) throws(PatchbayError) -> NetworkDefinition {
        guard root.name == "network", root.namespaceURI == nil else {
            throw .xml("expecting root element of 'network', not '\(root.name)'")
        }
        guard let name = root.first("name").map(\.deepText), !name.isEmpty else {
            throw PatchbayError(.noName, "the <network> element needs a <name>")
        }
        if name.contains("/") {
            throw PatchbayError(.xmlDetail, "invalid char in name: 0x2f")
        }
        var network = NetworkDefinition(name: name)
        try network.parseIdentity(root)
        try network.parseHostSide(root)
        for element in root.elements("portgroup") { network.portgroups.append(try Portgroup.parse(element)) }
        for element in root.elements("ip") { network.ips.append(try NetworkIP.parse(element, network: name)) }
        for element in root.elements("route") { network.routes.append(try NetworkRoute.parse(element, network: name)) }
        try network.checkRouteGateways()
        if let forward = root.first("forward") { network.forward = try NetworkForward.parse(forward, network: name) }
        try network.checkForwardModeConsistency()
        if let metadata = root.first("metadata") { network.metadata = NetworkMetadata(metadata) }
        network.dnsmasqOptions = DnsmasqOptions.parse(root: root)
        try network.checkPortgroups()
        return network
    }

    private mutating func parseIdentity(_ root: XMLElement) throws(PatchbayError) {
        if let text = root.first("uuid").map(\.deepText), !text.isEmpty {
            uuid = try LibvirtUUID(text)
        } else {
            uuidGiven = false
        }
        if let text = root.first("title").map(\.deepText), !text.isEmpty {
            if text.contains("\n") { throw .xml("Network title can't contain newlines") }
            title = text
        }
        if let text = root.first("description").map(\.deepText), !text.isEmpty { description = text }
        if let text = root.nonEmptyAttribute("ipv6") {
            guard text == "yes" || text == "no" else { throw .xml("Invalid ipv6 setting '\(text)' in network '\(name)'") }
            ipv6WithoutGateway = text == "yes"
        }
        trustGuestRxFilters = try root.yesNo("trustGuestRxFilters")
        if let element = root.first("domain"), let domainName = element.nonEmptyAttribute("name") {
            let network = name
            let localOnly = try tristate(element, "localOnly") { text in
                .xml("Invalid domain localOnly setting '\(text)' in network '\(network)'")
            }
            domain = NetworkDomain(name: domainName, localOnly: localOnly)
        } else if let element = root.first("domain") {
            let network = name
            _ = try tristate(element, "localOnly") { text in
                .xml("Invalid domain localOnly setting '\(text)' in network '\(network)'")
            }
        }
    }

    private mutating func parseHostSide(_ root: XMLElement) throws(PatchbayError) {
        if let element = root.first("bandwidth") { bandwidth = try Bandwidth.parse(element, allowFloor: false) }
        if let element = root.first("vlan") { vlan = try VLAN(xml: element) }
        if let element = root.first("port") { portOptions = try PortOptions.parse(element) }
        bridge = try NetworkBridge.parse(root.first("bridge"), network: name)
        if let text = root.first("mac")?.nonEmptyAttribute("address") {
            let parsed: MACAddress
            do { parsed = try MACAddress(text) } catch {
                throw .xml("Invalid bridge mac address '\(text)' in network '\(name)'")
            }
            if parsed.isMulticast { throw .xml("Invalid multicast bridge mac address '\(text)' in network '\(name)'") }
            mac = parsed
        }
        if let text = root.first("mtu")?.nonEmptyAttribute("size") {
            guard let value = LibvirtNumber.unsignedDecimal(text), value <= UInt64(UInt32.max) else {
                throw .xml("Invalid mtu size '\(text)' in network '\(name)'")
            }
            mtu = value == 0 ? nil : UInt32(value)
        }
        if let element = root.first("dns") { dns = try NetworkDNS.parse(element, network: name) }
        if let element = root.first("virtualport") {
            let port = try VirtualPort(xml: element)
            guard port.kind != nil else { throw .xml("missing virtualport type") }
            virtualPort = port
        }
    }

    /// Every static route's gateway must be directly reachable on one of the network's subnets.
    private func checkRouteGateways() throws(PatchbayError) {
        for route in routes {
            let reachable = ips.contains { ip in
                guard ip.address.family == route.gateway.family, let bits = ip.effectivePrefix,
                      let prefix = try? PrefixLength(bits, family: ip.address.family) else { return false }
                return ip.address.sharesNetwork(with: route.gateway, prefix: prefix)
            }
            if !reachable {
                throw .unsupported("unreachable static route gateway '\(route.gateway)' specified for network '\(name)'")
            }
        }
    }

    /// libvirt's checks of the settings that depend on the forward mode.
    private func checkForwardModeConsistency() throws(PatchbayError) {
        guard let forward else { return }
        let mode = forward.mode.rawValue
        switch forward.mode {
        case .nat, .route, .open:
            if ips.isEmpty {
                throw .xml("\(mode) forwarding requested, but no IP address provided for network '\(name)'")
            }
            if forward.pool.count > 1 {
                throw .xml("multiple forwarding interfaces specified for network '\(name)', only one is supported")
            }
            if forward.mode == .open && !forward.pool.isEmpty {
                throw .xml("forward dev not allowed for network '\(name)' with forward mode='\(mode)'")
            }
        case .private, .vepa, .passthrough, .hostdev, .bridge:
            if forward.mode != .bridge {
                if bridge.name != nil { throw .xml("bridge name not allowed in \(mode) mode (network '\(name)')") }
                if bridge.zone != nil { throw .xml("bridge zone not allowed in \(mode) mode (network '\(name)')") }
                if bridge.macTableManager != nil {
                    throw .xml("bridge macTableManager setting not allowed in \(mode) mode (network '\(name)')")
                }
            }
            if bridge.delay != 0 || bridge.stpGiven || bridge.zone != nil {
                throw .xml("bridge delay/stp/zone options only allowed in route, nat, and isolated mode, not in \(mode) (network '\(name)')")
            }
            if bridge.name != nil && (!forward.pool.isEmpty || forward.physicalFunction != nil) {
                throw .xml("A network with forward mode='\(mode)' can specify a bridge name or a forward dev, but not both (network '\(name)')")
            }
            if mtu != nil {
                throw .xml("mtu size only allowed in open, route, nat, and isolated mode, not in \(mode) (network '\(name)')")
            }
        }
    }

    /// Portgroup names are unique and at most one portgroup is the default.
    func checkPortgroups() throws(PatchbayError) {
        var defaultGroup: String?
        for (index, group) in portgroups.enumerated() {
            if group.isDefault {
                if let defaultGroup {
                    throw .xml("network '\(name)' has multiple default <portgroup> elements (\(defaultGroup) and \(group.name)), but only one default is allowed")
                }
                defaultGroup = group.name
            }
            if portgroups[(index + 1)...].contains(where: { $0.name == group.name }) {
                throw .xml("multiple <portgroup> elements with the same name (\(group.name)) in network '\(name)'")
            }
        }
    }

    /// The document root; `inactive` gives the persistent form (no live counters or discovered devices).
    public func xml(inactive: Bool = false) -> XMLElement {
        var root = XMLElement("network")
        if dnsmasqOptions != nil { root.set("xmlns:\(DnsmasqOptions.prefix)", DnsmasqOptions.namespaceURI) }
        if !inactive && connections > 0 { root.set("connections", String(connections)) }
        if ipv6WithoutGateway { root.set("ipv6", "yes") }
        root.set("trustGuestRxFilters", yesNoText(trustGuestRxFilters))
        root.appendText("name", name)
        root.appendText("uuid", uuid.description)
        root.appendText("title", title)
        root.appendText("description", description)
        root.append(metadata?.element)
        root.append(forward?.xml(inactive: inactive))
        let libvirtBridge = forward.map { $0.mode.hasLibvirtBridge } ?? true
        if libvirtBridge || bridge.name != nil || bridge.macTableManager != nil {
            root.append(bridge.xml(withSTP: libvirtBridge))
        }
        if let mtu { root.append(XMLElement("mtu", attributes: [("size", String(mtu))])) }
        if let mac { root.append(XMLElement("mac", attributes: [("address", mac.description)])) }
        root.append(domain?.xml)
        root.append(dns.xml)
        root.append(vlan?.xml)
        root.append(bandwidth?.xml())
        root.append(portOptions?.xml)
        root.append(contentsOf: ips.map(\.xml))
        root.append(contentsOf: routes.map(\.xml))
        root.append(virtualPort.flatMap(virtualPortElement))
        root.append(contentsOf: portgroups.map(\.xml))
        root.append(dnsmasqOptions?.xml)
        return root
    }

    /// Formats the document as libvirt does; `inactive` gives the persistent (config) form.
    public func formatXML(inactive: Bool = false) -> String {
        XMLWriter.document(xml(inactive: inactive))
    }
}
