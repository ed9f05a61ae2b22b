import NetCore
import NetXML

/// The host device behind a `<hostdev mode='subsystem'>` or an `<interface type='hostdev'>`.
public enum HostdevSource: Hashable, Sendable {
    /// A host PCI function.
    case pci(PCIAddress, writeFiltering: Bool?)
    /// A host USB device by vendor/product and/or bus/device.
    case usb(USBDevice)
    /// A SCSI LUN behind a host adapter or on an iSCSI target.
    case scsi(SCSISource)
    /// A vhost-scsi target.
    case scsiHost(wwpn: String)
    /// A mediated device by UUID.
    case mdev(LibvirtUUID)

    /// Where a SCSI hostdev's LUN is.
    public enum SCSISource: Hashable, Sendable {
        /// A LUN behind a host SCSI adapter (`protocol='adapter'`, the default).
        case adapter(name: String, bus: UInt32, target: UInt32, unit: UInt64)
        /// A LUN of an iSCSI target.
        case iscsi(ISCSITarget)
    }

    /// An iSCSI target (`<source protocol='iscsi' name=>`).
    public struct ISCSITarget: Hashable, Sendable {
        /// One `<host name= port=/>` portal.
        public struct Host: Hashable, Sendable {
            /// Host name or address.
            public let name: String
            /// TCP port, when given.
            public let port: String?
        }

        /// Target IQN (and optional LUN).
        public let name: String
        /// Portals.
        public let hosts: [Host]
        /// `<auth>` as written: the secret is resolved by the storage side, not here.
        public let auth: XMLElement?
        /// `<initiator>` as written.
        public let initiator: XMLElement?
    }

    /// When to reset a USB device on guest reset (`guestReset=`).
    public enum USBGuestReset: String, Sendable, CaseIterable {
        /// Never.
        case off
        /// Only when the device is not initialised yet.
        case uninitialized
        /// Always.
        case on
    }

    /// What to do when a USB device is missing at start.
    public enum StartupPolicy: String, Sendable, CaseIterable {
        /// Fail.
        case mandatory
        /// Fail at boot, drop on migration/restore.
        case requisite
        /// Drop the device.
        case optional
    }

    /// A host USB device selector.
    public struct USBDevice: Hashable, Sendable {
        /// Vendor id.
        public var vendor: UInt32?
        /// Product id.
        public var product: UInt32?
        /// Bus and device numbers.
        public var busDevice: (bus: UInt32, device: UInt32)?
        /// What to do when the device is missing at start.
        public var startupPolicy: StartupPolicy?
        /// When the guest's reset resets the device.
        public var guestReset: USBGuestReset?

        /// Equality over all selectors.
        public static func == (lhs: USBDevice, rhs: USBDevice) -> Bool {
            lhs.vendor == rhs.vendor && lhs.product == rhs.product && lhs.busDevice?.bus == rhs.busDevice?.bus
                && lhs.busDevice?.device == rhs.busDevice?.device && lhs.startupPolicy == rhs.startupPolicy
                && lhs.guestReset == rhs.guestReset
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

    /// Parses `<source>` for the given subsystem type (of a `<hostdev>`, or of an `<interface
    /// type='hostdev'>` when `inInterface`).
    public init(kind: Kind, source: XMLElement?, inInterface: Bool = false) throws(PatchbayError) {
        guard let source else {
            throw PatchbayError(.xmlError, "Missing <source> element in hostdev device", domain: .domain)
        }
        let startupPolicy = try source.domainEnum("startupPolicy", StartupPolicy.self)
        if startupPolicy != nil && kind != .usb {
            throw PatchbayError(.configUnsupported, "Setting startupPolicy is only allowed for USB devices", domain: .domain)
        }
        let address = source.element("address")
        switch kind {
        case .pci:
            let writeFiltering = try source.domainYesNo("writeFiltering")
            // A source without an address names 0000:00:00.0, as libvirt reads it.
            let pci: PCIAddress
            if let address { pci = try PCIAddress(xml: address) } else { pci = try PCIAddress(domain: 0, bus: 0, slot: 0, function: 0) }
            self = .pci(pci, writeFiltering: writeFiltering)
        case .usb:
            var device = USBDevice()
            device.startupPolicy = startupPolicy
            device.guestReset = try source.domainEnum("guestReset", USBGuestReset.self)
            // libvirt reads the ids as 32-bit numbers and prints at least four hex digits.
            func id(_ name: String) throws(PatchbayError) -> UInt32? {
                guard let element = source.element(name) else { return nil }
                _ = try element.domainRequired("id")
                // A vendor id of 0 is refused; a product id of 0 is a real id.
                return try element.domainUnsigned("id", nonZero: name == "vendor", allowHex: true)
            }
            device.vendor = try id("vendor")
            device.product = try id("product")
            if device.vendor != nil && device.product == nil {
                throw PatchbayError(.internalError, "missing product", domain: .domain)
            }
            if let address {
                device.busDevice = (try address.domainRequiredUnsigned("bus", allowHex: true),
                                    try address.domainRequiredUnsigned("device", allowHex: true))
            }
            self = .usb(device)
        case .scsi:
            if source.attribute("protocol") == "iscsi" {
                guard let name = source.attribute("name") else {
                    throw PatchbayError(.xmlError, "missing iSCSI hostdev source path name", domain: .domain)
                }
                var hosts: [ISCSITarget.Host] = []
                for host in source.elements("host") {
                    guard let hostName = host.attribute("name") else {
                        throw PatchbayError(.xmlError, "missing name for host", domain: .domain)
                    }
                    // A port must be a number; 0 means the default and is not printed.
                    var port: String?
                    if let text = host.attribute("port") {
                        guard let value = LibvirtNumber.unsigned(text, allowHex: false), value <= UInt64(UInt32.max) else {
                            throw PatchbayError(.invalidArg, "failed to parse port number '\(text)'", domain: .domain)
                        }
                        guard value <= 65535 else {
                            throw PatchbayError(.invalidArg, "port '\(value)' out of range", domain: .domain)
                        }
                        port = value == 0 ? nil : String(value)
                    }
                    hosts.append(ISCSITarget.Host(name: hostName, port: port))
                }
                guard !hosts.isEmpty else {
                    throw PatchbayError(.xmlError, "missing the host address for the iSCSI hostdev", domain: .domain)
                }
                guard hosts.count == 1 else {
                    throw PatchbayError(.xmlError, "only one source host address may be specified for the iSCSI hostdev", domain: .domain)
                }
                // A target name without a LUN means LUN 0, which libvirt writes out.
                let named = name.contains("/") ? name : name + "/0"
                // An initiator without a named IQN says nothing.
                let initiator = source.element("initiator").flatMap { $0.element("iqn")?.attribute("name") == nil ? nil : $0 }
                self = .scsi(.iscsi(ISCSITarget(name: named, hosts: hosts, auth: source.element("auth"), initiator: initiator)))
                return
            }
            if let proto = source.attribute("protocol"), proto != "adapter" {
                throw PatchbayError(.configUnsupported, "Unknown SCSI subsystem protocol '\(proto)'", domain: .domain)
            }
            // libvirt reads the LUN's address before it checks the adapter's name.
            guard let address else {
                throw PatchbayError(.xmlError, "'address' must be specified for scsi hostdev source", domain: .domain)
            }
            let bus = try address.domainRequiredUnsigned("bus", allowHex: true)
            let target = try address.domainRequiredUnsigned("target", allowHex: true)
            let unitText = try address.domainRequired("unit")
            guard let unit = LibvirtNumber.unsigned(unitText, allowHex: true) else {
                throw PatchbayError(.xmlError, "Invalid value for attribute 'unit' in element 'address': '\(unitText)'. Expected non-negative integer value", domain: .domain)
            }
            guard let adapter = source.element("adapter")?.attribute("name") else {
                throw PatchbayError(.xmlError, "'adapter' name must be specified for scsi hostdev source", domain: .domain)
            }
            self = .scsi(.adapter(name: adapter, bus: bus, target: target, unit: unit))
        case .scsiHost:
            guard let proto = source.attribute("protocol") else {
                throw PatchbayError(.xmlError, "Missing scsi_host subsystem protocol", domain: .domain)
            }
            guard proto == "vhost" else {
                throw PatchbayError(.configUnsupported, "Unknown scsi_host subsystem protocol '\(proto)'", domain: .domain)
            }
            guard let wwpn = source.attribute("wwpn") else {
                throw PatchbayError(.xmlError, "missing vhost-scsi hostdev source wwpn", domain: .domain)
            }
            // A SAS/FC name: "naa." and 16 hex digits.
            guard wwpn.hasPrefix("naa."), wwpn.count == 20, wwpn.dropFirst(4).allSatisfy(\.isHexDigit) else {
                throw PatchbayError(.xmlError, "malformed 'wwpn' value", domain: .domain)
            }
            self = .scsiHost(wwpn: wwpn)
        case .mdev:
            guard let address else {
                throw PatchbayError(.configUnsupported, "Missing <address> element", domain: .domain)
            }
            guard let text = address.attribute("uuid") else {
                throw PatchbayError(.configUnsupported, "Missing 'uuid' attribute for element <address>", domain: .domain)
            }
            do { self = .mdev(try LibvirtUUID(text)) } catch {
                throw PatchbayError(.internalError, "Cannot parse uuid attribute of element <address>", domain: .domain)
            }
        }
    }

    /// What makes two host devices the same device, as libvirt compares them: the PCI address, the
    /// USB bus/device (else vendor/product), the SCSI LUN, the vhost-scsi WWPN, the mdev UUID.
    public var identity: String {
        switch self {
        case .pci(let address, _):
            return "pci:\(address)"
        case .usb(let device):
            if let busDevice = device.busDevice { return "usb:\(busDevice.bus).\(busDevice.device)" }
            return "usb:\(device.vendor.map { String($0) } ?? ""):\(device.product.map { String($0) } ?? "")"
        case .scsi(.adapter(let name, let bus, let target, let unit)):
            return "scsi:\(name):\(bus):\(target):\(unit)"
        case .scsi(.iscsi(let target)):
            return "iscsi:\(target.name):\(target.hosts.map(\.name).joined(separator: ","))"
        case .scsiHost(let wwpn):
            return "vhost:\(wwpn)"
        case .mdev(let uuid):
            return "mdev:\(uuid)"
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
            source.set("startupPolicy", device.startupPolicy?.rawValue)
            source.set("guestReset", device.guestReset?.rawValue)
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
        case .scsi(.adapter(let adapter, let bus, let target, let unit)):
            source.append(XMLElement("adapter", attributes: [("name", adapter)]))
            source.append(XMLElement("address", attributes: [("bus", String(bus)), ("target", String(target)), ("unit", String(unit))]))
        case .scsi(.iscsi(let iscsi)):
            source.set("protocol", "iscsi")
            source.set("name", iscsi.name)
            for host in iscsi.hosts {
                var element = XMLElement("host", attributes: [("name", host.name)])
                element.set("port", host.port)
                source.append(element)
            }
            source.append(iscsi.auth)
            source.append(iscsi.initiator)
        case .scsiHost(let wwpn):
            source.set("protocol", "vhost")
            source.set("wwpn", wwpn)
        case .mdev(let uuid):
            source.append(XMLElement("address", attributes: [("uuid", uuid.description)]))
        }
        return source
    }
}
