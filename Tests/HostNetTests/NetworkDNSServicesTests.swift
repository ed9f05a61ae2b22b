import Foundation
import Glibc
import HostNet
import HostOS
import NetConf
import NetCore
import Netlink
import TestSupport
import Testing

/// The DHCP/DNS service as a driver sees it (`NetworkDNSServices`), on a real dnsmasq in a
/// throwaway namespace; and the refusal when the host has no usable dnsmasq.
@Suite("DHCP/DNS services through their protocol", .serialized)
struct NetworkDNSServicesTests {
    static let network = """
        <network><name>pbds</name><bridge name='pbds0'/>
          <ip address='10.78.0.1' prefix='24'><dhcp><range start='10.78.0.100' end='10.78.0.120'/></dhcp></ip>
        </network>
        """

    @Test func missingBinaryIsReportedWhenANetworkNeedsIt() throws {
        let services: any NetworkDNSServices = DnsmasqServices(binary: "/nonexistent/dnsmasq")
        let network = try NetworkDefinition.parse(xml: Self.network)
        #expect { try services.service(for: network, stateDirectory: "/nonexistent") } throws: { error in
            (error as? PatchbayError)?.detail.hasPrefix("network 'pbds' needs dnsmasq:") == true
        }
    }

    @Test func startReloadKillAndRemoveThroughTheProtocol() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-dnssvc-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestNamespace.with { ns in
            let links = try Rtnetlink(namespace: ns.path)
            let bridge = try InterfaceName("pbds0")
            try links.createLink(bridge, kind: .bridge(BridgeOptions(stp: false, forwardDelay: 0)))
            try links.addAddress(IPAddress("10.78.0.1"), prefix: PrefixLength(24, family: .ipv4), to: bridge)
            try links.setLink(bridge, up: true)
            let network = try NetworkDefinition.parse(xml: Self.network)
            let service = try DnsmasqServices(namespace: ns.path).service(for: network, stateDirectory: directory)
            #expect(service.runningPID == nil)
            let pid = try service.start(network)
            // Killed by pid whatever happens below, before the namespace goes away.
            defer { kill(pid, SIGKILL) }
            #expect(service.runningPID == pid)
            #expect(try service.isConfigured(for: network))
            try service.reload(network)
            #expect(service.runningPID == pid, "a reload keeps the process")
            service.killIfOurs(1)
            #expect(service.runningPID == pid, "a pid that is not this network's dnsmasq is left alone")
            service.killIfOurs(pid)
            var waited = 0
            while service.runningPID != nil && waited < 10_000 {
                usleep(10_000)
                waited += 10
            }
            #expect(service.runningPID == nil)
            try service.stop(timeoutMilliseconds: 1000)
            try service.removeFiles(includingLeases: true)
            #expect(try #require(DirectoryListing.names(in: directory)).isEmpty)
        }
    }
}
