import NetConf
import NetCore
import QEMUCommandLine
import Testing

@Suite struct GuestMachineArgumentsTests {
    static func definition(type: String = "qemu", extra: String = "", devices: String = "") throws -> DomainDefinition {
        try DomainDefinition.parse("""
            <domain type='\(type)'><name>tiny,one</name><uuid>0b0ad0f5-1c28-4e44-9d6b-2c1b0e0d6a02</uuid>
            <memory unit='MiB'>256</memory><vcpu>2</vcpu>
            <os><type arch='x86_64' machine='pc'>hvm</type><kernel>/k</kernel><initrd>/i</initrd><cmdline>console=ttyS0 a=b</cmdline></os>
            <features><acpi/></features><clock offset='utc'><timer name='rtc' tickpolicy='catchup'/><timer name='hpet' present='no'/></clock>
            <on_reboot>destroy</on_reboot>\(extra)
            <devices>\(devices)</devices></domain>
            """)
    }

    static let paths = GuestMachineArguments.Paths(monitor: "/run/patchbay/qemu/run/u.qmp", pidFile: "/run/patchbay/qemu/run/u.pid")
    static let runtime = GuestRuntime(domainID: 4, domainName: "tiny,one", stateDirectory: "/run/patchbay/qemu")

    @Test func machineMemoryCPUsKernelMonitor() throws {
        let args = try GuestMachineArguments(Self.definition(), runtime: Self.runtime, paths: Self.paths)
        let words = args.head.words
        #expect(words.prefix(2) == ["-name", "guest=tiny,,one,debug-threads=on"])
        for expected in [["-S"], ["-nodefaults"], ["-no-user-config"], ["-accel", "tcg"], ["-m", "size=262144k"],
                         ["-smp", "2,sockets=2,cores=1,threads=1"], ["-machine", "pc,usb=off,acpi=on"],
                         ["-kernel", "/k"], ["-initrd", "/i"], ["-append", "console=ttyS0 a=b"],
                         ["-mon", "chardev=charmonitor,id=monitor,mode=control"],
                         ["-chardev", "socket,id=charmonitor,path=/run/patchbay/qemu/run/u.qmp,server=on,wait=off"],
                         ["-pidfile", "/run/patchbay/qemu/run/u.pid"], ["-rtc", "base=utc,driftfix=slew"], ["-no-hpet"], ["-no-reboot"],
                         ["-uuid", "0b0ad0f5-1c28-4e44-9d6b-2c1b0e0d6a02"], ["-display", "none"]] {
            #expect(words.contains(expected), "\(expected)")
        }
    }

    @Test func kvmDomainsGetKVM() throws {
        let words = try GuestMachineArguments(Self.definition(type: "kvm"), runtime: Self.runtime, paths: Self.paths).head.words
        #expect(words.contains(["-accel", "kvm"]))
    }

    @Test func disksSerialsBalloon() throws {
        let args = try GuestMachineArguments(Self.definition(devices: """
            <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/img/a,b.qcow2'/><target dev='vda'/></disk>
            <disk type='file' device='cdrom'><source file='/img/c.iso'/><target dev='hdc' bus='ide'/></disk>
            <serial type='file'><source path='/tmp/s.log'/></serial><serial type='pty'/>
            <memballoon model='virtio'/>
            """), runtime: Self.runtime, paths: Self.paths)
        #expect(args.devices.words == [
            "-drive", "file=/img/a,,b.qcow2,format=qcow2,if=none,id=drive-disk0",
            "-device", "virtio-blk-pci,drive=drive-disk0,id=virtio-disk0",
            "-drive", "file=/img/c.iso,format=raw,if=none,id=drive-disk1,readonly=on",
            "-device", "ide-cd,bus=ide.0,unit=0,drive=drive-disk1,id=ide-disk1",
            "-chardev", "file,id=charserial0,path=/tmp/s.log,append=on",
            "-device", "isa-serial,chardev=charserial0,id=serial0,index=0",
            "-chardev", "pty,id=charserial1",
            "-device", "isa-serial,chardev=charserial1,id=serial1,index=1",
            "-device", "virtio-balloon-pci,id=balloon0",
        ])
    }

    @Test func refusesWhatItCannotRun() throws {
        #expect(throws: PatchbayError.self) {
            _ = try GuestMachineArguments(Self.definition(devices: "<sound model='ich9'/>"), runtime: Self.runtime, paths: Self.paths)
        }
    }
}
