import NetCore
import NetXML

/// USB ports for host USB devices, handed out as libvirt's QEMU driver hands them out on i440fx and
/// q35: on the first USB controller, host devices before every other USB device, the first free port
/// of each hub before the ports of its child hubs, and hubs (8 ports each) added when the controller
/// has fewer ports than there are USB devices.
///
/// Limits: only bus 0 is used, and a document that already has `<hub>` elements gets no USB
/// addresses from Patchbay (libvirt would fill those hubs too).
struct USBPortPlanner {
    /// Ports of a USB hub.
    static let hubPorts = 8

    /// Root ports of the controller; nil when Patchbay does not assign USB addresses.
    private let rootPorts: Int?
    /// Port paths ("1", "1.2") taken by explicit addresses or already handed out.
    private var used: Set<String> = []
    /// Port paths holding hubs, in the order they were added.
    private var hubs: [String] = []

    /// Surveys `<devices>`: the USB controller, explicit USB addresses and devices still needing one.
    init(devices: XMLElement?, machine: DomainMachine) {
        let children = devices?.elements ?? []
        let controller = children.first { $0.name == "controller" && $0.attribute("type") == "usb" && ($0.attribute("index") ?? "0") == "0" }
        var ports: Int?
        switch machine.family {
        case .i440fx, .q35:
            ports = Self.ports(model: controller?.attribute("model"), portsAttribute: controller?.attribute("ports"), q35: machine.family == .q35)
        case .s390, .other:
            ports = nil
        }
        if children.contains(where: { $0.name == "hub" }) { ports = nil }
        rootPorts = ports
        // libvirt sizes the bus by every USB device, those with an address included.
        var count = 0
        for child in children {
            if let address = child.element("address"), address.attribute("type") == "usb" {
                if let port = address.attribute("port"), (address.attribute("bus") ?? "0") == "0" { used.insert(port) }
                count += 1
                continue
            }
            if Self.needsPort(child) { count += 1 }
        }
        guard let ports, count > ports else { return }
        // libvirt adds enough hubs for every device, each hub taking one port and giving eight.
        let needed = (count - ports + 1 + Self.hubPorts - 2) / (Self.hubPorts - 1)
        for _ in 0..<needed {
            guard let port = freePort(below: nil) else { return }
            hubs.append(port)
        }
    }

    /// Root ports of a USB controller model (libvirt's defaults; `ports=` for the xHCI ones).
    private static func ports(model: String?, portsAttribute: String?, q35: Bool) -> Int? {
        let explicit = portsAttribute.flatMap { Int($0) }
        switch model ?? (q35 ? "qemu-xhci" : "piix3-uhci") {
        case "piix3-uhci", "piix4-uhci", "vt82c686b-uhci", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3": return 2
        case "ehci", "ich9-ehci1": return 6
        case "pci-ohci": return 3
        case "nec-xhci", "qemu-xhci": return explicit ?? 4
        default: return nil
        }
    }

    /// Whether a device element is a USB device without an address.
    private static func needsPort(_ device: XMLElement) -> Bool {
        switch device.name {
        case "hostdev": device.attribute("type") == "usb" && (device.attribute("mode") ?? "subsystem") == "subsystem"
        case "interface":
            Self.isUSBHostdevNIC(device) || device.element("model")?.attribute("type") == "usb-net"
        case "disk": device.element("target")?.attribute("bus") == "usb"
        case "input", "redirdev": device.attribute("bus") == "usb"
        case "sound": device.attribute("model") == "usb"
        case "controller": device.attribute("type") == "ccid"
        case "serial", "channel", "console", "parallel": device.element("target")?.attribute("type") == "usb-serial"
        default: false
        }
    }

    /// Whether an `<interface type='hostdev'>` assigns a USB device (a USB address, or a vendor id).
    private static func isUSBHostdevNIC(_ device: XMLElement) -> Bool {
        guard device.attribute("type") == "hostdev", let source = device.element("source") else { return false }
        return source.element("address")?.attribute("type") == "usb" || source.element("vendor") != nil
    }

    /// The ports directly below a hub (nil: the controller's root ports).
    private func ports(below hub: String?) -> [String] {
        guard let hub else { return (1...max(rootPorts ?? 0, 1)).map { String($0) } }
        return (1...Self.hubPorts).map { "\(hub).\($0)" }
    }

    /// The first free port: this level's first free port, else the first free port below its hubs.
    private func freePort(below hub: String?) -> String? {
        let level = ports(below: hub)
        if let port = level.first(where: { !used.contains($0) && !hubs.contains($0) }) { return port }
        for port in level where hubs.contains(port) {
            if let found = freePort(below: port) { return found }
        }
        return nil
    }

    /// The next USB address, or nil when Patchbay does not assign one here or none is free.
    mutating func next() -> DeviceAddress? {
        guard rootPorts != nil, let port = freePort(below: nil) else { return nil }
        used.insert(port)
        return .other(type: .usb, attributes: [DeviceAddress.Attribute(name: "bus", value: "0"), DeviceAddress.Attribute(name: "port", value: port)])
    }
}
