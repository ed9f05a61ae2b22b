import HostNet
import NetConf
import NetCore
import Netlink

/// Comparing an active network's runtime with the kernel and repairing what is safe to repair.
///
/// Safe means: only objects Patchbay itself made for this network are recreated (its own bridge,
/// its table, its dnsmasq, the qdiscs on its bridge). A missing host bridge or pool device is only
/// reported: it belongs to the administrator. Stray Patchbay tables of networks that are not
/// active are the driver's to report, since only it knows which networks are active.
extension LinuxNetworkHost {
    /// See `NetworkHost.reconcile`.
    public func reconcile(_ network: NetworkDefinition, runtime: inout NetworkRuntime, floors: [PortFloor],
                          stateDirectory: String) -> [Drift] {
        var existing: Set<String>?
        return reconcile(network, runtime: &runtime, floors: floors, stateDirectory: stateDirectory, existing: &existing)
    }

    /// See `NetworkHost.reconcile(all:)`: one link dump answers every "does this device exist".
    public func reconcile(all networks: [ReconcileItem]) -> [(runtime: NetworkRuntime, drifts: [Drift])] {
        var existing = try? links.linkNames()
        return networks.map { item in
            var runtime = item.runtime
            let drifts = reconcile(item.network, runtime: &runtime, floors: item.floors, stateDirectory: item.stateDirectory, existing: &existing)
            return (runtime, drifts)
        }
    }

    /// Whether a device called `name` exists: from `existing` when the caller listed them.
    private func exists(_ name: InterfaceName, existing: Set<String>?) -> Bool {
        if let existing { return existing.contains(name.value) }
        return (try? links.link(named: name)) != nil
    }

    private func reconcile(_ network: NetworkDefinition, runtime: inout NetworkRuntime, floors: [PortFloor],
                           stateDirectory: String, existing: inout Set<String>?) -> [Drift] {
        var drifts: [Drift] = []
        guard let name = runtime.bridge, let bridge = try? InterfaceName(name) else {
            let known = existing
            let missing = (network.forward?.pool.compactMap(\.interfaceName) ?? []).filter { device in
                guard let device = try? InterfaceName(device) else { return true }
                return !exists(device, existing: known)
            }
            return missing.map { Drift(kind: .missingPoolDevice, network: network.name, object: $0) }
        }
        guard runtime.ownsBridge else {
            if !exists(bridge, existing: existing) {
                drifts.append(Drift(kind: .missingBridge, network: network.name, object: name))
            }
            return drifts
        }
        var bridgeRebuilt = false
        if !exists(bridge, existing: existing) {
            let repaired = recreateBridge(bridge, of: network, runtime: &runtime)
            if repaired { existing?.insert(bridge.value) }
            bridgeRebuilt = repaired
            drifts.append(Drift(kind: .missingBridge, network: network.name, object: name, repaired: repaired))
        }
        if let table = runtime.firewallTable, let present = try? firewall.tables(), !present.contains(table) {
            var repaired = false
            if let policy = try? firewallPolicy(for: network, bridge: bridge) {
                repaired = (try? firewall.apply(policy)) != nil
            }
            drifts.append(Drift(kind: .missingFirewall, network: network.name, object: table, repaired: repaired))
        }
        if DnsmasqConfiguration.isNeeded(for: network), let dnsmasq = dnsmasq(for: network, stateDirectory: stateDirectory) {
            let running: Bool
            if case .running = dnsmasq.state { running = true } else { running = false }
            // After a bridge rebuild dnsmasq is restarted too, so it serves the new interface index.
            if !running || bridgeRebuilt {
                let old = runtime.dnsmasqPID.map { String($0) } ?? "(none)"
                let pid = try? dnsmasq.restart(network)
                runtime.dnsmasqPID = pid ?? runtime.dnsmasqPID
                if !running {
                    drifts.append(Drift(kind: .deadDnsmasq, network: network.name, object: "pid \(old)", repaired: pid != nil))
                }
            }
        }
        if let bandwidth = network.bandwidth, !shapingInstalled(bandwidth, on: bridge) {
            let repaired = (try? applyShaping(of: network, bridge: bridge, floors: floors, group: runtime.deviceGroup)) != nil
            drifts.append(Drift(kind: .missingQdisc, network: network.name, object: name, repaired: repaired))
        }
        return drifts
    }

    /// Re-runs start's bridge steps for a bridge Patchbay owns; true when it worked.
    private func recreateBridge(_ bridge: InterfaceName, of network: NetworkDefinition, runtime: inout NetworkRuntime) -> Bool {
        guard let group = try? runtime.deviceGroup ?? freeDeviceGroup(for: network.uuid) else { return false }
        var undo = UndoStack()
        do {
            try createBridge(bridge, of: network, group: group, undo: &undo)
            try links.setLink(bridge, up: true)
            try addRoutes(of: network, bridge: bridge)
        } catch {
            undo.unwind()
            return false
        }
        runtime.deviceGroup = group
        return true
    }

    /// Whether what `bandwidth` needs is in place (HTB root for inbound; IFB, its HTB and the
    /// redirect for outbound).
    private func shapingInstalled(_ bandwidth: Bandwidth, on bridge: InterfaceName) -> Bool {
        (try? shaping.isInstalledOnNetwork(bandwidth, bridge: bridge)) ?? false
    }
}
