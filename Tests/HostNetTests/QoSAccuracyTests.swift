import Foundation
import Glibc
import HostNet
import HostOS
import NetConf
import NetCore
import Netlink
import TestSupport
import Testing

/// The proof that QoS works: traffic through a shaped device, measured with iperf3.
///
/// "host" holds the guest's host-side device (what a tap is to QEMU); "guest" holds the far end.
/// Inbound = host → guest (the device's egress); outbound = guest → host (ingress, via IFB).
@Suite("QoS accuracy measured with iperf3", .serialized)
struct QoSAccuracyTests {
    static let hostAddress = "10.200.0.1"
    static let guestAddress = "10.200.0.2"

    /// Two namespaces joined by a veth; runs `body(host, guest, hostDevice)`.
    static func withShapedPair(_ body: (TestNamespace, TestNamespace, InterfaceName) throws -> Void) throws {
        try TestNamespace.with { host in
            try TestNamespace.with { guest in
                let links = try Rtnetlink(namespace: host.path)
                let device = try InterfaceName("pbhost0")
                let far = try InterfaceName("pbguest0")
                try links.createLink(device, kind: .veth(peer: far))
                let fd = open(guest.path, O_RDONLY | O_CLOEXEC)
                defer { close(fd) }
                try links.setLink(far, namespaceFD: fd)
                try links.addAddress(IPAddress(hostAddress), prefix: PrefixLength(24, family: .ipv4), to: device)
                try links.setLink(device, up: true)
                let guestLinks = try Rtnetlink(namespace: guest.path)
                try guestLinks.addAddress(IPAddress(guestAddress), prefix: PrefixLength(24, family: .ipv4), to: far)
                try guestLinks.setLink(far, up: true)
                try body(host, guest, device)
            }
        }
    }

    /// What the receiving side of one iperf3 test saw.
    struct Measurement {
        /// Average bytes/s over the test (omitted seconds excluded).
        var average: Double
        /// Bytes/s of each reporting interval, in order.
        var intervals: [Double]
    }

    /// Runs one iperf3 test whose data flows from `sender` to `receiver`. The client runs in the
    /// receiving namespace with `-R`, so every figure is measured where the data arrives (a sender's
    /// figures only count bytes written into its socket buffer).
    static func iperf(from sender: TestNamespace, at senderAddress: String, to receiver: TestNamespace,
                      arguments: [String]) throws -> Measurement {
        let port = String(Int.random(in: 20000...40000))
        let pid = try HostCommand.start("/usr/bin/iperf3", ["-s", "-1", "-B", senderAddress, "-p", port], namespace: sender.path)
        defer {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        var lastError = ""
        for _ in 0..<50 {
            let outcome = try HostCommand.spawnAndWait("/usr/bin/iperf3", ["-c", senderAddress, "-p", port, "-J", "-R"] + arguments,
                                                       namespace: receiver.path)
            if outcome.status == 0,
               let json = try? JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any],
               let end = json["end"] as? [String: Any], let received = end["sum_received"] as? [String: Any],
               let bits = received["bits_per_second"] as? Double {
                let intervals = (json["intervals"] as? [[String: Any]] ?? []).compactMap { interval in
                    ((interval["sum"] as? [String: Any])?["bits_per_second"] as? Double).map { $0 / 8 }
                }
                return Measurement(average: bits / 8, intervals: intervals)
            }
            lastError = outcome.output + outcome.errors
            usleep(100_000)
        }
        throw TestNamespace.CommandFailed(description: "iperf3 gave no result: \(lastError)")
    }

    static func rate(_ kib: UInt64, peak: UInt64? = nil, burst: UInt64? = nil) throws -> BandwidthRate {
        try BandwidthRate(average: KibibytesPerSecond(kib), peak: peak.map { try KibibytesPerSecond($0) },
                          burst: burst.map { try Kibibytes($0) })
    }

    @Test(arguments: [1024, 8192, 65536] as [UInt64])
    func averageHeldWithinTenPercent(kibPerSecond: UInt64) throws {
        try Self.withShapedPair { host, guest, device in
            let tc = try BandwidthShaper(namespace: host.path)
            try tc.apply(try Bandwidth(inbound: Self.rate(kibPerSecond), outbound: Self.rate(kibPerSecond)), to: .tap(device))
            let target = Double(kibPerSecond * 1024)
            let arguments = ["-t", "5", "-O", "1"]
            let inbound = try Self.iperf(from: host, at: Self.hostAddress, to: guest, arguments: arguments).average
            let outbound = try Self.iperf(from: guest, at: Self.guestAddress, to: host, arguments: arguments).average
            let report = String(format: "QoS %6d KiB/s: inbound %8.0f KiB/s (%+.1f%%), outbound %8.0f KiB/s (%+.1f%%)",
                                kibPerSecond, inbound / 1024, (inbound / target - 1) * 100, outbound / 1024, (outbound / target - 1) * 100)
            print(report)
            #expect(abs(inbound / target - 1) <= 0.10, "\(report)")
            #expect(abs(outbound / target - 1) <= 0.10, "\(report)")
            try tc.remove(from: .tap(device))
        }
    }

    @Test func peakAndBurstVisibleInShortBurst() throws {
        try Self.withShapedPair { host, guest, device in
            let tc = try BandwidthShaper(namespace: host.path)
            // 1 MiB/s sustained, 8 MiB/s for the first 2 MiB.
            let shaped = try Self.rate(1024, peak: 8192, burst: 2048)
            try tc.apply(try Bandwidth(inbound: shaped, outbound: shaped), to: .tap(device))
            let arguments = ["-t", "3", "-i", "0.5"]
            let inbound = try Self.iperf(from: host, at: Self.hostAddress, to: guest, arguments: arguments)
            let outbound = try Self.iperf(from: guest, at: Self.guestAddress, to: host, arguments: arguments)
            let kib = { (values: [Double]) in values.map { String(format: "%.0f", $0 / 1024) }.joined(separator: " ") }
            let report = "QoS burst (avg 1024, peak 8192 KiB/s, burst 2048 KiB), KiB/s per 0.5 s: inbound [\(kib(inbound.intervals))], outbound [\(kib(outbound.intervals))]"
            print(report)
            for measurement in [inbound, outbound] {
                let first = try #require(measurement.intervals.first)
                let last = try #require(measurement.intervals.last)
                // The burst goes out at up to peak, then the average holds.
                #expect(first > 3 * 1024 * 1024, "\(report)")
                #expect(first < 8192 * 1024 * 1.1, "peak bounds the burst: \(report)")
                #expect(abs(last / (1024 * 1024) - 1) < 0.15, "average after the burst: \(report)")
            }
        }
    }
}
