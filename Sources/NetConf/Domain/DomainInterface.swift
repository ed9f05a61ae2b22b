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
    public init(xml element: XMLElement) throws(PatchbayError) {
        type = try element.enumeration("type", InterfaceType.self) ?? .user
        if type == .hostdev { managed = try element.yesNo("managed") ?? false }
        trustGuestRxFilters = try element.yesNo("trustGuestRxFilters")
        mac = try element.single("mac").map { e throws(PatchbayError) in try InterfaceMAC(xml: e) } ?? InterfaceMAC.generated()
        let sourceElement = try element.single("source")
        if type != .ethernet, let sourceElement, sourceElement.element("ip") != nil || sourceElement.element("route") != nil {
            throw PatchbayError(.configUnsupported, "Invalid attempt to set network interface host-side IP route and/or address info on interface of type '\(type.rawValue)'. This is only supported on interfaces of type 'ethernet'", domain: .domain)
        }
        source = try InterfaceSource(type: type, source: sourceElement, keepLiveState: false)
        ips = try element.elements("ip").map { e throws(PatchbayError) in try InterfaceIP(xml: e) }
        routes = try element.elements("route").map { e throws(PatchbayError) in try InterfaceRoute(xml: e) }
        portForwards = try element.elements("portForward").map { e throws(PatchbayError) in try PortForward(xml: e) }
        vlan = try element.single("vlan").map { e throws(PatchbayError) in try VLAN(xml: e) }
        virtualPort = try Self.parseVirtualPort(try element.single("virtualport"), type: type)
        if let bandwidth = try element.single("bandwidth") {
            self.bandwidth = try Bandwidth.parse(bandwidth)
            // A floor is a share of a libvirt network's inbound average; nothing else has one.
            if self.bandwidth?.inbound?.floor != nil && type != .network {
                throw PatchbayError(.configUnsupported, "floor attribute is supported only for interfaces of type network", domain: .domain)
            }
        }
        if let port = try element.single("port") { portOptions = try PortOptions.parse(port) }
        script = try element.single("script")?.attribute("path")
        downscript = try element.single("downscript")?.attribute("path")
        backendDomain = try element.single("backenddomain")?.attribute("name")
        target = try Self.parseTarget(try element.single("target"), type: type)
        guestDev = try element.single("guest")?.attribute("dev")
        if let text = try element.single("model")?.attribute("type") { model = try InterfaceModel(text) }
        if let driver = try element.single("driver") {
            if type == .hostdev {
                hostdevBackend = try driver.enumeration("name", HostdevBackend.self)
            } else {
                // Kept whatever the model: a vDPA NIC only becomes virtio when defaults are applied.
                // It is printed for virtio models only, as libvirt does.
                self.driver = try InterfaceDriver(xml: driver)
            }
        }
        if let backend = try element.single("backend") { self.backend = try InterfaceBackend.parse(backend) }
        // The host device of user-mode networking is a passt setting; SLIRP has none.
        if case .user(let dev?) = source, backend?.kind != .passt { source = .user(dev: nil) }
        // nwfilter applies only where libvirt owns a tap on the host side.
        if [.network, .bridge, .ethernet].contains(type) {
            filterRef = try element.single("filterref").map { e throws(PatchbayError) in try InterfaceFilterRef(xml: e) }
        }
        if let sndbuf = try element.single("tune")?.single("sndbuf") {
            guard let value = XMLElement.parseUnsigned(sndbuf.text, allowHex: false) else {
                throw PatchbayError(.xmlError, "sndbuf must be a positive integer", domain: .domain)
            }
            sendBuffer = value
        }
        teaming = try element.single("teaming").map { e throws(PatchbayError) in try InterfaceTeaming(xml: e) }
        if let link = try element.single("link"), let state = link.attribute("state") {
            guard let parsed = LinkState(rawValue: state) else {
                throw PatchbayError(.configUnsupported, "unknown interface link state '\(state)'", domain: .domain)
            }
            linkState = parsed
        }
        if let text = try element.single("mtu")?.attribute("size") {
            guard let size = XMLElement.parseUnsigned(text, allowHex: false), size <= UInt64(UInt32.max) else {
                throw PatchbayError(.xmlError, "malformed mtu size", domain: .domain)
            }
            // Zero means "not set", as in libvirt.
            self.mtu = size == 0 ? nil : UInt32(size)
        }
        // Zero frames means "no coalescing setting", which libvirt does not print.
        if let frames = try element.single("coalesce")?.single("rx")?.single("frames"), let max = try frames.unsigned("max"), max > 0 {
            coalesceRxFrames = UInt32(max)
        }
        info = try DeviceInfo(xml: element)
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
        var port = try VirtualPort(xml: element)
        let strict = type != .network
        if strict && port.kind == nil {
            throw PatchbayError(.xmlError, "missing required virtualport type", domain: .domain)
        }
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
        let managed = try element.yesNo("managed")
        if managed == false && type != .ethernet {
            throw PatchbayError(.configUnsupported, "unmanaged target dev is not supported on interfaces of type '\(type.rawValue)'", domain: .domain)
        }
        var dev = element.attribute("dev")
        if managed == false && dev == nil {
            throw PatchbayError(.xmlError, "target dev must be supplied when managed='no'", domain: .domain)
        }
        // A generated name is chosen anew at each start, unless the tap is the user's own.
        if managed != false, let name = dev, generatedNamePrefixes.contains(where: { name.hasPrefix($0) }) { dev = nil }
        return dev == nil && managed == nil ? nil : Target(dev: dev, managed: managed)
    }

    /// Cross-field checks libvirt makes when a domain is defined.
    private func validate() throws(PatchbayError) {
        if portOptions?.isolated == true {
            guard type == .network || type == .bridge else {
                throw PatchbayError(.configUnsupported, "interface \(mac.address) - <port isolated='yes'/> is not supported for network interfaces with type='\(type.rawValue)'", domain: .domain)
            }
            if let kind = virtualPort?.kind {
                throw PatchbayError(.configUnsupported, "interface \(mac.address) - <port isolated='yes'/> is not supported for network interfaces with virtualport type='\(kind.rawValue)'", domain: .domain)
            }
        }
        if type == .vhostuser, let model, !model.isVirtio {
            throw Self.vhostUserModelError
        }
    }

    /// vhost-user speaks only virtio-net.
    static let vhostUserModelError = PatchbayError(.configUnsupported, "Wrong or no <model> 'type' attribute specified with <interface type='vhostuser'/>. vhostuser requires the virtio-net* frontend", domain: .domain)
}
