import Foundation
import Glibc
import NetCore
import PatchbayClient
import RemoteProtocol
import Testing

/// The `patchbay` CLI and what only Patchbay's program offers: port events, drift report,
/// port parameters with floor admission, DHCP leases from dnsmasq's file.
@Suite("patchbay CLI and extensions", .serialized)
struct CLIAndExtensionTests {
    @Test("net-* and net-port-* commands: tables, --json, errors on stderr with exit 1")
    func cliCommands() throws {
        try DaemonHarness.with { daemon in
            let xml = try daemon.file("c1.xml", Fixtures.network("c1", bridge: "pbc1"))
            var result = try daemon.cli("net-define", xml)
            #expect(result.status == 0 && result.output.contains("Network c1 defined"), "\(result)")
            #expect(try daemon.cli("net-start", "c1").status == 0)
            result = try daemon.cli("net-list", "--all")
            #expect(result.output.contains(" c1     active   no          yes"), "\(result)")
            result = try daemon.cli("net-list", "--json")
            let list = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]]
            #expect(list?.first?["name"] as? String == "c1" && list?.first?["bridge"] as? String == "pbc1", "\(result)")
            result = try Shell.run(DaemonHarness.cli, ["net-list", "-c", daemon.uri])
            #expect(result.output.contains(" c1 "), "a virsh-style URI works too: \(result)")
            result = try daemon.cli("net-info", "c1")
            #expect(result.output.contains("Bridge:         pbc1"), "\(result)")
            #expect(try daemon.cli("net-dumpxml", "c1").output.contains("<name>c1</name>"))
            result = try daemon.cli("net-update", "c1", "add", "portgroup", "<portgroup name='gold'/>", "--live", "--config")
            #expect(result.status == 0, "\(result)")
            #expect(try daemon.cli("net-dumpxml", "c1", "--inactive").output.contains("portgroup name='gold'"))
            #expect(try daemon.cli("net-autostart", "c1").status == 0)
            #expect(try daemon.virsh("net-info", "c1").output.contains("Autostart:      yes"))
            #expect(try daemon.cli("net-autostart", "c1", "--disable").status == 0)
            let port = try daemon.file("port.xml", Fixtures.port())
            #expect(try daemon.cli("net-port-create", "c1", port).status == 0)
            result = try daemon.cli("net-port-list", "c1", "--json")
            #expect(result.output.contains("\"uuid\" : \"\(Fixtures.portUUID)\""), "\(result)")
            #expect(try daemon.cli("net-port-dumpxml", "c1", Fixtures.portUUID).output.contains("<plug type='network' bridge='pbc1'/>"))
            #expect(try daemon.cli("net-port-delete", "c1", Fixtures.portUUID).status == 0)
            result = try daemon.cli("net-info", "nope")
            #expect(result.status == 1 && result.errors == "error: Network not found: no network with matching name 'nope'\n", "\(result)")
            result = try Shell.run(DaemonHarness.cli, ["-c", daemon.readOnlySocket, "net-destroy", "c1"])
            #expect(result.status == 1 && result.errors.contains("read only access prevents virNetworkDestroy"), "\(result)")
            #expect(try daemon.cli("net-destroy", "c1").status == 0)
            #expect(try daemon.cli("net-undefine", "c1").status == 0)
            result = try Shell.run(DaemonHarness.cli, ["-c", "\(daemon.root)/no-such-sock", "net-list"])
            #expect(result.status == 1 && result.errors.contains("Failed to connect socket"), "\(result)")
        }
    }

    @Test("event --loop --json: lifecycle and port events; drift report")
    func eventsAndDrift() throws {
        try DaemonHarness.with { daemon in
            let listener = Process()
            listener.executableURL = URL(fileURLWithPath: DaemonHarness.cli)
            listener.arguments = ["-c", daemon.networkSocket, "event", "--loop", "--json", "--timeout", "6"]
            let pipe = Pipe()
            listener.standardOutput = pipe
            try listener.run()
            // Lifecycle and port registrations.
            try daemon.waitForEventRegistrations(2)
            let xml = try daemon.file("e1.xml", Fixtures.network("e1", bridge: "pbe1"))
            #expect(try daemon.cli("net-create", xml).status == 0)
            #expect(try daemon.cli("net-port-create", "e1", try daemon.file("p.xml", Fixtures.port())).status == 0)
            #expect(try daemon.cli("net-port-delete", "e1", Fixtures.portUUID).status == 0)
            #expect(try daemon.cli("net-destroy", "e1").status == 0)
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            listener.waitUntilExit()
            let events = output.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
            }
            let summary = events.map { "\($0["event"] ?? "") \($0["change"] ?? "")" }
            #expect(summary == ["lifecycle started", "port created", "port deleted", "lifecycle stopped"], "\(output)")
            let drift = try daemon.cli("drift", "--json")
            #expect(drift.status == 0 && drift.output.contains("\"drift\""), "\(drift)")
        }
    }

    @Test("event --loop outlives a daemon restart: says so, reconnects, sees the later events; SIGINT ends it cleanly")
    func eventLoopReconnects() throws {
        try DaemonHarness.with { daemon in
            #expect(try daemon.cli("net-create", daemon.file("r1.xml", Fixtures.network("r1", bridge: "pbr1"))).status == 0)
            let listener = Process()
            listener.executableURL = URL(fileURLWithPath: DaemonHarness.cli)
            listener.arguments = ["-c", daemon.networkSocket, "event", "--loop", "--timeout", "60"]
            let output = Pipe()
            let errors = Pipe()
            listener.standardOutput = output
            listener.standardError = errors
            let printed = Printed()
            output.fileHandleForReading.readabilityHandler = { handle in printed.append(handle.availableData) }
            try listener.run()
            defer { if listener.isRunning { kill(listener.processIdentifier, SIGKILL) } }
            try daemon.waitForEventRegistrations(2)
            try daemon.restart()
            // A start begins a new log: its two registrations are the new connection's.
            try daemon.waitForEventRegistrations(2)
            #expect(try daemon.cli("net-port-create", "r1", try daemon.file("p.xml", Fixtures.port())).status == 0)
            #expect(try daemon.cli("net-port-delete", "r1", Fixtures.portUUID).status == 0)
            #expect(try daemon.cli("net-destroy", "r1").status == 0)
            // The events are printed as they come; wait for the last one before stopping it.
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && !printed.text.contains("Stopped") { usleep(20_000) }
            kill(listener.processIdentifier, SIGINT)
            listener.waitUntilExit()
            output.fileHandleForReading.readabilityHandler = nil
            let text = printed.text + String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let complaints = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(listener.terminationStatus == 0, "\(text)\n\(complaints)")
            #expect(complaints.isEmpty, "\(complaints)")
            let lines = text.split(separator: "\n").map(String.init)
            let lost = try #require(lines.firstIndex { $0.hasPrefix("connection to the daemon lost") }, "\(text)")
            let back = try #require(lines.firstIndex { $0.hasPrefix("reconnected") }, "\(text)")
            #expect(lost < back)
            #expect(Array(lines[(back + 1)...]) == [
                "event 'port' for network r1: port \(Fixtures.portUUID) created",
                "event 'port' for network r1: port \(Fixtures.portUUID) deleted",
                "event 'lifecycle' for network r1: Stopped",
                "events received: 3",
            ], "\(text)")
        }
    }

    @Test("port parameters: get/set with libvirt's names; floors admitted against the network's inbound average")
    func portParameters() throws {
        try DaemonHarness.with { daemon in
            let client = try NetworkClient(socketPath: daemon.networkSocket)
            defer { client.close() }
            let network = try client.create(xml: """
                <network><name>q1</name><bridge name='pbq1'/><bandwidth><inbound average='1000'/></bandwidth></network>
                """)
            let first = try client.createPort(network, xml: Fixtures.port())
            let second = try client.createPort(network, xml: Fixtures.port("22222222-2222-3333-4444-555555555555", mac: "52:54:00:11:22:44"))
            func set(_ port: NetworkPortReference, _ values: [String: UInt32]) throws(PatchbayError) {
                let params = values.map { TypedParameter(field: $0.key, value: .uint($0.value)) }
                try client.remote.call(.networkPortSetParameters, NetworkPortSetParametersArgs(port: port, params: params))
            }
            func get(_ port: NetworkPortReference) throws(PatchbayError) -> [String: TypedParameterValue] {
                let ret = try client.remote.call(.networkPortGetParameters, NetworkPortGetParametersArgs(port: port, parameterCount: 16),
                                                 returning: NetworkPortGetParametersRet.self)
                return Dictionary(uniqueKeysWithValues: ret.params.map { ($0.field, $0.value) })
            }
            try set(first, ["inbound.average": 2000, "inbound.floor": 600])
            #expect(try get(first)["inbound.floor"] == .uint(600))
            #expect(try get(first).count == 7)
            #expect(try client.portXML(first).contains("floor='600'"))
            // 600 + 500 > 1000: refused, and the second port keeps no floor.
            #expect(throws: PatchbayError.self) { try set(second, ["inbound.average": 100, "inbound.floor": 500]) }
            #expect(try get(second)["inbound.floor"] == .uint(0))
            // Lowering the first floor makes room.
            try set(first, ["inbound.floor": 200])
            try set(second, ["inbound.average": 100, "inbound.floor": 500])
            #expect(try get(second)["inbound.floor"] == .uint(500))
            do {
                try set(first, ["bogus": 1])
                Issue.record("unknown parameter accepted")
            } catch {
                #expect((error as? PatchbayError)?.code == .invalidArg)
            }
        }
    }

    @Test("DHCP leases come from dnsmasq's lease file")
    func dhcpLeases() throws {
        try DaemonHarness.with { daemon in
            let xml = try daemon.file("l1.xml", """
                <network><name>l1</name><bridge name='pbl1'/><ip address='10.91.0.1' prefix='24'>\
                <dhcp><range start='10.91.0.10' end='10.91.0.20'/></dhcp></ip></network>
                """)
            #expect(try daemon.virsh("net-create", xml).status == 0)
            let directory = "\(daemon.stateDirectory)/host/l1"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try "4102444800 52:54:00:aa:bb:cc 10.91.0.11 guest1 01:52:54:00:aa:bb:cc\n"
                .write(toFile: "\(directory)/l1.leases", atomically: true, encoding: .utf8)
            let result = try daemon.virsh("net-dhcp-leases", "l1")
            #expect(result.status == 0, "\(result)")
            #expect(result.output.contains("52:54:00:aa:bb:cc"), "\(result)")
            #expect(result.output.contains("10.91.0.11/24"), "\(result)")
            #expect(result.output.contains("guest1"), "\(result)")
        }
    }
}

/// A real DHCP exchange through the daemon's network, read back with virsh.
@Suite("DHCP leases through a real dnsmasq", .serialized)
struct RealLeaseTests {
    @Test("a busybox DHCP client on a veth in the bridge gets a lease that net-dhcp-leases shows")
    func realLease() throws {
        try DaemonHarness.with { daemon in
            let xml = try daemon.file("l2.xml", """
                <network><name>l2</name><bridge name='pbl2'/><ip address='10.93.0.1' prefix='24'>\
                <dhcp><range start='10.93.0.10' end='10.93.0.20'/></dhcp></ip></network>
                """)
            let created = try daemon.virsh("net-create", xml)
            #expect(created.status == 0, "\(created)")
            let client = "pbdc-\(UInt32.random(in: 0...UInt32.max))"
            _ = try Shell.run("/usr/sbin/ip", ["netns", "add", client])
            defer {
                if let pids = try? Shell.run("/usr/sbin/ip", ["netns", "pids", client]) {
                    for pid in pids.output.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
                }
                _ = try? Shell.run("/usr/sbin/ip", ["netns", "del", client])
            }
            for command in [["-n", daemon.namespace, "link", "add", "pbl2p", "type", "veth", "peer", "name", "pbl2g", "netns", client],
                            ["-n", daemon.namespace, "link", "set", "pbl2p", "master", "pbl2", "up"],
                            ["-n", client, "link", "set", "pbl2g", "address", "52:54:00:93:00:01", "up"]] {
                let result = try Shell.run("/usr/sbin/ip", command)
                #expect(result.status == 0, "\(result)")
            }
            // The bridge runs STP (libvirt's default): its port forwards only after the
            // listening and learning states, so wait for the bridge's carrier.
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline,
                  !(try Shell.run("/usr/sbin/ip", ["-n", daemon.namespace, "link", "show", "pbl2"]).output.contains("LOWER_UP")) {
                usleep(100_000)
            }
            let script = try daemon.file("udhcpc.sh", "#!/bin/sh\n[ \"$1\" = bound ] && echo \"bound $ip\"\nexit 0\n")
            chmod(script, 0o755)
            let dhcp = try Shell.run("/usr/sbin/ip", ["netns", "exec", client, "/usr/bin/busybox", "udhcpc", "-i", "pbl2g", "-n", "-q",
                                                      "-f", "-t", "6", "-T", "1", "-s", script])
            let bound = dhcp.output.split(separator: "\n").first { $0.hasPrefix("bound ") }.map { String($0.dropFirst(6)) }
            let address = try #require(bound, "\(dhcp)")
            #expect(address.hasPrefix("10.93.0."))
            let leases = try daemon.virsh("net-dhcp-leases", "l2")
            #expect(leases.output.contains("52:54:00:93:00:01"), "\(leases)")
            #expect(leases.output.contains("\(address)/24"), "\(leases)")
            let filtered = try daemon.virsh("net-dhcp-leases", "l2", "--mac", "52:54:00:93:00:02")
            #expect(!filtered.output.contains("10.93.0."), "\(filtered)")
        }
    }

    @Test("a file the CLI cannot read says why, as virsh does (errno's text)")
    func unreadableFiles() throws {
        let directory = "/tmp/pb-cli-files-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let locked = "\(directory)/locked.xml"
        try Fixtures.network("x", bridge: "pbx").write(toFile: locked, atomically: true, encoding: .utf8)
        chmod(locked, 0)
        chmod(directory, 0o755)
        var result = try Shell.run(DaemonHarness.cli, ["xml", "network", "/nonexistent"])
        #expect(result.status == 1 && result.errors == "error: Failed to open file '/nonexistent': No such file or directory\n", "\(result)")
        result = try Shell.run(DaemonHarness.cli, ["xml", "network", directory])
        #expect(result.status == 1 && result.errors == "error: Failed to read file '\(directory)': Is a directory\n", "\(result)")
        // root reads anything: the unreadable file is tried as nobody. Under AddressSanitizer,
        // nobody cannot write to the run's (root-only) report directory: reports go to stderr,
        // where they fail this expectation too.
        result = try Shell.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", DaemonHarness.cli,
                                                    "xml", "network", locked], environment: ["ASAN_OPTIONS": "detect_leaks=0"])
        #expect(result.status == 1 && result.errors == "error: Failed to open file '\(locked)': Permission denied\n", "\(result)")
        try DaemonHarness.with { daemon in
            #expect(try daemon.cli("net-define", daemon.file("n.xml", Fixtures.network("n", bridge: "pbn"))).status == 0)
            #expect(try daemon.cli("net-start", "n").status == 0)
            for command in [["net-define"], ["net-create"], ["net-update", "n", "add", "portgroup"], ["net-port-create", "n"]] {
                result = try Shell.run(DaemonHarness.cli, ["-c", daemon.networkSocket] + command + ["/nonexistent"])
                #expect(result.status == 1 && result.errors == "error: Failed to open file '/nonexistent': No such file or directory\n",
                        "\(command): \(result)")
                result = try Shell.run(DaemonHarness.cli, ["-c", daemon.networkSocket] + command + [directory])
                #expect(result.status == 1 && result.errors == "error: Failed to read file '\(directory)': Is a directory\n",
                        "\(command): \(result)")
            }
        }
    }

    @Test("xml domain: a <teaming> transient partner without a MAC shows the persistent NIC's; a MAC the user gave is kept",
          arguments: [("", "52:54:00:aa:bb:cc"), ("<mac address='52:54:00:11:22:33'/>", "52:54:00:11:22:33")])
    func xmlDomainShowsTheMACATransientPartnerTook(mac: String, shown: String) throws {
        let file = "/tmp/pb-cli-teaming-\(getpid()).xml"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try """
            <domain type='kvm'>
              <name>guest</name>
              <memory>219100</memory>
              <os><type arch='x86_64' machine='pc'>hvm</type></os>
              <devices>
                <interface type='network'><mac address='52:54:00:aa:bb:cc'/><source network='default'/><model type='virtio'/>
                  <teaming type='persistent'/><alias name='ua-backup0'/></interface>
                <interface type='hostdev' managed='yes'>\(mac)
                  <source><address type='pci' domain='0' bus='3' slot='7' function='1'/></source>
                  <teaming type='transient' persistent='ua-backup0'/></interface>
              </devices>
            </domain>
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try Shell.run(DaemonHarness.cli, ["xml", "domain", file])
        #expect(result.status == 0, "\(result)")
        let interfaces = result.output.components(separatedBy: "<interface ").dropFirst()
        #expect(interfaces.count == 2, "\(result)")
        #expect(interfaces.last?.contains("<mac address='\(shown)'/>") == true, "\(result)")
    }

    @Test("as a new user: --help shows -c/--connect, both binaries have --version")
    func helpAndVersion() throws {
        let help = try Shell.run(DaemonHarness.cli, ["--help"])
        #expect(help.status == 0 && help.output.contains("-c, --connect <connect>") && help.output.contains("-r, --readonly"), "\(help)")
        let cli = try Shell.run(DaemonHarness.cli, ["--version"])
        let daemon = try Shell.run(DaemonHarness.binary, ["--version"])
        #expect(cli.status == 0 && daemon.status == 0, "\(cli)\n\(daemon)")
        #expect(cli.output == "\(PatchbayVersion.description)\n" && daemon.output == cli.output, "\(cli)\n\(daemon)")
    }

    @Test("conformance: an unknown corpus is an error naming the known ones; the last line counts skipped cases")
    func conformanceCommand() throws {
        let corpus = try #require(ProcessInfo.processInfo.environment["PATCHBAY_CORPUS"] ?? Self.sharedCorpus)
        var result = try Shell.run(DaemonHarness.cli, ["conformance", corpus, "--corpus", "nosuch"])
        #expect(result.status == 1 && result.output.isEmpty, "\(result)")
        #expect(result.errors.contains("unknown corpus 'nosuch'") && result.errors.contains("networkxml2xml, networkxml2xmlupdate"), "\(result)")
        result = try Shell.run(DaemonHarness.cli, ["conformance", corpus])
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(Set(lines).count == lines.count, "every case is printed once: \(result)")
        let last = try #require(lines.last)
        #expect(last.wholeMatch(of: /\d+ passed, \d+ failed, \d+ skipped/) != nil, "\(result)")
        let skipped = lines.filter { $0.hasPrefix("SKIP ") }.count
        #expect(last.hasSuffix(" \(skipped + Self.notRunCases(lines)) skipped"), "\(result)")
        #expect(lines.contains { $0.hasPrefix("NOT RUN networkxml2firewall (") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix("NOT RUN virnetdevbandwidth (") }, "\(result)")
    }

    /// The cases of the `NOT RUN corpus (N cases): reason` lines.
    private static func notRunCases(_ lines: [String]) -> Int {
        lines.compactMap { line in line.firstMatch(of: /^NOT RUN \S+ \((\d+) cases?\)/).flatMap { Int($0.1) } }.reduce(0, +)
    }

    /// `shared/conformance/libvirt-9.0` beside the repository.
    private static var sharedCorpus: String? {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = repository.deletingLastPathComponent().appendingPathComponent("shared/conformance/libvirt-9.0").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}

/// What a background command printed so far (filled from a pipe's readability handler).
private final class Printed: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
