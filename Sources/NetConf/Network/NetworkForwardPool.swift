import NetCore
import NetXML

/// A PCI address (`domain:bus:slot.function`) naming an SR-IOV virtual function in a hostdev pool.
public struct PCIAddress: Hashable, Sendable, CustomStringConvertible {
    /// PCI domain (0–0xFFFF).
    public var domain: UInt32
    /// Bus (0–0xFF).
    public var bus: UInt32
    /// Slot (0–0x1F).
    public var slot: UInt32
    /// Function (0–7).
    public var function: UInt32

    /// Creates an address, checking each part's range as libvirt does.
    public init(domain: UInt32, bus: UInt32, slot: UInt32, function: UInt32) throws(PatchbayError) {
        self.domain = domain
        self.bus = bus
        self.slot = slot
        self.function = function
        // An all-zero address means "unset" to libvirt and is not range checked.
        guard domain != 0 || bus != 0 || slot != 0 || function != 0 else { return }
        if domain > 0xFFFF { throw .xml("Invalid PCI address domain='0x\(hex(domain, 0))', must be <= 0xFFFF") }
        if bus > 0xFF { throw .xml("Invalid PCI address bus='0x\(hex(bus, 0))', must be <= 0xFF") }
        if slot > 0x1F { throw .xml("Invalid PCI address slot='0x\(hex(slot, 0))', must be <= 0x1F") }
        if function > 7 { throw .xml("Invalid PCI address function=0x\(hex(function, 0)), must be <= 7") }
        if domain == 0 && bus == 0 && slot == 0 {
            throw .xml("Invalid PCI address 0000:00:00, at least one of domain, bus, or slot must be > 0")
        }
    }

    /// Parses `<address type='pci' domain bus slot function/>` (numbers in C notation: 0x hex, 0 octal).
    static func parse(_ element: XMLElement) throws(PatchbayError) -> PCIAddress {
        func part(_ name: String) throws(PatchbayError) -> UInt32 {
            guard let text = element.attribute(name) else { return 0 }
            guard let value = LibvirtNumber.unsignedBase0(text), value <= UInt64(UInt32.max) else {
                throw .internalError("Cannot parse <address> '\(name)' attribute")
            }
            return UInt32(value)
        }
        return try PCIAddress(domain: try part("domain"), bus: try part("bus"), slot: try part("slot"), function: try part("function"))
    }

    /// `dddd:bb:ss.f`, as libvirt names devices in messages.
    public var description: String { "\(hex(domain, 4)):\(hex(bus, 2)):\(hex(slot, 2)).\(hex(function, 0))" }

    /// The `<address type='pci' .../>` element as libvirt formats it.
    var xml: XMLElement {
        XMLElement("address", attributes: [("type", "pci"), ("domain", "0x" + hex(domain, 4)), ("bus", "0x" + hex(bus, 2)),
                                           ("slot", "0x" + hex(slot, 2)), ("function", "0x" + hex(function, 0))])
    }
}

/// Lower-case hex, zero padded to `width` digits.
private func hex(_ value: UInt32, _ width: Int) -> String {
    let digits = String(value, radix: 16)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
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

    /// The device.
    public var device: Device
    /// Ports currently using the device (live state; printed only in live XML).
    public var connections: Int

    /// Creates an entry.
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
            return address.xml
        }
    }
}
