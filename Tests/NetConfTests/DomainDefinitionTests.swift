import NetConf
import NetCore
import NetXML
import Testing

@Suite struct DomainDefinitionTests {

    static func domain(devices: String, top: String = "") -> String {
        "<domain type='qemu'><name>g</name><memory>65536</memory><os><type arch='x86_64'>hvm</type></os>\(top)<devices>\(devices)</devices></domain>"
    }

    /// The seed's `type='none'` is read as libvirt's `type='null'` (unplugged NIC), and written back as `null`.
    @Test func noneIsNullAlias() throws {
        let definition = try DomainDefinition.parse(Self.domain(devices: "<interface type='none'><mac address='52:54:00:00:00:09'/></interface>"))
        #expect(definition.interfaces.map(\.type) == [.null])
        #expect(definition.xml().contains("<interface type='null'>"))
    }

    @Test func generatesDistinctUUIDs() throws {
        let a = try DomainDefinition.parse(Self.domain(devices: ""))
        let b = try DomainDefinition.parse(Self.domain(devices: ""))
        #expect(a.uuid != b.uuid)
    }

    @Test func liveXMLCarriesTheID() throws {
        let definition = try DomainDefinition.parse(Self.domain(devices: ""))
        #expect(definition.xml(liveID: 7).hasPrefix("<domain type='qemu' id='7'>"))
        #expect(definition.xml().hasPrefix("<domain type='qemu'>\n"))
    }

    /// What Patchbay cannot run is refused naming the element, never dropped.
    @Test(arguments: [
        ("<graphics type='vnc' port='-1' autoport='yes'/>", "", "<graphics type='vnc'>"),
        ("<sound model='ich9'/>", "", "<sound>"),
        ("<disk type='block' device='disk'><source dev='/dev/sda'/><target dev='vda'/></disk>", "", "<disk type='block'> (vda)"),
        ("<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x06' slot='0x12' function='0x5'/></source></hostdev>", "", "<hostdev>"),
        ("<serial type='tcp'><source mode='bind' host='127.0.0.1' service='4444'/></serial>", "", "<serial type='tcp'>"),
        ("<interface type='user'><mac address='52:54:00:00:00:01'/></interface>", "", "<interface type='user'> (52:54:00:00:00:01)"),
        ("", "<cpu mode='host-model'/>", "<cpu>"),
        ("", "<features><hyperv mode='passthrough'/></features>", "<features><hyperv>"),
        ("<video><model type='qxl'/></video>", "", "<video>"),
    ])
    func refusesWhatItCannotRun(devices: String, top: String, named: String) throws {
        let definition = try DomainDefinition.parse(Self.domain(devices: devices, top: top))
        #expect(throws: PatchbayError.self) { try definition.checkRunnable(host: .init(vfio: false)) }
        let problems = definition.runnabilityProblems(host: .init(vfio: false))
        #expect(problems.contains { $0.contains(named) }, "\(problems)")
    }

    @Test func runsTheTinyGuestShape() throws {
        let definition = try DomainDefinition.parse(Self.domain(devices: """
            <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/x.img'/><target dev='vda'/></disk>
            <interface type='network'><mac address='52:54:00:00:00:01'/><source network='a'/><model type='virtio'/></interface>
            <interface type='null'><mac address='52:54:00:00:00:02'/><model type='virtio'/></interface>
            <serial type='file'><source path='/tmp/x.log'/></serial><console type='pty'/><memballoon model='virtio'/>
            <input type='mouse' bus='ps2'/><controller type='usb' model='none'/>
            """, top: "<features><acpi/><apic/></features><clock offset='utc'><timer name='rtc' tickpolicy='catchup'/></clock>"))
        #expect(definition.runnabilityProblems(host: .init(vfio: false)) == [])
        #expect(definition.disks.first?.bus == "virtio")
        #expect(definition.consoles.first?.type == "file")
    }
}
