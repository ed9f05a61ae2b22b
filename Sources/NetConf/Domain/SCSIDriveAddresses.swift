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
    /// Model of each SCSI controller by index.
    private var models: [UInt64: String] = [:]

    /// Surveys the SCSI controllers, disks and hostdevs of `<devices>`.
    init(devices: XMLElement?) {
        for child in devices?.elements ?? [] {
            switch child.name {
            case "controller" where child.attribute("type") == "scsi":
                let index = XMLElement.parseUnsigned(child.attribute("index") ?? "0", allowHex: false) ?? 0
                models[index] = child.attribute("model") ?? ""
            case "disk" where child.element("target")?.attribute("bus") == "scsi":
                if let address = Self.drive(child.element("address")) {
                    used.insert(address)
                } else if let index = Self.diskIndex(child.element("target")?.attribute("dev") ?? "") {
                    used.insert([index / Self.narrowUnits, 0, 0, index % Self.narrowUnits])
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
            for unit in 0..<units where !used.contains([controller, 0, 0, unit]) {
                used.insert([controller, 0, 0, unit])
                let attributes = [("controller", controller), ("bus", 0), ("target", 0), ("unit", unit)]
                return .other(type: .drive, attributes: attributes.map { DeviceAddress.Attribute(name: $0.0, value: String($0.1)) })
            }
            controller += 1
        }
    }

    private static func drive(_ element: XMLElement?) -> [UInt64]? {
        guard let element, element.attribute("type") == "drive" else { return nil }
        return ["controller", "bus", "target", "unit"].map { XMLElement.parseUnsigned(element.attribute($0) ?? "0", allowHex: false) ?? 0 }
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
