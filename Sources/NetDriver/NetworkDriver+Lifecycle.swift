import NetConf
import NetCore

extension NetworkDriver {
    /// Defines (or redefines) a persistent network. A running network keeps its live definition;
    /// the new one takes effect at its next start.
    @discardableResult
    public func define(xml: String) throws(PatchbayError) -> NetworkSummary {
        var network = try NetworkDefinition.parse(xml: xml)
        try network.validateForDefine()
        return try lock.withLock { () throws(PatchbayError) in
            try checkDuplicate(network)
            try assignHostDefaults(&network)
            try store.saveConfig(network)
            let object = networks[network.name] ?? NetworkObject()
            object.config = network
            networks[network.name] = object
            hub.publish(.lifecycle(network: network.name, uuid: network.uuid, change: .defined))
            guard let summary = Self.summary(object) else { throw PatchbayError.internalError("network vanished") }
            return summary
        }
    }

    /// Creates and starts a transient network.
    @discardableResult
    public func create(xml: String) throws(PatchbayError) -> NetworkSummary {
        var network = try NetworkDefinition.parse(xml: xml)
        try network.validateForDefine()
        return try lock.withLock { () throws(PatchbayError) in
            try checkDuplicate(network)
            if let existing = networks[network.name], existing.isActive {
                throw PatchbayError(.operationInvalid, "network is already active")
            }
            try assignHostDefaults(&network)
            // A defined but inactive network of that name runs the given definition and stays persistent.
            let object = networks[network.name] ?? NetworkObject()
            try startLocked(object, definition: network)
            networks[network.name] = object
            guard let summary = Self.summary(object) else { throw PatchbayError.internalError("network vanished") }
            return summary
        }
    }

    /// Starts a defined network.
    public func start(name: String) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            let object = try object(named: name)
            guard !object.isActive else { throw PatchbayError(.operationInvalid, "network is already active") }
            guard let config = object.config else { throw PatchbayError.internalError("network '\(name)' has no definition") }
            try startLocked(object, definition: config)
            networks[name] = object
        }
    }

    /// Stops a running network; a transient one disappears.
    public func destroy(name: String) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            let object = try object(named: name)
            guard let live = object.live, let runtime = object.runtime else {
                throw PatchbayError(.operationInvalid, "network '\(name)' is not active")
            }
            // Recorded even when the host has nothing to remove: the port files go one by one, and
            // a crash in between must end as "stopped", never as a running network missing ports.
            try store.saveStatus(live, runtime: runtime, phase: .stopping)
            try host.stop(live, runtime: runtime, stateDirectory: hostStateDirectory(name))
            // The kernel objects are gone; now the files that describe them.
            try store.deletePortDirectory(network: live.uuid)
            try store.deleteStatus(name)
            for uuid in object.ports.keys { portOwners[uuid] = nil }
            object.live = nil
            object.runtime = nil
            object.ports = [:]
            if object.isPersistent { networks[name] = object } else { networks[name] = nil }
            hub.publish(.lifecycle(network: name, uuid: live.uuid, change: .stopped))
        }
    }

    /// Removes a network's persistent definition; a running network becomes transient.
    public func undefine(name: String) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            let object = try object(named: name)
            guard let config = object.config else {
                throw PatchbayError(.operationInvalid, "network '\(name)' is transient: it has no persistent definition to undefine")
            }
            try store.deleteConfig(name)
            object.config = nil
            object.autostart = false
            networks[name] = object.isActive ? object : nil
            hub.publish(.lifecycle(network: name, uuid: config.uuid, change: .undefined))
        }
    }

    /// Marks or unmarks a persistent network to start with the daemon.
    public func setAutostart(name: String, _ autostart: Bool) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            let object = try object(named: name)
            guard object.isPersistent else { throw PatchbayError(.operationInvalid, "cannot set autostart for transient network") }
            try store.setAutostart(name, autostart)
            object.autostart = autostart
            networks[name] = object
        }
    }

    // MARK: helpers (called with the lock held)

    func startLocked(_ object: NetworkObject, definition: NetworkDefinition) throws(PatchbayError) {
        var live = definition
        live.connections = 0
        // Recorded before the host changes, so a crash mid-start is found and cleaned up on restart
        // (a network on devices the administrator made changes nothing there: no record needed).
        let plan = host.plan(live)
        if Self.changesHost(live, plan) { try store.saveStatus(live, runtime: plan, phase: .starting) }
        let runtime: NetworkRuntime
        do {
            runtime = try host.start(live, floors: [], stateDirectory: hostStateDirectory(live.name))
        } catch {
            try? store.deleteStatus(live.name)
            throw error
        }
        do {
            try store.saveStatus(live, runtime: runtime)
        } catch {
            try? host.stop(live, runtime: runtime, stateDirectory: hostStateDirectory(live.name))
            throw error
        }
        object.live = live
        object.runtime = runtime
        object.ports = [:]
        hub.publish(.lifecycle(network: live.name, uuid: live.uuid, change: .started))
    }

    /// Whether starting the network creates host objects (our bridge, dnsmasq, a table, qdiscs)
    /// rather than only checking devices that exist anyway.
    static func changesHost(_ network: NetworkDefinition, _ runtime: NetworkRuntime) -> Bool {
        runtime.ownsBridge || runtime.dnsmasqPID != nil || runtime.firewallTable != nil || runtime.deviceGroup != nil
            || network.bandwidth != nil
    }

    /// libvirt's duplicate rules: a name belongs to one UUID and a UUID to one name.
    func checkDuplicate(_ network: NetworkDefinition) throws(PatchbayError) {
        if let existing = networks[network.name], let uuid = existing.uuid, uuid != network.uuid {
            throw PatchbayError(.operationFailed, "network '\(network.name)' already exists with uuid \(uuid)")
        }
        if let other = networks.values.first(where: { $0.uuid == network.uuid && $0.name != network.name }) {
            throw PatchbayError(.operationFailed, "network '\(other.name)' is already defined with uuid \(network.uuid)")
        }
        // Only a network that makes its own bridge claims the name (libvirt 9.0): any number of
        // bridge-mode networks may share one host bridge, but a bridge of ours must not take a
        // name any other network mentions, whatever its mode, live or persistent.
        let makesBridge = network.kind.ownsBridge
        if makesBridge, let bridge = network.bridge.name, !bridge.contains("%d"),
           networks.values.contains(where: { $0.name != network.name && $0.bridgeNames.contains(bridge) }) {
            throw PatchbayError(.internalError, "bridge name '\(bridge)' already in use.")
        }
    }

    /// What libvirt's network driver adds at define time for networks with their own bridge: a
    /// bridge name (`virbr%d` → the first free) and a bridge MAC.
    func assignHostDefaults(_ network: inout NetworkDefinition) throws(PatchbayError) {
        let ownBridge = network.kind.ownsBridge
        guard ownBridge else { return }
        let pattern = network.bridge.name ?? "virbr%d"
        if pattern.contains("%d") {
            var taken = host.existingBridgeNames()
            for other in networks.values where other.name != network.name {
                if let name = other.bridgeName { taken.insert(name) }
            }
            guard let free = (0..<4096).lazy.map({ pattern.replacingFirst("%d", with: String($0)) }).first(where: { !taken.contains($0) }) else {
                throw PatchbayError(.internalError, "Bridge generation exceeded max id 4096")
            }
            network.bridge.name = free
        }
        if network.mac == nil {
            var generator = SystemRandomNumberGenerator()
            let tail = (0..<3).map { _ in UInt8.random(in: 0...255, using: &generator) }
            network.mac = try MACAddress(octets: [0x52, 0x54, 0x00] + tail)
        }
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        let characters = Array(self), pattern = Array(target)
        guard !pattern.isEmpty, characters.count >= pattern.count,
              let start = (0...(characters.count - pattern.count)).first(where: { Array(characters[$0..<$0 + pattern.count]) == pattern })
        else { return self }
        return String(characters[..<start]) + replacement + String(characters[(start + pattern.count)...])
    }
}

extension NetworkDriver {
    /// Whether starting or stopping `name` is only checks and bookkeeping: forward modes that use
    /// devices the administrator made (a host bridge, a macvtap pool) start no process and make no
    /// bridge of ours, so a daemon can answer them without handing them to a worker.
    public func lifecycleIsQuick(name: String) -> Bool {
        lock.withLock {
            guard let object = networks[name], let network = object.live ?? object.config else { return false }
            return !network.kind.ownsBridge
        }
    }

    /// Whether creating or deleting a port of network `name` stays inside the driver (file
    /// writes, no process): true unless the network can give its ports a floor, because a floor
    /// is a class on the bridge, put there by a tc process. An unknown network is quick too (the
    /// answer is an error).
    public func portChangesAreQuick(network name: String) -> Bool {
        lock.withLock {
            guard let object = networks[name] else { return true }
            // Both definitions: the persistent one is what a start in between would run.
            return [object.live, object.config].allSatisfy { definition in
                guard let definition else { return true }
                return definition.bandwidth?.inbound?.average == nil || !definition.kind.ownsBridge
            }
        }
    }
}
