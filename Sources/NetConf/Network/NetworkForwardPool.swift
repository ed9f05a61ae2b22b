import NetCore
import NetXML

extension PCIAddress {
    /// Parses a hostdev pool's `<address type='pci' domain bus slot function/>` (numbers in C
    /// notation: 0x hex, 0 octal). An all-zero address means "unset" to libvirt and is not range
    /// checked; any other must name a device beyond 0000:00:00.
    static func parseForwardPool(_ element: XMLElement) throws(PatchbayError) -> PCIAddress {
        func part(_ name: String) throws(PatchbayError) -> UInt64 {
            guard let text = element.attribute(name) else { return 0 }
            guard let value = LibvirtNumber.unsignedBase0(text), value <= UInt64(UInt32.max) else {
                throw .internalError("Cannot parse <address> '\(name)' attribute")
            }
            return value
        }
        let (domain, bus, slot, function) = (try part("domain"), try part("bus"), try part("slot"), try part("function"))
        if domain == 0 && bus == 0 && slot == 0 && function != 0 {
            throw .xml("Invalid PCI address 0000:00:00, at least one of domain, bus, or slot must be > 0")
        }
        return try PCIAddress(domain: domain, bus: bus, slot: slot, function: function, errorDomain: .network)
    }

    /// The `<address type='pci' .../>` element of a pool entry.
    var forwardPoolXML: XMLElement {
        XMLElement("address", attributes: [("type", "pci")] + attributes)
    }
}

/// One member of a forward pool: a host interface (`<interface dev>`) or a PCI device (`<address>`).
public struct ForwardPoolEntry: Hashable, Sendable {
    /// What the entry names.
    public enum Device: Hashable, Sendable {
        /// A network device by name.
        case interface(String)
        /// A PCI device (hostdev pools).
        case pci(PCIAddress)
    }

    public var device: Device
    /// Ports currently using the device (live state; printed only in live XML).
    public var connections: Int

    public init(_ device: Device, connections: Int = 0) {
        self.device = device
        self.connections = connections
    }

    /// The interface name, when the entry is an interface.
    public var interfaceName: String? {
        if case .interface(let name) = device { name } else { nil }
    }

    /// The element for this entry.
    func xml(inactive: Bool) -> XMLElement {
        switch device {
        case .interface(let name):
            var element = XMLElement("interface", attributes: [("dev", name)])
            if !inactive && connections > 0 { element.set("connections", String(connections)) }
            return element
        case .pci(let address):
            return address.forwardPoolXML
        }
    }
}
