import Foundation
import Glibc
import HostNet
import HostOS
import NetConf
import NetCore
import Netlink
import TestSupport
import Testing

/// A network with an inbound average and one port with a floor: under contention the floored
/// guest keeps its minimum, and the network as a whole stays within its average.
@Suite("Network bandwidth and port floors", .serialized)
struct NetworkFloorTests {
    static let floorMAC = "52:54:00:00:0a:01"

    @Test func floorIsGuaranteedInsideNetworkAverage() throws {
        try TestNamespace.with { host in
            try TestNamespace.with { guestA in
                try TestNamespace.with { guestB in
                    let links = try Rtnetlink(namespace: host.path)
                    let bridge = try InterfaceName("pbnbr0")
                    try links.createLink(bridge, kind: .bridge(BridgeOptions(stp: false, forwardDelay: 0)))
                    try links.addAddress(IPAddress("10.203.0.1"), prefix: PrefixLength(24, family: .ipv4), to: bridge)
                    try links.setLink(bridge, up: true)
                    try FirewallTests.plug(links, host: "pbna0", into: guestA, as: "pbnga0", address: "10.203.0.11", master: bridge)
                    try FirewallTests.plug(links, host: "pbnb0", into: guestB, as: "pbngb0", address: "10.203.0.12", master: bridge)
                    try Rtnetlink(namespace: guestA.path).setLink(InterfaceName("pbnga0"), mac: MACAddress(Self.floorMAC))

                    // Network: 8 MiB/s into the network; guest A is guaranteed 6 MiB/s of it.
                    let inbound = try BandwidthRate(average: KibibytesPerSecond(8192))
                    let shaping = try BandwidthShaper(namespace: host.path)
                    try shaping.applyToNetwork(try Bandwidth(inbound: inbound), bridge: bridge,
                                      floors: [.init(classID: 3, floor: KibibytesPerSecond(6144), mac: MACAddress(Self.floorMAC))])
                    let classes = try host.exec(["tc", "class", "show", "dev", "pbnbr0"])
                    #expect(classes.contains("class htb 1:3 parent 1:1"))

                    let rates = try Self.concurrentDownloads(host: host, receivers: [(guestA, 41001), (guestB, 41002)])
                    let (a, b) = (rates[0] / 1024, rates[1] / 1024)
                    print(String(format: "QoS floor: network 8192 KiB/s, A floor 6144 KiB/s -> A %.0f KiB/s, B %.0f KiB/s, total %.0f", a, b, a + b))
                    #expect(a >= 6144 * 0.9, "A keeps its floor (\(a) KiB/s)")
                    #expect(a + b <= 8192 * 1.1, "the network stays within its average (\(a + b) KiB/s)")
                    #expect(b > 512, "B still gets the rest (\(b) KiB/s)")

                    try shaping.unplugFloor(classID: 3, bridge: bridge, network: inbound, flooredTotal: .zero)
                    #expect(!(try host.exec(["tc", "class", "show", "dev", "pbnbr0"]).contains("1:3")))
                    #expect(try host.exec(["tc", "filter", "show", "dev", "pbnbr0"]).isEmpty)
                    try shaping.removeFromNetwork(bridge: bridge)
                    #expect(try host.exec(["tc", "class", "show", "dev", "pbnbr0"]).isEmpty)
                }
            }
        }
    }

    /// Runs one download per receiver at the same time (iperf3 servers in `host`, clients with -R).
    static func concurrentDownloads(host: TestNamespace, receivers: [(TestNamespace, Int)]) throws -> [Double] {
        var servers: [pid_t] = []
        defer {
            for pid in servers {
                kill(pid, SIGTERM)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
        }
        for (_, port) in receivers {
            servers.append(try HostCommand.start("/usr/bin/iperf3", ["-s", "-1", "-B", "10.203.0.1", "-p", String(port)], namespace: host.path))
        }
        usleep(300_000)
        let directory = FileManager.default.temporaryDirectory.path
        var clients: [(pid_t, String)] = []
        for (namespace, port) in receivers {
            let log = "\(directory)/pb-floor-\(getpid())-\(port).json"
            unlink(log)
            let pid = try HostCommand.start("/usr/bin/iperf3", ["-c", "10.203.0.1", "-p", String(port), "-R", "-t", "6", "-O", "2",
                                                                "-J", "--logfile", log], namespace: namespace.path)
            clients.append((pid, log))
        }
        var rates: [Double] = []
        for (pid, log) in clients {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            defer { unlink(log) }
            let data = try #require(FileManager.default.contents(atPath: log))
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let received = try #require((json["end"] as? [String: Any])?["sum_received"] as? [String: Any])
            rates.append(try #require(received["bits_per_second"] as? Double) / 8)
        }
        return rates
    }
}
