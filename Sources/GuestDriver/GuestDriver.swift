import Dispatch
import HostOS
import NetConf
import NetCore
import NetDriver
import NetXML

/// The guest driver: QEMU guests from libvirt domain XML, persisted like networks, started with
/// one tap per NIC (DESIGN.md), their NICs wired through `GuestNICPlumbing`, and found again
/// after patchbayd restarts — cleanly or by SIGKILL — by (pid, start time).
///
/// One lock serialises every operation; QEMU exit notices come from the host's watcher threads
/// and take the same lock.
public final class GuestDriver: DomainService, @unchecked Sendable {
    let store: GuestStore
    let host: GuestProcessHost
    let nics: GuestNICPlumbing
    /// Ports on networks are taken by the NIC wiring; kept for lease lookups.
    let networks: NetworkDriver?
    /// QEMU to run when a definition names no `<emulator>`.
    let defaultEmulator: String
    let lock = Lock()
    let hub = EventHub<DomainEvent>()
    /// QMP events are handled here, off the monitor's reader thread.
    let monitorEvents = DispatchQueue(label: "patchbay.guest-driver.monitor-events")
    var domains: [String: GuestDomain] = [:]
    /// Definition order (libvirt lists in its own order; Patchbay keeps the order of arrival).
    var order: [String] = []
    var nextID: Int32 = 1
    /// What recovery and autostart met, for the drift report.
    var problems: [String] = []

    /// Opens the driver: reads definitions, finds running guests again, starts autostart ones.
    public init(configDirectory: String, stateDirectory: String, host: GuestProcessHost, nics: GuestNICPlumbing,
                networks: NetworkDriver? = nil, defaultEmulator: String = "/usr/bin/qemu-system-x86_64") throws(PatchbayError) {
        store = try GuestStore(configDirectory: configDirectory, stateDirectory: stateDirectory)
        self.host = host
        self.nics = nics
        self.networks = networks
        self.defaultEmulator = defaultEmulator
        lock.withLock {
            loadDefinitions()
            recoverRuns()
        }
        autostartAll()
    }

    /// Problems found while recovering and autostarting (empty when all went well).
    public func recoveryProblems() -> [String] { lock.withLock { problems } }

    // MARK: reading

    public func listDomains() -> [DomainSummary] {
        lock.withLock { order.compactMap { domains[$0].map(summary) } }
    }

    public func lookup(name: String) throws(PatchbayError) -> DomainSummary {
        try lock.withLock { () throws(PatchbayError) in summary(try domain(name)) }
    }

    public func lookup(uuid: LibvirtUUID) throws(PatchbayError) -> DomainSummary {
        try lock.withLock { () throws(PatchbayError) in
            guard let found = domains.values.first(where: { $0.uuid == uuid }) else {
                throw PatchbayError(.noDomain, "no domain with matching uuid '\(uuid)'", domain: .qemu)
            }
            return summary(found)
        }
    }

    public func lookup(id: Int32) throws(PatchbayError) -> DomainSummary {
        try lock.withLock { () throws(PatchbayError) in
            guard let found = domains.values.first(where: { $0.run?.record.id == id }) else {
                throw PatchbayError(.noDomain, "no domain with matching id \(id)", domain: .qemu)
            }
            return summary(found)
        }
    }

    public func xml(name: String, flags: DomainXMLFlags) throws(PatchbayError) -> String {
        try lock.withLock { () throws(PatchbayError) in
            let found = try domain(name)
            if let run = found.run, !(flags.contains(.inactive) && found.persistent != nil) {
                var live = run.definition
                for (index, slot) in run.record.taps.enumerated() where index < live.interfaces.count {
                    live.interfaces[index] = nics.liveInterface(live.interfaces[index], domain: found.uuid, alias: slot.alias)
                }
                return live.xml(liveID: run.record.id)
            }
            guard let persistent = found.persistent else { throw Self.noDomain(name) }
            return persistent.xml()
        }
    }

    public func subscribe() -> (id: Int, events: AsyncStream<DomainEvent>) { hub.subscribe() }
    public func unsubscribe(_ id: Int) { hub.unsubscribe(id) }

    // MARK: definitions

    public func define(xml: String) throws(PatchbayError) -> DomainSummary {
        let definition = try DomainDefinition.parse(xml)
        return try lock.withLock { () throws(PatchbayError) in
            try checkIdentity(definition)
            let existing = domains[definition.name]
            try store.saveDefinition(definition.xml(), name: definition.name)
            let entry = existing ?? GuestDomain(name: definition.name, uuid: definition.uuid)
            let updated = entry.persistent != nil
            entry.persistent = definition
            if existing == nil {
                domains[definition.name] = entry
                order.append(definition.name)
            }
            publish(entry, DomainLifecycleEvent.defined, updated ? DomainLifecycleEvent.definedUpdated : DomainLifecycleEvent.definedAdded)
            return summary(entry)
        }
    }

    public func undefine(name: String) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            let entry = try domain(name)
            guard entry.persistent != nil else {
                throw PatchbayError(.operationInvalid, "cannot undefine transient domain", domain: .qemu)
            }
            try store.removeDefinition(name)
            entry.persistent = nil
            entry.autostart = false
            if var run = entry.run {
                // A running domain stays, transient from now on.
                run.record.transient = true
                try store.saveRuntime(run.record)
                entry.run = run
            } else {
                forget(name)
            }
            publish(entry, DomainLifecycleEvent.undefined, DomainLifecycleEvent.undefinedRemoved)
        }
    }

    public func setAutostart(name: String, _ autostart: Bool) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            let entry = try domain(name)
            guard entry.persistent != nil else {
                throw PatchbayError(.operationInvalid, "cannot set autostart for transient domain", domain: .qemu)
            }
            try store.setAutostart(name, autostart)
            entry.autostart = autostart
        }
    }

    /// libvirt refuses a definition whose name or uuid belongs to another domain.
    func checkIdentity(_ definition: DomainDefinition) throws(PatchbayError) {
        if let existing = domains[definition.name], existing.uuid != definition.uuid {
            throw PatchbayError(.operationFailed, "domain '\(definition.name)' is already defined with uuid \(existing.uuid)", domain: .qemu)
        }
        if let other = domains.values.first(where: { $0.uuid == definition.uuid && $0.name != definition.name }) {
            throw PatchbayError(.operationFailed, "domain '\(other.name)' already exists with uuid \(definition.uuid)", domain: .qemu)
        }
    }

    // MARK: helpers

    func domain(_ name: String) throws(PatchbayError) -> GuestDomain {
        guard let entry = domains[name] else { throw Self.noDomain(name) }
        return entry
    }

    static func noDomain(_ name: String) -> PatchbayError {
        PatchbayError(.noDomain, "no domain with matching name '\(name)'", domain: .qemu)
    }

    func forget(_ name: String) {
        domains[name] = nil
        order.removeAll { $0 == name }
    }

    func summary(_ entry: GuestDomain) -> DomainSummary {
        let definition = entry.run?.definition ?? entry.persistent
        let cpu = entry.run?.record.process.map { host.cpuTimeNanoseconds($0) } ?? 0
        return DomainSummary(name: entry.name, uuid: entry.uuid, id: entry.run?.record.id ?? -1, state: entry.state, reason: entry.reason,
                             isPersistent: entry.persistent != nil, autostart: entry.autostart,
                             maxMemoryKiB: definition?.memory.maximumKiB ?? 0, memoryKiB: definition?.memory.currentKiB ?? 0,
                             vcpus: definition?.vcpus.count ?? 0, cpuTimeNanoseconds: cpu)
    }

    func publish(_ entry: GuestDomain, _ event: Int32, _ detail: Int32) {
        hub.publish(.lifecycle(domain: entry.name, uuid: entry.uuid, id: entry.run?.record.id ?? -1, event: event, detail: detail))
    }
}

/// One domain the driver knows: its persistent definition, and its run when it runs.
final class GuestDomain: @unchecked Sendable {
    let name: String
    let uuid: LibvirtUUID
    var persistent: DomainDefinition?
    var autostart = false
    var run: GuestRun?
    var state: DomainState = .shutOff
    var reason: Int32 = DomainStateReason.shutoffUnknown

    init(name: String, uuid: LibvirtUUID) {
        self.name = name
        self.uuid = uuid
    }
}

/// A running guest: its live definition, its runtime record, its monitor.
struct GuestRun {
    var definition: DomainDefinition
    var record: GuestRuntimeRecord
    var monitor: GuestMonitor?
    /// QEMU reported the guest's own power-off (so its exit is a shutdown, not a crash).
    var guestShutdown = false
}

extension GuestDriver {
    /// What the kernel does to a SIGKILLed patchbayd, for in-process restart tests: its monitor
    /// connections close, and nothing else is cleaned up. The driver must not be used afterwards.
    func dropConnectionsAsIfKilled() {
        lock.withLock {
            for entry in domains.values { entry.run?.monitor?.close() }
            domains = [:]
            order = []
        }
    }
}
