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
            defer { ProcessTable.killDnsmasqs(pidFilesUnder: fixture.root) }
            let driver = try NetworkDriver(configDirectory: fixture.config, stateDirectory: fixture.state,
                                           host: try LinuxNetworkHost(namespace: namespace.path))
            try body(driver, namespace, fixture)
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

    /// A live plug, change and unplug of floors, read back from the kernel: the bridge's
    /// unguaranteed class 1:2 is always the network's average less the floors held (floors are
    /// multiples of 125 KiB/s so tc prints the rate without rounding).
    @Test func liveFloorsResizeTheUnguaranteedClass() throws {
        try Self.with { driver, namespace, _ in
            try driver.define(xml: """
                <network><name>flr</name><bridge name='pbflr0'/>
                  <bandwidth><inbound average='1000' peak='2000'/></bandwidth>
                </network>
                """)
            try driver.start(name: "flr")
            // Strings, so a failure shows the figures read and expected.
            func unguaranteed() throws -> String {
                let rate = Self.htbRate(of: "1:2", in: try namespace.exec(["/usr/sbin/tc", "class", "show", "dev", "pbflr0"]))
                return rate.map { "\($0) bytes/s" } ?? "no class 1:2"
            }
            func kibibytes(_ value: UInt64) -> String { "\(value * 1024) bytes/s" }
            #expect(try unguaranteed() == kibibytes(1000))
            let a = try driver.createPort(network: "flr", xml: Documents.port(Documents.uuid(1), mac: "52:54:00:00:08:01",
                                                                             extra: "<bandwidth><inbound average='100' floor='125'/></bandwidth>")).uuid
            #expect(try unguaranteed() == kibibytes(875))
            let b = try driver.createPort(network: "flr", xml: Documents.port(Documents.uuid(2), mac: "52:54:00:00:08:02",
                                                                             extra: "<bandwidth><inbound average='100' floor='250'/></bandwidth>")).uuid
            #expect(try unguaranteed() == kibibytes(625), "the second live plug counts the first floor in bytes too")
            try driver.setPortParameters(network: "flr", port: a, PortBandwidthParameters(values: ["inbound.floor": 500]))
            #expect(try unguaranteed() == kibibytes(250))
            try driver.deletePort(network: "flr", port: b)
            #expect(try unguaranteed() == kibibytes(500))
            let classes = try namespace.exec(["/usr/sbin/tc", "class", "show", "dev", "pbflr0"])
            #expect(Self.htbRate(of: "1:3", in: classes) == 500 * 1024 && Self.htbRate(of: "1:4", in: classes) == nil)
            try driver.destroy(name: "flr")
        }
    }

    /// The rate of HTB class `id` in `tc class show` output, in bytes/s (tc prints bits with a
    /// decimal unit); nil when the class is absent.
    static func htbRate(of id: String, in output: String) -> UInt64? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("class htb \(id) ") }) else { return nil }
        let words = line.split(separator: " ")
        guard let index = words.firstIndex(of: "rate"), index + 1 < words.count else { return nil }
        let text = words[index + 1]
        let units: [(String, UInt64)] = [("Gbit", 1_000_000_000), ("Mbit", 1_000_000), ("Kbit", 1000), ("bit", 1)]
        guard let (unit, scale) = units.first(where: { text.hasSuffix($0.0) }), let number = UInt64(text.dropLast(unit.count)) else {
            return nil
        }
        return number * scale / 8
    }
}
