import Foundation
import HostNet
import HostOS
import NetConf
import NetCore
import NetXML

/// One host interface as listed: a live link, a stored definition, or both.
public struct InterfaceSummary: Sendable, Equatable {
    /// Interface name.
    public var name: String
    /// MAC address (`00:00:00:00:00:00` when it has none, as libvirt reports loopback).
    public var mac: String
    /// Whether the link exists and is up.
    public var isActive: Bool
}

/// libvirt's interface driver, Patchbay's way: the host's interfaces described in libvirt's
/// interface XML, definitions stored in the config directory, started and stopped over netlink,
/// and transactions whose rollback returns the host to its state at `begin` — by request, at a
/// deadline, or when the daemon starts and finds one left over.
///
/// Operations are synchronous and serialised by one lock.
public final class HostInterfaceDriver: @unchecked Sendable {
    let host: any HostInterfaceConfigurator
    let probe: any ReachabilityProbe
    let ownership: @Sendable () -> InterfaceOwnership
    let dependents: @Sendable (Set<String>) -> [String]
    let definitionsDirectory: String
    let transactionPath: String
    let lock = Lock()
    var definitions: [String: HostInterfaceDefinition] = [:]
    var transaction: InterfaceTransaction?
    /// Incremented at every begin, so a deadline timer only ends the transaction it was armed for.
    var generation = 0
    /// Fires the pending transaction's deadline (see `armDeadline`).
    let deadlineTimer = DeadlineTimer()
    /// The last rollback the driver did by itself (deadline or start), for reports.
    public var lastAutomaticRollback: InterfaceRollbackRecord? { lock.withLock { lastAutomatic } }
    var lastAutomatic: InterfaceRollbackRecord?
    /// Called after an automatic rollback (the daemon logs it).
    public var onAutomaticRollback: (@Sendable (InterfaceRollbackRecord) -> Void)?
    /// Called when a deadline rollback fails (the transaction stays pending and reported).
    public var onAutomaticRollbackFailure: (@Sendable (PatchbayError) -> Void)?

    /// Opens the driver: definitions from `configDirectory/interfaces`, a pending transaction from
    /// `configDirectory/interface-transaction.json`. Call `recover()` next to roll a leftover back.
    ///
    /// `ownership` names Patchbay's own devices (never touched by a rollback); `dependents` lists the
    /// networks using any of a set of devices.
    public init(configDirectory: String, host: any HostInterfaceConfigurator, probe: any ReachabilityProbe = TCPReachabilityProbe(),
                ownership: @escaping @Sendable () -> InterfaceOwnership = { InterfaceOwnership() },
                dependents: @escaping @Sendable (Set<String>) -> [String] = { _ in [] }) throws(PatchbayError) {
        self.host = host
        self.probe = probe
        self.ownership = ownership
        self.dependents = dependents
        definitionsDirectory = configDirectory + "/interfaces"
        transactionPath = configDirectory + "/interface-transaction.json"
        // The definitions directory is made by the first definition: a config directory of a
        // daemon that never stored one stays as the network driver left it.
        try AtomicFile.makeDirectory(configDirectory)
        for file in AtomicFile.list(definitionsDirectory, suffix: ".xml") {
            guard let text = AtomicFile.readText(definitionsDirectory + "/" + file) else { continue }
            let definition = try HostInterfaceDefinition.parse(xml: text)
            definitions[definition.name.value] = definition
        }
        if let bytes = AtomicFile.read(transactionPath) { transaction = try InterfaceTransaction.decode(bytes) }
    }

    func definitionPath(_ name: String) -> String { definitionsDirectory + "/" + name + ".xml" }

    // MARK: listing

    /// Every interface: live links outside Patchbay's own devices, and stored definitions.
    public func list() throws(PatchbayError) -> [InterfaceSummary] {
        try lock.withLock { () throws(PatchbayError) in try summaries() }
    }

    func summaries() throws(PatchbayError) -> [InterfaceSummary] {
        let live = try host.snapshot(excluding: ownership())
        var result: [String: InterfaceSummary] = [:]
        for link in live.links {
            result[link.name] = InterfaceSummary(name: link.name, mac: link.mac ?? "00:00:00:00:00:00", isActive: link.up)
        }
        for (name, definition) in definitions where result[name] == nil {
            result[name] = InterfaceSummary(name: name, mac: definition.mac?.description ?? "00:00:00:00:00:00", isActive: false)
        }
        return result.values.sorted { $0.name < $1.name }
    }

    /// The interface called `name`.
    public func lookup(name: String) throws(PatchbayError) -> InterfaceSummary {
        guard let found = try list().first(where: { $0.name == name }) else {
            throw PatchbayError(.noInterface, "couldn't find interface named '\(name)'", domain: .interface)
        }
        return found
    }

    /// The interface whose MAC is `mac` (case-insensitive).
    public func lookup(mac: String) throws(PatchbayError) -> InterfaceSummary {
        let wanted = mac.lowercased()
        let matches = try list().filter { $0.mac.lowercased() == wanted }
        guard let first = matches.first else {
            throw PatchbayError(.noInterface, "couldn't find interface with MAC address '\(mac)'", domain: .interface)
        }
        guard matches.count == 1 else {
            throw PatchbayError(.multipleInterfaces, "multiple interfaces with matching MAC address '\(mac)'", domain: .interface)
        }
        return first
    }

    /// The interface's document: its live state, or with `inactive` (or when it is not live) its definition.
    public func xml(name: String, inactive: Bool = false) throws(PatchbayError) -> String {
        try lock.withLock { () throws(PatchbayError) in
            let live = try host.snapshot(excluding: ownership())
            if !inactive || definitions[name] == nil, let link = live.link(named: name) {
                return try Self.liveDefinition(link, in: live, stored: definitions[name]).formatted(
                    link: .init(state: link.up ? "up" : "down"))
            }
            guard let definition = definitions[name] else {
                throw PatchbayError(.noInterface, "couldn't find interface named '\(name)'", domain: .interface)
            }
            return definition.formatted()
        }
    }

    /// What the kernel says about `link`, in the shape of a definition (start mode from the stored one).
    static func liveDefinition(_ link: HostInterfaceSnapshot.Link, in live: HostInterfaceSnapshot,
                               stored: HostInterfaceDefinition?) throws(PatchbayError) -> HostInterfaceDefinition {
        var kind = HostInterfaceDefinition.Kind.ethernet
        if link.kind == "bridge" {
            let ports = try live.links.filter { $0.master == link.name }.map { port throws(PatchbayError) in
                HostInterfaceDefinition.Port(name: try InterfaceName(port.name), mac: try port.mac.map { text throws(PatchbayError) in try MACAddress(text) })
            }
            if case .bridge(let bridge) = stored?.kind {
                kind = .bridge(.init(stp: bridge.stp, delay: bridge.delay, ports: ports))
            } else {
                kind = .bridge(.init(ports: ports))
            }
        }
        var definition = HostInterfaceDefinition(name: try InterfaceName(link.name), kind: kind, startMode: stored?.startMode, mtu: link.mtu)
        if link.kind != "bridge" { definition.mac = try link.mac.map { text throws(PatchbayError) in try MACAddress(text) } }
        for address in live.addresses where address.link == link.name {
            let ip = try IPAddress(address.address)
            let entry = HostInterfaceAddressing.Address(address: ip, prefix: address.prefix)
            if ip.family == .ipv4 {
                definition.ipv4 = definition.ipv4 ?? HostInterfaceAddressing(family: .ipv4)
                definition.ipv4?.addresses.append(entry)
            } else {
                definition.ipv6 = definition.ipv6 ?? HostInterfaceAddressing(family: .ipv6)
                definition.ipv6?.addresses.append(entry)
            }
        }
        for route in live.routes where route.device == link.name && route.destination == nil {
            guard let gateway = try route.gateway.map({ text throws(PatchbayError) in try IPAddress(text) }) else { continue }
            if gateway.family == .ipv4, definition.ipv4 != nil { definition.ipv4?.gateway = gateway }
            if gateway.family == .ipv6, definition.ipv6 != nil { definition.ipv6?.gateway = gateway }
        }
        return definition
    }

    /// Whether the interface is live and up.
    public func isActive(name: String) throws(PatchbayError) -> Bool { try lookup(name: name).isActive }

    // MARK: definitions and lifecycle

    /// Refuses a definition that names one of Patchbay's own devices (a network's bridge, a guest's
    /// tap...) as the interface or as a bridge port: those are the network and guest drivers'.
    func checkNotOwned(_ definition: HostInterfaceDefinition) throws(PatchbayError) {
        var names = [definition.name.value]
        if case .bridge(let bridge) = definition.kind { names += bridge.ports.map(\.name.value) }
        let owned = ownership()
        for name in names where owned.owns(name: name, group: 0, master: nil) {
            throw PatchbayError(.operationInvalid, "'\(name)' is a device Patchbay manages for its networks or guests, "
                                + "not a host interface", domain: .interface)
        }
    }

    /// Stores a definition (replacing one of the same name) and returns its summary.
    @discardableResult
    public func define(xml: String) throws(PatchbayError) -> InterfaceSummary {
        let definition = try HostInterfaceDefinition.parse(xml: xml)
        try checkNotOwned(definition)
        try lock.withLock { () throws(PatchbayError) in
            try AtomicFile.makeDirectory(definitionsDirectory)
            try AtomicFile.write(definition.formatted(), to: definitionPath(definition.name.value))
            definitions[definition.name.value] = definition
        }
        return try lookup(name: definition.name.value)
    }

    /// Removes a stored definition (the live interface stays as it is, as in libvirt).
    public func undefine(name: String) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            guard definitions[name] != nil else {
                throw PatchbayError(.noInterface, "couldn't find interface named '\(name)'", domain: .interface)
            }
            try AtomicFile.remove(definitionPath(name))
            definitions[name] = nil
        }
    }

    /// Starts a defined interface (ifup).
    public func create(name: String) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            guard let definition = definitions[name] else {
                throw PatchbayError(.noInterface, "couldn't find interface named '\(name)'", domain: .interface)
            }
            // A network started since the definition was stored may own one of its devices now.
            try checkNotOwned(definition)
            try host.start(definition)
        }
    }

    /// Stops an interface (ifdown): its definition when there is one, else it is stopped as a plain link.
    public func destroy(name: String) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            if let definition = definitions[name] { return try host.stop(definition) }
            let live = try host.snapshot(excluding: ownership())
            guard let link = live.link(named: name) else {
                throw PatchbayError(.noInterface, "couldn't find interface named '\(name)'", domain: .interface)
            }
            try host.stop(Self.liveDefinition(link, in: live, stored: nil))
        }
    }
}
