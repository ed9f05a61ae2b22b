import Foundation
import HostOS
import NetConf
import NetCore
import HostNet
import NetDriver
import TestSupport
import Netlink

/// The host for a torture run: the real one inside a namespace, or one that touches nothing.
final class TortureHost: NetworkHost, @unchecked Sendable {
    private let real: NetworkHost?
    private let namespace: String?

    private init(real: NetworkHost?, namespace: String?) {
        self.real = real
        self.namespace = namespace
    }

    static func make(namespace: String?) throws -> TortureHost {
        guard let namespace else { return TortureHost(real: InertNetworkHost(), namespace: nil) }
        return TortureHost(real: try LinuxNetworkHost(namespace: namespace), namespace: namespace)
    }

    func start(_ network: NetworkDefinition, floors: [PortFloor], stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        guard let real else { throw PatchbayError.internalError("no host") }
        return try real.start(network, floors: floors, stateDirectory: stateDirectory)
    }

    func stop(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) {
        try real?.stop(network, runtime: runtime, stateDirectory: stateDirectory)
    }

    func update(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        try real?.update(network, runtime: runtime, stateDirectory: stateDirectory) ?? runtime
    }

    func plugFloor(_ floor: PortFloor, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: KibibytesPerSecond) throws(PatchbayError) {
        try real?.plugFloor(floor, network: network, runtime: runtime, flooredTotal: flooredTotal)
    }

    func unplugFloor(classID: UInt32, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: KibibytesPerSecond) throws(PatchbayError) {
        try real?.unplugFloor(classID: classID, network: network, runtime: runtime, flooredTotal: flooredTotal)
    }

    func reconcile(_ network: NetworkDefinition, runtime: inout NetworkRuntime, floors: [PortFloor], stateDirectory: String) -> [Drift] {
        real?.reconcile(network, runtime: &runtime, floors: floors, stateDirectory: stateDirectory) ?? []
    }

    func existingBridgeNames() -> Set<String> { real?.existingBridgeNames() ?? [] }

    func plan(_ network: NetworkDefinition) -> NetworkRuntime { real?.plan(network) ?? NetworkRuntime() }

    /// Kernel objects in the namespace that no active network owns: links other than the test's
    /// own pool devices and the active networks' bridges and IFBs, Patchbay nft tables of inactive
    /// networks, dnsmasq processes of inactive networks, and HTB qdiscs on anything but an active bridge.
    func ownerlessKernelObjects(active: [String], stateDirectory: String) -> [String] {
        guard let namespace, let real else { return [] }
        var problems: [String] = []
        let activeRuntimes = active.map { real.plan(NetworkDefinition.tortureDefinition($0)) }
        let bridges = Set(activeRuntimes.compactMap(\.bridge?.value))
        let groups = Set(activeRuntimes.compactMap(\.deviceGroup))
        do {
            let links = try Rtnetlink(namespace: namespace).links()
            for link in links where !["lo", "pbtpool1", "pbtpool2", "pbtpeer1", "pbtpeer2"].contains(link.name)
                && !bridges.contains(link.name) && !(groups.contains(link.group) && link.kind == "ifb") {
                problems.append("link \(link.name) (\(link.kind ?? "?"), group \(link.group)) has no owner")
            }
            let tables = Set(activeRuntimes.compactMap(\.firewallTable))
            for table in try Firewall(namespace: namespace).tables() where !tables.contains(table) {
                problems.append("nft table \(table) has no owner")
            }
            let qdiscs = try HostCommand.run("/usr/sbin/tc", ["qdisc", "show"], namespace: namespace).output
            for line in qdiscs.split(separator: "\n") where line.contains("qdisc htb") && line.contains(" root ") {
                let words = line.split(separator: " ")
                if let index = words.firstIndex(of: "dev"), index + 1 < words.count, !bridges.contains(String(words[index + 1])) {
                    problems.append("qdisc on \(words[index + 1]) has no owner")
                }
            }
        } catch {
            problems.append("cannot inspect the namespace: \(error)")
        }
        for pid in ProcessTable.dnsmasq(mentioning: stateDirectory) {
            let commandLine = ProcessTable.entry(pid)?.commandLine ?? ""
            let owned = active.contains { name in commandLine.contains("/host/\(name)/") }
            if !owned { problems.append("dnsmasq pid \(pid) has no owner") }
        }
        return problems
    }
}
