import NetCore
import NetXML

/// How a network reaches the outside (`<forward mode>`); a network without `<forward>` is isolated.
public enum ForwardMode: String, Sendable, CaseIterable {
    /// NAT through the host (the default when `<forward>` has no mode).
    case nat
    /// Routed, no NAT.
    case route
    /// Routed with no firewall rules at all.
    case open
    /// An existing host bridge (or macvtap bridge mode on a pool of devices).
    case bridge
    /// macvtap private mode.
    case `private`
    /// macvtap VEPA mode.
    case vepa
    /// macvtap passthrough: one guest per device.
    case passthrough
    /// SR-IOV virtual functions assigned to guests as PCI devices.
    case hostdev

    /// True for the modes where libvirt itself runs a bridge with an IP address (so do isolated
    /// networks, which have no mode); `NetworkKind` holds the rule.
    public var hasLibvirtBridge: Bool { NetworkKind(mode: self, bridge: nil).ownsBridge }
}

/// The device driver a hostdev network binds virtual functions to.
public enum ForwardDriverName: String, Sendable, CaseIterable {
    /// Legacy KVM device assignment.
    case kvm
    /// VFIO.
    case vfio
}

/// A network's `<forward>`.
public struct NetworkForward: Hashable, Sendable {
    public var mode: ForwardMode
    /// hostdev: whether libvirt detaches/reattaches devices from host drivers.
    public var managed: Bool = false
    /// hostdev: the assignment driver.
    public var driverName: ForwardDriverName?
    /// Pool of devices (`<interface dev>` or `<address type='pci'>`); `<forward dev>` is the first one.
    public var pool: [ForwardPoolEntry] = []
    /// Physical function whose virtual functions form the pool (only one is supported).
    public var physicalFunction: String?
    /// NAT settings (nat mode only).
    public var nat: NetworkNAT?

    public init(mode: ForwardMode) { self.mode = mode }

    /// The first pool entry's interface name: what `<forward dev>` shows.
    public var device: String? { pool.first?.interfaceName }

    /// Parses `<forward>` of network `network`.
    static func parse(_ element: XMLElement, network: String) throws(PatchbayError) -> NetworkForward {
        var forward: NetworkForward
        if let modeText = element.nonEmptyAttribute("mode") {
            guard let mode = ForwardMode(rawValue: modeText) else {
                throw .unsupported("unknown forwarding type '\(modeText)'")
            }
            forward = NetworkForward(mode: mode)
        } else {
            forward = NetworkForward(mode: .nat)
        }
        forward.managed = element.nonEmptyAttribute("managed")?.lowercased() == "yes"
        if let driverText = element.first("driver")?.nonEmptyAttribute("name") {
            guard let driver = ForwardDriverName(rawValue: driverText) else {
                throw .unsupported("Unknown forward <driver name='\(driverText)'/> in network \(network)")
            }
            forward.driverName = driver
        }
        let interfaces = element.elements("interface")
        let addresses = element.elements("address")
        let pfs = element.elements("pf")
        let nats = element.elements("nat")
        if nats.count > 1 {
            throw .xml("Only one <nat> element is allowed in <forward> of network \(network)")
        }
        if let nat = nats.first {
            guard forward.mode == .nat else {
                throw .xml("The <nat> element can only be used when <forward> 'mode' is 'nat' in network \(network)")
            }
            forward.nat = try NetworkNAT.parse(nat, network: network)
        }
        let dev = element.nonEmptyAttribute("dev")
        if dev != nil && (!addresses.isEmpty || !pfs.isEmpty) {
            throw .xml("the <forward> 'dev' attribute cannot be used when <address> or <pf> sub-elements are present in network \(network)")
        }
        if !interfaces.isEmpty || dev != nil {
            try forward.parseInterfaces(interfaces, dev: dev, network: network)
        } else if !addresses.isEmpty {
            try forward.parseAddresses(addresses, network: network)
        } else if pfs.count > 1 {
            throw .xml("Only one <pf> element is allowed in <forward> of network \(network)")
        } else if let pf = pfs.first {
            guard let pfDev = pf.attribute("dev") else {
                throw .xml("Missing required dev attribute in <pf> element of network '\(network)'")
            }
            forward.physicalFunction = pfDev
        }
        return forward
    }

    private mutating func parseInterfaces(_ interfaces: [XMLElement], dev: String?, network: String) throws(PatchbayError) {
        var names: [String] = []
        if let dev { names.append(dev) }
        for (index, interface) in interfaces.enumerated() {
            guard let name = interface.attribute("dev") else {
                throw .xml("Missing required dev attribute in <forward> <interface> element of network \(network)")
            }
            // <forward dev='x'> is shorthand for a first <interface dev='x'/>; both may be given if they agree.
            if index == 0, let dev {
                guard name == dev else {
                    throw .xml("<forward dev='\(dev)'> must match first <interface dev='\(name)'/> in network \(network)")
                }
                continue
            }
            if names.contains(name) {
                throw .xml("interface '\(name)' can only be listed once in network \(network)")
            }
            names.append(name)
        }
        pool = names.map { ForwardPoolEntry(.interface($0)) }
    }

    private mutating func parseAddresses(_ addresses: [XMLElement], network: String) throws(PatchbayError) {
        var devices: [PCIAddress] = []
        for address in addresses {
            guard let type = address.attribute("type") else {
                throw .xml("missing address type in network \(network)")
            }
            guard type == "pci" else {
                if type == "netdev" || type == "none" {
                    throw .xml("unsupported address type '\(type)' in network \(network)")
                }
                throw .unsupported("unknown address type '\(type)' in network \(network)")
            }
            let pci = try PCIAddress.parseForwardPool(address)
            if devices.contains(pci) {
                throw .xml("PCI device '\(pci)' can only be listed once in network \(network)")
            }
            devices.append(pci)
        }
        pool = devices.map { ForwardPoolEntry(.pci($0)) }
    }

    /// The `<forward>` element; the pool is hidden in inactive XML when a `<pf>` defines it.
    func xml(inactive: Bool) -> XMLElement {
        var element = XMLElement("forward")
        if physicalFunction == nil { element.set("dev", device) }
        element.set("mode", mode.rawValue)
        if mode == .hostdev { element.set("managed", managed ? "yes" : "no") }
        if let driverName { element.append(XMLElement("driver", attributes: [("name", driverName.rawValue)])) }
        if mode == .nat { element.append(nat?.xml) }
        if let physicalFunction { element.append(XMLElement("pf", attributes: [("dev", physicalFunction)])) }
        if physicalFunction == nil || !inactive {
            element.append(contentsOf: pool.map { $0.xml(inactive: inactive) })
        }
        return element
    }
}
