import Foundation
import Glibc
import HostNet
import HostOS
import NetCore
import NetDriver
import TestSupport
import Testing

/// A SIGKILL of the driver while dnsmasq daemonizes leaves a dnsmasq with no pid file (it is
/// written later, or its path was already cleaned). Recovery and destroy must find it by its
/// configuration file on its command line: before, recovery started a second one beside it and
/// destroy left it running with no network owning it.
@Suite("dnsmasq without its pid file", .serialized)
struct DnsmasqWithoutPidFileTests {
    /// Live dnsmasq processes of this fixture's networks.
    static func dnsmasqs(_ fixture: DriverFixture) -> [pid_t] { ProcessTable.dnsmasq(mentioning: "\(fixture.root)/") }

    @Test func recoveryAndDestroyFindTheDaemonByItsConfigFile() throws {
        let fixture = DriverFixture()
        defer { fixture.cleanUp() }
        try TestNamespace.with { namespace in
            defer { for pid in Self.dnsmasqs(fixture) { kill(pid, SIGKILL) } }
            let first = try NetworkDriver(configDirectory: fixture.config, stateDirectory: fixture.state,
                                          host: try LinuxNetworkHost(namespace: namespace.path))
            try first.define(xml: """
                <network><name>orphan</name><bridge name='pborph0' stp='off'/>
                  <ip address='10.216.0.1' prefix='24'><dhcp><range start='10.216.0.10' end='10.216.0.20'/></dhcp></ip>
                </network>
                """)
            try first.start(name: "orphan")
            let original = try #require(Self.dnsmasqs(fixture).first)
            // The crash point: the daemon runs, nothing on disk leads to it.
            let pidFiles = (FileManager.default.enumerator(atPath: fixture.state)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".pid") }
            try #require(pidFiles.count == 1)
            try AtomicFile.remove("\(fixture.state)/\(pidFiles[0])")

            let recovered = try NetworkDriver(configDirectory: fixture.config, stateDirectory: fixture.state,
                                              host: try LinuxNetworkHost(namespace: namespace.path))
            #expect(recovered.driftReport().contains { $0.kind == .deadDnsmasq && $0.repaired }, "\(recovered.driftReport())")
            let running = Self.dnsmasqs(fixture)
            #expect(running.count == 1, "one dnsmasq serves the network: \(running)")
            #expect(!running.contains(original), "the unrecorded one was stopped, not left beside the new one")

            try AtomicFile.remove("\(fixture.state)/\(pidFiles[0])")
            try recovered.destroy(name: "orphan")
            #expect(Self.dnsmasqs(fixture).isEmpty, "destroy leaves no dnsmasq, pid file or not")
        }
    }
}
