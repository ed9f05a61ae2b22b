import NetCore
import NetXML

/// A whole libvirt `<domain>` document: typed where Patchbay runs it (name, uuid, memory, vcpus,
/// os, clock, lifecycle actions, disks, serial/console, NICs, host devices, memballoon), and kept
/// verbatim — in libvirt's element order — for everything else libvirt's parser accepts, so that a
/// definition formats back as libvirt formats it. What Patchbay cannot run is refused when the
/// guest starts (`runnabilityProblems`), never dropped.
public struct DomainDefinition: Sendable {
    /// `<domain type=>`: the hypervisor driver (qemu = TCG, kvm = KVM for Patchbay).
    public var hypervisor: String
    public var name: String
    /// Generated when the document has none.
    public var uuid: LibvirtUUID
    public var title: String?
    public var description: String?
    public var memory: DomainMemory
    public var vcpus: DomainVCPUs
    public var os: DomainOS
    /// `<features>` as written (acpi, apic, pae, ...).
    public var features: XMLElement?
    public var clock: DomainClock
    public var lifecycle: DomainLifecycleActions
    /// `<devices><emulator>`.
    public var emulator: String?
    public var disks: [DomainDisk]
    /// NICs in document order, completed as the driver completes them (NetConf's `<interface>` model).
    public var interfaces: [DomainInterface]
    /// Standalone host devices.
    public var hostdevs: [DomainHostdev]
    public var serials: [DomainCharDevice]
    public var consoles: [DomainCharDevice]
    /// `<memballoon>` as written (nil when absent).
    public var memballoon: XMLElement?
    /// Top-level elements Patchbay does not model (metadata, cpu, memtune, seclabel, ...), as written.
    public var otherElements: [XMLElement]
    /// Device elements Patchbay does not model (controller, input, graphics, video, sound, rng, ...).
    public var otherDevices: [XMLElement]
    /// The guest platform facts NetConf's device model uses (defaults, addresses).
    public let machine: DomainMachine

    /// Hypervisor types libvirt knows (`virDomainVirt`).
    static let hypervisorTypes: Set<String> = ["none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz", "test", "vmware",
                                                "hyperv", "vbox", "phyp", "parallels", "bhyve", "vz"]

    /// libvirt's order of the top-level elements it formats. Others (unknown to libvirt) are
    /// ignored by its parser, and so here.
    static let topLevelOrder = ["name", "uuid", "genid", "title", "description", "metadata", "maxMemory", "memory",
                                "currentMemory", "blkiotune", "memtune", "memoryBacking", "vcpu", "vcpus", "iothreads",
                                "iothreadids", "cputune", "numatune", "resource", "sysinfo", "bootloader", "bootloader_args",
                                "os", "idmap", "features", "cpu", "clock", "on_poweroff", "on_reboot", "on_crash",
                                "on_lockfailure", "pm", "perf", "devices", "seclabel", "keywrap", "launchSecurity"]

    /// libvirt's order of device elements.
    static let deviceOrder = ["emulator", "disk", "controller", "lease", "filesystem", "interface", "smartcard", "serial",
                              "parallel", "console", "channel", "input", "tpm", "graphics", "sound", "audio", "video",
                              "hostdev", "redirdev", "redirfilter", "hub", "watchdog", "memballoon", "rng", "panic",
                              "shmem", "memory", "iommu", "vsock", "crypto"]

    /// The namespace of `<qemu:commandline>` and friends, which libvirt's QEMU driver keeps.
    public static let qemuNamespace = "http://libvirt.org/schemas/domain/qemu/1.0"

    /// Parses a `<domain>` document as a persistent definition.
    public static func parse(_ text: String) throws(PatchbayError) -> DomainDefinition {
        let root = try XMLParser.parse(text)
        guard root.name == "domain" else {
            throw PatchbayError(.xmlError, "unexpected root element <\(root.name)>, expecting <domain>", domain: .domain)
        }
        return try DomainDefinition(domain: root)
    }

    /// Builds the definition of a parsed `<domain>` element.
    public init(domain written: XMLElement) throws(PatchbayError) {
        let domain = Self.acceptingAliases(written)
        guard let type = domain.attribute("type") else {
            throw PatchbayError(.internalError, "missing domain type attribute", domain: .domain)
        }
        guard Self.hypervisorTypes.contains(type) else {
            throw PatchbayError(.configUnsupported, "invalid domain type \(type)", domain: .domain)
        }
        hypervisor = type
        guard let name = domain.element("name")?.text.trimmingWhitespace, !name.isEmpty else {
            throw PatchbayError(.noName, "", domain: .domain)
        }
        guard !name.contains("/") else {
            throw PatchbayError(.xmlError, "name \(name) cannot contain '/'", domain: .domain)
        }
        self.name = name
        if let text = domain.element("uuid")?.text.trimmingWhitespace {
            do { uuid = try LibvirtUUID(text) } catch {
                throw PatchbayError(.internalError, "malformed uuid element", domain: .domain)
            }
        } else {
            uuid = LibvirtUUID.random()
        }
        title = domain.element("title")?.text
        if let title, title.contains("\n") {
            throw PatchbayError(.xmlError, "Domain title can't contain newlines", domain: .domain)
        }
        description = domain.element("description")?.text
        memory = try DomainMemory(domain: domain)
        vcpus = try DomainVCPUs(domain: domain)
        let deviceElements = domain.element("devices")?.elements ?? []
        let hasBootOrder = deviceElements.contains { $0.element("boot")?.attribute("order") != nil }
        os = try DomainOS(domain: domain, hasDeviceBootOrder: hasBootOrder)
        features = domain.element("features")?.withoutBlankText
        clock = try DomainClock(domain: domain)
        lifecycle = try DomainLifecycleActions(domain: domain)
        let network = try DomainNetworkDevices(domain: domain)
        machine = network.machine
        interfaces = network.interfaces
        hostdevs = network.hostdevs
        emulator = domain.element("devices")?.element("emulator")?.text.trimmingWhitespace
        disks = try deviceElements.filter { $0.name == "disk" }.map { e throws(PatchbayError) in try DomainDisk(xml: e) }
        var serials = try deviceElements.filter { $0.name == "serial" }.map { e throws(PatchbayError) in try DomainCharDevice(xml: e) }
        var consoles = try deviceElements.filter { $0.name == "console" }.map { e throws(PatchbayError) in try DomainCharDevice(xml: e) }
        if os.type == "hvm" { DomainCharDevice.reconcile(serials: &serials, consoles: &consoles) }
        self.serials = serials
        self.consoles = consoles
        memballoon = domain.element("devices")?.element("memballoon")?.withoutBlankText
        let typedDevices: Set<String> = ["emulator", "disk", "interface", "hostdev", "serial", "console", "memballoon"]
        let knownDevices = Set(Self.deviceOrder)
        otherDevices = deviceElements.filter { knownDevices.contains($0.name) && !typedDevices.contains($0.name) && $0.namespaceURI == nil }
            .map(\.withoutBlankText)
        let typedTop: Set<String> = ["name", "uuid", "title", "description", "memory", "currentMemory", "vcpu", "os",
                                     "features", "clock", "on_poweroff", "on_reboot", "on_crash", "devices"]
        let knownTop = Set(Self.topLevelOrder)
        otherElements = domain.elements.filter { element in
            if element.namespaceURI == Self.qemuNamespace { return true }
            return element.namespaceURI == nil && knownTop.contains(element.name) && !typedTop.contains(element.name)
        }.map { element in
            // libvirt keeps one namespaced child per namespace in <metadata>, each declaring it.
            element.name == "metadata" && element.namespaceURI == nil ? NetworkMetadata(element).element : element.withoutBlankText
        }
    }

    /// The seed's `<interface type='none'>` is Patchbay's input alias of libvirt's `type='null'`.
    private static func acceptingAliases(_ domain: XMLElement) -> XMLElement {
        var copy = domain
        copy.children = domain.children.map { node in
            guard case .element(var devices) = node, devices.name == "devices" else { return node }
            devices.children = devices.children.map { child in
                guard case .element(var interface) = child, interface.name == "interface",
                      let index = interface.attributes.firstIndex(where: { $0.name == "type" && $0.value == "none" }) else { return child }
                interface.attributes[index].value = InterfaceType.null.rawValue
                return .element(interface)
            }
            return .element(devices)
        }
        return copy
    }

    /// The document as libvirt formats it; `liveID` gives the running domain's id (and the NICs'
    /// live details: target dev, alias).
    public func xml(liveID: Int32? = nil) -> String {
        XMLWriter.document(element(liveID: liveID))
    }

    /// The `<domain>` element as libvirt formats it.
    public func element(liveID: Int32? = nil) -> XMLElement {
        var root = XMLElement("domain", attributes: [("type", hypervisor)])
        root.set("id", liveID.map(String.init))
        var typed: [String: [XMLElement]] = [:]
        typed["name"] = [XMLElement("name", children: [.text(name)])]
        typed["uuid"] = [XMLElement("uuid", children: [.text(uuid.description)])]
        if let title { typed["title"] = [XMLElement("title", children: [.text(title)])] }
        if let description { typed["description"] = [XMLElement("description", children: [.text(description)])] }
        let memoryElements = memory.xml
        typed["memory"] = [memoryElements[0]]
        typed["currentMemory"] = [memoryElements[1]]
        typed["vcpu"] = [vcpus.xml]
        typed["os"] = [os.xml]
        if let features { typed["features"] = [features] }
        typed["clock"] = [clock.element]
        let actions = lifecycle.xml
        typed["on_poweroff"] = [actions[0]]
        typed["on_reboot"] = [actions[1]]
        typed["on_crash"] = [actions[2]]
        typed["devices"] = [devicesElement(active: liveID != nil)]
        for name in Self.topLevelOrder {
            root.append(contentsOf: typed[name] ?? otherElements.filter { $0.name == name && $0.namespaceURI == nil })
        }
        root.append(contentsOf: otherElements.filter { $0.namespaceURI != nil })
        if otherElements.contains(where: { $0.namespaceURI == Self.qemuNamespace }),
           !root.attributes.contains(where: { $0.name == "xmlns:qemu" }) {
            root.attributes.append((name: "xmlns:qemu", value: Self.qemuNamespace))
        }
        return root
    }

    private func devicesElement(active: Bool) -> XMLElement {
        var typed: [String: [XMLElement]] = [:]
        if let emulator { typed["emulator"] = [XMLElement("emulator", children: [.text(emulator)])] }
        typed["disk"] = disks.map(\.xml)
        typed["interface"] = interfaces.map { $0.xml(active: active) }
        typed["hostdev"] = hostdevs.map(\.xml)
        typed["serial"] = serials.map(\.xml)
        typed["console"] = consoles.map(\.xml)
        if let memballoon { typed["memballoon"] = [memballoon] }
        var devices = XMLElement("devices", keepsOpenWhenEmpty: true)
        for name in Self.deviceOrder {
            devices.append(contentsOf: typed[name] ?? otherDevices.filter { $0.name == name })
        }
        return devices
    }

    /// The NICs and host devices as NetConf's device model sees them (QEMU arguments are built from it).
    public var domainElementForDevices: XMLElement { element() }
}
