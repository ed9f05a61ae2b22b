import NetConf
import NetCore

extension NetworkDriver {
    /// Rebuilds the driver's state from its directories (DESIGN.md "State and recovery"):
    /// persistent definitions and autostart marks from config; active networks and their ports
    /// from state; usage counts recounted from the port files; then the kernel is compared with
    /// what the files say (drift report), and autostart networks that are not running start.
    /// A restart never disturbs running networks: nothing is torn down and rebuilt.
    func recover() throws(PatchbayError) {
        let snapshot = store.takeRestartSnapshot()
        let (configs, configProblems) = store.loadConfigs()
        loadProblems = configProblems
        let autostart = store.autostartNames(among: configs.map(\.name))
        for network in configs {
            let object = NetworkObject()
            object.config = network
            object.autostart = autostart.contains(network.name)
            networks[network.name] = object
        }
        let (statuses, statusProblems) = store.loadStatuses()
        var interrupted: [Drift] = []
        loadProblems += statusProblems
        let running = statuses.filter { $0.2 == .running }.map(\.0.uuid)
        let (allPorts, portProblems) = store.loadPorts(networks: running, snapshot: snapshot)
        loadProblems += portProblems
        for (live, runtime, phase) in statuses {
            guard phase == .running else {
                // A start or destroy was cut short: finish taking the network down. Its ports
                // were never acknowledged on a network that was not running, or were being destroyed.
                try? host.stop(live, runtime: runtime, stateDirectory: hostStateDirectory(live.name))
                try store.deletePortDirectory(network: live.uuid)
                try store.deleteStatus(live.name)
                interrupted.append(Drift(kind: .interruptedChange, network: live.name, object: phase.rawValue, repaired: true))
                continue
            }
            let object = networks[live.name] ?? NetworkObject()
            object.live = live
            object.runtime = runtime
            let ports = allPorts[live.uuid] ?? []
            object.ports = Dictionary(ports.map { ($0.uuid, $0) }, uniquingKeysWith: { first, _ in first })
            for uuid in object.ports.keys { portOwners[uuid] = live.name }
            object.recount()
            networks[live.name] = object
        }
        drift = interrupted + reconcileAll()
        for name in networks.keys.sorted() {
            guard let object = networks[name], object.autostart, !object.isActive, let config = object.config else { continue }
            do {
                try startLocked(object, definition: config)
                networks[name] = object
            } catch {
                loadProblems.append("autostart of network '\(name)' failed: \(error.message)")
            }
        }
    }

    /// Writes the restart snapshot (see `RestartSnapshot`); called when the daemon stops cleanly,
    /// after the last call was answered.
    public func saveRestartSnapshot() throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            var ports: [LibvirtUUID: [NetworkPortDefinition]] = [:]
            for object in networks.values where object.isActive {
                guard let live = object.live else { continue }
                ports[live.uuid] = Array(object.ports.values)
            }
            try store.saveRestartSnapshot(ports)
        }
    }
}
