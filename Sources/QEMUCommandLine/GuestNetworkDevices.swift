import NetConf
import NetCore
import NetXML

/// A domain's NICs and host devices as the guest driver starts them: the NetConf model, with
/// `<teaming>` pairs resolved and checked, and Patchbay's extensions read.
///
/// This is the input of `GuestNetworkArguments`; the model itself stays libvirt's parser.
public struct GuestNetworkDevices: Sendable {
    /// NICs in document order (a transient partner may have taken its persistent partner's MAC).
    public private(set) var interfaces: [DomainInterface]
    /// Standalone host devices in document order.
    public let hostdevs: [DomainHostdev]
    /// The guest platform.
    public let machine: DomainMachine
    /// Patchbay's extensions from `<metadata>`.
    public let extensions: PatchbayDomainExtensions
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
        extensions = try PatchbayDomainExtensions(domain: domain)
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
        // Which written <interface> elements gave a MAC: only those keep their own.
        let written = domain.element("devices")?.elements("interface") ?? []
        let macGiven = written.map { $0.element("mac")?.attribute("address") != nil }
        try resolveTeaming(macGiven: macGiven)
    }

    /// The `<interface>` and `<hostdev>` elements as Patchbay formats them (the MAC a transient
    /// partner took shows).
    public func formattedElements(active: Bool) -> [XMLElement] {
        interfaces.map { $0.xml(active: active) } + hostdevs.map(\.xml)
    }

    /// NIC models libvirt puts on a pcie-root-port of its own on q35.
    static let expressModels: Set<String> = ["virtio", "virtio-non-transitional", "e1000e"]

    /// The transient partners, as (persistent alias, whether it is an interface, index).
    private var transients: [(persistent: String, interface: Int?, hostdev: Int?)] {
        var list: [(persistent: String, interface: Int?, hostdev: Int?)] = []
        for (index, nic) in interfaces.enumerated() {
            if case .transient(let persistent) = nic.teaming { list.append((persistent, index, nil)) }
        }
        for (index, hostdev) in hostdevs.enumerated() {
            if case .transient(let persistent) = hostdev.teaming { list.append((persistent, nil, index)) }
        }
        return list
    }

    /// Teaming as seed 003 designs it: the persistent NIC needs a user alias for its partner to
    /// name; the partner names an existing persistent NIC, is a host device (or an emulated NIC on
    /// a network that Patchbay's extension names) and takes the persistent NIC's MAC when it has none.
    private mutating func resolveTeaming(macGiven: [Bool]) throws(PatchbayError) {
        for nic in interfaces where nic.teaming == .persistent && nic.info.alias == nil {
            throw PatchbayError(.configUnsupported, "virtio-net teaming persistent interface \(nic.mac.address) must have an <alias name='ua-...'/> for its transient partner to name", domain: .domain)
        }
        for transient in transients {
            guard let persistent = interfaces.firstIndex(where: { $0.info.alias == transient.persistent && $0.teaming == .persistent }) else {
                throw PatchbayError(.configUnsupported, "virtio-net teaming transient device names persistent='\(transient.persistent)', which is no <teaming type='persistent'/> interface of this domain", domain: .domain)
            }
            guard let index = transient.interface else { continue }
            let nic = interfaces[index]
            if nic.type != .hostdev {
                let alias = aliases.interfaces[index]
                guard nic.type == .network, extensions.emulatedTransients.contains(alias) else {
                    throw PatchbayError(.configUnsupported, "virtio-net teaming transient interface must be type='hostdev', not '\(nic.type.rawValue)'", domain: .domain)
                }
                // On q35 the partner must be unpluggable alone: a PCIe model on its own root port.
                if machine.family == .q35, !Self.expressModels.contains(nic.model?.name ?? "") {
                    throw PatchbayError(.configUnsupported, "emulated teaming transient interface \(alias) must be a PCI Express model (virtio, e1000e) on its own pcie-root-port", domain: .domain)
                }
            }
            if index < macGiven.count, !macGiven[index] {
                interfaces[index].mac = interfaces[persistent].mac
            }
        }
    }
}
