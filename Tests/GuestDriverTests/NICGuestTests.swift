import Foundation
import Glibc
@testable import GuestDriver
import HostNet
import HostOS
import NetConf
import NetCore
import NetDriver
import Netlink
import QMP
import TestSupport
import Testing

/// The guest's carrier through QMP `set_link`, as the guest driver does it.
struct QMPLink: GuestLinkControl {
    let qmp: QMPConnection

    func setLink(alias: String, up: Bool) throws(PatchbayError) {
        _ = try qmp.execute("set_link", ["name": .string(alias), "up": .bool(up)])
    }
}

/// One real guest (TCG, the tiny test guest) whose NIC the wiring plugs, moves and unplugs,
/// judged from inside the guest by its own probes and DHCP reports over the serial console.
@Suite("NIC states and moves seen from a guest", .serialized)
struct NICGuestTests {
    @Test(.timeLimit(.minutes(20)))
    func bootUnpluggedPlugMoveUnplugAndFail() throws {
        let image = try TestGuestImage.prepare()
        try NICFixture.with { fixture in
            try TestNamespace.with { host in
                try TestNamespace.with { lan in
                    var lanDnsmasq: pid_t = 0
                    defer {
                        if lanDnsmasq > 0 { kill(lanDnsmasq, SIGKILL); waitpid(lanDnsmasq, nil, 0) }
                        ProcessTable.killDnsmasqs(pidFilesUnder: fixture.root)
                    }
                    try NICOnKernelTests.buildHost(host, lan: lan)
                    // The private-mode network's LAN has its own DHCP server (the LAN's, not Patchbay's).
                    try FileManager.default.createDirectory(atPath: fixture.root, withIntermediateDirectories: true)
                    lanDnsmasq = try HostCommand.start("/usr/sbin/dnsmasq", [
                        "--keep-in-foreground", "--conf-file=/dev/null", "--port=0", "--interface=pblan0", "--bind-interfaces",
                        "--dhcp-range=10.213.0.50,10.213.0.99,1m", "--pid-file=\(fixture.root)/lan-dnsmasq.pid",
                        "--dhcp-leasefile=\(fixture.root)/lan.leases",
                    ], namespace: lan.path)
                    let networks = try NetworkDriver(configDirectory: fixture.config, stateDirectory: fixture.state,
                                                     host: try LinuxNetworkHost(namespace: host.path))
                    for document in [
                        "<network><name>a</name><bridge name='pbga' stp='off'/><ip address='10.231.0.1' prefix='24'><dhcp><range start='10.231.0.50' end='10.231.0.99'/></dhcp></ip></network>",
                        "<network><name>b</name><forward mode='nat'/><bridge name='pbgb' stp='off'/><ip address='10.232.0.1' prefix='24'><dhcp><range start='10.232.0.50' end='10.232.0.99'/></dhcp></ip></network>",
                        "<network><name>priv</name><forward mode='private'><interface dev='pbpool0'/></forward></network>",
                        "<network><name>gone</name><forward mode='vepa'><interface dev='pbpool1'/></forward></network>",
                    ] { _ = try networks.create(xml: document) }
                    let wiring = try NICWiring(stateDirectory: fixture.state, networks: networks,
                                               attachment: try LinuxGuestNICAttachment(namespace: host.path))
                    let tap = try TapDevice.create("vnet0", namespace: host.path)
                    let nic = GuestNIC(domain: "guest1", domainUUID: NICFixture.domainUUID, alias: "net0", tap: tap.name,
                                       mac: try MACAddress("52:54:00:aa:00:01"), model: "virtio")
                    var configuration = TestGuest.Configuration(
                        nics: [.init(descriptor: tap.descriptor, mac: "52:54:00:aa:00:01", id: "net0")],
                        networks: ["eth0,dhcp"], probes: ["10.231.0.1", "10.232.0.1", "10.213.0.2"])
                    configuration.paused = true
                    let guest = try TestGuest(configuration, image: image)
                    defer { guest.stop() }
                    let link = QMPLink(qmp: guest.qmp)
                    func interface(_ type: String, _ source: String, extra: String = "") throws -> DomainInterface {
                        try NICDocuments.interface(type, source: source, alias: "net0", extra: extra)
                    }

                    // Booted unplugged (start paused, link off, cont), then plugged: a DHCP lease.
                    try wiring.apply(interface("null", ""), to: nic, link: link)
                    _ = try guest.qmp.execute("cont")
                    var mark = guest.mark()
                    try guest.waitForLink(up: false, after: nil, timeout: 600)
                    mark = guest.mark()
                    try wiring.apply(interface("network", "network='a'"), to: nic, link: link)
                    let lease = try guest.waitForDHCP(after: mark, timeout: 300)
                    #expect(lease.hasPrefix("10.231.0."))
                    try guest.waitUntilReachable("10.231.0.1", after: mark)

                    // Moved to B: reaches B, not A.
                    mark = guest.mark()
                    let toB = try wiring.apply(interface("network", "network='b'"), to: nic, link: link)
                    let flap = try guest.waitForLink(up: false, after: mark)
                    let leaseB = try guest.waitForDHCP(after: mark, timeout: 300)
                    #expect(leaseB.hasPrefix("10.232.0."), "the link flap made the guest redo DHCP on B")
                    let firstOnB = try guest.waitUntilReachable("10.232.0.1", after: mark)
                    print("guest NIC: A→B outage seen by the guest (TCG, DHCP included): link down at \(flap.milliseconds) ms, first answered probe of B sent at \(firstOnB.milliseconds) ms: \(firstOnB.milliseconds - flap.milliseconds) ms")
                    try guest.waitUntilUnreachable("10.231.0.1", consecutive: 3, after: mark)
                    print("guest NIC: A→B host work \(toB.hostMicroseconds) µs, guest link down \(toB.linkDownMicroseconds) µs")

                    // Moved to a private-mode direct network: reaches that network's peer.
                    mark = guest.mark()
                    try wiring.apply(interface("network", "network='priv'"), to: nic, link: link)
                    do {
                        try guest.waitForLink(up: false, after: mark)
                        let leasePriv = try guest.waitForDHCP(after: mark, timeout: 120)
                        #expect(leasePriv.hasPrefix("10.213.0."), "a lease from the direct network's LAN")
                        try guest.waitUntilReachable("10.213.0.2", after: mark, timeout: 120)
                    } catch {
                        // What the guest and the host saw, for the failure report.
                        print(guest.serial.reports.filter { ["LINK", "DHCP", "ERROR", "ADDR"].contains($0.keyword) })
                        print((try? String(contentsOfFile: "\(fixture.root)/lan.leases", encoding: .utf8)) ?? "no LAN leases")
                        print((try? host.exec(["tc", "-s", "filter", "show", "dev", "vnet0", "ingress"])) ?? "")
                        print((try? host.exec(["ip", "-d", "-s", "link", "show"])) ?? "")
                        print((try? lan.exec(["ip", "-s", "link", "show", "pblan0"])) ?? "")
                        throw error
                    }

                    // A move whose destination device is gone leaves it working where it was.
                    try Rtnetlink(namespace: host.path).deleteLink(InterfaceName("pbpool1"))
                    #expect(throws: PatchbayError.self) { try wiring.apply(interface("network", "network='gone'"), to: nic, link: link) }
                    mark = guest.mark()
                    try guest.waitUntilReachable("10.213.0.2", after: mark)

                    // Unplugged: reaches nothing.
                    mark = guest.mark()
                    try wiring.apply(interface("null", ""), to: nic, link: link)
                    try guest.waitUntilUnreachable("10.213.0.2", consecutive: 3, after: mark)
                    try guest.waitUntilUnreachable("10.232.0.1", consecutive: 3, after: mark)

                    // Plugged back into B: works again.
                    mark = guest.mark()
                    try wiring.apply(interface("network", "network='b'"), to: nic, link: link)
                    try guest.waitUntilReachable("10.232.0.1", after: mark)

                    // Link down and up, on a plugged NIC.
                    mark = guest.mark()
                    try wiring.setLink(nic, up: false, link: link)
                    try guest.waitForLink(up: false, after: mark)
                    try guest.waitUntilUnreachable("10.232.0.1", consecutive: 3, after: mark)
                    mark = guest.mark()
                    try wiring.setLink(nic, up: true, link: link)
                    try guest.waitUntilReachable("10.232.0.1", after: mark)

                    try wiring.release(nic)
                    #expect(guest.process.isAlive)
                }
            }
        }
    }
}
