/// One step that brings the host's links, addresses or routes towards a snapshot. A plan is a pure
/// function of two snapshots, so it is both what a rollback does and what a leftover transaction
/// reports it would undo.
public enum HostInterfaceChange: Sendable, Equatable, CustomStringConvertible {
    /// Delete a virtual link the snapshot did not have.
    case deleteLink(String)
    /// Re-create a virtual link (bridge, veth pair) the snapshot had.
    case createLink(HostInterfaceSnapshot.Link)
    /// A link the snapshot had that cannot be made again (a physical device that went away).
    case cannotRecreate(HostInterfaceSnapshot.Link)
    /// Release a link from its master.
    case detach(String)
    /// Set a link's MTU.
    case setMTU(String, UInt32)
    /// Set a link's hardware address.
    case setMAC(String, String)
    /// Make a link a port of `master`.
    case attach(String, master: String)
    /// Bring a link up or down.
    case setUp(String, Bool)
    /// Remove an address.
    case deleteAddress(HostInterfaceSnapshot.Address)
    /// Add an address.
    case addAddress(HostInterfaceSnapshot.Address)
    /// Remove a route.
    case deleteRoute(HostInterfaceSnapshot.Route)
    /// Add a route.
    case addRoute(HostInterfaceSnapshot.Route)

    public var description: String {
        switch self {
        case .deleteLink(let name): "delete link \(name)"
        case .createLink(let link): "create \(link.kind ?? "link") \(link.name)"
        case .cannotRecreate(let link): "cannot re-create \(link.kind ?? "physical") link \(link.name)"
        case .detach(let name): "release \(name) from its bridge"
        case .setMTU(let name, let mtu): "set MTU of \(name) to \(mtu)"
        case .setMAC(let name, let mac): "set MAC of \(name) to \(mac)"
        case .attach(let name, let master): "add \(name) to bridge \(master)"
        case .setUp(let name, let up): "set \(name) \(up ? "up" : "down")"
        case .deleteAddress(let address): "remove address \(address.address)/\(address.prefix) from \(address.link)"
        case .addAddress(let address): "add address \(address.address)/\(address.prefix) to \(address.link)"
        case .deleteRoute(let route): "remove route \(route.summary)"
        case .addRoute(let route): "add route \(route.summary)"
        }
    }

    /// Every change from `current` to `target`, links first, then addresses, then routes.
    public static func plan(from current: HostInterfaceSnapshot, to target: HostInterfaceSnapshot) -> [HostInterfaceChange] {
        let links = linkPlan(from: current, to: target)
        // Addresses and routes go onto links the link changes re-create.
        var relinked = current
        for case .createLink(let link) in links { relinked.links.append(link) }
        return links + addressPlan(from: relinked, to: target) + routePlan(from: relinked, to: target)
    }

    /// Link changes in the order they must happen: deletions, creations, releases from masters,
    /// MTU and MAC (ports before bridges, whose MTU follows their ports), new masters, up/down.
    public static func linkPlan(from current: HostInterfaceSnapshot, to target: HostInterfaceSnapshot) -> [HostInterfaceChange] {
        var changes: [HostInterfaceChange] = []
        var deleted: Set<String> = []
        let wantedLinks = target.linksByName
        for link in current.links where link.kind != nil && !deleted.contains(link.name) {
            let wanted = wantedLinks[link.name]
            guard wanted == nil || wanted?.kind != link.kind else { continue }
            changes.append(.deleteLink(link.name))
            deleted.insert(link.name)
            // Deleting one end of a veth pair deletes the other.
            if link.kind == "veth", let peer = link.peer { deleted.insert(peer) }
        }
        var existing: [String: HostInterfaceSnapshot.Link] = [:]
        for link in current.links where !deleted.contains(link.name) { existing[link.name] = link }
        for link in target.links where existing[link.name] == nil {
            switch link.kind {
            case "bridge", "veth":
                changes.append(.createLink(link))
                var fresh = HostInterfaceSnapshot.Link(name: link.name, kind: link.kind, mtu: link.mtu, mac: link.mac, up: false, master: nil)
                existing[link.name] = fresh
                if link.kind == "veth", let peer = link.peer, existing[peer] == nil {
                    fresh.name = peer
                    fresh.mac = nil
                    fresh.mtu = nil
                    existing[peer] = fresh
                }
            default:
                changes.append(.cannotRecreate(link))
            }
        }
        let present = target.links.filter { existing[$0.name] != nil }
        for link in present where existing[link.name]?.master != nil && existing[link.name]?.master != link.master {
            changes.append(.detach(link.name))
        }
        for link in present.sorted(by: { ($0.kind == "bridge" ? 1 : 0, $0.name) < ($1.kind == "bridge" ? 1 : 0, $1.name) }) {
            guard let now = existing[link.name] else { continue }
            if let mtu = link.mtu, now.mtu != mtu { changes.append(.setMTU(link.name, mtu)) }
            if let mac = link.mac, now.mac != mac { changes.append(.setMAC(link.name, mac)) }
        }
        for link in present {
            if let master = link.master, existing[link.name]?.master != master { changes.append(.attach(link.name, master: master)) }
        }
        for link in present where existing[link.name]?.up != link.up { changes.append(.setUp(link.name, link.up)) }
        return changes
    }

    /// Address removals, then additions, on links that exist in both snapshots.
    public static func addressPlan(from current: HostInterfaceSnapshot, to target: HostInterfaceSnapshot) -> [HostInterfaceChange] {
        let have = Set(current.addresses)
        let want = Set(target.addresses)
        let links = target.linksByName
        let present = current.linksByName
        // Addresses of a link that is not there (one that could not be re-created) cannot be added.
        return current.addresses.filter { !want.contains($0) && links[$0.link] != nil }.map { .deleteAddress($0) }
            + target.addresses.filter { !have.contains($0) && present[$0.link] != nil }.map { .addAddress($0) }
    }

    /// Route removals, then additions.
    public static func routePlan(from current: HostInterfaceSnapshot, to target: HostInterfaceSnapshot) -> [HostInterfaceChange] {
        let have = Set(current.routes)
        let want = Set(target.routes)
        let present = current.linksByName
        return current.routes.filter { !want.contains($0) }.map { .deleteRoute($0) }
            + target.routes.filter { !have.contains($0) && ($0.device.map { present[$0] != nil } ?? true) }.map { .addRoute($0) }
    }
}
