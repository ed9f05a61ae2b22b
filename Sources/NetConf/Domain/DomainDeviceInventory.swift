import NetCore
import NetXML

/// The rest of a domain's devices, reduced to what default PCI/CCW address assignment needs.
///
/// libvirt hands out addresses in a fixed order of device classes (after reserving every address
/// written in the document and the primary video's slot): PCI controllers, filesystems, NICs,
/// sound cards, other controllers, virtio disks, host devices, then the rest. Only the classes up
/// to host devices can change where a NIC or hostdev lands, so only those are counted here.
struct DomainDeviceInventory {
    /// Device classes in libvirt's assignment order.
    enum Step: CaseIterable {
        case pciControllers, filesystems, sound, controllers, disks
        /// Devices placed after the host devices that still shape the topology: on q35 a conventional
        /// one means a pcie-to-pci-bridge, which takes the first root port.
        case afterHostdevs
    }

    /// Addresses written in the document.
    var reservedPCI: [PCIAddress] = []
    /// CCW device numbers written in the document.
    var reservedCCW: Set<UInt16> = []
    /// PCI controller indexes, and whether each is a port a PCIe device can sit behind.
    var pciControllers: [(index: UInt32, isRootPort: Bool)] = []
    /// Whether a primary video card needs a slot.
    var primaryVideoNeedsSlot = false
    /// Devices without an address that take a PCI slot, by class.
    var requests: [Step: [PCIAddressPlanner.Connection]] = [:]
    /// virtio disks without a CCW address (s390 hands them numbers before NICs).
    var unaddressedVirtioDisks = 0

    /// Surveys `<devices>`.
    init(devices: XMLElement?, machine: DomainMachine) throws(PatchbayError) {
        let children = devices?.elements ?? []
        var seen: [PCIAddress: String] = [:]
        for child in children {
            guard let element = child.element("address") else { continue }
            switch element.attribute("type") {
            case "pci":
                let address = try PCIAddress(xml: element)
                if address.isUnset { continue }
                // Slot 0 of the root bus is the host bridge.
                if address.domain != 0 && (machine.family == .i440fx || machine.family == .q35) {
                    throw PatchbayError(.xmlError, "Invalid PCI address \(address). Only PCI domain 0 is available", domain: .domain)
                }
                if address.bus == 0 && address.slot == 0 && (machine.family == .i440fx || machine.family == .q35) {
                    throw PatchbayError(.xmlError, "Invalid PCI address \(address). slot must be >= 1", domain: .domain)
                }
                if seen[address] != nil {
                    throw PatchbayError(.xmlError, "Attempted double use of PCI Address \(address)", domain: .domain)
                }
                seen[address] = child.name
                reservedPCI.append(address)
            case "ccw":
                if case .ccw(_, _, let devno) = try DeviceAddress(xml: element) { reservedCCW.insert(devno) }
            default:
                break
            }
        }
        let q35 = machine.family == .q35
        func add(_ step: Step, _ connection: PCIAddressPlanner.Connection) { requests[step, default: []].append(connection) }
        var controllerTypes: Set<String> = []
        var needs: Set<String> = []
        // Highest SCSI/SATA controller index the devices name (libvirt adds every missing one from 0 up):
        // a drive address says it, else the disk name's position over the controller's units.
        var highestNeeded: [String: UInt64] = [:]
        var highestForHostdevs: UInt64?
        var present: [String: Set<UInt32>] = [:]
        // Controllers in libvirt's list order, which is their PCI assignment order: the document's, then
        // the ones libvirt adds, each after the last one of its type (SCSI ones for SCSI hostdevs while
        // parsing, then the QEMU driver's USB default, then those the disks imply, then virtio-serial).
        var controllerList: [(type: String, connection: PCIAddressPlanner.Connection?)] = []
        func addImplied(_ type: String, index: UInt32) {
            let entry = (type: type, connection: Self.controllerConnection(type: type, model: nil, index: index, q35: q35))
            if let last = controllerList.lastIndex(where: { $0.type == type }) {
                controllerList.insert(entry, at: last + 1)
            } else {
                controllerList.append(entry)
            }
            present[type, default: []].insert(index)
        }
        /// Adds every controller of `type` from index 0 to `highest` that is not there yet.
        func addMissing(_ type: String, upTo highest: UInt64) {
            for index in 0...UInt32(min(highest, 1024)) where !(present[type]?.contains(index) ?? false) { addImplied(type, index: index) }
        }
        func needController(_ type: String, for device: XMLElement) {
            var index: UInt64 = 0
            if let controller = Self.driveController(device) {
                index = controller
            } else if device.name == "disk", let position = SCSIDriveAddresses.diskIndex(device.element("target")?.attribute("dev") ?? "") {
                index = position / (type == "sata" ? Self.sataUnits : SCSIDriveAddresses.narrowUnits)
            }
            highestNeeded[type] = max(highestNeeded[type] ?? 0, index)
        }
        var videoSeen = false
        var ich9Placed = false
        for child in children {
            let unaddressed = try Self.isUnaddressed(child)
            switch child.name {
            case "controller":
                let type = child.attribute("type") ?? ""
                let model = child.attribute("model")
                let index = UInt32(LibvirtNumber.unsigned(child.attribute("index") ?? "0", allowHex: false) ?? 0)
                controllerTypes.insert(type)
                present[type, default: []].insert(index)
                if type == "pci" {
                    // Root ports and switch downstream ports each give one PCIe device a bus.
                    pciControllers.append((index, model == "pcie-root-port" || model == "pcie-switch-downstream-port"))
                    if unaddressed, !q35, model != "pci-root" { add(.pciControllers, .conventional) }
                } else {
                    controllerList.append((type, unaddressed ? Self.controllerConnection(type: type, model: model, index: index, q35: q35) : nil))
                }
            case "filesystem":
                if unaddressed { add(.filesystems, .express) }
            case "sound":
                let model = child.attribute("model") ?? ""
                // q35 has a fixed place (00:1b.0) for its built-in ich9 HDA controller: the first ich9 takes it.
                let builtIn = q35 && model == "ich9" && !ich9Placed
                if q35 && model == "ich9" { ich9Placed = true }
                if unaddressed, ["ac97", "es1370", "ich6", "ich7", "ich9"].contains(model), !builtIn {
                    add(.sound, .conventional)
                }
            case "disk":
                let bus = SCSIDriveAddresses.diskBus(child)
                if bus == "virtio", unaddressed {
                    add(.disks, .express)
                    unaddressedVirtioDisks += 1
                }
                if let bus { needs.insert(bus) }
                if bus == "scsi" || bus == "sata" { needController(bus ?? "", for: child) }
            case "video":
                let model = child.element("model")?.attribute("type") ?? "default"
                if !videoSeen, unaddressed, model != "none", model != "ramfb" { primaryVideoNeedsSlot = true }
                videoSeen = true
            case "graphics":
                needs.insert("graphics")
            case "console", "channel", "serial":
                if child.element("target")?.attribute("type") == "virtio" { needs.insert("virtio-serial") }
            case "watchdog":
                if unaddressed, child.attribute("model") == "i6300esb" { add(.afterHostdevs, .conventional) }
            case "hostdev":
                if child.attribute("type") == "scsi" {
                    highestForHostdevs = max(highestForHostdevs ?? 0, Self.driveController(child) ?? 0)
                }
            default:
                break
            }
        }
        // libvirt adds a video card for graphics, and the controllers the other devices imply.
        if needs.contains("graphics") && !videoSeen { primaryVideoNeedsSlot = true }
        if let highest = highestForHostdevs { addMissing("scsi", upTo: highest) }
        if !controllerTypes.contains("usb"), machine.family != .s390 { addImplied("usb", index: 0) }
        // q35's built-in SATA controller (00:1f.2) is added with the USB one.
        if q35, !(present["sata"]?.contains(0) ?? false) { addImplied("sata", index: 0) }
        for type in ["scsi", "sata"] {
            if let highest = highestNeeded[type] { addMissing(type, upTo: highest) }
        }
        if needs.contains("virtio-serial") && !controllerTypes.contains("virtio-serial") { addImplied("virtio-serial", index: 0) }
        requests[.controllers] = controllerList.compactMap(\.connection)
    }

    /// Ports of an AHCI (SATA) controller.
    static let sataUnits: UInt64 = 6

    /// The controller index a device's drive address names, or nil when it has no drive address.
    private static func driveController(_ device: XMLElement) -> UInt64? {
        guard let address = device.element("address"), address.attribute("type") == "drive" else { return nil }
        return LibvirtNumber.unsigned(address.attribute("controller") ?? "0", allowHex: false) ?? 0
    }

    /// True when a device has no address, or the all-zero PCI one that asks for any slot.
    static func isUnaddressed(_ device: XMLElement) throws(PatchbayError) -> Bool {
        guard let element = device.element("address") else { return true }
        guard element.attribute("type") == "pci" else { return false }
        return try PCIAddress(xml: element).isUnset
    }

    /// How a controller without an address attaches, or nil when it needs no slot of its own.
    static func controllerConnection(type: String, model: String?, index: UInt32, q35: Bool) -> PCIAddressPlanner.Connection? {
        switch type {
        case "usb":
            switch model {
            case nil: return q35 ? .express : (index == 0 ? nil : .conventional)
            case "piix3-uhci", "piix4-uhci": return !q35 && index == 0 ? nil : .conventional
            case "qemu-xhci", "nec-xhci": return .express
            case "none", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3", "qusb1", "qusb2": return nil
            default: return .conventional
            }
        case "ide":
            return !q35 && index == 0 ? nil : .conventional
        case "sata":
            return q35 && index == 0 ? nil : .conventional
        case "scsi":
            return model == "virtio-scsi" || model == "virtio-transitional" ? .express : .conventional
        case "virtio-serial":
            return .express
        default:
            return nil
        }
    }
}
