import NetConf
import NetCore

/// The QEMU command line of a whole guest but its NICs and host devices (those come from
/// `GuestNetworkArguments`, and only from there): machine, accelerator, memory, CPUs, boot,
/// disks, serial ports, balloon, the QMP monitor. QEMU starts with nothing implicit
/// (`-nodefaults -no-user-config`), no display, and paused (`-S`) so NICs can be wired — and
/// their links set — before the guest runs.
public struct GuestMachineArguments: Sendable {
    /// Where QEMU's per-run files go.
    public struct Paths: Sendable {
        /// The QMP socket QEMU listens on.
        public var monitor: String
        /// QEMU writes its pid here (found again after a crash of the driver mid-start).
        public var pidFile: String
        public init(monitor: String, pidFile: String) {
            self.monitor = monitor
            self.pidFile = pidFile
        }
    }

    /// The arguments before the NICs (machine, memory, CPUs, boot, monitor).
    public let head: [QEMUArgument]
    /// The devices after the NICs: disks, serial ports, balloon. They take automatic PCI slots,
    /// so they come after the NICs, whose slots are fixed.
    public let devices: [QEMUArgument]

    /// The argv (without the executable) for `definition` with the NIC arguments `network`.
    public static func commandLine(_ definition: DomainDefinition, runtime: GuestRuntime, paths: Paths,
                                   network: GuestNetworkArguments) throws(PatchbayError) -> [String] {
        let machine = try GuestMachineArguments(definition, runtime: runtime, paths: paths)
        return (machine.head + network.arguments + machine.devices).words
    }

    public init(_ definition: DomainDefinition, runtime: GuestRuntime, paths: Paths) throws(PatchbayError) {
        try definition.checkRunnable(host: .init(vfio: true))
        var head: [QEMUArgument] = []
        head.append(QEMUArgument("-name", "guest=\(Self.escapeComma(definition.name)),debug-threads=on"))
        head.append(QEMUArgument("-S", ""))
        head.append(QEMUArgument("-no-user-config", ""))
        head.append(QEMUArgument("-nodefaults", ""))
        let acpi = definition.features?.element("acpi") != nil
        head.append(QEMUArgument("-machine", "\(definition.os.machine ?? "pc"),usb=off,acpi=\(acpi ? "on" : "off")"))
        // libvirt's mapping: <domain type='kvm'> is KVM, 'qemu' is TCG.
        head.append(QEMUArgument("-accel", definition.hypervisor == "kvm" ? "kvm" : "tcg"))
        head.append(QEMUArgument("-m", "size=\(definition.memory.maximumKiB)k"))
        let cpus = definition.vcpus.count
        head.append(QEMUArgument("-smp", "\(cpus),sockets=\(cpus),cores=1,threads=1"))
        head.append(QEMUArgument("-uuid", definition.uuid.description))
        head.append(QEMUArgument("-display", "none"))
        head.append(QEMUArgument("-chardev", "socket,id=charmonitor,path=\(Self.escapeComma(paths.monitor)),server=on,wait=off"))
        head.append(QEMUArgument("-mon", "chardev=charmonitor,id=monitor,mode=control"))
        head.append(QEMUArgument("-pidfile", paths.pidFile))
        head.append(QEMUArgument("-rtc", Self.rtc(definition.clock)))
        for timer in definition.clock.timers where timer.attribute("present") == "no" {
            if timer.attribute("name") == "hpet" { head.append(QEMUArgument("-no-hpet", "")) }
        }
        // QEMU exits when the guest powers off (<on_poweroff>destroy); a reboot either restarts
        // in place or, with <on_reboot>destroy, ends QEMU like a power-off.
        if definition.lifecycle.onReboot == .destroy { head.append(QEMUArgument("-no-reboot", "")) }
        if let kernel = definition.os.kernel {
            head.append(QEMUArgument("-kernel", kernel))
            if let initrd = definition.os.initrd { head.append(QEMUArgument("-initrd", initrd)) }
            if let append = definition.os.commandLine { head.append(QEMUArgument("-append", append)) }
        } else if !definition.os.bootDevices.isEmpty {
            let letters: [String: String] = ["fd": "a", "hd": "c", "cdrom": "d", "network": "n"]
            head.append(QEMUArgument("-boot", "order=" + definition.os.bootDevices.compactMap { letters[$0] }.joined()))
        }
        self.head = head
        var devices: [QEMUArgument] = []
        var ideUnit = 0
        for (index, disk) in definition.disks.enumerated() {
            let drive = "drive-disk\(index)"
            var spec = "if=none,id=\(drive)"
            if let file = disk.sourceFile {
                spec = "file=\(Self.escapeComma(file)),format=\(disk.driver?.attribute("type") ?? "raw"),\(spec)"
            }
            if disk.readOnly { spec += ",readonly=on" }
            if let cache = disk.driver?.attribute("cache") { spec += ",cache=\(cache)" }
            devices.append(QEMUArgument("-drive", spec))
            switch disk.bus {
            case "virtio":
                devices.append(QEMUArgument("-device", "virtio-blk-pci,drive=\(drive),id=virtio-disk\(index)"))
            default:
                // ide/sata/scsi: the PC's IDE controller, two buses of two units.
                let kind = disk.device == "cdrom" ? "ide-cd" : "ide-hd"
                devices.append(QEMUArgument("-device", "\(kind),bus=ide.\(ideUnit / 2),unit=\(ideUnit % 2),drive=\(drive),id=ide-disk\(index)"))
                ideUnit += 1
            }
        }
        for serial in definition.serials {
            let id = "charserial\(serial.targetPort ?? 0)"
            switch serial.type {
            case "file": devices.append(QEMUArgument("-chardev", "file,id=\(id),path=\(Self.escapeComma(serial.path ?? "/dev/null")),append=on"))
            default: devices.append(QEMUArgument("-chardev", "pty,id=\(id)"))
            }
            devices.append(QEMUArgument("-device", "isa-serial,chardev=\(id),id=serial\(serial.targetPort ?? 0),index=\(serial.targetPort ?? 0)"))
        }
        if definition.memballoon?.attribute("model") == "virtio" {
            devices.append(QEMUArgument("-device", "virtio-balloon-pci,id=balloon0"))
        }
        self.devices = devices
    }

    /// `-rtc`: the clock base and, for a catch-up RTC timer, drift fixing.
    static func rtc(_ clock: DomainClock) -> String {
        var value = "base=\(clock.offset == "localtime" ? "localtime" : "utc")"
        if clock.timers.contains(where: { $0.attribute("name") == "rtc" && $0.attribute("tickpolicy") == "catchup" }) {
            value += ",driftfix=slew"
        }
        return value
    }

    /// QEMU's option syntax doubles a comma inside a value.
    static func escapeComma(_ text: String) -> String { text.split(separator: ",", omittingEmptySubsequences: false).joined(separator: ",,") }
}

extension [QEMUArgument] {
    /// As argv words: an option without a value is one word.
    public var words: [String] { flatMap { $0.value.isEmpty ? [$0.option] : [$0.option, $0.value] } }
}
