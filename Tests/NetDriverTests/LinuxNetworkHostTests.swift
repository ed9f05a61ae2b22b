import Foundation
import Glibc
import HostNet
import HostOS
import NetConf
import NetCore
@testable import NetDriver
import Netlink
import TestSupport
import Testing

/// One network namespace with a `LinuxNetworkHost` working in it and a state directory; after the
/// body every dnsmasq the test saw is killed by pid and the namespace is deleted.
struct HostFixture {
    let namespace: TestNamespace
    let host: LinuxNetworkHost
    let links: Rtnetlink
    let stateDirectory: String

    static func with(_ body: (HostFixture) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-nethost-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestNamespace.with { namespace in
            let fixture = HostFixture(namespace: namespace, host: try LinuxNetworkHost(namespace: namespace.path),
                                      links: try Rtnetlink(namespace: namespace.path), stateDirectory: directory)
            defer { ProcessTable.killDnsmasqs(pidFilesUnder: fixture.stateDirectory) }
            try body(fixture)
        }
    }

    func start(_ network: NetworkDefinition, floors: [PortFloor] = []) throws -> NetworkRuntime {
        try host.start(network, floors: floors, stateDirectory: stateDirectory)
    }

    func stop(_ network: NetworkDefinition, _ runtime: NetworkRuntime) throws {
        try host.stop(network, runtime: runtime, stateDirectory: stateDirectory)
    }

    func linkNames() throws -> Set<String> { Set(try links.links().map(\.name)) }

    func patchbayTables() throws -> [String] { try Firewall(namespace: namespace.path).tables() }

    func table(_ name: String) throws -> String { try namespace.exec(["/usr/sbin/nft", "list", "table", "inet", name]) }

    func addresses(of name: String) throws -> Set<String> {
        Set(try links.addresses(of: InterfaceName(name)).map { "\($0.address)/\($0.prefixLength)" })
    }

    /// Checks that nothing `start` made is left: only `expected` links, no Patchbay table, no dnsmasq.
    func expectClean(besides expected: Set<String> = ["lo"], dnsmasqPID: pid_t?) throws {
        #expect(try linkNames() == expected)
        #expect(try patchbayTables().isEmpty)
        if let dnsmasqPID { #expect(!Self.isAlive(dnsmasqPID), "dnsmasq \(dnsmasqPID) is gone") }
        #expect(AtomicFile.list(stateDirectory, suffix: ".conf").isEmpty, "no dnsmasq configuration is left")
    }

    /// True while `pid` runs (zombies count as gone).
    static func isAlive(_ pid: pid_t) -> Bool { ProcessTable.isAlive(pid) }
}

func network(_ xml: String) throws -> NetworkDefinition { try NetworkDefinition.parse(xml: xml) }

@Suite("LinuxNetworkHost: networks with their own bridge", .serialized)
struct OwnBridgeNetworkTests {
    @Test func isolatedNetworkGetsBridgeAddressesDnsmasqAndNoWayOut() throws {
        try HostFixture.with { fixture in
            let definition = try network("""
                <network><name>iso</name><uuid>6a3ff1b2-0c1d-4b8e-9f0a-1b2c3d4e5f60</uuid>
                  <bridge name='pbiso0' stp='off' delay='0'/><mac address='52:54:00:aa:bb:01'/><mtu size='1400'/>
                  <ip address='10.210.0.1' prefix='24'><dhcp><range start='10.210.0.100' end='10.210.0.120'/></dhcp></ip>
                  <ip family='ipv6' address='fd00:210::1' prefix='64'/>
                </network>
                """)
            let planned = fixture.host.plan(definition)
            let runtime = try fixture.start(definition)
            defer { try? fixture.stop(definition, runtime) }
            var withoutPID = runtime
            withoutPID.dnsmasqPID = nil
            #expect(planned == withoutPID, "plan announces what start records")
            let bridge = try #require(try fixture.links.link(named: InterfaceName("pbiso0")))
            #expect(bridge.kind == "bridge" && bridge.isUp)
            #expect(bridge.mac == (try MACAddress("52:54:00:aa:bb:01")))
            #expect(bridge.mtu == 1400)
            #expect(bridge.group == runtime.deviceGroup && bridge.group != 0)
            #expect(try fixture.namespace.exec(["cat", "/sys/class/net/pbiso0/bridge/stp_state"]).hasPrefix("0"))
            #expect(try fixture.addresses(of: "pbiso0").isSuperset(of: ["10.210.0.1/24", "fd00:210::1/64"]))
            #expect(runtime.ownsBridge && runtime.bridge?.value == "pbiso0")
            let table = try #require(runtime.firewallTable)
            let rules = try fixture.table(table)
            #expect(rules.contains("iifname \"pbiso0\" reject") && !rules.contains("masquerade") && !rules.contains("saddr"))
            let pid = try #require(runtime.dnsmasqPID)
            #expect(HostFixture.isAlive(pid))
            try fixture.stop(definition, runtime)
            try fixture.expectClean(dnsmasqPID: pid)
        }
    }

    @Test func natNetworkLeasesAddressesAndMasqueradesTowardsTheOutside() throws {
        try HostFixture.with { fixture in
            try TestNamespace.with { guest in
                try TestNamespace.with { outside in
                    // The uplink: the host namespace reaches "outside" at 198.51.100.0/24.
                    try plug(fixture.links, host: "pbup0", into: outside, as: "pbout0")
                    try fixture.links.addAddress(IPAddress("198.51.100.1"), prefix: PrefixLength(24, family: .ipv4), to: InterfaceName("pbup0"))
                    try Rtnetlink(namespace: outside.path).addAddress(IPAddress("198.51.100.2"), prefix: PrefixLength(24, family: .ipv4),
                                                                      to: InterfaceName("pbout0"))
                    let definition = try network("""
                        <network><name>nat</name><forward mode='nat'><nat><port start='20000' end='29999'/></nat></forward>
                          <bridge name='pbnat0' stp='on' delay='2'/>
                          <bandwidth><inbound average='10000' peak='20000'/></bandwidth>
                          <ip address='10.211.0.1' prefix='24'><dhcp><range start='10.211.0.100' end='10.211.0.120'/></dhcp></ip>
                          <route address='10.99.0.0' prefix='24' gateway='10.211.0.2'/>
                        </network>
                        """)
                    let runtime = try fixture.start(definition)
                    defer { try? fixture.stop(definition, runtime) }
                    #expect(try fixture.namespace.exec(["cat", "/proc/sys/net/ipv4/ip_forward"]).hasPrefix("1"))
                    #expect(try fixture.namespace.exec(["cat", "/sys/class/net/pbnat0/bridge/stp_state"]).hasPrefix("1"))
                    #expect(try fixture.namespace.exec(["/usr/sbin/ip", "route", "show", "10.99.0.0/24"]).contains("via 10.211.0.2"))
                    let rules = try fixture.table(try #require(runtime.firewallTable))
                    #expect(rules.contains("masquerade to :20000-29999"))
                    #expect(try fixture.links.qdiscKind(of: InterfaceName("pbnat0"), at: .root) == "htb")

                    try plug(fixture.links, host: "pbgp0", into: guest, as: "pbgg0", master: "pbnat0")
                    let script = fixture.stateDirectory + "/udhcpc.sh"
                    try AtomicFile.write("""
                        #!/bin/sh
                        if [ "$1" = bound ]; then
                          /usr/sbin/ip addr add "$ip/$subnet" dev "$interface"
                          /usr/sbin/ip route add default via "$router"
                          echo "bound $ip"
                        fi
                        exit 0

                        """, to: script, mode: 0o755)
                    // The bridge forwards only after STP's listening/learning (2 s delay each).
                    let output = try guest.exec(["/usr/bin/busybox", "udhcpc", "-i", "pbgg0", "-n", "-q", "-f", "-t", "10", "-T", "1", "-s", script])
                    let lease = output.split(separator: "\n").first { $0.hasPrefix("bound ") }.map { String($0.dropFirst(6)) }
                    #expect(lease?.hasPrefix("10.211.0.1") == true, "guest got a lease: \(output)")
                    // "outside" has no route back to 10.211.0.0/24: it sees the host's uplink address and a port of <nat><port>.
                    let seen = try #require(try connectOut(from: guest, to: outside, address: "198.51.100.2"))
                    #expect(seen.address == "198.51.100.1" && (20000...29999).contains(seen.port), "seen as \(seen)")
                    let pid = try #require(runtime.dnsmasqPID)
                    try fixture.stop(definition, runtime)
                    try fixture.expectClean(besides: ["lo", "pbup0", "pbgp0"], dnsmasqPID: pid)
                }
            }
        }
    }

    @Test func routedNetworkForwardsWithoutNAT() throws {
        try HostFixture.with { fixture in
            let definition = try network("""
                <network><name>routed</name><forward mode='route'/><bridge name='pbrt0' stp='off'/>
                  <bandwidth><outbound average='5000' burst='64'/></bandwidth>
                  <dns enable='no'/><ip address='10.212.0.1' prefix='24'/>
                </network>
                """)
            let runtime = try fixture.start(definition)
            defer { try? fixture.stop(definition, runtime) }
            #expect(runtime.dnsmasqPID == nil, "no DHCP and DNS disabled: no dnsmasq, as in libvirt")
            let rules = try fixture.table(try #require(runtime.firewallTable))
            #expect(rules.contains("ip saddr 10.212.0.0/24 accept") && !rules.contains("masquerade"))
            #expect(try fixture.namespace.exec(["cat", "/proc/sys/net/ipv4/ip_forward"]).hasPrefix("1"))
            // Outbound goes to the IFB through nftables (as on nat networks), not through a tc ingress redirect.
            #expect(try fixture.links.qdiscKind(of: InterfaceName("pbrt0"), at: .ingress) == nil)
            #expect(try BridgeOutboundRedirect(namespace: fixture.namespace.path).isInstalled(bridge: InterfaceName("pbrt0")))
            let ifbs = try fixture.links.links().filter { $0.kind == "ifb" }
            #expect(ifbs.count == 1 && ifbs.allSatisfy { $0.group == runtime.deviceGroup }, "the IFB is in the network's group")
            try fixture.stop(definition, runtime)
            try fixture.expectClean(dnsmasqPID: nil)
            #expect(try !BridgeOutboundRedirect(namespace: fixture.namespace.path).isInstalled(bridge: InterfaceName("pbrt0")))
        }
    }

    /// `<route metric>` is the kernel route's priority (what `ip route` prints as "metric").
    @Test func routeMetricsReachTheKernel() throws {
        try HostFixture.with { fixture in
            let definition = try network("""
                <network><name>metric</name><bridge name='pbmet0'/><dns enable='no'/>
                  <ip address='10.214.0.1' prefix='24'/><ip family='ipv6' address='fd00:214::1' prefix='64'/>
                  <route address='10.97.0.0' prefix='24' gateway='10.214.0.2' metric='7'/>
                  <route address='10.96.0.0' netmask='255.255.0.0' gateway='10.214.0.3'/>
                  <route family='ipv6' address='fd00:97::' prefix='64' gateway='fd00:214::2' metric='300'/>
                </network>
                """)
            let runtime = try fixture.start(definition)
            defer { try? fixture.stop(definition, runtime) }
            let ipv4 = try fixture.namespace.exec(["/usr/sbin/ip", "-4", "route", "show", "10.97.0.0/24"])
            #expect(ipv4.contains("via 10.214.0.2") && ipv4.contains("metric 7"), "\(ipv4)")
            let plain = try fixture.namespace.exec(["/usr/sbin/ip", "-4", "route", "show", "10.96.0.0/16"])
            #expect(plain.contains("via 10.214.0.3") && !plain.contains("metric"), "no metric given: the kernel's default (0) \(plain)")
            let ipv6 = try fixture.namespace.exec(["/usr/sbin/ip", "-6", "route", "show", "fd00:97::/64"])
            #expect(ipv6.contains("via fd00:214::2") && ipv6.contains("metric 300"), "\(ipv6)")
            try fixture.stop(definition, runtime)
            try fixture.expectClean(dnsmasqPID: nil)
        }
    }

    @Test func openNetworkHasNoFirewallTable() throws {
        try HostFixture.with { fixture in
            let definition = try network("""
                <network><name>open</name><forward mode='open'/><bridge name='pbopen0'/>
                  <ip address='10.213.0.1' prefix='24'/>
                </network>
                """)
            let runtime = try fixture.start(definition)
            defer { try? fixture.stop(definition, runtime) }
            #expect(runtime.firewallTable == nil)
            #expect(try fixture.patchbayTables().isEmpty)
            let pid = try #require(runtime.dnsmasqPID, "DNS is on by default, so dnsmasq runs")
            #expect(HostFixture.isAlive(pid))
            try fixture.stop(definition, runtime)
            try fixture.expectClean(dnsmasqPID: pid)
        }
    }

    @Test func updateReloadsHostsAndRestartsOnConfigurationChanges() throws {
        try HostFixture.with { fixture in
            let base = """
                <network><name>upd</name><bridge name='pbupd0'/>%DNS%
                  <ip address='10.214.0.1' prefix='24'><dhcp><range start='10.214.0.100' end='10.214.0.120'/>%HOST%</dhcp></ip>
                </network>
                """
            func definition(host: String = "", dns: String = "") throws -> NetworkDefinition {
                try network(base.replacingOccurrences(of: "%HOST%", with: host).replacingOccurrences(of: "%DNS%", with: dns))
            }
            let first = try definition()
            let runtime = try fixture.start(first)
            defer { try? fixture.stop(first, runtime) }
            let pid = try #require(runtime.dnsmasqPID)
            let withHost = try definition(host: "<host mac='52:54:00:00:21:04' ip='10.214.0.50'/>")
            let reloaded = try fixture.host.update(withHost, runtime: runtime, stateDirectory: fixture.stateDirectory)
            #expect(reloaded.dnsmasqPID == pid, "a host list change is a SIGHUP, not a restart")
            let hosts = try String(contentsOfFile: "\(fixture.stateDirectory)/upd.hostsfile", encoding: .utf8)
            #expect(hosts.contains("52:54:00:00:21:04,10.214.0.50"))
            let restarted = try fixture.host.update(try definition(dns: "<dns><forwarder addr='192.0.2.53'/></dns>"),
                                                    runtime: reloaded, stateDirectory: fixture.stateDirectory)
            let newPID = try #require(restarted.dnsmasqPID)
            #expect(newPID != pid && HostFixture.isAlive(newPID) && !HostFixture.isAlive(pid))
            try fixture.stop(first, restarted)
            try fixture.expectClean(dnsmasqPID: newPID)
        }
    }

    @Test func floorsArePluggedAndUnpluggedOnTheBridge() throws {
        try HostFixture.with { fixture in
            let definition = try network("""
                <network><name>floors</name><bridge name='pbfl0'/><dns enable='no'/>
                  <bandwidth><inbound average='1000' peak='2000'/></bandwidth>
                  <ip address='10.215.0.1' prefix='24'/>
                </network>
                """)
            let first = PortFloor(classID: 3, floor: try KibibytesPerSecond(100), mac: try MACAddress("52:54:00:00:00:03"))
            let runtime = try fixture.start(definition, floors: [first])
            defer { try? fixture.stop(definition, runtime) }
            let second = PortFloor(classID: 4, floor: try KibibytesPerSecond(200), mac: try MACAddress("52:54:00:00:00:04"))
            try fixture.host.plugFloor(second, network: definition, runtime: runtime, flooredTotal: first.floor)
            var classes = try fixture.namespace.exec(["/usr/sbin/tc", "class", "show", "dev", "pbfl0"])
            #expect(classes.contains("1:3") && classes.contains("1:4"))
            try fixture.host.unplugFloor(classID: 4, network: definition, runtime: runtime, flooredTotal: first.floor)
            classes = try fixture.namespace.exec(["/usr/sbin/tc", "class", "show", "dev", "pbfl0"])
            #expect(classes.contains("1:3") && !classes.contains("1:4"))
            try fixture.stop(definition, runtime)
            try fixture.expectClean(dnsmasqPID: nil)
        }
    }
}

/// Moves the far end of a new veth pair into `namespace` and brings both ends up.
func plug(_ links: Rtnetlink, host: String, into namespace: TestNamespace, as far: String, master: String? = nil) throws {
    try links.createLink(InterfaceName(host), kind: .veth(peer: InterfaceName(far)))
    let fd = open(namespace.path, O_RDONLY | O_CLOEXEC)
    defer { close(fd) }
    try links.setLink(InterfaceName(far), namespaceFD: fd)
    if let master { try links.attach(InterfaceName(host), to: InterfaceName(master)) }
    try links.setLink(InterfaceName(host), up: true)
    try Rtnetlink(namespace: namespace.path).setLink(InterfaceName(far), up: true)
}

final class ResultCell: @unchecked Sendable { var value: String? }

/// Connects from `guest` to a one-shot TCP server at `address` in `outside` (python3, timeouts
/// without signals); returns the peer address and port the server saw, nil when nothing arrived.
func connectOut(from guest: TestNamespace, to outside: TestNamespace, address: String) throws -> (address: String, port: Int)? {
    let port = Int.random(in: 20000...40000)
    let server = """
    import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('\(address)', \(port))); s.listen(1); s.settimeout(4)
    try:
        c, a = s.accept(); print(a[0], a[1]); c.close()
    except socket.timeout:
        print('timeout')
    """
    let result = ResultCell()
    let thread = Thread { result.value = try? HostCommand.run("/usr/bin/python3", ["-c", server], namespace: outside.path).output }
    thread.start()
    let client = "import socket,time\nfor i in range(20):\n    try:\n        socket.create_connection(('\(address)', \(port)), timeout=1).close(); break\n    except ConnectionRefusedError:\n        time.sleep(0.1)\n    except OSError:\n        break\n"
    _ = try HostCommand.spawnAndWait("/usr/bin/python3", ["-c", client], namespace: guest.path)
    while !thread.isFinished { usleep(20_000) }
    let words = (result.value ?? "").split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    guard words.count == 2, let seenPort = Int(words[1]) else { return nil }
    return (words[0], seenPort)
}
