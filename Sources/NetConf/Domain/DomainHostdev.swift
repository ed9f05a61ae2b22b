import NetCore
import NetXML

/// A `<hostdev>` of a domain: a host device assigned to the guest.
public struct DomainHostdev: Hashable, Sendable {
    /// The hostdev modes libvirt knows.
    public enum Mode: String, Sendable, CaseIterable {
        /// A bus device (PCI, USB, SCSI, mdev).
        case subsystem
        /// A host capability (storage, misc, net; LXC only).
        case capabilities
    }

    /// What the hostdev gives the guest.
    public enum Content: Hashable, Sendable {
        /// A subsystem device.
        case subsystem(HostdevSource)
        /// A capabilities device (containers): a block device, a character device or a host NIC.
        case capabilities(HostdevCapability)
    }

    /// mdev device APIs.
    public enum MdevModel: String, Sendable, CaseIterable {
        /// A PCI device.
        case vfioPCI = "vfio-pci"
        /// An s390 channel I/O device.
        case vfioCCW = "vfio-ccw"
        /// An s390 crypto adapter.
        case vfioAP = "vfio-ap"
    }

    /// vhost-scsi device models.
    public enum SCSIHostModel: String, Sendable, CaseIterable {
        /// virtio (transitional or not, as the machine decides).
        case virtio
        /// virtio 0.9 and 1.0.
        case virtioTransitional = "virtio-transitional"
        /// virtio 1.0 only.
        case virtioNonTransitional = "virtio-non-transitional"
    }

    /// SCSI generic I/O filtering.
    public enum SGIO: String, Sendable, CaseIterable {
        /// Filtered SG_IO.
        case filtered
        /// Unfiltered SG_IO (refused by libvirt 9.0).
        case unfiltered
    }

    /// Whether libvirt detaches the device from its host driver.
    public var managed: Bool
    public var content: Content
    /// PCI assignment backend (`<driver name=>`).
    public var backend: DomainInterface.HostdevBackend?
    /// mdev device API (`model=`).
    public var mdevModel: MdevModel?
    /// vhost-scsi model (`model=`).
    public var scsiHostModel: SCSIHostModel?
    /// mdev display on/off.
    public var display: Bool?
    /// mdev ramfb on/off.
    public var ramfb: Bool?
    /// SCSI: SG_IO filtering.
    public var sgio: SGIO?
    /// SCSI: raw I/O yes/no.
    public var rawio: Bool?
    /// SCSI: read-only.
    public var readonly: Bool = false
    /// SCSI: shareable.
    public var shareable: Bool = false
    /// Failover pairing (a transient VF of a persistent virtio NIC).
    public var teaming: InterfaceTeaming?
    /// Boot order, alias, ROM, address.
    public var info: DeviceInfo

    /// Parses `<hostdev>`.
    public init(xml element: XMLElement) throws(PatchbayError) {
        let modeText = element.attribute("mode") ?? "subsystem"
        guard let mode = Mode(rawValue: modeText) else {
            throw PatchbayError(.configUnsupported, "unknown hostdev mode '\(modeText)'", domain: .domain)
        }
        // libvirt reads `managed` leniently: anything but "yes" is "no".
        managed = element.attribute("managed") == "yes"
        let source = element.element("source")
        switch mode {
        case .subsystem:
            guard let typeText = element.attribute("type") else {
                throw PatchbayError(.xmlError, "missing source address type", domain: .domain)
            }
            guard let kind = HostdevSource.Kind(rawValue: typeText) else {
                throw PatchbayError(.configUnsupported, "unknown host device source address type '\(typeText)'", domain: .domain)
            }
            switch kind {
            case .mdev:
                _ = try element.domainRequired("model")
                mdevModel = try element.domainEnum("model", MdevModel.self)
                display = try element.domainOnOff("display")
                ramfb = try element.domainOnOff("ramfb")
            case .scsiHost:
                // `model='default'` is libvirt's name for leaving it out.
                if element.attribute("model") != "default" { scsiHostModel = try element.domainEnum("model", SCSIHostModel.self) }
            case .scsi:
                sgio = try element.domainEnum("sgio", SGIO.self)
                rawio = try element.domainYesNo("rawio")
            case .pci, .usb:
                break
            }
            // libvirt reads the source before the assignment driver.
            content = .subsystem(try HostdevSource(kind: kind, source: source))
            if kind == .pci, let driver = element.element("driver") {
                backend = try driver.domainEnum("name", DomainInterface.HostdevBackend.self)
            }
            if sgio == .unfiltered {
                throw PatchbayError(.configUnsupported, "unfiltered sgio is no longer supported", domain: .domain)
            }
            // Read-only and shareable are properties of a SCSI LUN only.
            if kind == .scsi {
                readonly = element.element("readonly") != nil
                shareable = element.element("shareable") != nil
            }
        case .capabilities:
            content = .capabilities(try HostdevCapability(type: element.attribute("type"), element: element))
        }
        teaming = try element.element("teaming").flatMap { e throws(PatchbayError) in try InterfaceTeaming.parse(e, forHostdev: true) }
        if teaming != nil {
            guard case .subsystem(let device) = content, device.kind == .pci else {
                throw PatchbayError(.configUnsupported, "teaming is only supported for pci hostdev devices", domain: .domain)
            }
        }
        info = try DeviceInfo(xml: element, allowUnassigned: true)
        try checkAddressType()
    }

    /// Each kind of host device lives on one kind of guest bus.
    private func checkAddressType() throws(PatchbayError) {
        guard case .subsystem(let device) = content, let address = info.address else { return }
        try Self.checkGuestAddress(address, of: device, mdevModel: mdevModel)
    }

    /// Refuses a guest address on a bus the host device cannot sit on (also for hostdev NICs).
    static func checkGuestAddress(_ address: DeviceAddress, of device: HostdevSource, mdevModel: MdevModel?) throws(PatchbayError) {
        switch (device.kind, address) {
        case (.pci, .pci), (.pci, .other(.unassigned, _)), (.scsi, .other(.drive, _)), (.usb, .other(.usb, _)),
             (.scsiHost, .pci), (.scsiHost, .ccw):
            return
        case (.mdev, _):
            let matches: Bool = switch (mdevModel, address) {
            case (.vfioPCI, .pci), (.vfioCCW, .ccw): true
            case (.vfioPCI, _), (.vfioCCW, _): false
            default: true
            }
            guard matches else {
                let type: String = switch address {
                case .pci: "pci"
                case .ccw: "ccw"
                case .other(let other, _): other.rawValue
                }
                throw PatchbayError(.xmlError, "Unsupported address type '\(type)' with mediated device model '\(mdevModel?.rawValue ?? "")'", domain: .domain)
            }
        case (.pci, _):
            throw PatchbayError(.internalError, "PCI host devices must use 'pci' or 'unassigned' address type", domain: .domain)
        case (.scsi, _):
            throw PatchbayError(.configUnsupported, "SCSI host device must use 'drive' address type", domain: .domain)
        case (.scsiHost, _):
            throw PatchbayError(.configUnsupported, "SCSI_host host device must use 'pci' or 'ccw' address type", domain: .domain)
        case (.usb, _):
            throw PatchbayError(.configUnsupported, "USB host device must use 'usb' address type", domain: .domain)
        }
    }

    /// Whether the guest sees it as a PCI device that needs a guest PCI address.
    public var needsPCIAddress: Bool {
        guard case .subsystem(let device) = content else { return false }
        // vhost-scsi (scsi_host) is a virtio PCI device too.
        return device.kind == .pci || device.kind == .scsiHost || (device.kind == .mdev && mdevModel == .vfioPCI)
    }

    /// The `<hostdev>` element as libvirt formats it.
    public var xml: XMLElement {
        var element = XMLElement("hostdev")
        switch content {
        case .subsystem(let device):
            element.set("mode", "subsystem")
            element.set("type", device.kind.rawValue)
            element.set("managed", managed ? "yes" : "no")
            element.set("sgio", sgio?.rawValue)
            element.set("rawio", yesNoText(rawio))
            element.set("model", mdevModel?.rawValue ?? scsiHostModel?.rawValue)
            element.set("display", onOffText(display))
            element.set("ramfb", onOffText(ramfb))
            if let backend { element.append(XMLElement("driver", attributes: [("name", backend.rawValue)])) }
            // A USB source that selects nothing is left out, as libvirt leaves it out.
            let source = device.xml(typedAddress: false)
            if !source.attributes.isEmpty || !source.elements.isEmpty { element.append(source) }
        case .capabilities(let capability):
            element.set("mode", "capabilities")
            element.set("type", capability.typeName)
            element.append(contentsOf: capability.elements)
        }
        element.append(teaming?.xml)
        if readonly { element.append(XMLElement("readonly")) }
        if shareable { element.append(XMLElement("shareable")) }
        element.append(contentsOf: info.elements)
        return element
    }
}
