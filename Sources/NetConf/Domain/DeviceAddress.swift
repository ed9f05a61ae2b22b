import NetCore
import NetXML

/// Where a device sits on the guest's buses: libvirt's `<address type='...'>`.
public enum DeviceAddress: Hashable, Sendable {
    /// A PCI slot.
    case pci(PCIAddress)
    /// An s390 channel subsystem device number.
    case ccw(cssid: UInt8, ssid: UInt8, devno: UInt16)
    /// Any other bus (drive, usb, virtio-serial, spapr-vio, isa, ccid, virtio-mmio, unassigned, ...):
    /// kept as given because Patchbay never assigns those.
    case other(type: OtherType, attributes: [Attribute])

    /// An attribute kept verbatim for address types Patchbay does not interpret.
    public struct Attribute: Hashable, Sendable {
        /// Attribute name.
        public let name: String
        /// Attribute value.
        public let value: String
    }

    /// The address types libvirt 9.0 knows besides pci and ccw.
    public enum OtherType: String, Sendable, CaseIterable {
        /// IDE/SCSI/SATA drive position.
        case drive
        /// virtio-serial port.
        case virtioSerial = "virtio-serial"
        /// Smartcard slot.
        case ccid
        /// USB port.
        case usb
        /// pSeries VIO register.
        case spaprVio = "spapr-vio"
        /// virtio-mmio transport.
        case virtioMmio = "virtio-mmio"
        /// ISA port/IRQ.
        case isa
        /// Memory DIMM slot.
        case dimm
        /// Explicitly left without an address.
        case unassigned
    }

    /// Parses `<address>`; `defaultType` applies when `type` is missing (hostdev sources imply pci).
    public init(xml element: XMLElement, defaultType: String? = nil) throws(PatchbayError) {
        guard let type = element.attribute("type") ?? defaultType else {
            throw PatchbayError(.internalError, "No type specified for device address", domain: .domain)
        }
        switch type {
        case "pci":
            self = .pci(try PCIAddress(xml: element))
        case "ccw":
            func part(_ name: String) throws(PatchbayError) -> UInt64? {
                try element.domainUnsigned(name, allowHex: true).map(UInt64.init)
            }
            let cssid = try part("cssid"), ssid = try part("ssid"), devno = try part("devno")
            // None at all is an address left to be assigned; libvirt's parser then prints zeros.
            if cssid == nil && ssid == nil && devno == nil {
                self = .ccw(cssid: 0, ssid: 0, devno: 0)
                return
            }
            guard let cssid, let ssid, let devno else {
                throw PatchbayError(.internalError, "Invalid partial specification for virtio ccw address", domain: .domain)
            }
            guard cssid <= 0xFE, ssid <= 3, devno <= 0xFFFF else {
                throw PatchbayError(.internalError, "Invalid specification for virtio ccw address: cssid='0x\(String(cssid, radix: 16))' ssid='0x\(String(ssid, radix: 16))' devno='0x\(PCIAddress.hex(devno, width: 4))'", domain: .domain)
            }
            self = .ccw(cssid: UInt8(cssid), ssid: UInt8(ssid), devno: UInt16(devno))
        default:
            guard let other = OtherType(rawValue: type) else {
                throw PatchbayError(.configUnsupported, "unknown address type '\(type)'", domain: .domain)
            }
            self = .other(type: other, attributes: try Self.canonicalAttributes(other, element))
        }
    }

    /// The attributes of a bus address as libvirt prints them: in its order, numbers in its base,
    /// defaults filled in where it fills them in.
    private static func canonicalAttributes(_ type: OtherType, _ element: XMLElement) throws(PatchbayError) -> [Attribute] {
        func decimal(_ name: String) throws(PatchbayError) -> Attribute {
            Attribute(name: name, value: String(try element.domainUnsigned(name) ?? 0))
        }
        // libvirt reads these in base 16 whether or not they start with 0x ("10" is 0x10).
        func hex(_ name: String, width: Int = 0, maximum: UInt64 = UInt64(UInt32.max)) throws(PatchbayError) -> Attribute? {
            guard let text = element.attribute(name) else { return nil }
            let trimmed = text.trimmingWhitespace
            let digits = trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") ? String(trimmed.dropFirst(2)) : trimmed
            guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit), let value = UInt64(digits, radix: 16), value <= maximum else {
                throw PatchbayError(.xmlError, "Invalid value for attribute '\(name)' in element 'address': '\(text)'. Expected non-negative integer value", domain: .domain)
            }
            return Attribute(name: name, value: "0x" + PCIAddress.hex(value, width: width))
        }
        switch type {
        case .drive:
            return [try decimal("controller"), try decimal("bus"), try decimal("target"), try decimal("unit")]
        case .virtioSerial:
            return [try decimal("controller"), try decimal("bus"), try decimal("port")]
        case .ccid:
            return [try decimal("controller"), try decimal("slot")]
        case .usb:
            var attributes = [try decimal("bus")]
            // Port 0 is no port.
            if let port = element.attribute("port"), port != "0" {
                // Up to four hub levels, each a number: "1", "1.2", ... "1.2.3.4".
                let levels = port.split(separator: ".", omittingEmptySubsequences: false).map { LibvirtNumber.unsigned(String($0), allowHex: false) }
                guard levels.count <= 4, levels.allSatisfy({ ($0 ?? UInt64.max) <= UInt64(UInt32.max) }) else {
                    throw PatchbayError(.internalError, "Cannot parse <address> 'port' attribute", domain: .domain)
                }
                attributes.append(Attribute(name: "port", value: levels.compactMap { $0.map { String($0) } }.joined(separator: ".")))
            }
            return attributes
        case .spaprVio:
            return [try hex("reg", width: 8, maximum: UInt64.max)].compactMap { $0 }
        case .isa:
            return [try hex("iobase"), try hex("irq")].compactMap { $0 }
        case .dimm:
            _ = try element.domainRequired("slot")
            return [try decimal("slot")] + [try hex("base", maximum: UInt64.max)].compactMap { $0 }
        case .virtioMmio, .unassigned:
            return []
        }
    }

    /// The PCI address, when this is one.
    public var pci: PCIAddress? {
        if case .pci(let address) = self { address } else { nil }
    }

    /// The `<address>` element; `includeType` is false inside a `<hostdev>` source, as libvirt prints it.
    public func xml(includeType: Bool = true) -> XMLElement {
        var element = XMLElement("address")
        switch self {
        case .pci(let address):
            if includeType { element.set("type", "pci") }
            for (name, value) in address.attributes { element.set(name, value) }
        case .ccw(let cssid, let ssid, let devno):
            if includeType { element.set("type", "ccw") }
            element.set("cssid", "0x" + String(cssid, radix: 16))
            element.set("ssid", "0x" + String(ssid, radix: 16))
            element.set("devno", "0x" + PCIAddress.hex(UInt64(devno), width: 4))
        case .other(let type, let attributes):
            if includeType { element.set("type", type.rawValue) }
            for attribute in attributes { element.set(attribute.name, attribute.value) }
        }
        return element
    }
}
