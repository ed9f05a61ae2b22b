import NetCore
import NetXML

/// How a network port is connected on the host (`<plug>`): nothing yet, a bridge, a macvtap/macvlan
/// lower device, or a PCI host device.
///
/// Device names are kept as given: libvirt does not check them when it reads a port, and the driver
/// validates them (as `InterfaceName`) when it acts on the port.
public enum NetworkPortPlug: Hashable, Sendable {
    /// Not plugged (`<plug>` absent, or `type='none'`).
    case none
    /// A tap on the bridge of a libvirt-managed network (forward mode nat/route/open/none).
    case network(Bridge)
    /// A tap on a host bridge the network merely names (forward mode bridge).
    case bridge(Bridge)
    /// A macvtap/macvlan on a physical device (forward modes vepa/private/bridge/passthrough).
    case direct(Direct)
    /// A PCI host device, usually an SR-IOV virtual function (forward mode hostdev).
    case hostdevPCI(HostdevPCI)

    /// The `type` attribute's values.
    public enum Kind: String, Sendable, CaseIterable {
        /// No plug.
        case none
        /// Bridge of a managed network.
        case network
        /// Existing host bridge.
        case bridge
        /// macvtap/macvlan.
        case direct
        /// PCI host device.
        case hostdevPCI = "hostdev-pci"
    }

    /// Who manages the bridge's forwarding table.
    public enum MACTableManager: String, Sendable, CaseIterable {
        /// The kernel learns addresses (flooding as usual).
        case kernel
        /// libvirt programs the table and turns learning off.
        case libvirt
    }

    /// The macvlan mode of a direct plug; the names are libvirt's.
    public enum DirectMode: String, Sendable, CaseIterable {
        /// All traffic goes to the external switch (needs hairpin there).
        case vepa
        /// Guests on the device cannot talk to each other.
        case `private`
        /// Guests on the device switch locally.
        case bridge
        /// The guest owns the device exclusively.
        case passthrough
    }

    /// The host driver a PCI device is bound to.
    public enum PCIDriver: String, Sendable, CaseIterable {
        /// Legacy KVM device assignment.
        case kvm
        /// VFIO.
        case vfio
    }

    /// The bridge a `network`/`bridge` plug attaches to.
    public struct Bridge: Hashable, Sendable {
        /// Bridge device name.
        public var name: String
        /// Forwarding-table manager, when the network sets one.
        public var macTableManager: MACTableManager?

        public init(name: String, macTableManager: MACTableManager? = nil) {
            self.name = name
            self.macTableManager = macTableManager
        }
    }

    /// The lower device and mode of a `direct` plug.
    public struct Direct: Hashable, Sendable {
        /// Physical (lower) device name.
        public var device: String
        /// macvlan mode; libvirt's default is vepa.
        public var mode: DirectMode

        public init(device: String, mode: DirectMode = .vepa) {
            self.device = device
            self.mode = mode
        }
    }

    /// The device of a `hostdev-pci` plug.
    public struct HostdevPCI: Hashable, Sendable {
        /// The device's address.
        public var address: PCIAddress
        /// Whether libvirt detaches/reattaches the host driver (`managed`), when stated.
        public var managed: Bool?
        /// The assignment driver, when stated.
        public var driver: PCIDriver?

        public init(address: PCIAddress, managed: Bool? = nil, driver: PCIDriver? = nil) {
            self.address = address
            self.managed = managed
            self.driver = driver
        }
    }

    /// The plug's type.
    public var kind: Kind {
        switch self {
        case .none: .none
        case .network: .network
        case .bridge: .bridge
        case .direct: .direct
        case .hostdevPCI: .hostdevPCI
        }
    }

    /// Parses `<plug>`; nil (no element) means `.none`.
    public init(xml element: XMLElement?) throws(PatchbayError) {
        guard let element, let kind = try element.enumeration("type", Kind.self) else {
            self = .none
            return
        }
        switch kind {
        case .none:
            self = .none
        case .network, .bridge:
            guard let name = element.attribute("bridge") else { throw .xml("Missing network port bridge name") }
            var manager: MACTableManager?
            if let text = element.attribute("macTableManager") {
                // "default" is a valid network setting but meaningless on a port: libvirt refuses it here.
                guard let parsed = MACTableManager(rawValue: text) else {
                    throw .xml("Invalid macTableManager setting '\(text)' in network port")
                }
                manager = parsed
            }
            let bridge = Bridge(name: name, macTableManager: manager)
            self = kind == .network ? .network(bridge) : .bridge(bridge)
        case .direct:
            guard let device = element.attribute("dev") else { throw .xml("Missing network port link device name") }
            var mode = DirectMode.vepa
            if let text = element.attribute("mode") {
                guard let parsed = DirectMode(rawValue: text) else {
                    throw .xml("Invalid mode setting '\(text)' in network port")
                }
                mode = parsed
            }
            self = .direct(Direct(device: device, mode: mode))
        case .hostdevPCI:
            let managed = try element.yesNo("managed")
            var driver: PCIDriver?
            // The first `driver/@name` counts and an empty one is no driver, as with libvirt's XPath lookup.
            if let text = element.elements("driver").lazy.compactMap({ $0.attribute("name") }).first, !text.isEmpty {
                // libvirt's wording for an unknown or "default" driver name, kept for compatibility.
                guard let parsed = PCIDriver(rawValue: text) else { throw .xml("Missing network port driver name") }
                driver = parsed
            }
            guard let addressElement = element.element("address") else {
                throw .xml("Missing network port PCI address")
            }
            let address = try PCIAddress.parsePortPlug(addressElement)
            self = .hostdevPCI(HostdevPCI(address: address, managed: managed, driver: driver))
        }
    }

    /// The `<plug>` element; nil for `.none`, which libvirt does not print.
    public var xml: XMLElement? {
        var element = XMLElement("plug", attributes: [("type", kind.rawValue)])
        switch self {
        case .none:
            return nil
        case .network(let bridge), .bridge(let bridge):
            element.set("bridge", bridge.name)
            element.set("macTableManager", bridge.macTableManager?.rawValue)
        case .direct(let direct):
            element.set("dev", direct.device)
            element.set("mode", direct.mode.rawValue)
        case .hostdevPCI(let pci):
            element.set("managed", yesNoText(pci.managed))
            if let driver = pci.driver {
                element.append(XMLElement("driver", attributes: [("name", driver.rawValue)]))
            }
            element.append(pci.address.portPlugXML)
        }
        return element
    }
}
