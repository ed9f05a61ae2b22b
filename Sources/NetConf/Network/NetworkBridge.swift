import NetCore
import NetXML

/// Who manages a bridge's forwarding database.
public enum MACTableManager: String, Sendable, CaseIterable {
    /// The kernel learns addresses (flooding).
    case kernel
    /// libvirt programs guest MACs and turns learning off.
    case libvirt
}

/// A network's `<bridge>`: the host bridge device and its settings.
public struct NetworkBridge: Hashable, Sendable {
    /// Bridge device name.
    public var name: String?
    /// firewalld zone for the bridge.
    public var zone: String?
    /// Spanning tree on (libvirt's default) or off.
    public var stp: Bool = true
    /// STP forward delay in seconds.
    public var delay: UInt64 = 0
    /// FDB management.
    public var macTableManager: MACTableManager?
    /// Whether `stp` was given at all (libvirt refuses it outright in modes without its own bridge).
    public var stpGiven: Bool = false

    /// Default bridge settings.
    public init() {}

    /// Parses `<bridge>` of network `network` (nil element gives the defaults).
    static func parse(_ element: XMLElement?, network: String) throws(PatchbayError) -> NetworkBridge {
        var bridge = NetworkBridge()
        guard let element else { return bridge }
        bridge.name = element.nonEmptyAttribute("name")
        bridge.zone = element.nonEmptyAttribute("zone")
        if let stp = element.nonEmptyAttribute("stp") {
            bridge.stpGiven = true
            // libvirt treats anything but "off" as on.
            bridge.stp = stp != "off"
        }
        if let delay = element.nonEmptyAttribute("delay") {
            guard let value = LibvirtNumber.unsignedDecimal(delay) else {
                throw .xml("Invalid delay value in network '\(network)'")
            }
            bridge.delay = value
        }
        if let manager = element.nonEmptyAttribute("macTableManager") {
            guard let value = MACTableManager(rawValue: manager) else {
                throw .xml("Invalid macTableManager setting '\(manager)' in network '\(network)'")
            }
            bridge.macTableManager = value
        }
        return bridge
    }

    /// The `<bridge>` element; `withSTP` adds libvirt's stp/delay defaults (modes with a libvirt bridge).
    func xml(withSTP: Bool) -> XMLElement {
        var element = XMLElement("bridge")
        element.set("name", name)
        element.set("zone", zone)
        if withSTP {
            element.set("stp", stp ? "on" : "off")
            element.set("delay", String(delay))
        }
        element.set("macTableManager", macTableManager?.rawValue)
        return element
    }
}

/// A network's DNS `<domain>`.
public struct NetworkDomain: Hashable, Sendable {
    /// Domain name given to DHCP clients and served by dnsmasq.
    public var name: String
    /// Whether dnsmasq answers for the domain only locally (never forwards).
    public var localOnly: Bool?

    public init(name: String, localOnly: Bool? = nil) {
        self.name = name
        self.localOnly = localOnly
    }

    /// The `<domain>` element.
    var xml: XMLElement {
        var element = XMLElement("domain", attributes: [("name", name)])
        element.set("localOnly", yesNoText(localOnly))
        return element
    }
}
