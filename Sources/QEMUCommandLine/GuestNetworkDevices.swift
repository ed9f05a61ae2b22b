import NetConf
import NetCore
import NetXML

/// A domain's NICs and host devices as the guest driver starts them: the NetConf model (which
/// resolves `<teaming>` and reads Patchbay's extensions), with its teaming checked and what QEMU
/// needs besides (device ids, the PCI controllers devices sit on).
///
/// This is the input of `GuestNetworkArguments`.
public struct GuestNetworkDevices: Sendable {
    /// NICs in document order (a transient partner may have taken its persistent partner's MAC).
    public let interfaces: [DomainInterface]
    /// Standalone host devices in document order.
    public let hostdevs: [DomainHostdev]
    /// The guest platform.
    public let machine: DomainMachine
    /// Ids QEMU knows the devices by.
    public let aliases: DeviceAliases
    /// The domain's PCI controllers as written (index → model, address), for the root ports devices sit on.
    public let writtenControllers: [UInt32: WrittenController]
    /// Whether the guest has a primary video device (it takes the first slot on q35's root bus).
    public let hasPrimaryVideo: Bool

    /// A PCI controller as written in the document.
    public struct WrittenController: Sendable {
        /// `model=`.
        public let model: String?
        /// Its own address.
        public let address: PCIAddress?
        /// `<target chassis=>`.
        public let chassis: UInt32?
        /// `<target port=>`.
        public let port: UInt32?
    }

    /// Parses a whole `<domain>` document.
    public static func parse(domainXML: String) throws(PatchbayError) -> GuestNetworkDevices {
        let root = try XMLParser.parse(domainXML)
        guard root.name == "domain" else {
            throw PatchbayError(.xmlError, "unexpected root element <\(root.name)>, expecting <domain>", domain: .domain)
        }
        return try GuestNetworkDevices(domain: root)
    }

    /// Builds the devices of a parsed `<domain>` element.
    public init(domain: XMLElement) throws(PatchbayError) {
        let devices = try DomainNetworkDevices(domain: domain)
        interfaces = devices.interfaces
        hostdevs = devices.hostdevs
        machine = devices.machine
        aliases = DeviceAliases(devices)
        var controllers: [UInt32: WrittenController] = [:]
        for controller in domain.element("devices")?.elements("controller") ?? [] where controller.attribute("type") == "pci" {
            guard let index = controller.attribute("index").flatMap({ UInt32($0) }) else { continue }
            let address = controller.element("address").flatMap { try? DeviceAddress(xml: $0) }?.pci
            let target = controller.element("target")
            func number(_ name: String) -> UInt32? {
                guard let text = target?.attribute(name) else { return nil }
                return text.hasPrefix("0x") ? UInt32(text.dropFirst(2), radix: 16) : UInt32(text)
            }
            controllers[index] = WrittenController(model: controller.attribute("model"), address: address,
                                                   chassis: number("chassis"), port: number("port"))
        }
        writtenControllers = controllers
        let devicesElement = domain.element("devices")
        let videoModel = devicesElement?.element("video")?.element("model")?.attribute("type")
        hasPrimaryVideo = (devicesElement?.element("video") != nil && videoModel != "none") || devicesElement?.element("graphics") != nil
        try devices.validateTeaming()
        try checkEmulatedTransients(devices)
    }

    /// NIC models libvirt puts on a pcie-root-port of its own on q35.
    static let expressModels: Set<String> = ["virtio", "virtio-non-transitional", "e1000e"]

    /// On q35 an emulated transient partner must be unpluggable alone: a PCIe model, which gets a
    /// pcie-root-port of its own.
    private func checkEmulatedTransients(_ devices: DomainNetworkDevices) throws(PatchbayError) {
        guard machine.family == .q35 else { return }
        for (index, nic) in interfaces.enumerated() where devices.isEmulatedTransient(nic) && !Self.expressModels.contains(nic.model?.name ?? "") {
            throw PatchbayError(.configUnsupported, "emulated teaming transient interface \(aliases.interfaces[index]) must be a PCI Express model (virtio, e1000e) on its own pcie-root-port", domain: .domain)
        }
    }
}
