import HostNet
import NetConf
import NetCore

/// An in-memory host: a snapshot that `start`/`stop` and tests change, and `restore` puts back.
final class FakeHostInterfaces: HostInterfaceConfigurator, @unchecked Sendable {
    private let lock = Lock()
    private var state: HostInterfaceSnapshot
    private(set) var restores = 0
    /// Restores that fail (as a crash in the middle of one would leave things) before one succeeds.
    var failingRestores = 0

    init(_ state: HostInterfaceSnapshot) { self.state = state }

    var current: HostInterfaceSnapshot { lock.withLock { state } }

    func change(_ body: (inout HostInterfaceSnapshot) -> Void) {
        lock.withLock {
            body(&state)
            state = HostInterfaceSnapshot(links: state.links, addresses: state.addresses, routes: state.routes)
        }
    }

    func snapshot(excluding ownership: InterfaceOwnership) throws(PatchbayError) -> HostInterfaceSnapshot {
        let now = current
        let links = now.links.filter { !ownership.owns(name: $0.name, group: 0, master: $0.master) }
        let names = Set(links.map(\.name))
        return HostInterfaceSnapshot(links: links, addresses: now.addresses.filter { names.contains($0.link) },
                                     routes: now.routes.filter { $0.device.map(names.contains) ?? true })
    }

    func restore(_ snapshot: HostInterfaceSnapshot, excluding ownership: InterfaceOwnership) throws(PatchbayError) -> [HostInterfaceChange] {
        let fails = lock.withLock { () -> Bool in
            defer { failingRestores = max(failingRestores - 1, 0) }
            return failingRestores > 0
        }
        if fails {
            // Half done: the addresses come back, the rest does not.
            change { $0.addresses = snapshot.addresses }
            throw PatchbayError(.systemError, "Unable to change interface 'eth0': Device or resource busy")
        }
        let plan = HostInterfaceChange.plan(from: try self.snapshot(excluding: ownership), to: snapshot)
        change { state in
            let owned = state.links.filter { ownership.owns(name: $0.name, group: 0, master: $0.master) }
            let ownedNames = Set(owned.map(\.name))
            state = HostInterfaceSnapshot(links: snapshot.links + owned,
                                          addresses: snapshot.addresses + state.addresses.filter { ownedNames.contains($0.link) },
                                          routes: snapshot.routes)
        }
        lock.withLock { restores += 1 }
        return plan
    }

    func start(_ definition: HostInterfaceDefinition) throws(PatchbayError) {
        change { state in
            let name = definition.name.value
            if state.link(named: name) == nil {
                state.links.append(.init(name: name, kind: "bridge", mtu: definition.mtu ?? 1500, mac: nil, up: true, master: nil))
            }
            state.links = state.links.map { link in
                var link = link
                if link.name == name { link.up = true }
                return link
            }
            for entry in definition.ipv4?.addresses ?? [] {
                state.addresses.append(.init(link: name, address: entry.address.description, prefix: entry.prefix ?? 32))
            }
        }
    }

    func stop(_ definition: HostInterfaceDefinition) throws(PatchbayError) {
        change { state in
            state.links.removeAll { $0.name == definition.name.value }
            state.addresses.removeAll { $0.link == definition.name.value }
        }
    }
}

/// A probe whose answer the test decides.
final class FakeProbe: ReachabilityProbe, @unchecked Sendable {
    private let lock = Lock()
    private var reachable = true
    func set(reachable: Bool) { lock.withLock { self.reachable = reachable } }
    func checkTCP(_ address: IPAddress, port: UInt16, timeout: Double) throws(PatchbayError) {
        guard lock.withLock({ reachable }) else {
            throw PatchbayError(.operationFailed, "\(address):\(port) is not reachable over TCP: Connection refused")
        }
    }
}
