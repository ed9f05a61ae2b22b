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
        /// A capabilities device; its `<source>` is kept as written.
        case capabilities(type: String, source: XMLElement?)
    }

    /// Whether libvirt detaches the device from its host driver.
    public var managed: Bool
    /// The device.
    public var content: Content
    /// PCI assignment backend (`<driver name=>`).
    public var backend: DomainInterface.HostdevBackend?
    /// mdev device API (`model=`).
    public var mdevModel: String?
    /// mdev display on/off.
    public var display: Bool?
    /// mdev ramfb on/off.
    public var ramfb: Bool?
    /// SCSI: sgio filtered/unfiltered.
    public var sgio: String?
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
            throw PatchbayError(.internalError, "unknown hostdev mode '\(modeText)'", domain: .domain)
        }
        guard let typeText = element.attribute("type") else {
            throw PatchbayError(.internalError, "missing type in hostdev", domain: .domain)
        }
        managed = try element.yesNo("managed") ?? false
        let source = try element.single("source")
        switch mode {
        case .subsystem:
            guard let kind = HostdevSource.Kind(rawValue: typeText) else {
                throw PatchbayError(.internalError, "unknown host device source address type '\(typeText)'", domain: .domain)
            }
            content = .subsystem(try HostdevSource(kind: kind, source: source))
            if kind == .mdev {
                guard let model = element.attribute("model") else {
                    throw PatchbayError(.xmlError, "Missing 'model' attribute in mediated device's <hostdev> element", domain: .domain)
                }
                guard ["vfio-pci", "vfio-ccw", "vfio-ap"].contains(model) else {
                    throw PatchbayError(.configUnsupported, "unknown hostdev model '\(model)'", domain: .domain)
                }
                mdevModel = model
                display = try element.onOff("display")
                ramfb = try element.onOff("ramfb")
            }
            if kind == .scsi {
                sgio = element.attribute("sgio")
                rawio = try element.yesNo("rawio")
            }
            if kind == .pci, let driver = try element.single("driver") {
                backend = try driver.enumeration("name", DomainInterface.HostdevBackend.self)
            }
        case .capabilities:
            guard ["storage", "misc", "net"].contains(typeText) else {
                throw PatchbayError(.internalError, "unknown host device capability type '\(typeText)'", domain: .domain)
            }
            content = .capabilities(type: typeText, source: source)
        }
        readonly = element.element("readonly") != nil
        shareable = element.element("shareable") != nil
        teaming = try element.single("teaming").map { e throws(PatchbayError) in try InterfaceTeaming(xml: e, forHostdev: true) }
        if teaming != nil {
            guard case .subsystem(let device) = content, device.kind == .pci else {
                throw PatchbayError(.configUnsupported, "teaming is only supported for pci hostdev devices", domain: .domain)
            }
        }
        info = try DeviceInfo(xml: element)
        try checkAddressType()
    }

    /// Each kind of host device lives on one kind of guest bus.
    private func checkAddressType() throws(PatchbayError) {
        guard case .subsystem(let device) = content, let address = info.address else { return }
        switch (device.kind, address) {
        case (.pci, .pci), (.pci, .other(.unassigned, _)), (.scsi, .other(.drive, _)), (.usb, .other(.usb, _)),
             (.scsiHost, .pci), (.scsiHost, .ccw):
            return
        case (.mdev, _):
            let matches: Bool = switch (mdevModel, address) {
            case ("vfio-pci", .pci), ("vfio-ccw", .ccw): true
            case ("vfio-pci", _), ("vfio-ccw", _): false
            default: true
            }
            guard matches else {
                let type: String = switch address {
                case .pci: "pci"
                case .ccw: "ccw"
                case .other(let other, _): other.rawValue
                }
                throw PatchbayError(.xmlError, "Unsupported address type '\(type)' with mediated device model '\(mdevModel ?? "")'", domain: .domain)
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
        return device.kind == .pci || device.kind == .scsiHost || (device.kind == .mdev && mdevModel == "vfio-pci")
    }

    /// The `<hostdev>` element as libvirt formats it.
    public var xml: XMLElement {
        var element = XMLElement("hostdev")
        switch content {
        case .subsystem(let device):
            element.set("mode", "subsystem")
            element.set("type", device.kind.rawValue)
            element.set("managed", managed ? "yes" : "no")
            element.set("sgio", sgio)
            element.set("rawio", yesNoText(rawio))
            element.set("model", mdevModel)
            element.set("display", onOffText(display))
            element.set("ramfb", onOffText(ramfb))
            if let backend { element.append(XMLElement("driver", attributes: [("name", backend.rawValue)])) }
            element.append(device.xml(typedAddress: false))
        case .capabilities(let type, let source):
            element.set("mode", "capabilities")
            element.set("type", type)
            element.append(source)
        }
        element.append(teaming?.xml)
        if readonly { element.append(XMLElement("readonly")) }
        if shareable { element.append(XMLElement("shareable")) }
        element.append(contentsOf: info.elements)
        return element
    }
}
