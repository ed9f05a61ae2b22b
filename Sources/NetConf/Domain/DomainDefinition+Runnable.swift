import NetCore
import NetXML

extension DomainDefinition {
    /// What the host offers that decides whether some devices can run.
    public struct HostFacilities: Sendable {
        /// VFIO is available (PCI host devices can be assigned).
        public var vfio: Bool
        public init(vfio: Bool) { self.vfio = vfio }
    }

    /// The first thing of the definition Patchbay cannot run, as the refusal `start` gives:
    /// "unsupported configuration: Patchbay does not run <graphics> ..." naming the element.
    /// Nothing is ever dropped silently: whatever is kept verbatim and would change the guest is here.
    public func checkRunnable(host: HostFacilities) throws(PatchbayError) {
        if let problem = runnabilityProblems(host: host).first {
            throw PatchbayError(.configUnsupported, problem, domain: .domain)
        }
    }

    /// Every reason the definition cannot run, in document order (empty when it can).
    public func runnabilityProblems(host: HostFacilities) -> [String] {
        var problems: [String] = []
        func refuse(_ what: String, _ why: String = "") {
            problems.append("Patchbay does not run \(what)\(why.isEmpty ? "" : ": \(why)")")
        }
        if !["qemu", "kvm"].contains(hypervisor) { refuse("<domain type='\(hypervisor)'>", "only 'qemu' (TCG) and 'kvm' guests") }
        if os.type != "hvm" { refuse("<os><type>\(os.type)</type>", "only 'hvm' guests") }
        if os.architecture != "x86_64" { refuse("<os><type arch='\(os.architecture)'>", "only x86_64 guests on this host") }
        if os.dtb != nil { refuse("<os><dtb>") }
        if os.kernel == nil && (os.initrd != nil || os.commandLine != nil) {
            refuse("<os><initrd>/<cmdline> without <kernel>")
        }
        for element in os.verbatim where !(element.name == "bootmenu" && element.attribute("enable") == "no") {
            refuse("<os><\(element.name)>")
        }
        if vcpus.cpuset != nil { refuse("<vcpu cpuset=>") }
        if vcpus.current != nil { refuse("<vcpu current=>", "every vCPU is online at boot") }
        for feature in features?.elements ?? [] where !Self.runnableFeatures.contains(feature.name) || !feature.attributes.isEmpty {
            refuse("<features><\(feature.name)>")
        }
        if !["utc", "localtime"].contains(clock.offset) { refuse("<clock offset='\(clock.offset)'>") }
        for timer in clock.timers where !Self.isRunnable(timer: timer) {
            refuse("<clock><timer name='\(timer.attribute("name") ?? "")'>", "only rtc (tickpolicy catchup) and hpet/pit presence")
        }
        if lifecycle.onReboot != .restart && lifecycle.onReboot != .destroy { refuse("<on_reboot>\(lifecycle.onReboot.rawValue)") }
        if lifecycle.onPoweroff != .destroy { refuse("<on_poweroff>\(lifecycle.onPoweroff.rawValue)") }
        if ![.destroy, .restart].contains(lifecycle.onCrash) { refuse("<on_crash>\(lifecycle.onCrash.rawValue)") }
        for element in otherElements where !Self.isHarmless(topLevel: element) {
            refuse("<\(element.name)>")
        }
        for disk in disks {
            if disk.type != "file" { refuse("<disk type='\(disk.type)'> (\(disk.targetDevice))", "only file disks") }
            if !["disk", "cdrom"].contains(disk.device) { refuse("<disk device='\(disk.device)'> (\(disk.targetDevice))") }
            if !["virtio", "ide", "sata", "scsi"].contains(disk.bus) { refuse("<disk><target bus='\(disk.bus)'> (\(disk.targetDevice))") }
            if disk.device == "disk" && disk.sourceFile == nil { refuse("<disk> without a source file (\(disk.targetDevice))") }
            if let format = disk.driver?.attribute("type"), !["raw", "qcow2"].contains(format) {
                refuse("<disk><driver type='\(format)'> (\(disk.targetDevice))")
            }
            if let unhandled = disk.verbatim.first(where: { !["address", "alias", "serial", "boot"].contains($0.name) }) {
                refuse("<disk><\(unhandled.name)> (\(disk.targetDevice))")
            }
            if disk.source != nil { refuse("<disk><source> with more than file= (\(disk.targetDevice))") }
        }
        for device in serials + consoles {
            if !["file", "pty"].contains(device.type) { refuse("<\(device.element) type='\(device.type)'>", "only file and pty") }
            if device.element == "console" && device.targetType != "serial" { refuse("<console><target type='\(device.targetType ?? "")'>") }
            if device.element == "serial" && (device.targetPort ?? 0) > 3 { refuse("<serial><target port='\(device.targetPort ?? 0)'>") }
        }
        if let model = memballoon?.attribute("model"), !["virtio", "none"].contains(model) { refuse("<memballoon model='\(model)'>") }
        for interface in interfaces where !Self.runnableInterfaceTypes.contains(interface.type) {
            refuse("<interface type='\(interface.type.rawValue)'> (\(interface.mac.address))", "NICs are taps Patchbay wires on the host")
        }
        for hostdev in hostdevs where !host.vfio {
            _ = hostdev
            refuse("<hostdev>", "this host has no VFIO")
        }
        for interface in interfaces where interface.type == .hostdev && !host.vfio {
            refuse("<interface type='hostdev'> (\(interface.mac.address))", "this host has no VFIO")
        }
        for device in otherDevices where !Self.isHarmless(device: device, machine: machine) {
            refuse("<\(device.name)\(device.attribute("type").map { " type='\($0)'" } ?? "")>")
        }
        return problems
    }

    /// NIC kinds backed by a tap Patchbay creates (null = unplugged).
    static let runnableInterfaceTypes: Set<InterfaceType> = [.network, .bridge, .direct, .ethernet, .null]

    /// Features QEMU's x86 PC machines give with no argument (acpi is `-machine acpi=`).
    static let runnableFeatures: Set<String> = ["acpi", "apic", "pae"]

    private static func isRunnable(timer: XMLElement) -> Bool {
        switch timer.attribute("name") {
        case "rtc": return timer.attributes.allSatisfy { ["name", "tickpolicy"].contains($0.name) } && [nil, "catchup"].contains(timer.attribute("tickpolicy"))
        case "hpet", "pit": return timer.attributes.allSatisfy { ["name", "present", "tickpolicy"].contains($0.name) }
        default: return false
        }
    }

    /// Top-level elements that do not change what runs.
    private static func isHarmless(topLevel element: XMLElement) -> Bool {
        switch element.name {
        case "metadata", "pm": true
        case "resource": element.elements.allSatisfy { $0.name == "partition" }
        case "seclabel": element.attribute("type") == "none"
        default: false
        }
    }

    /// Device elements that name what the machine has anyway (its root bus, PS/2 devices, USB off).
    private static func isHarmless(device: XMLElement, machine: DomainMachine) -> Bool {
        switch device.name {
        case "controller":
            switch (device.attribute("type"), device.attribute("model")) {
            case ("pci", "pci-root"?), ("pci", "pcie-root"?), ("usb", "none"?), ("ide", _), ("sata", _): return true
            case ("pci", "pcie-root-port"?): return machine.family == .q35
            default: return false
            }
        case "input":
            return device.attribute("bus") == "ps2" && ["mouse", "keyboard"].contains(device.attribute("type") ?? "")
        case "video":
            return device.element("model")?.attribute("type") == "none"
        default:
            return false
        }
    }
}
