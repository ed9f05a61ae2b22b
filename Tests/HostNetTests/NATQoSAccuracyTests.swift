import Foundation
import Glibc
import HostNet
import HostOS
import NetConf
import NetCore
import Netlink
import TestSupport
import Testing

/// A NAT network's own outbound bandwidth, measured where it matters: iperf3 from guest namespaces
/// on the network's bridge, through Patchbay's masquerade, to an outside namespace behind the
/// host's uplink. The outside must see the uplink's address, and all guests share one limit.
/// (Named so scripts/test's `timed` pattern runs it serially: it measures throughput.)
@Suite("NAT network outbound bandwidth measured through the masquerade", .serialized)
struct NATQoSAccuracyTests {
    static let bridgeAddress = "10.206.0.1"
    static let uplinkAddress = "10.207.0.1"
    static let outsideAddress = "10.207.0.2"

    struct Topology {
        let host: TestNamespace
        let guests: [TestNamespace]
        let outside: TestNamespace
        let bridge: InterfaceName
    }

    /// A host namespace with a bridge (10.206.0.1/24) and Patchbay's NAT firewall, `guestCount`
    /// guests on the bridge (10.206.0.11…), and an outside namespace behind the uplink veth.
    /// A `.route` network's outside gets a route back to the guests instead of the masquerade.
    static func withTopology(guests guestCount: Int, mode: FirewallPolicy.Mode = .nat, _ body: (Topology) throws -> Void) throws {
        try TestNamespace.with { host in
            try TestNamespace.with { outside in
                try withGuests(guestCount, made: []) { guests in
                    let links = try Rtnetlink(namespace: host.path)
                    let bridge = try InterfaceName("pbqnbr0")
                    try links.createLink(bridge, kind: .bridge(BridgeOptions(stp: false, forwardDelay: 0)))
                    try links.addAddress(IPAddress(bridgeAddress), prefix: PrefixLength(24, family: .ipv4), to: bridge)
                    try links.setLink(bridge, up: true)
                    for (index, guest) in guests.enumerated() {
                        try FirewallTests.plug(links, host: "pbqnh\(index)", into: guest, as: "pbqng\(index)",
                                               address: "10.206.0.\(11 + index)", master: bridge)
                        try Rtnetlink(namespace: guest.path).addRoute(to: IPAddress("0.0.0.0"), prefix: PrefixLength(0, family: .ipv4),
                                                                      via: IPAddress(bridgeAddress))
                    }
                    try FirewallTests.plug(links, host: "pbqnup0", into: outside, as: "pbqnout0", address: outsideAddress, master: nil)
                    try links.addAddress(IPAddress(uplinkAddress), prefix: PrefixLength(24, family: .ipv4), to: InterfaceName("pbqnup0"))
                    try Sysctl.enableForwarding(namespace: host.path)
                    if mode == .route {
                        try Rtnetlink(namespace: outside.path).addRoute(to: IPAddress("10.206.0.0"), prefix: PrefixLength(24, family: .ipv4),
                                                                        via: IPAddress(uplinkAddress))
                    }
                    let policy = FirewallPolicy(networkName: "natqos", bridge: bridge, mode: mode,
                                                subnets: [.init(address: try IPAddress("10.206.0.0"), prefix: try PrefixLength(24, family: .ipv4))])
                    try Firewall(namespace: host.path).apply(policy)
                    try body(Topology(host: host, guests: guests, outside: outside, bridge: bridge))
                }
            }
        }
    }

    private static func withGuests(_ count: Int, made: [TestNamespace], _ body: ([TestNamespace]) throws -> Void) throws {
        if made.count == count { return try body(made) }
        try TestNamespace.with { guest in try withGuests(count, made: made + [guest], body) }
    }

    /// What the outside received from one guest, measured by the receiving iperf3 server.
    struct Received {
        /// Bytes/s over the test (omitted seconds excluded).
        var average: Double
        /// Bytes/s of each reporting interval, in order.
        var intervals: [Double]
        /// The address the connection came from, as the outside saw it.
        var source: String
    }

    /// Runs one iperf3 upload per guest at the same time, each to its own server in the outside
    /// namespace; figures come from the servers (the receiving side). A guest whose upload never
    /// arrived has no entry's worth of data: the call throws.
    /// `arguments` go to the clients; an interval (`-i`) is also given to the servers, which report.
    static func uploads(_ topology: Topology, from guests: [TestNamespace], arguments: [String]) throws -> [Received] {
        let interval = arguments.firstIndex(of: "-i").flatMap { arguments.indices.contains($0 + 1) ? ["-i", arguments[$0 + 1]] : nil } ?? []
        let directory = FileManager.default.temporaryDirectory.path
        let base = Int.random(in: 20000...40000)
        var servers: [(pid: pid_t, log: String)] = []
        defer {
            for server in servers {
                kill(server.pid, SIGTERM)
                var status: Int32 = 0
                waitpid(server.pid, &status, 0)
                unlink(server.log)
            }
        }
        for index in guests.indices {
            let log = "\(directory)/pb-natqos-\(getpid())-\(base + index).json"
            unlink(log)
            let pid = try HostCommand.start("/usr/bin/iperf3", ["-s", "-1", "-B", outsideAddress, "-p", String(base + index), "-J", "--logfile", log] + interval,
                                            namespace: topology.outside.path)
            servers.append((pid, log))
        }
        usleep(300_000)
        var clients: [pid_t] = []
        for (index, guest) in guests.enumerated() {
            clients.append(try HostCommand.start("/usr/bin/iperf3", ["-c", outsideAddress, "-p", String(base + index), "--connect-timeout", "3000"]
                                                 + arguments, namespace: guest.path))
        }
        for pid in clients {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        var results: [Received] = []
        for server in servers {
            // A server whose client never got through is still waiting: give it a moment, then stop it.
            for _ in 0..<30 where kill(server.pid, 0) == 0 {
                var status: Int32 = 0
                if waitpid(server.pid, &status, WNOHANG) == server.pid { break }
                usleep(100_000)
            }
            let data = FileManager.default.contents(atPath: server.log) ?? Data()
            guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let end = json["end"] as? [String: Any], let received = end["sum_received"] as? [String: Any],
                  let bits = received["bits_per_second"] as? Double, bits > 0,
                  let connected = ((json["start"] as? [String: Any])?["connected"] as? [[String: Any]])?.first,
                  let source = connected["remote_host"] as? String else {
                throw TestNamespace.CommandFailed(description: "no upload reached the outside through the NAT: \(String(decoding: data, as: UTF8.self).prefix(300))")
            }
            let sums = (json["intervals"] as? [[String: Any]] ?? []).compactMap { $0["sum"] as? [String: Any] }
            // The server's last interval is usually a fraction of one (the tail after the sender stopped).
            let full = (sums.first?["seconds"] as? Double ?? 0) * 0.9
            let intervals = sums.filter { ($0["seconds"] as? Double ?? 0) >= full }.compactMap { ($0["bits_per_second"] as? Double).map { $0 / 8 } }
            results.append(Received(average: bits / 8, intervals: intervals, source: source))
        }
        return results
    }

    static func rate(_ kib: UInt64, peak: UInt64? = nil, burst: UInt64? = nil) throws -> BandwidthRate {
        try BandwidthRate(average: KibibytesPerSecond(kib), peak: peak.map { try KibibytesPerSecond($0) },
                          burst: burst.map { try Kibibytes($0) })
    }

    @Test(arguments: [1024, 8192] as [UInt64])
    func averageHeldThroughTheNAT(kibPerSecond: UInt64) throws {
        try Self.withTopology(guests: 1) { topology in
            let shaping = try BandwidthShaper(namespace: topology.host.path)
            try shaping.applyToNetwork(try Bandwidth(outbound: Self.rate(kibPerSecond)), bridge: topology.bridge)
            let received = try #require(try Self.uploads(topology, from: topology.guests, arguments: ["-t", "5", "-O", "1"]).first)
            let target = Double(kibPerSecond * 1024)
            let report = String(format: "NAT outbound %5d KiB/s: %8.0f KiB/s (%+.1f%%) from %@", kibPerSecond, received.average / 1024,
                                (received.average / target - 1) * 100, received.source)
            print(report)
            #expect(received.source == Self.uplinkAddress, "the outside sees the uplink's address: \(report)")
            #expect(abs(received.average / target - 1) <= 0.10, "\(report)")
            try shaping.removeFromNetwork(bridge: topology.bridge)
        }
    }

    /// The same wiring on a route network: the guest's own address arrives, at the same average.
    @Test func routeNetworkHeldToTheSameAverage() throws {
        try Self.withTopology(guests: 1, mode: .route) { topology in
            let shaping = try BandwidthShaper(namespace: topology.host.path)
            try shaping.applyToNetwork(try Bandwidth(outbound: Self.rate(2048)), bridge: topology.bridge)
            let received = try #require(try Self.uploads(topology, from: topology.guests, arguments: ["-t", "5", "-O", "1"]).first)
            let report = String(format: "route outbound 2048 KiB/s: %8.0f KiB/s (%+.1f%%) from %@", received.average / 1024,
                                (received.average / (2048 * 1024) - 1) * 100, received.source)
            print(report)
            #expect(received.source == "10.206.0.11", "a route network keeps the guest's address: \(report)")
            #expect(abs(received.average / (2048 * 1024) - 1) <= 0.10, "\(report)")
            try shaping.removeFromNetwork(bridge: topology.bridge)
        }
    }

    @Test func peakAndBurstHonouredThroughTheNAT() throws {
        try Self.withTopology(guests: 1) { topology in
            let shaping = try BandwidthShaper(namespace: topology.host.path)
            // 1 MiB/s sustained, 8 MiB/s for the first 2 MiB.
            try shaping.applyToNetwork(try Bandwidth(outbound: Self.rate(1024, peak: 8192, burst: 2048)), bridge: topology.bridge)
            let received = try #require(try Self.uploads(topology, from: topology.guests, arguments: ["-t", "3", "-i", "0.5"]).first)
            let report = "NAT outbound burst (avg 1024, peak 8192 KiB/s, burst 2048 KiB), KiB/s per 0.5 s: "
                + received.intervals.map { String(format: "%.0f", $0 / 1024) }.joined(separator: " ")
            print(report)
            let first = try #require(received.intervals.first)
            let after = received.intervals.dropFirst(2)
            try #require(!after.isEmpty, "\(report)")
            let sustained = after.reduce(0, +) / Double(after.count)
            #expect(received.source == Self.uplinkAddress)
            #expect(first > 3 * 1024 * 1024, "the burst goes out above the average: \(report)")
            #expect(first < 8192 * 1024 * 1.1, "peak bounds the burst: \(report)")
            #expect(abs(sustained / (1024 * 1024) - 1) < 0.10, "the average holds after the burst: \(report)")
            try shaping.removeFromNetwork(bridge: topology.bridge)
        }
    }

    @Test func guestsShareTheNetworkLimit() throws {
        try Self.withTopology(guests: 3) { topology in
            let shaping = try BandwidthShaper(namespace: topology.host.path)
            try shaping.applyToNetwork(try Bandwidth(outbound: Self.rate(4096)), bridge: topology.bridge)
            let received = try Self.uploads(topology, from: topology.guests, arguments: ["-t", "6", "-O", "2"])
            let total = received.reduce(0) { $0 + $1.average }
            let report = String(format: "NAT outbound shared by %d guests, network 4096 KiB/s: %@ -> total %.0f KiB/s (%+.1f%%)",
                                received.count, received.map { String(format: "%.0f", $0.average / 1024) }.joined(separator: " + "),
                                total / 1024, (total / (4096 * 1024) - 1) * 100)
            print(report)
            #expect(received.count == 3 && received.allSatisfy { $0.source == Self.uplinkAddress }, "\(report)")
            #expect(abs(total / (4096 * 1024) - 1) <= 0.10, "the guests share one limit: \(report)")
            // One fifo serves them all (this kernel has no sfq or fq_codel), so shares are uneven;
            // what counts is that every guest's upload went through the NAT inside the one limit.
            #expect(received.allSatisfy { $0.average > 16 * 1024 }, "every guest gets through: \(report)")
            try shaping.removeFromNetwork(bridge: topology.bridge)
        }
    }

    @Test func removalLeavesNothingAndNATStillWorks() throws {
        try Self.withTopology(guests: 1) { topology in
            let shaping = try BandwidthShaper(namespace: topology.host.path)
            let bandwidth = try Bandwidth(inbound: Self.rate(4096), outbound: Self.rate(2048))
            try shaping.applyToNetwork(bandwidth, bridge: topology.bridge)
            #expect(try shaping.isInstalledOnNetwork(bandwidth, bridge: topology.bridge))
            // Applying again (a restart, a drift repair) replaces, never doubles.
            try shaping.applyToNetwork(bandwidth, bridge: topology.bridge)
            #expect(try topology.host.exec(["/usr/sbin/nft", "list", "tables", "netdev"]).split(separator: "\n").count == 1)
            // Without the outbound part only the inbound tree stays.
            try shaping.applyToNetwork(try Bandwidth(inbound: Self.rate(4096)), bridge: topology.bridge)
            let inboundOnly = try Self.shapingLeft(topology)
            #expect(inboundOnly == ["qdisc htb"], "\(inboundOnly)")

            try shaping.removeFromNetwork(bridge: topology.bridge)
            let left = try Self.shapingLeft(topology)
            #expect(left.isEmpty, "\(left)")
            #expect(try !shaping.isInstalledOnNetwork(bandwidth, bridge: topology.bridge))
            let received = try #require(try Self.uploads(topology, from: topology.guests, arguments: ["-t", "1"]).first)
            #expect(received.source == Self.uplinkAddress)
        }
    }

    /// What shaping is left in the host namespace: the bridge's root and ingress qdiscs other than
    /// the default (as "qdisc KIND"), tc filters on the bridge, IFB devices and netdev nftables
    /// tables, one line each.
    static func shapingLeft(_ topology: Topology) throws -> [String] {
        let host = topology.host
        let qdiscs = try host.exec(["/usr/sbin/tc", "qdisc", "show", "dev", topology.bridge.value]).split(separator: "\n")
            .filter { !$0.hasPrefix("qdisc noqueue") && ($0.contains(" root ") || $0.contains(" ingress ")) }.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
        let filters = try host.exec(["/usr/sbin/tc", "filter", "show", "dev", topology.bridge.value]).split(separator: "\n").map(String.init)
            + (try host.exec(["/usr/sbin/tc", "filter", "show", "dev", topology.bridge.value, "ingress"]).split(separator: "\n").map(String.init))
        let ifbs = try host.exec(["/usr/sbin/ip", "-o", "link", "show", "type", "ifb"]).split(separator: "\n").map(String.init)
        let tables = try host.exec(["/usr/sbin/nft", "list", "tables", "netdev"]).split(separator: "\n").map(String.init)
        return qdiscs + filters + ifbs + tables
    }
}
