import NetCore
import NetXML

/// The host device behind a `<hostdev mode='subsystem'>` or an `<interface type='hostdev'>`.
public enum HostdevSource: Hashable, Sendable {
    /// A host PCI function.
    case pci(PCIAddress, writeFiltering: Bool?)
    /// A host USB device by vendor/product and/or bus/device.
    case usb(USBDevice)
    /// A SCSI LUN behind a host adapter.
    case scsi(adapter: String, bus: UInt32, target: UInt32, unit: UInt64)
    /// A vhost-scsi target.
    case scsiHost(wwpn: String)
    /// A mediated device by UUID.
    case mdev(LibvirtUUID)

    /// A host USB device selector.
    public struct USBDevice: Hashable, Sendable {
        /// Vendor id.
        public var vendor: UInt16?
        /// Product id.
        public var product: UInt16?
        /// Bus and device numbers.
        public var busDevice: (bus: UInt32, device: UInt32)?
        /// What to do when the device is missing at start.
        public var startupPolicy: String?

        /// Equality over all selectors.
        public static func == (lhs: USBDevice, rhs: USBDevice) -> Bool {
            lhs.vendor == rhs.vendor && lhs.product == rhs.product && lhs.busDevice?.bus == rhs.busDevice?.bus
                && lhs.busDevice?.device == rhs.busDevice?.device && lhs.startupPolicy == rhs.startupPolicy
        }

        /// Hash over all selectors.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(vendor)
            hasher.combine(product)
            hasher.combine(busDevice?.bus)
            hasher.combine(busDevice?.device)
        }
    }

    /// The subsystem type names libvirt accepts.
    public enum Kind: String, Sendable, CaseIterable {
        /// PCI
        case pci
        /// USB
        case usb
        /// SCSI
        case scsi
        /// vhost-scsi
        case scsiHost = "scsi_host"
        /// mediated device
        case mdev
    }

    /// The subsystem type.
    public var kind: Kind {
        switch self {
        case .pci: .pci
        case .usb: .usb
        case .scsi: .scsi
        case .scsiHost: .scsiHost
        case .mdev: .mdev
        }
    }

    /// Parses `<source>` for the given subsystem type.
    public init(kind: Kind, source: XMLElement?) throws(PatchbayError) {
        guard let source else {
            throw PatchbayError(.xmlError, "Missing <source> element in hostdev device", domain: .domain)
        }
        let address = try source.single("address")
        switch kind {
        case .pci:
            guard let address else {
                throw PatchbayError(.xmlError, "PCI host devices must use 'pci' address type", domain: .domain)
            }
            if let type = address.attribute("type"), type != "pci" {
                throw PatchbayError(.xmlError, "PCI host devices must use 'pci' address type", domain: .domain)
            }
            self = .pci(try PCIAddress(xml: address), writeFiltering: try source.yesNo("writeFiltering"))
        case .usb:
            var device = USBDevice()
            func id(_ name: String) throws(PatchbayError) -> UInt16? {
                guard let element = try source.single(name) else { return nil }
                guard let text = element.attribute("id"), let value = XMLElement.parseUnsigned(text, allowHex: true), value <= 0xFFFF else {
                    throw PatchbayError(.xmlError, "usb \(name) needs id", domain: .domain)
                }
                return UInt16(value)
            }
            device.vendor = try id("vendor")
            device.product = try id("product")
            if device.vendor != nil && device.product == nil {
                throw PatchbayError(.xmlError, "missing product", domain: .domain)
            }
            if let address {
                guard let bus = try address.unsigned("bus"), let number = try address.unsigned("device") else {
                    throw PatchbayError(.xmlError, "usb address needs bus id and device id", domain: .domain)
                }
                device.busDevice = (UInt32(bus), UInt32(number))
            }
            if device.vendor == nil && device.busDevice == nil {
                throw PatchbayError(.xmlError, "usb source needs vendor/product or bus/device", domain: .domain)
            }
            device.startupPolicy = source.attribute("startupPolicy")
            self = .usb(device)
        case .scsi:
            guard let adapter = try source.single("adapter")?.attribute("name") else {
                throw PatchbayError(.xmlError, "SCSI host device must use 'adapter' name", domain: .domain)
            }
            guard let address, let bus = try address.unsigned("bus"), let target = try address.unsigned("target"),
                  let unit = try address.unsigned("unit", maximum: UInt64.max) else {
                throw PatchbayError(.xmlError, "SCSI host address must have bus, target and unit", domain: .domain)
            }
            self = .scsi(adapter: adapter, bus: UInt32(bus), target: UInt32(target), unit: unit)
        case .scsiHost:
            guard let wwpn = source.attribute("wwpn") else {
                throw PatchbayError(.xmlError, "missing vhost-scsi hostdev source wwpn", domain: .domain)
            }
            self = .scsiHost(wwpn: wwpn)
        case .mdev:
            guard let text = address?.attribute("uuid") else {
                throw PatchbayError(.xmlError, "Missing 'uuid' attribute for element <address>", domain: .domain)
            }
            self = .mdev(try LibvirtUUID(text))
        }
    }

    /// The `<source>` element; `typedAddress` adds `type='pci'` as libvirt does inside an `<interface>`.
    public func xml(typedAddress: Bool) -> XMLElement {
        var source = XMLElement("source")
        switch self {
        case .pci(let address, let writeFiltering):
            source.set("writeFiltering", yesNoText(writeFiltering))
            source.append(DeviceAddress.pci(address).xml(includeType: typedAddress))
        case .usb(let device):
            source.set("startupPolicy", device.startupPolicy)
            if let vendor = device.vendor {
                source.append(XMLElement("vendor", attributes: [("id", "0x" + PCIAddress.hex(UInt64(vendor), width: 4))]))
            }
            if let product = device.product {
                source.append(XMLElement("product", attributes: [("id", "0x" + PCIAddress.hex(UInt64(product), width: 4))]))
            }
            if let busDevice = device.busDevice {
                var address = XMLElement("address")
                if typedAddress { address.set("type", "usb") }
                address.set("bus", String(busDevice.bus))
                address.set("device", String(busDevice.device))
                source.append(address)
            }
        case .scsi(let adapter, let bus, let target, let unit):
            source.append(XMLElement("adapter", attributes: [("name", adapter)]))
            source.append(XMLElement("address", attributes: [("bus", String(bus)), ("target", String(target)), ("unit", String(unit))]))
        case .scsiHost(let wwpn):
            source.set("protocol", "vhost")
            source.set("wwpn", wwpn)
        case .mdev(let uuid):
            source.append(XMLElement("address", attributes: [("uuid", uuid.description)]))
        }
        return source
    }
}
