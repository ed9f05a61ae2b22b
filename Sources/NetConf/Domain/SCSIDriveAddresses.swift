import NetCore
import NetXML

/// Drive addresses on the domain's SCSI controllers, for giving SCSI hostdevs the first free unit
/// as libvirt does when the domain is parsed (disks named sdX claim unit X mod 7 first).
struct SCSIDriveAddresses {
    /// Units narrow controllers offer to devices (ID 7 belongs to the controller).
    static let narrowUnits: UInt64 = 7
    /// Units a virtio-scsi controller offers.
    static let superWideUnits: UInt64 = 16384

    /// Used (controller, bus, target, unit) positions.
    private var used: Set<[UInt64]> = []
    /// The positions SCSI disks hold.
    private var disks: Set<[UInt64]> = []
    /// Model of each SCSI controller by index.
    private var models: [UInt64: String] = [:]

    /// Surveys the SCSI controllers, disks and hostdevs of `<devices>`.
    init(devices: XMLElement?) {
        for child in devices?.elements ?? [] {
            switch child.name {
            case "controller" where child.attribute("type") == "scsi":
                let index = LibvirtNumber.unsigned(child.attribute("index") ?? "0", allowHex: false) ?? 0
                models[index] = child.attribute("model") ?? ""
            case "disk" where Self.diskBus(child) == "scsi":
                if let address = Self.drive(child.element("address")) {
                    disks.insert(address)
                } else if let index = Self.diskIndex(child.element("target")?.attribute("dev") ?? "") {
                    disks.insert([index / Self.narrowUnits, 0, 0, index % Self.narrowUnits])
                }
            case "hostdev" where child.attribute("type") == "scsi":
                if let address = Self.drive(child.element("address")) { used.insert(address) }
            default:
                break
            }
        }
    }

    /// The next free position: the first controller with a free unit on bus 0, target 0.
    mutating func next() -> DeviceAddress {
        var controller: UInt64 = 0
        while true {
            let units = models[controller] == "virtio-scsi" ? Self.superWideUnits : Self.narrowUnits
            for unit in 0..<units where !used.contains([controller, 0, 0, unit]) && !disks.contains([controller, 0, 0, unit]) {
                used.insert([controller, 0, 0, unit])
                let attributes = [("controller", controller), ("bus", 0), ("target", 0), ("unit", unit)]
                return .other(type: .drive, attributes: attributes.map { DeviceAddress.Attribute(name: $0.0, value: String($0.1)) })
            }
            controller += 1
        }
    }

    /// Refuses a hostdev drive address a SCSI disk already holds.
    func checkNotDisk(_ address: DeviceAddress?) throws(PatchbayError) {
        guard let address, let position = Self.drive(address.xml()), disks.contains(position) else { return }
        throw PatchbayError(.xmlError, "SCSI host address controller='\(position[0])' bus='\(position[1])' target='\(position[2])' unit='\(position[3])' in use by a SCSI disk", domain: .domain)
    }

    /// A disk's bus: as written, else implied by its target name as libvirt does.
    static func diskBus(_ disk: XMLElement) -> String? {
        if let bus = disk.element("target")?.attribute("bus") { return bus }
        if disk.attribute("device") == "floppy" { return "fdc" }
        let dev = disk.element("target")?.attribute("dev") ?? ""
        let buses = [("hd", "ide"), ("sd", "scsi"), ("vd", "virtio"), ("xvd", "xen"), ("ubd", "uml")]
        return buses.first { dev.hasPrefix($0.0) }?.1 ?? "ide"
    }

    private static func drive(_ element: XMLElement?) -> [UInt64]? {
        guard let element, element.attribute("type") == "drive" else { return nil }
        return ["controller", "bus", "target", "unit"].map { LibvirtNumber.unsigned(element.attribute($0) ?? "0", allowHex: false) ?? 0 }
    }

    /// libvirt's disk name numbering: sda → 0, sdz → 25, sdaa → 26.
    static func diskIndex(_ name: String) -> UInt64? {
        guard let prefix = ["sd", "hd", "vd", "xvd", "ubd"].first(where: { name.hasPrefix($0) }) else { return nil }
        let letters = name.dropFirst(prefix.count)
        guard !letters.isEmpty, letters.allSatisfy({ ("a"..."z").contains($0) }) else { return nil }
        var index: UInt64 = 0
        for (position, letter) in letters.unicodeScalars.enumerated() {
            let value = UInt64(letter.value - 0x61)
            index = position == 0 ? value : (index + 1) * 26 + value
        }
        return index
    }
}
