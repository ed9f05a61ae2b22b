import NetCore
import NetXML

/// The per-device data libvirt keeps for every device: boot order, alias, ACPI index, option ROM, address.
public struct DeviceInfo: Hashable, Sendable {
    /// `<boot order='N' loadparm='...'/>`.
    public struct Boot: Hashable, Sendable {
        /// Position in the boot order (1 first).
        public let order: UInt32
        /// s390 boot menu selector.
        public let loadParameter: String?
    }

    /// `<rom bar= file= enabled=/>`: the device's option ROM.
    public struct ROM: Hashable, Sendable {
        /// Whether the ROM is visible in the guest's memory map.
        public let bar: Bool?
        /// Host file to load instead of the device's own ROM.
        public let file: String?
        /// Whether any ROM is loaded at all.
        public let enabled: Bool?

        /// Creates ROM settings; a disabled ROM cannot also be tuned.
        public init(bar: Bool?, file: String?, enabled: Bool?) throws(PatchbayError) {
            if enabled == false && (bar != nil || file != nil) {
                throw PatchbayError(.xmlError, "ROM tuning is not supported when ROM is disabled", domain: .domain)
            }
            self.bar = bar
            self.file = file
            self.enabled = enabled
        }
    }

    /// Libvirt's prefix for aliases chosen by the user; only those survive an inactive definition.
    public static let userAliasPrefix = "ua-"

    /// Boot position, if the device is bootable.
    public var boot: Boot?
    /// The device's alias (`ua-` names only in a persistent definition).
    public var alias: String?
    /// ACPI index the guest uses to name the NIC.
    public var acpiIndex: UInt32?
    /// Option ROM settings.
    public var rom: ROM?
    /// Bus address.
    public var address: DeviceAddress?

    /// Empty info.
    public init() {}

    /// Parses the info children of a device element.
    /// - Parameter allowBootAndROM: whether `<boot>` and `<rom>` are meaningful for this device.
    public init(xml element: XMLElement, allowBootAndROM: Bool = true) throws(PatchbayError) {
        if allowBootAndROM, let boot = try element.single("boot") {
            guard let text = boot.attribute("order") else {
                throw PatchbayError(.xmlError, "missing boot order attribute", domain: .domain)
            }
            guard let order = XMLElement.parseUnsigned(text, allowHex: false), order > 0, order <= UInt64(Int32.max) else {
                throw PatchbayError(.xmlError, "incorrect boot order '\(text)', expecting positive integer", domain: .domain)
            }
            self.boot = Boot(order: UInt32(order), loadParameter: boot.attribute("loadparm"))
        }
        if let alias = try element.single("alias"), let name = alias.attribute("name") {
            // A persistent definition keeps only user aliases; the others are runtime names.
            if name.hasPrefix(Self.userAliasPrefix) { self.alias = name }
        }
        if let acpi = try element.single("acpi"), acpi.attribute("index") != nil {
            guard let index = try acpi.unsigned("index"), index > 0 else {
                throw PatchbayError(.xmlError, "The acpi index cannot be zero", domain: .domain)
            }
            acpiIndex = UInt32(index)
        }
        if allowBootAndROM, let rom = try element.single("rom") {
            self.rom = try ROM(bar: try rom.onOff("bar"), file: rom.attribute("file"), enabled: try rom.yesNo("enabled"))
        }
        if let address = try element.single("address") {
            let parsed = try DeviceAddress(xml: address)
            // `<address type='pci'/>` (all zero) asks for a PCI slot to be chosen, as libvirt reads it.
            if let pci = parsed.pci, pci.isUnset { self.address = nil } else { self.address = parsed }
        }
    }

    /// The info elements in libvirt's order: boot, alias, acpi, rom, address.
    public var elements: [XMLElement] {
        var out: [XMLElement] = []
        if let boot {
            var element = XMLElement("boot", attributes: [("order", String(boot.order))])
            element.set("loadparm", boot.loadParameter)
            out.append(element)
        }
        if let alias { out.append(XMLElement("alias", attributes: [("name", alias)])) }
        if let acpiIndex { out.append(XMLElement("acpi", attributes: [("index", String(acpiIndex))])) }
        if let rom {
            var element = XMLElement("rom")
            element.set("enabled", yesNoText(rom.enabled))
            element.set("bar", onOffText(rom.bar))
            element.set("file", rom.file)
            out.append(element)
        }
        if let address { out.append(address.xml()) }
        return out
    }

    /// The QEMU driver's checks: an ACPI index and ROM tuning need a PCI device.
    public func validateForQEMU() throws(PatchbayError) {
        let pciOrNone: Bool
        let unassigned: Bool
        switch address {
        case nil, .pci: (pciOrNone, unassigned) = (true, false)
        case .other(.unassigned, _): (pciOrNone, unassigned) = (false, true)
        default: (pciOrNone, unassigned) = (false, false)
        }
        if acpiIndex != nil && !pciOrNone {
            throw PatchbayError(.configUnsupported, "ACPI index is only supported for PCI devices", domain: .domain)
        }
        if rom != nil && !pciOrNone && !unassigned {
            throw PatchbayError(.configUnsupported, "ROM tuning is only supported for PCI devices", domain: .domain)
        }
    }
}
