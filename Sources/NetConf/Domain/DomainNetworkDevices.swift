import NetCore
import NetXML

/// The network-related devices of a domain document: its `<interface>` and `<hostdev>` elements,
/// completed as libvirt's QEMU driver completes them when the domain is defined (default model,
/// default PCI/CCW addresses), and a `<teaming>` transient partner given its persistent NIC's MAC
/// (see `DomainTeaming.swift`).
public struct DomainNetworkDevices: Sendable {
    /// The NICs in document order.
    public internal(set) var interfaces: [DomainInterface]
    /// The standalone host devices in document order (a hostdev NIC is only in `interfaces`).
    public private(set) var hostdevs: [DomainHostdev]
    /// The guest platform.
    public let machine: DomainMachine
    /// The `<domain type=>` (hypervisor driver) the document is for.
    public let hypervisor: String
    /// Patchbay's extensions from the domain's `<metadata>`.
    public let extensions: PatchbayDomainExtensions

    /// Hypervisor types whose driver is QEMU's: only those get its defaults (NIC model, PCI/CCW
    /// addresses) and its checks. Any other type gets libvirt's generic parser alone, as the
    /// test driver (`test:///default`) gives it (with Patchbay's teaming MAC copy, which is the document's).
    public static let qemuHypervisors: Set<String> = ["qemu", "kvm"]

    /// Parses a whole `<domain>` document as a persistent definition, keeping only what Patchbay models.
    public static func parse(domainXML: String) throws(PatchbayError) -> DomainNetworkDevices {
        let root = try XMLParser.parse(domainXML)
        guard root.name == "domain" else {
            throw PatchbayError(.xmlError, "unexpected root element <\(root.name)>, expecting <domain>", domain: .domain)
        }
        return try DomainNetworkDevices(domain: root)
    }

    /// Builds the devices of a parsed `<domain>` element.
    public init(domain: XMLElement) throws(PatchbayError) {
        machine = DomainMachine(domain: domain)
        hypervisor = domain.attribute("type") ?? ""
        let devices = domain.element("devices")
        interfaces = try (devices?.elements("interface") ?? []).map { e throws(PatchbayError) in try DomainInterface(xml: e) }
        hostdevs = try (devices?.elements("hostdev") ?? []).map { e throws(PatchbayError) in try DomainHostdev(xml: e) }
        extensions = try PatchbayDomainExtensions(domain: domain)
        takePersistentMACs(written: devices?.elements("interface") ?? [])
        try checkDuplicateHostDevices()
        try Self.checkAliases(domain: domain)
        try Self.checkBootOrders(domain: domain)
        // SCSI hostdevs get drive addresses when parsed, before any bus address is handed out.
        var drives = SCSIDriveAddresses(devices: devices)
        for index in hostdevs.indices {
            guard case .subsystem(.scsi) = hostdevs[index].content else { continue }
            if hostdevs[index].info.address == nil { hostdevs[index].info.address = drives.next() }
            try drives.checkNotDisk(hostdevs[index].info.address)
        }
        guard Self.qemuHypervisors.contains(hypervisor) else {
            for interface in interfaces { try interface.checkVirtioOptions() }
            return
        }
        // `<address type='pci'/>` asks the QEMU driver to choose the slot.
        for index in interfaces.indices where interfaces[index].info.address?.pci?.isUnset == true { interfaces[index].info.address = nil }
        for index in hostdevs.indices where hostdevs[index].info.address?.pci?.isUnset == true { hostdevs[index].info.address = nil }
        try applyDefaultModels()
        // libvirt shows an mdev PCI device's display state once the QEMU driver has it: off unless asked.
        for index in hostdevs.indices where hostdevs[index].mdevModel == .vfioPCI && hostdevs[index].display == nil {
            hostdevs[index].display = false
        }
        let inventory = try DomainDeviceInventory(devices: devices, machine: machine)
        switch machine.family {
        case .i440fx, .q35:
            try assignPCIAddresses(inventory)
        case .s390:
            assignCCWAddresses(inventory)
        case .other:
            break
        }
        assignSpaprVIOAddresses(devices: devices)
        var usb = USBPortPlanner(devices: devices, machine: machine)
        // Host devices come first on the USB bus; those of hostdev NICs before the standalone ones.
        for index in interfaces.indices where interfaces[index].info.address == nil {
            guard case .hostdev(.usb) = interfaces[index].source else { continue }
            interfaces[index].info.address = usb.next()
        }
        for index in hostdevs.indices where hostdevs[index].info.address == nil {
            guard case .subsystem(.usb) = hostdevs[index].content else { continue }
            hostdevs[index].info.address = usb.next()
        }
        // The QEMU driver validates the completed definition.
        let hasGraphics = devices?.element("graphics") != nil
        for hostdev in hostdevs { try hostdev.validateForQEMU(hasGraphics: hasGraphics) }
        for interface in interfaces where interface.type == .hostdev { try interface.info.validateForQEMU() }
    }

    /// pSeries VIO NICs (spapr-vlan) get a register from 0x1000 up in steps of 0x1000, as libvirt gives them.
    private mutating func assignSpaprVIOAddresses(devices: XMLElement?) {
        var used: Set<UInt64> = []
        for child in devices?.elements ?? [] {
            guard let address = child.element("address"), address.attribute("type") == "spapr-vio",
                  let reg = address.attribute("reg").flatMap({ LibvirtNumber.unsigned($0, allowHex: true) }) else { continue }
            used.insert(reg)
        }
        for index in interfaces.indices {
            // A VIO NIC without an address, or any NIC put on the VIO bus without a register.
            switch (interfaces[index].info.address, interfaces[index].model?.name) {
            case (nil, "spapr-vlan"), (.other(.spaprVio, []), _): break
            default: continue
            }
            var reg: UInt64 = 0x1000
            while used.contains(reg) { reg += 0x1000 }
            used.insert(reg)
            interfaces[index].info.address = .other(type: .spaprVio, attributes: [DeviceAddress.Attribute(name: "reg", value: "0x" + PCIAddress.hex(reg, width: 8))])
        }
    }

    /// The `<interface>` and `<hostdev>` elements in document order, formatted as libvirt would
    /// (for the live domain when `active`).
    public func formattedElements(active: Bool) -> [XMLElement] {
        interfaces.map { $0.xml(active: active) } + hostdevs.map(\.xml)
    }

    /// A host device can be given to the guest once, whether as a NIC or as a hostdev.
    private func checkDuplicateHostDevices() throws(PatchbayError) {
        var seen: Set<String> = []
        let keys = interfaces.compactMap { interface -> String? in
            if case .hostdev(let device) = interface.source { return device.identity }
            return nil
        } + hostdevs.map { hostdev -> String in
            switch hostdev.content {
            case .subsystem(let device): device.identity
            case .capabilities(let capability): "caps:\(capability.elements.map { XMLWriter.fragment($0) }.joined())"
            }
        }
        for key in keys where !seen.insert(key).inserted {
            throw PatchbayError(.xmlError, "Hostdev already exists in the domain configuration", domain: .domain)
        }
    }

    /// Per-device boot orders exclude `<os><boot dev=>` and must be unique across all devices.
    private static func checkBootOrders(domain: XMLElement) throws(PatchbayError) {
        let orders = (domain.element("devices")?.elements ?? []).compactMap { $0.element("boot")?.attribute("order") }
        guard !orders.isEmpty else { return }
        if domain.element("os")?.element("boot") != nil {
            throw PatchbayError(.configUnsupported, "per-device boot elements cannot be used together with os/boot elements", domain: .domain)
        }
        var seen: Set<String> = []
        for order in orders where !seen.insert(order).inserted {
            throw PatchbayError(.configUnsupported, "boot order '\(order)' used for more than one device", domain: .domain)
        }
    }

    /// libvirt refuses two devices with the same user alias (only `ua-` aliases survive a definition).
    private static func checkAliases(domain: XMLElement) throws(PatchbayError) {
        var seen: Set<String> = []
        for device in domain.element("devices")?.elements ?? [] {
            guard let alias = device.element("alias")?.attribute("name"), alias.hasPrefix(DeviceInfo.userAliasPrefix) else { continue }
            guard seen.insert(alias).inserted else {
                throw PatchbayError(.configUnsupported, "non unique alias detected: \(alias)", domain: .domain)
            }
        }
    }

    /// The QEMU driver gives every NIC but a hostdev one a model: virtio for vDPA, else the platform default.
    private mutating func applyDefaultModels() throws(PatchbayError) {
        for index in interfaces.indices where interfaces[index].model == nil && interfaces[index].type != .hostdev {
            interfaces[index].model = interfaces[index].type == .vdpa
                ? InterfaceModel.qemuDefault(architecture: "s390x", machine: "")
                : InterfaceModel.qemuDefault(architecture: machine.architecture, machine: machine.machine)
        }
        for interface in interfaces {
            try interface.checkVirtioOptions()
            try interface.validateForQEMU()
        }
    }

    /// How a NIC model attaches to PCI, or nil when it is not a PCI device. The models libvirt knows
    /// are conventional PCI but for the PCIe ones (the ARM-only models too, on a PC); a model it does not
    /// know is taken for PCIe.
    private static func connection(of model: InterfaceModel?) -> PCIAddressPlanner.Connection? {
        guard let name = model?.name else { return .conventional }
        switch name {
        case "usb-net", "spapr-vlan": return nil
        case "virtio", "virtio-non-transitional", "e1000e": return .express
        default: return InterfaceModel.knownNames.contains(name) ? .conventional : .express
        }
    }

    private mutating func assignPCIAddresses(_ inventory: DomainDeviceInventory) throws(PatchbayError) {
        // A dry run finds the controllers libvirt adds; the real run starts with them in place.
        var dryRun = self
        var dryPlanner = PCIAddressPlanner(family: machine.family, reserved: inventory.reservedPCI,
                                           controllerIndexes: inventory.pciControllers)
        try dryRun.assignPCIAddresses(inventory, with: &dryPlanner)
        var planner = PCIAddressPlanner(family: machine.family, reserved: inventory.reservedPCI,
                                        controllerIndexes: inventory.pciControllers, precreated: dryPlanner.created)
        try assignPCIAddresses(inventory, with: &planner)
    }

    private mutating func assignPCIAddresses(_ inventory: DomainDeviceInventory, with planner: inout PCIAddressPlanner) throws(PatchbayError) {
        if inventory.primaryVideoNeedsSlot {
            // The primary VGA sits in slot 2 on i440fx and slot 1 of the root complex on q35.
            planner.reserveIfFree(slot: machine.family == .q35 ? 1 : 2)
        }
        func others(_ step: DomainDeviceInventory.Step) throws(PatchbayError) {
            for connection in inventory.requests[step] ?? [] { _ = try planner.next(connection) }
        }
        try others(.pciControllers)
        try others(.filesystems)
        for index in interfaces.indices where interfaces[index].type != .hostdev && interfaces[index].info.address == nil {
            guard let connection = Self.connection(of: interfaces[index].model) else { continue }
            interfaces[index].info.address = .pci(try planner.next(connection))
        }
        try others(.sound)
        try others(.controllers)
        try others(.disks)
        // Host devices: those of hostdev NICs first (libvirt lists them first), then the standalone ones.
        for index in interfaces.indices where interfaces[index].type == .hostdev && interfaces[index].info.address == nil {
            guard case .hostdev(.pci) = interfaces[index].source else { continue }
            interfaces[index].info.address = .pci(try planner.next(.express))
        }
        for index in hostdevs.indices where hostdevs[index].needsPCIAddress && hostdevs[index].info.address == nil {
            // A transitional vhost-scsi device is conventional PCI; every other assigned device is PCIe.
            let connection: PCIAddressPlanner.Connection = hostdevs[index].scsiHostModel == .virtioTransitional ? .conventional : .express
            hostdevs[index].info.address = .pci(try planner.next(connection))
        }
        try others(.afterHostdevs)
    }

    /// s390: virtio devices get channel subsystem numbers in device order (virtio disks first).
    private mutating func assignCCWAddresses(_ inventory: DomainDeviceInventory) {
        var used = inventory.reservedCCW
        var next: UInt16 = 0
        func take() -> UInt16 {
            while used.contains(next) { next &+= 1 }
            used.insert(next)
            return next
        }
        for _ in 0..<inventory.unaddressedVirtioDisks { _ = take() }
        for index in interfaces.indices where interfaces[index].info.address == nil && (interfaces[index].model?.isVirtio ?? false) {
            interfaces[index].info.address = .ccw(cssid: 0xFE, ssid: 0, devno: take())
        }
    }
}
