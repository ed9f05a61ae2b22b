import NetCore
import NetXML

/// One `<interface>` of a domain, as libvirt 9.0 parses it.
public struct DomainInterface: Hashable, Sendable {
    /// `<link state=.../>` values.
    public enum LinkState: String, Sendable, CaseIterable {
        /// Carrier present.
        case up
        /// Carrier absent.
        case down
    }

    /// Backends a host PCI device can be assigned with (`<driver name=...>` of a hostdev NIC).
    public enum HostdevBackend: String, Sendable, CaseIterable {
        /// Legacy KVM assignment.
        case kvm
        /// VFIO.
        case vfio
        /// Xen pciback.
        case xen
    }

    /// `<target dev= managed=/>`.
    public struct Target: Hashable, Sendable {
        /// Host-side device name; nil when only `managed` was given or the name was a generated one.
        public let dev: String?
        /// False for a tap the user created (`managed='no'`, ethernet only).
        public let managed: Bool?

        public init(dev: String?, managed: Bool? = nil) {
            self.dev = dev
            self.managed = managed
        }
    }

    /// Prefixes of names libvirt generates for host devices; such names are not part of a persistent definition.
    public static let generatedNamePrefixes = ["vnet", "macvtap", "macvlan"]

    /// Interface type.
    public var type: InterfaceType
    /// `managed='yes'`: libvirt detaches the VF from its host driver (hostdev type).
    public var managed: Bool = false
    /// Whether guest changes of the MAC/multicast filters are trusted.
    public var trustGuestRxFilters: Bool?
    /// The guest MAC.
    public var mac: InterfaceMAC
    /// What the NIC connects to.
    public var source: InterfaceSource
    /// Guest-side addresses (ethernet/user).
    public var ips: [InterfaceIP] = []
    /// Guest-side routes (ethernet/user).
    public var routes: [InterfaceRoute] = []
    /// passt port forwards.
    public var portForwards: [PortForward] = []
    /// VLAN tagging.
    public var vlan: VLAN?
    /// Switch port profile.
    public var virtualPort: VirtualPort?
    /// QoS.
    public var bandwidth: Bandwidth?
    /// Port options (isolated).
    public var portOptions: PortOptions?
    /// Script run when the tap comes up.
    public var script: String?
    /// Script run when the tap goes down.
    public var downscript: String?
    /// Xen driver domain.
    public var backendDomain: String?
    /// Host-side device.
    public var target: Target?
    /// Guest-side device name (`<guest dev=>`).
    public var guestDev: String?
    /// The name the guest actually gave the device (`<guest actual=>`).
    public var guestActual: String?
    /// Emulated model.
    public var model: InterfaceModel?
    /// virtio driver options.
    public var driver: InterfaceDriver?
    /// PCI assignment backend (hostdev type).
    public var hostdevBackend: HostdevBackend?
    /// Host device paths / user-mode backend.
    public var backend: InterfaceBackend?
    /// nwfilter reference.
    public var filterRef: InterfaceFilterRef?
    /// Tap send buffer size (`<tune><sndbuf>`).
    public var sendBuffer: UInt64?
    /// Failover pairing.
    public var teaming: InterfaceTeaming?
    /// Initial link state.
    public var linkState: LinkState?
    /// MTU of the host side.
    public var mtu: UInt32?
    /// Interrupt coalescing: receive frames.
    public var coalesceRxFrames: UInt32?
    /// Boot order, alias, ROM, address.
    public var info: DeviceInfo

    /// Parses `<interface>` of a persistent definition (runtime-only state is dropped, as libvirt does).
    ///
    /// Like libvirt, a repeated child element is not an error: the first one counts.
    public init(xml element: XMLElement) throws(PatchbayError) {
        type = try element.domainEnum("type", InterfaceType.self) ?? .user
        // libvirt reads a hostdev NIC's `managed` leniently: anything but "yes" is "no".
        if type == .hostdev { managed = element.attribute("managed") == "yes" }
        trustGuestRxFilters = try element.domainYesNo("trustGuestRxFilters")
        // libvirt reads the model before anything else of the NIC: its refusal comes first.
        if let text = element.element("model")?.attribute("type"), !text.isEmpty { model = try InterfaceModel(text) }
        mac = try element.element("mac").map { e throws(PatchbayError) in try InterfaceMAC(xml: e) } ?? InterfaceMAC.generated()
        let sourceElement = element.element("source")
        // libvirt reads host-side addresses and routes of any type, then refuses them off ethernet.
        if type != .ethernet, let sourceElement {
            _ = try sourceElement.elements("ip").map { e throws(PatchbayError) in try InterfaceIP(xml: e) }
            _ = try sourceElement.elements("route").map { e throws(PatchbayError) in try InterfaceRoute(xml: e, side: .host) }
        }
        if type != .ethernet, let sourceElement, sourceElement.element("ip") != nil || sourceElement.element("route") != nil {
            throw PatchbayError(.configUnsupported, "Invalid attempt to set network interface host-side IP route and/or address info on interface of type '\(type.rawValue)'. This is only supported on interfaces of type 'ethernet'", domain: .domain)
        }
        source = try InterfaceSource(type: type, source: sourceElement, keepLiveState: false)
        // The rest in libvirt's reading order, so that the first refusal is the one libvirt gives:
        // a hostdev NIC's assignment driver with its source, the profile, QoS, VLAN, the device info
        // (address, boot, ...), then guest addresses, routes and forwards.
        if type == .hostdev, let driver = element.element("driver") {
            hostdevBackend = try driver.domainEnum("name", HostdevBackend.self)
        }
        virtualPort = try Self.parseVirtualPort(element.element("virtualport"), type: type)
        if let bandwidth = element.element("bandwidth") {
            // A floor is a share of a libvirt network's inbound average; nothing else has one.
            self.bandwidth = try Bandwidth.parse(bandwidth)
            if self.bandwidth?.inbound?.floor != nil && type != .network {
                throw PatchbayError(.configUnsupported, "floor attribute is not supported for this config", domain: .domain)
            }
        }
        vlan = try element.element("vlan").map { e throws(PatchbayError) in try VLAN(xml: e) }
        info = try DeviceInfo(xml: element)
        ips = try element.elements("ip").map { e throws(PatchbayError) in try InterfaceIP(xml: e) }
        routes = try element.elements("route").map { e throws(PatchbayError) in try InterfaceRoute(xml: e, side: .guest) }
        portForwards = try element.elements("portForward").map { e throws(PatchbayError) in try PortForward(xml: e) }
        if let port = element.element("port") {
            _ = try port.domainYesNo("isolated")
            portOptions = try PortOptions.parse(port)
        }
        script = element.element("script")?.attribute("path")
        downscript = element.element("downscript")?.attribute("path")
        backendDomain = element.element("backenddomain")?.attribute("name").flatMap { $0.isEmpty ? nil : $0 }
        target = try Self.parseTarget(element.element("target"), type: type)
        if let guest = element.element("guest") {
            // Empty names are no names.
            guestDev = guest.attribute("dev").flatMap { $0.isEmpty ? nil : $0 }
            guestActual = guest.attribute("actual").flatMap { $0.isEmpty ? nil : $0 }
        }
        let virtio = model?.isVirtio ?? false
        if let driver = element.element("driver") {
            // libvirt reads the driver options only for a NIC written with a virtio model (the
            // transport options of any NIC, to refuse them once the model is final).
            self.driver = try InterfaceDriver(xml: driver, virtio: virtio && type != .hostdev)
        }
        if let backend = element.element("backend") { self.backend = try InterfaceBackend.parse(backend, virtio: virtio) }
        // The host device of user-mode networking is a passt setting; SLIRP has none.
        if case .user(let dev?) = source, backend?.kind != .passt { source = .user(dev: nil) }
        // nwfilter applies only where libvirt owns a tap on the host side.
        if [.network, .bridge, .ethernet].contains(type) {
            filterRef = try element.element("filterref").flatMap { e throws(PatchbayError) in try InterfaceFilterRef(xml: e) }
        }
        if let sndbuf = element.element("tune")?.element("sndbuf") {
            guard let value = LibvirtNumber.unsigned(sndbuf.text, allowHex: false) else {
                throw PatchbayError(.xmlError, "sndbuf must be a positive integer", domain: .domain)
            }
            sendBuffer = value
        }
        teaming = try element.element("teaming").flatMap { e throws(PatchbayError) in try InterfaceTeaming.parse(e) }
        if let link = element.element("link"), let state = link.attribute("state") {
            guard let parsed = LinkState(rawValue: state) else {
                throw PatchbayError(.configUnsupported, "unknown interface link state '\(state)'", domain: .domain)
            }
            linkState = parsed
        }
        if let text = element.element("mtu")?.attribute("size"), !text.isEmpty {
            guard let size = LibvirtNumber.unsigned(text, allowHex: false), size <= UInt64(UInt32.max) else {
                throw PatchbayError(.xmlError, "malformed mtu size", domain: .domain)
            }
            // Zero means "not set", as in libvirt.
            self.mtu = size == 0 ? nil : UInt32(size)
        }
        // Zero frames means "no coalescing setting", which libvirt does not print.
        if let frames = element.element("coalesce")?.element("rx")?.element("frames"), let text = frames.attribute("max"), !text.isEmpty {
            guard let max = LibvirtNumber.unsigned(text, allowHex: false) else {
                throw PatchbayError(.xmlDetail, "cannot parse value '\(text)' for coalesce parameter", domain: .domain)
            }
            guard max <= UInt64(UInt32.max) else {
                throw PatchbayError(.overflow, "value '\(text)' is too big for coalesce parameter, maximum is '\(UInt32.max)'", domain: .domain)
            }
            coalesceRxFrames = max > 0 ? UInt32(max) : nil
        }
        try validate()
    }

    /// Reads `<virtualport>`: allowed for network, bridge, direct and hostdev NICs; libvirt fills in
    /// missing instance/interface ids with random UUIDs, and insists on a complete profile where it
    /// applies the profile itself rather than a network.
    private static func parseVirtualPort(_ element: XMLElement?, type: InterfaceType) throws(PatchbayError) -> VirtualPort? {
        guard let element else { return nil }
        guard [.network, .bridge, .direct, .hostdev].contains(type) else {
            throw PatchbayError(.configUnsupported, "<virtualport> element unsupported for <interface type='\(type.rawValue)'>", domain: .domain)
        }
        // An unknown profile type is a configuration libvirt does not support, not an XML error.
        if let kind = element.attribute("type"), VirtualPort.Kind(rawValue: kind) == nil {
            throw PatchbayError(.configUnsupported, "unknown virtualport type \(kind)", domain: .domain)
        }
        let strict = type != .network
        // Where the NIC applies the profile itself its type is required, before any parameter is read.
        if strict && element.attribute("type") == nil {
            throw PatchbayError(.xmlError, "missing required virtualport type", domain: .domain)
        }
        var port = try VirtualPort(xml: element)
        if port.instanceID == nil && (port.kind == nil || port.kind == .qbg) { port.instanceID = Self.randomUUID() }
        if port.interfaceID == nil && (port.kind == nil || port.kind == .openvswitch) { port.interfaceID = Self.randomUUID() }
        if strict { try port.checkComplete() }
        return port
    }

    /// A random (version 4) UUID.
    private static func randomUUID() -> LibvirtUUID { LibvirtUUID.random() }

    /// Reads `<target>`, forgetting names libvirt would generate anew at start.
    private static func parseTarget(_ element: XMLElement?, type: InterfaceType) throws(PatchbayError) -> Target? {
        guard let element else { return nil }
        let managed = try element.domainYesNo("managed")
        if managed == false && type != .ethernet {
            throw PatchbayError(.configUnsupported, "unmanaged target dev is not supported on interfaces of type '\(type.rawValue)'", domain: .domain)
        }
        // `managed='no'` without a name is accepted by libvirt's parser; starting such a NIC fails later.
        var dev = element.attribute("dev")
        // A generated name is chosen anew at each start, unless the tap is the user's own.
        if managed != false, let name = dev, generatedNamePrefixes.contains(where: { name.hasPrefix($0) }) { dev = nil }
        return dev == nil && managed == nil ? nil : Target(dev: dev, managed: managed)
    }

    /// Cross-field checks libvirt makes when a domain is defined.
    private func validate() throws(PatchbayError) {
        if case .hostdev(let device) = source, let address = info.address {
            try DomainHostdev.checkGuestAddress(address, of: device, mdevModel: nil)
        }
        if portOptions?.isolated == true {
            guard type == .network || type == .bridge else {
                throw PatchbayError(.configUnsupported, "interface \(mac.address) - <port isolated='yes'/> is not supported for network interfaces with type='\(type.rawValue)'", domain: .domain)
            }
            if let kind = virtualPort?.kind {
                throw PatchbayError(.configUnsupported, "interface \(mac.address) - <port isolated='yes'/> is not supported for network interfaces with virtualport type='\(kind.rawValue)'", domain: .domain)
            }
        }
        if type == .vhostuser, !(model?.isVirtio ?? false) {
            throw Self.vhostUserModelError
        }
    }

    /// Transport options belong to virtio devices; checked once the model is final (a QEMU guest may get
    /// virtio as its default).
    public func checkVirtioOptions() throws(PatchbayError) {
        guard !(model?.isVirtio ?? false), let driver else { return }
        for option in InterfaceDriver.virtioOptions where driver.virtioOptions[option] != nil {
            // libvirt words the last one differently.
            let detail = option == "page_per_vq" ? "page_per_vq option is only supported for virtio devices"
                : "\(option) driver option is only supported for virtio devices"
            throw PatchbayError(.configUnsupported, detail, domain: .domain)
        }
    }

    /// vhost-user speaks only virtio-net.
    static let vhostUserModelError = PatchbayError(.internalError, "Wrong or no <model> 'type' attribute specified with <interface type='vhostuser'/>. vhostuser requires the virtio-net* frontend", domain: .domain)
}
