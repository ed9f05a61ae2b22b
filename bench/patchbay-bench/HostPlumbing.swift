// Per-NIC host plumbing (tap + attach + up, then QoS) through Patchbay's netlink/tc-batch path,
// against the same steps as one `ip`/`tc` process each, in the same run, inside a throwaway
// namespace. Then 1,000 NICs are torn down and every leftover device, qdisc and nft table counted.
import Foundation
import HostNet
import HostOS
import NetConf
import NetCore
import Netlink

/// Median of a sample, in milliseconds.
func median(_ samples: [Double]) -> Double {
    let sorted = samples.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted[sorted.count / 2] * 1000
}

/// Seconds elapsed while running `body`.
func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Runs the plumbing benchmark with `count` NICs per path and `teardownCount` for the leak check.
func hostPlumbing(count: Int, teardownCount: Int) throws {
    let name = "pbbench-\(getpid())"
    try HostCommand.run("/usr/sbin/ip", ["netns", "add", name])
    defer { _ = try? HostCommand.run("/usr/sbin/ip", ["netns", "del", name]) }
    let namespace = "/run/netns/\(name)"
    let links = try Rtnetlink(namespace: namespace)
    let bridge = try InterfaceName("pbbenchbr0")
    try links.createLink(bridge, kind: .bridge(BridgeOptions(stp: false, forwardDelay: 0)))
    try links.setLink(bridge, up: true)
    guard let bridgeIndex = try links.link(named: bridge)?.index else { throw PatchbayError.internalError("bridge vanished") }
    let tc = try BandwidthShaper(namespace: namespace)
    let bandwidth = try Bandwidth(inbound: BandwidthRate(average: KibibytesPerSecond(8192), peak: KibibytesPerSecond(16384),
                                                         burst: Kibibytes(1024)))

    // Patchbay: TUNSETIFF, one RTM_NEWLINK for master+up, one tc -batch for the QoS. It runs on a
    // thread inside the namespace, as the daemon runs inside its own.
    let samples = try NetworkNamespace.run(in: namespace) { () throws(PatchbayError) -> [(Double, Double)] in
        let local = try Rtnetlink()
        let localTC = try BandwidthShaper()
        var samples: [(Double, Double)] = []
        for index in 0..<count {
            let tapName = "pbt\(index)"
            var start = DispatchTime.now().uptimeNanoseconds
            let tap = try TapDevice.create(tapName, options: .init(persistent: true))
            try local.setLink(tap.name, up: true, masterIndex: bridgeIndex)
            let links = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            start = DispatchTime.now().uptimeNanoseconds
            try localTC.apply(bandwidth, to: .tap(tap.name))
            samples.append((links, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
        }
        return samples
    }.get()
    let oursLinks = samples.map(\.0), oursQoS = samples.map(\.1)
    // One `ip`/`tc` process per step, as a script would do it.
    let ip = { (arguments: [String]) throws in try HostCommand.run("/usr/sbin/ip", ["-n", name] + arguments) }
    let tcProcess = { (arguments: [String]) throws in try HostCommand.run("/usr/sbin/tc", ["-n", name] + arguments) }
    var processLinks: [Double] = [], processQoS: [Double] = []
    for index in 0..<count {
        let tapName = "ipt\(index)"
        processLinks.append(try timed {
            try ip(["tuntap", "add", "dev", tapName, "mode", "tap", "vnet_hdr"])
            try ip(["link", "set", tapName, "master", bridge.value])
            try ip(["link", "set", tapName, "up"])
        })
        processQoS.append(try timed {
            let rate = BandwidthPlan.deviceEgress(device: tapName, rate: try bandwidth.inbound.orThrow())
            for line in rate { try tcProcess(line.split(separator: " ").map(String.init)) }
        })
    }
    print("Per-NIC host plumbing, median of \(count) NICs (ms)")
    print(String(repeating: "-", count: 78))
    print("step                          patchbay   ip/tc processes   ratio (processes/patchbay)")
    for (label, ours, theirs) in [("tap + attach + up (links)", oursLinks, processLinks), ("QoS (HTB inbound)", oursQoS, processQoS),
                                  ("whole NIC", zip(oursLinks, oursQoS).map(+), zip(processLinks, processQoS).map(+))] {
        let padded = label.padding(toLength: 28, withPad: " ", startingAt: 0)
        print(padded + String(format: " %9.3f %17.3f %24.1fx", median(ours), median(theirs), median(theirs) / max(median(ours), 1e-9)))
    }
    for index in 0..<count {
        for tapName in ["pbt\(index)", "ipt\(index)"] {
            try tc.remove(from: .tap(InterfaceName(tapName)))
            try links.deleteLink(InterfaceName(tapName))
        }
    }

    // Teardown of many NICs, each with inbound and outbound QoS (an IFB per NIC): one by one for
    // a sample, then the rest as one network would be, by device group.
    let both = try Bandwidth(inbound: BandwidthRate(average: KibibytesPerSecond(8192)), outbound: BandwidthRate(average: KibibytesPerSecond(4096)))
    let group: UInt32 = 4242
    let setup = try timed {
        for index in 0..<teardownCount {
            let tap = try TapDevice.create("pbn\(index)", options: .init(persistent: true), namespace: namespace)
            try links.setLink(tap.name, up: true, masterIndex: bridgeIndex, group: group)
            try tc.apply(both, to: .tap(tap.name), group: group)
        }
    }
    let before = try links.links().count
    let single = min(100, teardownCount)
    let oneByOne = try timed {
        for index in 0..<single {
            let tap = try InterfaceName("pbn\(index)")
            try tc.remove(from: .tap(tap))
            try links.deleteLink(tap)
        }
    }
    let grouped = try timed { try links.deleteGroup(group) }
    let leftLinks = try links.links().map(\.name).filter { $0 != "lo" && $0 != bridge.value }
    let qdiscs = try HostCommand.run("/usr/sbin/tc", ["-n", name, "qdisc", "show"]).output
        .split(separator: "\n").filter { $0.contains("htb") || $0.contains("ingress") || $0.contains("pfifo ") }
    let tables = try Firewall(namespace: namespace).tables()
    print("")
    print(String(format: "%d NICs with inbound+outbound QoS (%d links incl. IFBs): setup %.2f s (%.2f ms/NIC)",
                 teardownCount, before, setup, setup * 1000 / Double(teardownCount)))
    print(String(format: "teardown one by one (%d NICs): %.2f ms/NIC; the other %d by device group: %.3f s (%.3f ms/NIC)",
                 single, oneByOne * 1000 / Double(single), teardownCount - single, grouped,
                 grouped * 1000 / Double(max(teardownCount - single, 1))))
    print("leaked after teardown: \(leftLinks.count) devices, \(qdiscs.count) qdiscs, \(tables.count) nft tables")
    if !leftLinks.isEmpty || !qdiscs.isEmpty || !tables.isEmpty { throw PatchbayError.internalError("teardown leaked kernel objects") }
}

extension Optional {
    /// The value, or an internal error.
    func orThrow() throws -> Wrapped {
        guard let value = self else { throw PatchbayError.internalError("missing value") }
        return value
    }
}
