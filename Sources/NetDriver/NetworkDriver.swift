import NetConf
import NetCore

/// libvirt's network driver, Patchbay's way: networks and ports with libvirt's semantics, stored
/// crash-safely, configured on the host through a `NetworkHost`.
///
/// All operations are synchronous and serialised by one lock (they are short: netlink requests,
/// a tc or nft process, file writes); events are published in operation order.
public final class NetworkDriver: @unchecked Sendable {
    let store: DriverStore
    let host: NetworkHost
    let lock = Lock()
    let hub = EventHub<NetworkEvent>()
    var networks: [String: NetworkObject] = [:]
    /// Which network holds each port, so a UUID is checked and found without scanning networks.
    var portOwners: [LibvirtUUID: String] = [:]
    var drift: [Drift] = []
    /// Problems met while loading (unreadable files), kept for the drift report.
    public internal(set) var loadProblems: [String] = []

    /// Opens the driver over its directories, rebuilding state from them (see `recover`).
    public init(configDirectory: String, stateDirectory: String, host: NetworkHost) throws(PatchbayError) {
        store = try DriverStore(configDirectory: configDirectory, stateDirectory: stateDirectory)
        self.host = host
        try lock.withLock { () throws(PatchbayError) in try recover() }
    }

    /// Directory for a network's host files (dnsmasq configuration and leases).
    func hostStateDirectory(_ name: String) -> String { store.hostDirectory(name) }

    // MARK: lookup

    /// The object for `name`, or libvirt's "no network with matching name" error.
    func object(named name: String) throws(PatchbayError) -> NetworkObject {
        guard let object = networks[name] else {
            throw PatchbayError(.noNetwork, "no network with matching name '\(name)'")
        }
        return object
    }

    /// The name of the network with `uuid`, or libvirt's "no network with matching uuid" error.
    func name(for uuid: LibvirtUUID) throws(PatchbayError) -> String {
        guard let match = networks.values.first(where: { $0.uuid == uuid }) else {
            throw PatchbayError(.noNetwork, "no network with matching uuid '\(uuid)'")
        }
        return match.name
    }

    static func summary(_ object: NetworkObject) -> NetworkSummary? {
        guard let definition = object.current else { return nil }
        return NetworkSummary(name: definition.name, uuid: definition.uuid, isActive: object.isActive,
                              isPersistent: object.isPersistent, autostart: object.autostart,
                              bridge: object.runtime?.bridge?.value ?? definition.bridge.name)
    }

    /// The network called `name`.
    public func lookup(name: String) throws(PatchbayError) -> NetworkSummary {
        try lock.withLock { () throws(PatchbayError) in
            guard let summary = Self.summary(try object(named: name)) else { throw PatchbayError(.noNetwork, "no network with matching name '\(name)'") }
            return summary
        }
    }

    /// The network with `uuid`.
    public func lookup(uuid: LibvirtUUID) throws(PatchbayError) -> NetworkSummary {
        try lock.withLock { () throws(PatchbayError) in
            guard let summary = Self.summary(try object(named: try name(for: uuid))) else {
                throw PatchbayError(.noNetwork, "no network with matching uuid '\(uuid)'")
            }
            return summary
        }
    }

    /// Networks passing `filter`, sorted by name.
    public func list(_ filter: NetworkListFilter = []) -> [NetworkSummary] {
        lock.withLock {
            networks.values.compactMap(Self.summary).filter(filter.admits).sorted { $0.name < $1.name }
        }
    }

    /// The network's XML: persistent form when `inactive` (and it has one), else the live form
    /// with connection counts.
    public func xml(name: String, inactive: Bool = false) throws(PatchbayError) -> String {
        try lock.withLock { () throws(PatchbayError) in
            let object = try object(named: name)
            if inactive, let config = object.config { return config.formatXML(inactive: true) }
            guard let current = object.current else { throw PatchbayError(.noNetwork, "no network with matching name '\(name)'") }
            return current.formatXML(inactive: inactive || !object.isActive)
        }
    }

    /// The bridge the network's ports attach to.
    public func bridgeName(name: String) throws(PatchbayError) -> String {
        try lock.withLock { () throws(PatchbayError) in
            let object = try object(named: name)
            guard let bridge = object.runtime?.bridge?.value ?? object.current?.bridge.name else {
                throw PatchbayError(.internalError, "network '\(name)' does not have a bridge name.")
            }
            return bridge
        }
    }

    /// Whether the network's own bridge runs kernel STP (libvirt's default for the bridges it
    /// makes): a new port on it forwards only after listening and learning.
    public func bridgeRunsSTP(name: String) -> Bool {
        lock.withLock { () -> Bool in
            guard let definition = networks[name]?.current else { return false }
            return definition.kind.ownsBridge && definition.bridge.stp
        }
    }

    // MARK: events and drift

    /// Subscribes to events; the stream ends when `unsubscribe` is called with the id.
    public func subscribe() -> (id: Int, events: AsyncStream<NetworkEvent>) { hub.subscribe() }

    /// Calls `handler` for every event, synchronously and in order; cheaper than a stream (no
    /// task wake-up per event) for a daemon that fans events out itself. `handler` must return
    /// quickly and must not call back into the driver.
    public func observe(_ handler: @escaping @Sendable (NetworkEvent) -> Void) -> Int { hub.observe(handler) }

    /// Ends a subscription or an observer.
    public func unsubscribe(_ id: Int) { hub.unsubscribe(id) }

    /// What the last recovery (or `checkDrift`) found between state files and kernel.
    public func driftReport() -> [Drift] { lock.withLock { drift } }

    /// Compares every active network with the kernel now, repairing what is safe.
    @discardableResult
    public func checkDrift() -> [Drift] {
        lock.withLock {
            drift = reconcileAll()
            return drift
        }
    }

    func reconcileAll() -> [Drift] {
        let names = networks.keys.sorted().filter { networks[$0]?.live != nil && networks[$0]?.runtime != nil }
        var items: [ReconcileItem] = []
        for name in names {
            guard let object = networks[name], let live = object.live, let runtime = object.runtime else { continue }
            items.append(ReconcileItem(network: live, runtime: runtime, floors: object.floors, stateDirectory: hostStateDirectory(name)))
        }
        var found: [Drift] = []
        for (item, result) in zip(items, host.reconcile(all: items)) {
            found += result.drifts
            guard result.runtime != item.runtime, let object = networks[item.network.name] else { continue }
            object.runtime = result.runtime
            try? store.saveStatus(item.network, runtime: result.runtime)
        }
        return found
    }
}
