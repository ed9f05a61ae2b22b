import Foundation
import Glibc
import HostNet
import HostOS
import NetConf
import NetCore
import Netlink
import TestSupport
import Testing

/// Networks of our own (not the libvirt corpus) with the dnsmasq files libvirt 9.0 writes for them.
struct DnsmasqCase: Sendable, CustomTestStringConvertible {
    let name: String
    let xml: String
    let body: [String]
    let dhcpHosts: String?
    let additionalHosts: String

    var testDescription: String { name }

    static func header(_ network: String) -> [String] {
        [
            "##WARNING:  THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE",
            "##OVERWRITTEN AND LOST.  Changes to this configuration should be made using:",
            "##    virsh net-edit \(network)",
            "## or other application using the libvirt API.",
            "##",
            "## dnsmasq conf file created by libvirt",
            "strict-order",
        ]
    }

    static let all: [DnsmasqCase] = [
        DnsmasqCase(
            name: "isolated, static hosts only, forwarders, local domain, MTU, PXE server",
            xml: """
            <network>
              <name>lab</name>
              <bridge name='pblab0'/>
              <mtu size='9000'/>
              <domain name='lab.test' localOnly='yes'/>
              <dns>
                <forwarder domain='corp.test' addr='10.1.1.1'/>
                <forwarder domain='blocked.test'/>
                <forwarder addr='9.9.9.9'/>
                <srv service='ldap' protocol='tcp' target='.'/>
              </dns>
              <ip address='10.20.0.1' prefix='16'>
                <dhcp>
                  <host mac='52:54:00:12:34:56' ip='10.20.1.5'/>
                  <host name='printer' ip='10.20.1.6'/>
                  <bootp file='boot.efi' server='10.20.0.2'/>
                </dhcp>
                <tftp root='/srv/tftp'/>
              </ip>
            </network>
            """,
            body: header("lab") + [
                "server=/corp.test/10.1.1.1", "server=/blocked.test/#", "server=9.9.9.9", "no-resolv",
                "local=/lab.test/", "domain=lab.test", "expand-hosts",
                "except-interface=lo", "bind-dynamic", "interface=pblab0",
                "dhcp-option=3", "no-resolv", "ra-param=*,0,0",
                "srv-host=_ldap._tcp",
                "enable-tftp", "tftp-root=/srv/tftp",
                "dhcp-range=10.20.0.1,static", "dhcp-no-override", "dhcp-authoritative", "dhcp-boot=boot.efi,,10.20.0.2",
                "dhcp-hostsfile=/state/lab.hostsfile", "addn-hosts=/state/lab.addnhosts",
                "dhcp-option=option:mtu,9000",
            ],
            dhcpHosts: "52:54:00:12:34:56,10.20.1.5\nprinter,10.20.1.6\n",
            additionalHosts: ""),
        DnsmasqCase(
            name: "nat without DNS, two IPv4 ranges, DHCPv6 with a DUID host, and a SLAAC address",
            xml: """
            <network>
              <name>six</name>
              <forward mode='nat'/>
              <bridge name='pbsix0'/>
              <dns enable='no'/>
              <ip address='192.168.50.1' netmask='255.255.255.0'>
                <dhcp>
                  <range start='192.168.50.10' end='192.168.50.19'>
                    <lease expiry='30'/>
                  </range>
                  <range start='192.168.50.30' end='192.168.50.39'/>
                </dhcp>
              </ip>
              <ip family='ipv6' address='fd00:50::1' prefix='64'>
                <dhcp>
                  <range start='fd00:50::100' end='fd00:50::1ff'>
                    <lease expiry='2' unit='hours'/>
                  </range>
                  <host id='0:3:0:1:52:54:0:0:0:1' name='db' ip='fd00:50::10'/>
                </dhcp>
              </ip>
              <ip family='ipv6' address='fd00:51::1' prefix='64'/>
            </network>
            """,
            body: header("six") + [
                "port=0", "except-interface=lo", "bind-dynamic", "interface=pbsix0",
                "dhcp-range=192.168.50.10,192.168.50.19,255.255.255.0,30m",
                "dhcp-range=192.168.50.30,192.168.50.39,255.255.255.0",
                "dhcp-no-override", "dhcp-authoritative",
                "dhcp-range=fd00:50::100,fd00:50::1ff,64,2h",
                "dhcp-lease-max=276",
                "dhcp-hostsfile=/state/six.hostsfile",
                "enable-ra",
            ],
            dhcpHosts: "id:0:3:0:1:52:54:0:0:0:1,db,[fd00:50::10]\n",
            additionalHosts: ""),
        DnsmasqCase(
            name: "routed, local PTR zones, plain names kept local, records, DNS hosts merged, options",
            xml: """
            <network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>
              <name>ptr</name>
              <forward mode='route'/>
              <bridge name='pbptr0'/>
              <dns forwardPlainNames='no'>
                <txt name='info' value='hello, world'/>
                <host ip='172.16.0.1'><hostname>gw</hostname></host>
                <host ip='172.16.0.9'><hostname>nas</hostname><hostname>files</hostname></host>
                <host ip='172.16.0.1'><hostname>router</hostname></host>
              </dns>
              <ip address='172.16.0.1' netmask='255.255.0.0' localPtr='yes'/>
              <ip family='ipv6' address='2001:db8:abcd::1' prefix='48' localPtr='yes'/>
              <dnsmasq:options>
                <dnsmasq:option value='log-queries'/>
              </dnsmasq:options>
            </network>
            """,
            body: header("ptr") + [
                "local=/16.172.in-addr.arpa/", "local=/d.c.b.a.8.b.d.0.1.0.0.2.ip6.arpa/",
                "domain-needed", "local=//",
                "except-interface=lo", "bind-dynamic", "interface=pbptr0",
                "txt-record=info,hello, world",
                "addn-hosts=/state/ptr.addnhosts",
                "dhcp-range=2001:db8:abcd::1,ra-only",
                "log-queries",
            ],
            dhcpHosts: nil,
            additionalHosts: "172.16.0.1\tgw\trouter\t\n172.16.0.9\tnas\tfiles\t\n"),
    ]
}

@Suite("dnsmasq configuration")
struct DnsmasqConfigurationTests {
    static let capabilities: DnsmasqCapabilities? = try? DnsmasqCapabilities(version: .init(major: 2, minor: 89))

    @Test(arguments: DnsmasqCase.all)
    func generatesWhatLibvirtWrites(_ example: DnsmasqCase) throws {
        let capabilities = try #require(Self.capabilities)
        let network = try NetworkDefinition.parse(xml: example.xml)
        let configuration = try DnsmasqConfiguration(network: network, capabilities: capabilities, stateDirectory: "/state")
        #expect(configuration.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) == example.body + [""])
        #expect(configuration.hosts.dhcpHostsText == example.dhcpHosts)
        #expect(configuration.hosts.additionalHostsText == example.additionalHosts)
    }

    @Test(arguments: DnsmasqCase.all)
    func debiansDnsmasqAcceptsTheSyntax(_ example: DnsmasqCase) throws {
        let capabilities = try #require(Self.capabilities)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-dnsmasq-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let dnsmasq = Dnsmasq(networkName: try NetworkDefinition.parse(xml: example.xml).name, stateDirectory: directory,
                              capabilities: capabilities)
        try dnsmasq.write(try dnsmasq.configuration(for: NetworkDefinition.parse(xml: example.xml)))
        let outcome = try HostCommand.spawnAndWait("/usr/sbin/dnsmasq", ["--test", "--conf-file=\(dnsmasq.paths.configFile)"])
        #expect(outcome.status == 0, "\(outcome.errors)")
        let mode = try FileManager.default.attributesOfItem(atPath: dnsmasq.paths.configFile)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the configuration file is read as root only")
        #expect(FileManager.default.fileExists(atPath: dnsmasq.paths.dhcpHostsFile), "an empty hosts file allows runtime additions")
    }

    @Test(arguments: [
        ("""
         <network><name>twice</name><bridge name='pbx0'/>
           <ip address='10.0.0.1' prefix='24'><dhcp><range start='10.0.0.2' end='10.0.0.9'/></dhcp></ip>
           <ip address='10.0.1.1' prefix='24'><dhcp><range start='10.0.1.2' end='10.0.1.9'/></dhcp></ip>
         </network>
         """, "unsupported configuration: For IPv4, multiple DHCP definitions cannot be specified."),
        ("""
         <network><name>ptr20</name><bridge name='pbx0'/><ip address='10.0.0.1' prefix='20' localPtr='yes'/></network>
         """, "unsupported configuration: PTR domain for IPv4 network with prefix 20 cannot be automatically created"),
        ("""
         <network><name>nobridge</name><forward mode='bridge' dev='eth0'/></network>
         """, "internal error: network 'nobridge' has no bridge device for dnsmasq to serve"),
    ])
    func refusesWhatLibvirtRefuses(xml: String, message: String) throws {
        let capabilities = try #require(Self.capabilities)
        let network = try NetworkDefinition.parse(xml: xml)
        #expect { try DnsmasqConfiguration(network: network, capabilities: capabilities, stateDirectory: "/s") } throws: { error in
            (error as? PatchbayError)?.message == message
        }
    }

    @Test func versionsComeFromTheBinary() throws {
        let parsed = try DnsmasqCapabilities(versionOutput: "Dnsmasq version 2.89  Copyright (c) 2000-2022 Simon Kelley\nCompile time options: IPv6\n")
        #expect(parsed.version == .init(major: 2, minor: 89))
        #expect(throws: PatchbayError(.configUnsupported, "dnsmasq version >= 2.67 required but 2.66 found")) {
            try DnsmasqCapabilities(versionOutput: "Dnsmasq version 2.66\n")
        }
        #expect(throws: PatchbayError.self) { try DnsmasqCapabilities(versionOutput: "dnsmasq, no version here") }
        let probed = try DnsmasqCapabilities.probe()
        #expect(probed.version >= DnsmasqCapabilities.minimumVersion)
    }

    @Test func neededOnlyWithAnAddressAndAService() throws {
        let noAddress = try NetworkDefinition.parse(xml: "<network><name>a</name><bridge name='pba0'/></network>")
        let noService = try NetworkDefinition.parse(xml: "<network><name>b</name><bridge name='pbb0'/><dns enable='no'/><ip address='10.0.0.1' prefix='24'/></network>")
        let dnsOnly = try NetworkDefinition.parse(xml: "<network><name>c</name><bridge name='pbc0'/><ip address='10.0.0.1' prefix='24'/></network>")
        #expect(!DnsmasqConfiguration.isNeeded(for: noAddress))
        #expect(!DnsmasqConfiguration.isNeeded(for: noService))
        #expect(DnsmasqConfiguration.isNeeded(for: dnsOnly))
    }
}

/// A real dnsmasq on a bridge in a throwaway namespace, and a busybox DHCP client in another.
@Suite("dnsmasq daemon: leases, reservations, reload, stop", .serialized)
struct DnsmasqDaemonTests {
    static let bridge = "pbdqbr0"

    static func network(hosts: [(mac: String, ip: String)]) throws -> NetworkDefinition {
        let hostLines = hosts.map { "<host mac='\($0.mac)' ip='\($0.ip)'/>" }.joined()
        return try NetworkDefinition.parse(xml: """
            <network><name>pbdq</name><bridge name='\(bridge)'/>
              <ip address='10.77.0.1' netmask='255.255.255.0'>
                <dhcp><range start='10.77.0.100' end='10.77.0.120'/>\(hostLines)</dhcp>
              </ip>
            </network>
            """)
    }

    /// Runs udhcpc once on `device` in `client`; returns the address it was offered and bound.
    static func lease(in client: TestNamespace, device: String, script: String) throws -> String? {
        let output = try client.exec(["/usr/bin/busybox", "udhcpc", "-i", device, "-n", "-q", "-f", "-t", "6", "-T", "1", "-s", script])
        let bound = output.split(separator: "\n").first { $0.hasPrefix("bound ") }
        return bound.map { String($0.dropFirst("bound ".count)) }
    }

    /// Processes (not zombies) whose command line names `configFile`.
    static func processes(reading configFile: String) -> [pid_t] {
        ProcessTable.all().filter { !$0.isZombie && $0.commandLine.contains("--conf-file=\(configFile)") }.map(\.pid)
    }

    @Test func servesLeasesHonoursReservationsReloadsAndStops() throws {
        let capabilities = try DnsmasqCapabilities.probe()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-dnsmasq-run-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = directory + "/udhcpc.sh"
        try AtomicFile.write("#!/bin/sh\n[ \"$1\" = bound ] && echo \"bound $ip\"\nexit 0\n", to: script, mode: 0o755)
        try TestNamespace.with { server in
            try TestNamespace.with { client in
                let links = try Rtnetlink(namespace: server.path)
                let bridge = try InterfaceName(Self.bridge)
                try links.createLink(bridge, kind: .bridge(BridgeOptions(stp: false, forwardDelay: 0)))
                try links.addAddress(IPAddress("10.77.0.1"), prefix: PrefixLength(24, family: .ipv4), to: bridge)
                try links.setLink(bridge, up: true)
                let (port, guest) = (try InterfaceName("pbdqp0"), try InterfaceName("pbdqg0"))
                try links.createLink(port, kind: .veth(peer: guest))
                let fd = open(client.path, O_RDONLY | O_CLOEXEC)
                defer { close(fd) }
                try links.setLink(guest, namespaceFD: fd)
                try links.attach(port, to: bridge)
                try links.setLink(port, up: true)
                let clientLinks = try Rtnetlink(namespace: client.path)
                try clientLinks.setLink(guest, up: true, mac: MACAddress("52:54:00:77:00:01"))

                let dnsmasq = Dnsmasq(networkName: "pbdq", stateDirectory: directory, capabilities: capabilities,
                                      namespace: server.path)
                // Killed by pid whatever happens below, before the namespace goes away.
                defer { try? dnsmasq.stop() }
                let reserved = (mac: "52:54:00:77:00:02", ip: "10.77.0.50")
                let pid = try dnsmasq.start(Self.network(hosts: [reserved]))
                #expect(dnsmasq.state == .running(pid))
                #expect(throws: PatchbayError.self, "a second start is refused") { try dnsmasq.start(Self.network(hosts: [])) }

                let dynamic = try #require(try Self.lease(in: client, device: guest.value, script: script))
                let last = try #require(dynamic.split(separator: ".").last.flatMap { Int($0) })
                #expect(dynamic.hasPrefix("10.77.0.") && (100...120).contains(last), "lease \(dynamic) is in the range")

                try clientLinks.setLink(guest, up: false, mac: MACAddress(reserved.mac))
                try clientLinks.setLink(guest, up: true)
                #expect(try Self.lease(in: client, device: guest.value, script: script) == reserved.ip)

                let added = (mac: "52:54:00:77:00:03", ip: "10.77.0.60")
                try dnsmasq.reload(Self.network(hosts: [reserved, added]))
                #expect(dnsmasq.state == .running(pid), "a reload keeps the process")
                #expect(try String(contentsOfFile: dnsmasq.paths.dhcpHostsFile, encoding: .utf8).contains("\(added.mac),\(added.ip)"))
                usleep(200_000)
                try clientLinks.setLink(guest, up: false, mac: MACAddress(added.mac))
                try clientLinks.setLink(guest, up: true)
                #expect(try Self.lease(in: client, device: guest.value, script: script) == added.ip)

                try dnsmasq.stop()
                #expect(dnsmasq.state == .stopped)
                #expect(!dnsmasq.isOurs(pid))
                #expect(Self.processes(reading: dnsmasq.paths.configFile).isEmpty, "no dnsmasq is left")
                try dnsmasq.stop()
            }
        }
    }

    /// The crash point of issue "orphan": Patchbay SIGKILLed after dnsmasq was spawned but before
    /// its pid file exists (or before the runtime naming it was saved). Recovery then knows of no
    /// pid; stop must still find the daemon by its configuration file on its command line.
    @Test(arguments: [false, true])
    func stopFindsADaemonWithoutItsPidFile(pidFileNamesAStranger: Bool) throws {
        let capabilities = try DnsmasqCapabilities.probe()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-dnsmasq-orphan-\(getpid())-\(pidFileNamesAStranger)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestNamespace.with { server in
            let links = try Rtnetlink(namespace: server.path)
            let bridge = try InterfaceName(Self.bridge)
            try links.createLink(bridge, kind: .bridge(BridgeOptions(stp: false, forwardDelay: 0)))
            try links.addAddress(IPAddress("10.77.0.1"), prefix: PrefixLength(24, family: .ipv4), to: bridge)
            try links.setLink(bridge, up: true)
            let dnsmasq = Dnsmasq(networkName: "pbdq", stateDirectory: directory, capabilities: capabilities, namespace: server.path)
            // Whatever happens below, nothing outlives the namespace.
            defer { for pid in Self.processes(reading: dnsmasq.paths.configFile) { kill(pid, SIGKILL) } }
            let pid = try dnsmasq.start(Self.network(hosts: []))
            try AtomicFile.remove(dnsmasq.paths.pidFile)
            if pidFileNamesAStranger { try AtomicFile.write("\(getpid())\n", to: dnsmasq.paths.pidFile) }
            #expect(dnsmasq.runningPID == nil, "the pid file no longer leads to the daemon")
            #expect(dnsmasq.processes == [pid])
            try dnsmasq.stop()
            #expect(!dnsmasq.isOurs(pid))
            #expect(Self.processes(reading: dnsmasq.paths.configFile).isEmpty, "no dnsmasq is left")
            #expect(dnsmasq.state == .stopped)
        }
    }

    @Test func startupErrorsAreReportedAndForeignPidsAreLeftAlone() throws {
        let capabilities = try DnsmasqCapabilities.probe()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-dnsmasq-err-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestNamespace.with { server in
            let dnsmasq = Dnsmasq(networkName: "pbdq", stateDirectory: directory, capabilities: capabilities, namespace: server.path)
            defer { try? dnsmasq.stop() }
            var network = try Self.network(hosts: [])
            network.dnsmasqOptions = DnsmasqOptions(values: ["no-such-option"])
            #expect { try dnsmasq.start(network) } throws: { error in
                let message = (error as? PatchbayError)?.message ?? ""
                return message.hasPrefix("operation failed: dnsmasq for network 'pbdq' failed to start") && message.contains("bad option at line")
            }
            // A pid file naming some other process (here: ourselves) is never signalled.
            try AtomicFile.write("\(getpid())\n", to: dnsmasq.paths.pidFile)
            #expect(dnsmasq.state == .vanished(getpid()))
            try dnsmasq.stop()
            #expect(dnsmasq.state == .stopped)
        }
    }
}
