import Foundation
import Glibc
import HostNet
import HostOS
import NetConf
import NetCore
import NetDriver
import Netlink
import TestSupport
import Testing

/// The driver with the real host in a namespace of its own: what the fake host cannot show
/// (dnsmasq's files and process, host bridges that exist).
@Suite("NetworkDriver on a real kernel", .serialized)
struct DriverOnKernelTests {
    /// A driver over fresh directories working in a fresh namespace; whatever dnsmasq it left
    /// running is killed, the namespace and directories deleted.
    static func with(_ body: (NetworkDriver, TestNamespace, DriverFixture) throws -> Void) throws {
        let fixture = DriverFixture()
        defer { fixture.cleanUp() }
        try TestNamespace.with { namespace in
            defer { killDnsmasqs(under: fixture.root) }
            let driver = try NetworkDriver(configDirectory: fixture.config, stateDirectory: fixture.state,
                                           host: try LinuxNetworkHost(namespace: namespace.path))
            try body(driver, namespace, fixture)
        }
    }

    /// Kills, by pid, every dnsmasq whose pid file is under `root`.
    static func killDnsmasqs(under root: String) {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return }
        for case let path as String in walker where path.hasSuffix(".pid") {
            if let text = AtomicFile.readText("\(root)/\(path)"),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 {
                kill(pid, SIGKILL)
            }
        }
    }

    @Test func bridgeModeNetworksShareAHostBridge() throws {
        try Self.with { driver, namespace, _ in
            let links = try Rtnetlink(namespace: namespace.path)
            try links.createLink(InterfaceName("pbshared0"), kind: .bridge(BridgeOptions(stp: false)))
            for (index, name) in ["lan-a", "lan-b", "lan-c"].enumerated() {
                try driver.define(xml: "<network><name>\(name)</name><forward mode='bridge'/><bridge name='pbshared0'/></network>")
                try driver.start(name: name)
                let port = try driver.createPort(network: name, xml: Documents.port(Documents.uuid(index + 1)))
                #expect(port.plug == .bridge(.init(name: "pbshared0", macTableManager: nil)))
            }
            #expect(throws: PatchbayError(.internalError, "bridge name 'pbshared0' already in use.")) {
                try driver.define(xml: "<network><name>own</name><bridge name='pbshared0'/><ip address='10.215.0.1' prefix='24'/></network>")
            }
            for name in ["lan-a", "lan-b", "lan-c"] {
                try driver.destroy(name: name)
                try driver.undefine(name: name)
            }
            #expect(try links.link(named: InterfaceName("pbshared0"))?.kind == "bridge", "the host bridge is the administrator's: it stays")
        }
    }

    /// Names that are `.`, `..`, hidden, temporary-looking or too long for a file name: each
    /// network gets its dnsmasq files in a directory of its own and leaves nothing behind.
    @Test(arguments: [".", "..", ".hidden", "a.tmp-x", String(repeating: "n", count: 255)])
    func hostileNamesWithDnsmasq(_ name: String) throws {
        try Self.with { driver, _, fixture in
            let stem = NetworkFileName(networkName: name).stem
            try driver.define(xml: """
                <network><name>\(xmlEscaped(name))</name><bridge name='pbname0'/>
                  <ip address='10.216.0.1' prefix='24'><dhcp><range start='10.216.0.10' end='10.216.0.20'/></dhcp></ip>
                </network>
                """)
            try driver.setAutostart(name: name, true)
            try driver.start(name: name)
            let hostFiles = fixture.files().filter { $0.hasPrefix("run/host/") }
            #expect(hostFiles.contains("run/host/\(stem)/\(stem).conf"), "\(hostFiles)")
            #expect(hostFiles.allSatisfy { $0.hasPrefix("run/host/\(stem)/\(stem).") }, "\(hostFiles)")
            let pidText = try #require(AtomicFile.readText("\(fixture.state)/host/\(stem)/\(stem).pid"))
            let pid = try #require(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(ProcessTable.isAlive(pid))
            try driver.destroy(name: name)
            #expect(!ProcessTable.isAlive(pid))
            try driver.undefine(name: name)
            #expect(fixture.files().allSatisfy { $0.hasPrefix("run/host/\(stem)/\(stem).leases") }, "\(fixture.files())")
        }
    }
}
