// Host interface transactions on a namespace host with many links: time to snapshot, and time to
// roll back a transaction that changed MTUs, addresses, routes and added links (median of runs).
import Foundation
import HostNet
import HostOS
import NetCore

/// `patchbay-bench iface LINKS RUNS`: LINKS links as veth pairs, every 10th with an address.
func interfaceTransactionBench(links: Int, runs: Int) throws {
    let name = "pbbench-iface-\(getpid())"
    try HostCommand.run("/usr/sbin/ip", ["netns", "add", name])
    defer { _ = try? HostCommand.run("/usr/sbin/ip", ["netns", "del", name]) }
    let pairs = max(links / 2, 1)
    var batch: [String] = []
    for index in 0..<pairs {
        batch.append("link add pbva\(index) type veth peer name pbvb\(index)")
        batch.append("link set pbva\(index) up")
        batch.append("link set pbvb\(index) up")
        if index % 5 == 0 { batch.append("addr add 10.\(index / 250).\(index % 250).1/24 dev pbva\(index)") }
    }
    try HostCommand.run("/usr/sbin/ip", ["-n", name, "-batch", "-"], input: batch.joined(separator: "\n") + "\n")
    let host = LinuxHostInterfaces(namespace: "/run/netns/\(name)")
    let ownership = InterfaceOwnership()
    var snapshotTimes: [Double] = []
    var rollbackTimes: [Double] = []
    var noopTimes: [Double] = []
    var linkCount = 0
    for run in 0..<runs {
        var snapshot: HostInterfaceSnapshot?
        snapshotTimes.append(try timed { snapshot = try host.snapshot(excluding: ownership) })
        guard let snapshot else { throw PatchbayError.internalError("no snapshot") }
        linkCount = snapshot.links.count
        noopTimes.append(try timed { try host.restore(snapshot, excluding: ownership) })
        // A transaction's worth of damage: 100 MTUs, 50 addresses removed, 20 routes, 10 new veths.
        var damage: [String] = []
        for index in 0..<min(100, pairs) { damage.append("link set pbvb\(index) mtu 1400") }
        for index in stride(from: 0, to: min(250, pairs), by: 5) { damage.append("addr del 10.\(index / 250).\(index % 250).1/24 dev pbva\(index)") }
        // Through the first address the damage leaves in place (10.1.0.1/24 on pbva250).
        for index in 0..<(pairs > 250 ? 20 : 0) { damage.append("route add 172.16.\(index).0/24 via 10.1.0.2") }
        for index in 0..<10 { damage.append("link add pbnew\(run)x\(index) type veth peer name pbnewp\(run)x\(index)") }
        try HostCommand.run("/usr/sbin/ip", ["-n", name, "-batch", "-"], input: damage.joined(separator: "\n") + "\n")
        var changes: [HostInterfaceChange] = []
        rollbackTimes.append(try timed { changes = try host.restore(snapshot, excluding: ownership) })
        let after = try host.snapshot(excluding: ownership)
        guard after.normalized == snapshot.normalized else { throw PatchbayError.internalError("rollback left differences") }
        if run == 0 { print("rollback undid \(changes.count) changes") }
    }
    print("links: \(linkCount), runs: \(runs)")
    print(String(format: "snapshot: median %.1f ms", median(snapshotTimes)))
    print(String(format: "rollback with nothing to undo: median %.1f ms", median(noopTimes)))
    print(String(format: "rollback of 100 MTUs, 50 addresses, 20 routes, 10 veth pairs: median %.1f ms", median(rollbackTimes)))
}
