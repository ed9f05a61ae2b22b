import NetCore
import NetXML

/// A libvirt host interface document (`<interface type='ethernet|bridge|vlan|bond'>`, interface.rng).
///
/// Ethernet and bridge interfaces are supported; vlan and bond documents are read but refused,
/// because this host's kernel has neither 8021q nor bonding.
public struct HostInterfaceDefinition: Hashable, Sendable {
    /// How the interface is brought up at boot (`<start mode>`).
    public enum StartMode: String, Hashable, Sendable, CaseIterable {
        case onboot, none, hotplug
    }

    /// A bridge's settings and ports.
    public struct Bridge: Hashable, Sendable {
        /// Spanning tree.
        public var stp: Bool?
        /// Forward delay in seconds (kept as written: libvirt prints it back unchanged).
        public var delay: String?
        /// Ports: bare ethernet interfaces (name and optional MAC).
        public var ports: [Port]

        /// A bridge.
        public init(stp: Bool? = nil, delay: String? = nil, ports: [Port] = []) {
            self.stp = stp
            self.delay = delay
            self.ports = ports
        }
    }

    /// A bridge port.
    public struct Port: Hashable, Sendable {
        /// Device name.
        public var name: InterfaceName
        /// Its MAC, when given.
        public var mac: MACAddress?

        /// A port.
        public init(name: InterfaceName, mac: MACAddress? = nil) {
            self.name = name
            self.mac = mac
        }
    }

    /// Ethernet or bridge.
    public enum Kind: Hashable, Sendable {
        case ethernet
        case bridge(Bridge)

        /// The `type` attribute.
        public var name: String {
            switch self {
            case .ethernet: "ethernet"
            case .bridge: "bridge"
            }
        }
    }

    /// The interface's name.
    public var name: InterfaceName
    /// Ethernet or bridge (with ports).
    public var kind: Kind
    /// Start mode.
    public var startMode: StartMode?
    /// MTU.
    public var mtu: UInt32?
    /// MAC (ethernet only in the schema).
    public var mac: MACAddress?
    /// IPv4 addressing.
    public var ipv4: HostInterfaceAddressing?
    /// IPv6 addressing.
    public var ipv6: HostInterfaceAddressing?

    /// A definition.
    public init(name: InterfaceName, kind: Kind, startMode: StartMode? = nil, mtu: UInt32? = nil, mac: MACAddress? = nil,
                ipv4: HostInterfaceAddressing? = nil, ipv6: HostInterfaceAddressing? = nil) {
        self.name = name
        self.kind = kind
        self.startMode = startMode
        self.mtu = mtu
        self.mac = mac
        self.ipv4 = ipv4
        self.ipv6 = ipv6
    }

    /// Parses and validates a document.
    public static func parse(xml: String) throws(PatchbayError) -> HostInterfaceDefinition {
        try parse(XMLParser.parse(xml))
    }

    /// Parses and validates an `<interface>` element.
    public static func parse(_ root: XMLElement) throws(PatchbayError) -> HostInterfaceDefinition {
        guard root.name == "interface" else {
            throw PatchbayError(.xmlError, "unexpected root element <\(root.name)>, expecting <interface>", domain: .interface)
        }
        guard let type = root.attribute("type") else {
            throw PatchbayError(.xmlError, "interface has no type", domain: .interface)
        }
        switch type {
        case "ethernet", "bridge": break
        case "vlan":
            throw PatchbayError(.configUnsupported, "vlan interfaces are not supported by this host kernel (no 8021q module)",
                                domain: .interface)
        case "bond":
            throw PatchbayError(.configUnsupported, "bond interfaces are not supported by this host kernel (no bonding module)",
                                domain: .interface)
        default:
            throw PatchbayError(.xmlError, "unknown interface type '\(type)'", domain: .interface)
        }
        guard let nameText = root.attribute("name") else {
            throw PatchbayError(.xmlError, "interface has no name", domain: .interface)
        }
        let name = try interfaceName(nameText)
        var kind = Kind.ethernet
        if type == "bridge" {
            guard let bridge = try root.single("bridge") else {
                throw PatchbayError(.xmlError, "bridge interface misses the bridge element", domain: .interface)
            }
            kind = .bridge(try parseBridge(bridge))
        } else if root.element("bridge") != nil {
            throw PatchbayError(.xmlError, "only a bridge interface has a <bridge> element", domain: .interface)
        }
        var startMode: StartMode?
        if let start = try root.single("start") {
            startMode = try start.enumeration("mode", StartMode.self)
        }
        let mtu = try root.single("mtu").flatMap { element throws(PatchbayError) in try element.unsigned("size").map(UInt32.init) }
        let mac = try root.single("mac").map { element throws(PatchbayError) in try parseMAC(element) }
        if mac != nil, type != "ethernet" {
            throw PatchbayError(.xmlError, "only an ethernet interface has a <mac> element", domain: .interface)
        }
        var ipv4: HostInterfaceAddressing?
        var ipv6: HostInterfaceAddressing?
        for element in root.elements("protocol") {
            let addressing = try HostInterfaceAddressing.parse(element)
            if addressing.family == .ipv4 {
                guard ipv4 == nil else { throw PatchbayError(.xmlError, "multiple IPv4 protocol elements", domain: .interface) }
                ipv4 = addressing
            } else {
                guard ipv6 == nil else { throw PatchbayError(.xmlError, "multiple IPv6 protocol elements", domain: .interface) }
                ipv6 = addressing
            }
        }
        return HostInterfaceDefinition(name: name, kind: kind, startMode: startMode, mtu: mtu, mac: mac, ipv4: ipv4, ipv6: ipv6)
    }

    private static func interfaceName(_ text: String) throws(PatchbayError) -> InterfaceName {
        do { return try InterfaceName(text) } catch {
            throw PatchbayError(.xmlError, "invalid interface name '\(text)'", domain: .interface)
        }
    }

    private static func parseMAC(_ element: XMLElement) throws(PatchbayError) -> MACAddress {
        let text = try element.required("address")
        do { return try MACAddress(text) } catch {
            throw PatchbayError(.xmlError, "invalid MAC address '\(text)'", domain: .interface)
        }
    }

    private static func parseBridge(_ element: XMLElement) throws(PatchbayError) -> Bridge {
        var bridge = Bridge(stp: try element.onOff("stp"))
        if let delay = element.attribute("delay") {
            guard let seconds = Double(delay), seconds >= 0, seconds.isFinite else {
                throw PatchbayError(.xmlError, "invalid bridge delay '\(delay)'", domain: .interface)
            }
            bridge.delay = delay
        }
        for port in element.elements {
            guard port.name == "interface" else {
                throw PatchbayError(.xmlError, "unexpected element <\(port.name)> in <bridge>", domain: .interface)
            }
            switch port.attribute("type") {
            case "ethernet": break
            case "vlan", "bond":
                throw PatchbayError(.configUnsupported,
                                    "\(port.attribute("type") ?? "") bridge ports are not supported by this host kernel",
                                    domain: .interface)
            default:
                throw PatchbayError(.xmlError, "bridge ports must be ethernet interfaces", domain: .interface)
            }
            let name = try interfaceName(try port.required("name"))
            let mac = try port.single("mac").map { element throws(PatchbayError) in try parseMAC(element) }
            bridge.ports.append(Port(name: name, mac: mac))
        }
        return bridge
    }

    /// The document as libvirt writes it; `link` and `portLinks` add live `<link>` state.
    public func xml(link: LinkState? = nil, portLinks: [String: LinkState] = [:]) -> XMLElement {
        var root = XMLElement("interface", attributes: [("type", kind.name), ("name", name.value)])
        if let startMode { root.append(XMLElement("start", attributes: [("mode", startMode.rawValue)])) }
        if let mac { root.append(XMLElement("mac", attributes: [("address", mac.description)])) }
        // interface.rng gives link state to ethernet interfaces (and bridge ports), not to bridges.
        if let link, case .ethernet = kind { root.append(link.xml) }
        if let mtu { root.append(XMLElement("mtu", attributes: [("size", String(mtu))])) }
        if let ipv4 { root.append(ipv4.xml) }
        if let ipv6 { root.append(ipv6.xml) }
        if case .bridge(let bridge) = kind {
            var element = XMLElement("bridge")
            element.set("stp", bridge.stp.map { $0 ? "on" : "off" })
            element.set("delay", bridge.delay)
            for port in bridge.ports {
                var child = XMLElement("interface", attributes: [("type", "ethernet"), ("name", port.name.value)])
                if let mac = port.mac { child.append(XMLElement("mac", attributes: [("address", mac.description)])) }
                if let state = portLinks[port.name.value] { child.append(state.xml) }
                element.append(child)
            }
            root.append(element)
        }
        return root
    }

    /// The formatted document.
    public func formatted(link: LinkState? = nil, portLinks: [String: LinkState] = [:]) -> String {
        XMLWriter.document(xml(link: link, portLinks: portLinks))
    }

    /// `<link speed= state=>` of a running interface.
    public struct LinkState: Hashable, Sendable {
        /// Mbit/s, when known.
        public var speed: UInt32?
        /// `up`, `down`, `lowerlayerdown`...
        public var state: String

        /// A link state.
        public init(speed: UInt32? = nil, state: String) {
            self.speed = speed
            self.state = state
        }

        var xml: XMLElement {
            var element = XMLElement("link")
            element.set("speed", speed.map(String.init))
            element.set("state", state)
            return element
        }
    }
}
