import CLinuxUAPI
import Glibc
import NetCore
import Netlink

/// Snapshot and restore of the host's own network configuration, leaving Patchbay's objects alone.
public protocol HostInterfaceState: Sendable {
    /// The host's links, addresses and routes now, without anything `ownership` claims.
    func snapshot(excluding ownership: InterfaceOwnership) throws(PatchbayError) -> HostInterfaceSnapshot
    /// Brings the host back to `snapshot` for everything outside `ownership`; returns what it changed.
    @discardableResult
    func restore(_ snapshot: HostInterfaceSnapshot, excluding ownership: InterfaceOwnership) throws(PatchbayError) -> [HostInterfaceChange]
}

/// `HostInterfaceState` over rtnetlink, in the caller's network namespace or the one at `namespace`.
public struct LinuxHostInterfaces: HostInterfaceState {
    /// Namespace file, nil for the caller's namespace.
    public let namespace: String?

    /// The host interfaces of `namespace` (the caller's when nil).
    public init(namespace: String? = nil) { self.namespace = namespace }

    public func snapshot(excluding ownership: InterfaceOwnership) throws(PatchbayError) -> HostInterfaceSnapshot {
        try Self.snapshot(Rtnetlink(in: namespace), excluding: ownership)
    }

    static func snapshot(_ netlink: Rtnetlink, excluding ownership: InterfaceOwnership) throws(PatchbayError) -> HostInterfaceSnapshot {
        let all = try netlink.links()
        let names = Dictionary(all.map { ($0.index, $0.name) }, uniquingKeysWith: { first, _ in first })
        var inScope: [Int32: String] = [:]
        var links: [HostInterfaceSnapshot.Link] = []
        for link in all {
            let master = link.masterIndex.flatMap { names[$0] }
            guard !ownership.owns(name: link.name, group: link.group, master: master, kind: link.kind) else { continue }
            inScope[link.index] = link.name
            let peer = link.kind == "veth" ? link.lowerIndex.flatMap { names[$0] } : nil
            links.append(HostInterfaceSnapshot.Link(name: link.name, index: link.index, kind: link.kind, mtu: link.mtu,
                                                    mac: link.mac?.description, up: link.isUp, master: master, peer: peer))
        }
        let addresses = try netlink.addresses().compactMap { address -> HostInterfaceSnapshot.Address? in
            guard let link = inScope[Int32(bitPattern: address.index)], HostInterfaceSnapshot.isInScope(address: address.address) else {
                return nil
            }
            return HostInterfaceSnapshot.Address(link: link, address: address.address.description, prefix: address.prefixLength)
        }
        let routes = try netlink.routes().compactMap { route -> HostInterfaceSnapshot.Route? in
            let family: IPFamily = route.header.family == UInt8(AF_INET) ? .ipv4 : .ipv6
            guard HostInterfaceSnapshot.isInScope(route: route.destination, family: family) else { return nil }
            var device: String?
            if let index = route.outputIndex {
                // A route through one of Patchbay's devices is Patchbay's too.
                guard let name = inScope[index] else { return nil }
                device = name
            }
            return HostInterfaceSnapshot.Route(family: family.rawValue, destination: route.destination?.description,
                                               prefix: Int(route.header.destinationLength), gateway: route.gateway?.description,
                                               device: device, metric: route.metric ?? 0, scope: route.header.scope,
                                               routeProtocol: route.header.routeProtocol, type: route.header.routeType,
                                               source: route.preferredSource?.description)
        }
        return HostInterfaceSnapshot(links: links, addresses: addresses, routes: routes)
    }

    public func restore(_ snapshot: HostInterfaceSnapshot, excluding ownership: InterfaceOwnership) throws(PatchbayError) -> [HostInterfaceChange] {
        let netlink = try Rtnetlink(in: namespace)
        var applied: [HostInterfaceChange] = []
        // Each phase is re-planned from the kernel's state after the previous one, because links
        // going down or up take addresses and routes with them; a few rounds settle orders the
        // kernel refuses once (a bridge's MTU above its ports').
        let phases: [(HostInterfaceSnapshot, HostInterfaceSnapshot) -> [HostInterfaceChange]] = [
            HostInterfaceChange.linkPlan, HostInterfaceChange.addressPlan, HostInterfaceChange.routePlan,
        ]
        // The kernel is read again only after changes: a phase that changes nothing hands the same
        // reading to the next one.
        var current = try Self.snapshot(netlink, excluding: ownership)
        for phase in phases {
            var failures: [String] = []
            var left = phase(current, snapshot)
            for _ in 0..<3 where left.contains(where: { if case .cannotRecreate = $0 { false } else { true } }) {
                failures = []
                for change in left {
                    if case .cannotRecreate = change { continue }
                    do {
                        try apply(change, netlink)
                        applied.append(change)
                    } catch {
                        failures.append("\(change): \(error.detail)")
                    }
                }
                current = try Self.snapshot(netlink, excluding: ownership)
                left = phase(current, snapshot)
            }
            // A physical link that went away cannot come back by software: the rest is restored
            // and the rollback reports it instead of failing on it.
            let gone = left.filter { if case .cannotRecreate = $0 { true } else { false } }
            applied += gone
            left.removeAll { if case .cannotRecreate = $0 { true } else { false } }
            if !left.isEmpty {
                let detail = failures.isEmpty ? left.map(\.description) : failures
                throw PatchbayError(.operationFailed, "host interfaces not fully restored: " + detail.joined(separator: "; "),
                                    domain: .interface)
            }
        }
        return applied
    }

    private func apply(_ change: HostInterfaceChange, _ netlink: Rtnetlink) throws(PatchbayError) {
        switch change {
        case .deleteLink(let name):
            try netlink.deleteLink(InterfaceName(name))
        case .createLink(let link):
            let name = try InterfaceName(link.name)
            let mac = try link.mac.map { text throws(PatchbayError) in try MACAddress(text) }
            if link.kind == "veth" {
                let peer = try InterfaceName(link.peer ?? "\(link.name)p")
                try netlink.createLink(name, kind: .veth(peer: peer), mtu: link.mtu, mac: mac)
            } else {
                try netlink.createLink(name, kind: .bridge(BridgeOptions()), mtu: link.mtu, mac: mac)
            }
        case .cannotRecreate(let link):
            throw PatchbayError(.operationFailed, "link '\(link.name)' is gone and cannot be re-created", domain: .interface)
        case .detach(let name):
            try netlink.detach(InterfaceName(name))
        case .setMTU(let name, let mtu):
            try netlink.setLink(InterfaceName(name), mtu: mtu)
        case .setMAC(let name, let mac):
            try netlink.setLink(InterfaceName(name), mac: MACAddress(mac))
        case .attach(let name, let master):
            try netlink.attach(InterfaceName(name), to: InterfaceName(master))
        case .setUp(let name, let up):
            try netlink.setLink(InterfaceName(name), up: up)
        case .deleteAddress(let address):
            let ip = try IPAddress(address.address)
            try netlink.deleteAddress(ip, prefix: PrefixLength(address.prefix, family: ip.family), from: InterfaceName(address.link))
        case .addAddress(let address):
            let ip = try IPAddress(address.address)
            try netlink.addAddress(ip, prefix: PrefixLength(address.prefix, family: ip.family), to: InterfaceName(address.link))
        case .deleteRoute(let route):
            try netlink.delete(routeInfo(route, netlink))
        case .addRoute(let route):
            try netlink.add(routeInfo(route, netlink))
        }
    }

    private func routeInfo(_ route: HostInterfaceSnapshot.Route, _ netlink: Rtnetlink) throws(PatchbayError) -> RouteInfo {
        let family: IPFamily = route.family == "ipv4" ? .ipv4 : .ipv6
        var header = RouteHeader(family: UInt8(family == .ipv4 ? AF_INET : AF_INET6), destinationLength: UInt8(route.prefix),
                                 scope: route.scope)
        header.routeProtocol = route.routeProtocol
        header.routeType = route.type
        var outputIndex: Int32?
        if let device = route.device {
            guard let link = try netlink.link(named: InterfaceName(device)) else {
                throw PatchbayError(.systemError, "Unable to restore route \(route.summary): no such interface '\(device)'")
            }
            outputIndex = link.index
        }
        return RouteInfo(header: header, destination: try route.destination.map { text throws(PatchbayError) in try IPAddress(text) },
                         gateway: try route.gateway.map { text throws(PatchbayError) in try IPAddress(text) },
                         outputIndex: outputIndex, metric: route.metric == 0 && family == .ipv4 ? nil : route.metric,
                         preferredSource: try route.source.map { text throws(PatchbayError) in try IPAddress(text) })
    }
}
