import NetCore
import QEMUCommandLine
import Foundation
import Testing

@Suite("NIC arguments")
struct NICArgumentsTests {
    static let cases: [(nic: String, lines: [String])] = [
        ("""
            <interface type='udp'><mac address='52:54:00:00:00:01'/>
              <source address='192.168.10.1' port='5555'><local address='192.168.10.1' port='5556'/></source></interface>
            """, [
            "-netdev socket,udp=192.168.10.1:5555,localaddr=192.168.10.1:5556,id=hostnet0",
            "-device rtl8139,netdev=hostnet0,id=net0,mac=52:54:00:00:00:01,bus=pci.0,addr=0x2",
        ]),
        ("""
            <interface type='user'><mac address='52:54:00:00:00:02'/><ip address='172.17.2.0' family='ipv4' prefix='24'/>
              <ip address='2001:db8:ac10:fd01::' family='ipv6' prefix='64'/><model type='e1000'/></interface>
            """, [
            "-netdev user,net=172.17.2.0/24,ipv6-prefix=2001:db8:ac10:fd01::,ipv6-prefixlen=64,id=hostnet0",
            "-device e1000,netdev=hostnet0,id=net0,mac=52:54:00:00:00:02,bus=pci.0,addr=0x2",
        ]),
        ("""
            <interface type='bridge'><mac address='52:54:00:00:00:03'/><source bridge='br0'/><model type='virtio'/>
              <driver name='qemu' txmode='timer'><host csum='off' tso4='off'/><guest ecn='off'/></driver>
              <tune><sndbuf>1600</sndbuf></tune><rom bar='off'/><boot order='2'/></interface>
            """, [
            "-netdev tap,fd=3,sndbuf=1600,id=hostnet0",
            "-device virtio-net-pci,tx=timer,csum=off,host_tso4=off,guest_ecn=off,netdev=hostnet0,id=net0,mac=52:54:00:00:00:03,bus=pci.0,addr=0x2,rombar=0,bootindex=2",
        ]),
    ]

    @Test(arguments: cases)
    func arguments(nic: String, lines: [String]) throws {
        #expect(try QEMUCommandLineTests.arguments(domainXML(nic)).arguments.map(\.description) == lines)
    }

    @Test func multiqueueNeedsABackendThatHasQueues() {
        let nic = "<interface type='user'><model type='virtio'/><driver queues='4'/></interface>"
        #expect(throws: PatchbayError(.configUnsupported, "Multiqueue network is not supported for: user", domain: .domain)) {
            try QEMUCommandLineTests.arguments(domainXML(nic))
        }
    }

    @Test func vfioNeedsTheCapability() {
        #expect(throws: PatchbayError(.configUnsupported, "VFIO PCI device assignment is not supported by this version of qemu", domain: .domain)) {
            try QEMUCommandLineTests.arguments(domainXML(transientVF.replacingOccurrences(of: "<teaming type='transient' persistent='ua-backup0'/>", with: "")),
                                               capabilities: QEMUCapabilities())
        }
    }
}
