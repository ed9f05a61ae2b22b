// Removing and listing a network's nftables table: Patchbay's nf_tables netlink requests (on the
// firewall's kept socket, and on a fresh one per call) against one `nft` process each, as it was
// done before, in the same run, inside a throwaway namespace.
import Foundation
import HostNet
import HostOS
import NetCore

/// Runs the firewall benchmark: `runs` removals (and listings) per path.
func firewallBench(runs: Int) throws {
    let name = "pbfwbench-\(getpid())"
    try HostCommand.run("/usr/sbin/ip", ["netns", "add", name])
    defer { _ = try? HostCommand.run("/usr/sbin/ip", ["netns", "del", name]) }
    let namespace = "/run/netns/\(name)"
    let firewall = Firewall(namespace: namespace)
    let policy = FirewallPolicy(networkName: "bench", bridge: try InterfaceName("pbbenchbr0"), mode: .nat,
                                subnets: [.init(address: try IPAddress("10.77.0.1"), prefix: try PrefixLength(24, family: .ipv4))])
    let table = policy.tableName
    // The removal nft was given before: declaring the table first makes deleting an absent one succeed.
    let nftRemoval = "table inet \(table)\ndelete table inet \(table)\n"

    // Each removal directly follows a load, as a network's destroy follows its start.
    var kept: [Double] = [], fresh: [Double] = [], process: [Double] = []
    var absentKept: [Double] = [], absentProcess: [Double] = []
    var listKept: [Double] = [], listProcess: [Double] = []
    for _ in 0..<runs {
        try firewall.apply(policy)
        listKept.append(try timed { _ = try firewall.tables() })
        listProcess.append(try timed { _ = try HostCommand.run(Firewall.nft, ["list", "tables"], namespace: namespace) })
        kept.append(try timed { try firewall.remove(tableName: table) })
        absentKept.append(try timed { try firewall.remove(tableName: table) })
        absentProcess.append(try timed { try HostCommand.run(Firewall.nft, ["-f", "-"], input: nftRemoval, namespace: namespace) })
        try firewall.apply(policy)
        fresh.append(try timed { try Firewall(namespace: namespace).remove(tableName: table) })
        try firewall.apply(policy)
        process.append(try timed { try HostCommand.run(Firewall.nft, ["-f", "-"], input: nftRemoval, namespace: namespace) })
    }
    guard try firewall.tables().isEmpty else { throw PatchbayError.internalError("a table survived its removal") }
    print("nftables table of one network, median of \(runs) runs (ms)")
    print(String(repeating: "-", count: 78))
    print("step                                   patchbay (netlink)   nft process   ratio")
    for (label, ours, theirs) in [("remove (kept socket)", kept, process), ("remove (socket opened per call)", fresh, process),
                                  ("remove an absent table (kept socket)", absentKept, absentProcess),
                                  ("list tables (kept socket)", listKept, listProcess)] {
        let padded = label.padding(toLength: 38, withPad: " ", startingAt: 0)
        print(padded + String(format: " %18.3f %13.3f %7.1fx", median(ours), median(theirs), median(theirs) / max(median(ours), 1e-9)))
    }
}
