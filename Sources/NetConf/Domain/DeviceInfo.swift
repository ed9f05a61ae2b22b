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
                throw PatchbayError(.configUnsupported, "ROM tuning is not supported when ROM is disabled", domain: .domain)
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
    /// s390 zPCI identifiers of a PCI address.
    public var zpci: ZPCIAddress?

    /// Empty info.
    public init() {}

    /// Parses the info children of a device element.
    /// - Parameters:
    ///   - allowBootAndROM: whether `<boot>` and `<rom>` are meaningful for this device.
    ///   - allowUnassigned: whether `<address type='unassigned'>` is (libvirt allows it for hostdevs only).
    public init(xml element: XMLElement, allowBootAndROM: Bool = true, allowUnassigned: Bool = false) throws(PatchbayError) {
        if allowBootAndROM, let boot = element.element("boot") {
            _ = try boot.domainRequired("order")
            guard let order = try boot.domainUnsigned("order", nonZero: true), order <= UInt32(Int32.max) else {
                throw PatchbayError(.xmlError, "Invalid value for attribute 'order' in element 'boot': '\(boot.attribute("order") ?? "")'. Expected non-negative integer value", domain: .domain)
            }
            self.boot = Boot(order: order, loadParameter: try boot.attribute("loadparm").map { text throws(PatchbayError) in try Self.loadParameter(text) })
        }
        if let alias = element.element("alias"), let name = alias.attribute("name") {
            // A persistent definition keeps only user aliases; the others are runtime names.
            // A user alias with other characters than letters, digits, '_' and '-' is dropped, as libvirt drops it.
            let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
            if name.hasPrefix(Self.userAliasPrefix) && allowed { self.alias = name }
        }
        // libvirt reads the ROM before the ACPI index: its refusal comes first.
        if allowBootAndROM, let rom = element.element("rom") {
            let parsed = try ROM(bar: try rom.domainOnOff("bar"), file: rom.attribute("file"), enabled: try rom.domainYesNo("enabled"))
            // An empty <rom/> says nothing, and libvirt prints nothing for it.
            if parsed.bar != nil || parsed.file != nil || parsed.enabled != nil { self.rom = parsed }
        }
        if let acpi = element.element("acpi") {
            acpiIndex = try acpi.domainUnsigned("index", nonZero: true)
        }
        if let address = element.element("address") {
            let parsed = try DeviceAddress(xml: address)
            if case .other(.unassigned, _) = parsed, !allowUnassigned {
                throw PatchbayError(.configUnsupported, "address of type 'unassigned' is supported only for hostdevs", domain: .domain)
            }
            // `<address type='pci'/>` (all zero) is kept: it asks the hypervisor driver for a PCI slot.
            self.address = parsed
            if parsed.pci != nil, let zpci = address.element("zpci") {
                let parsedZPCI = try ZPCIAddress(xml: zpci)
                if parsedZPCI.uid != nil || parsedZPCI.fid != nil { self.zpci = parsedZPCI }
            }
        }
    }

    /// The info elements in libvirt's order: boot, alias, rom, acpi, address.
    public var elements: [XMLElement] {
        var out: [XMLElement] = []
        if let boot {
            var element = XMLElement("boot", attributes: [("order", String(boot.order))])
            element.set("loadparm", boot.loadParameter)
            out.append(element)
        }
        if let alias { out.append(XMLElement("alias", attributes: [("name", alias)])) }
        if let rom {
            var element = XMLElement("rom")
            element.set("enabled", yesNoText(rom.enabled))
            element.set("bar", onOffText(rom.bar))
            element.set("file", rom.file)
            out.append(element)
        }
        if let acpiIndex { out.append(XMLElement("acpi", attributes: [("index", String(acpiIndex))])) }
        if let address {
            // An address still to be assigned is printed as its type alone.
            var element = address.pci?.isUnset == true ? XMLElement("address", attributes: [("type", "pci")]) : address.xml()
            element.append(zpci?.xml)
            out.append(element)
        }
        return out
    }

    /// libvirt's s390 boot menu selector: upper-cased, 1 to 8 of letters, digits, '.' and blanks.
    private static func loadParameter(_ text: String) throws(PatchbayError) -> String {
        let upper = text.uppercased()
        guard (1...8).contains(upper.count) else {
            throw PatchbayError(.internalError, "loadparm value '\(upper)' must be between 1 and 8 characters", domain: .domain)
        }
        guard upper.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "." || $0 == " ") }) else {
            throw PatchbayError(.internalError, "invalid loadparm value '\(upper)', expecting chars in set of [a-zA-Z0-9.] and blank spaces", domain: .domain)
        }
        return upper
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
