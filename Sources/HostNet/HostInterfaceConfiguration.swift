import Glibc
import NetConf
import NetCore
import Netlink

/// Brings host interfaces described by libvirt interface documents up and down (ifup/ifdown).
public protocol HostInterfaceConfigurator: HostInterfaceState {
    /// Configures and starts `definition`: creates a bridge and enslaves its ports, sets MTU and MAC,
    /// brings it up, adds its static addresses and default routes. Undoes its own steps on failure.
    func start(_ definition: HostInterfaceDefinition) throws(PatchbayError)
    /// Stops `definition`: removes its addresses and brings it down; a bridge releases its ports and is deleted.
    func stop(_ definition: HostInterfaceDefinition) throws(PatchbayError)
}

extension LinuxHostInterfaces: HostInterfaceConfigurator {
    public func start(_ definition: HostInterfaceDefinition) throws(PatchbayError) {
        for addressing in [definition.ipv4, definition.ipv6].compactMap({ $0 }) where addressing.dhcp || addressing.autoconf {
            throw PatchbayError(.configUnsupported, "\(addressing.family.rawValue) \(addressing.dhcp ? "DHCP" : "autoconf") on host "
                                + "interface '\(definition.name)' is not supported by Patchbay (static addresses only)", domain: .interface)
        }
        let netlink = try Rtnetlink(in: namespace)
        var undo: [() -> Void] = []
        do {
            try configure(definition, netlink, undo: &undo)
        } catch {
            for step in undo.reversed() { step() }
            throw error
        }
    }

    private func configure(_ definition: HostInterfaceDefinition, _ netlink: Rtnetlink, undo: inout [() -> Void]) throws(PatchbayError) {
        let name = definition.name
        let existing = try netlink.link(named: name)
        switch definition.kind {
        case .ethernet:
            guard existing != nil else {
                throw PatchbayError(.noInterface, "no interface with matching name '\(name)' on this host", domain: .interface)
            }
        case .bridge(let bridge):
            if let existing {
                guard existing.kind == "bridge" else {
                    throw PatchbayError(.operationInvalid, "interface '\(name)' exists and is not a bridge", domain: .interface)
                }
            } else {
                let delay = bridge.delay.flatMap(Double.init).map { UInt32($0.rounded(.up)) }
                try netlink.createLink(name, kind: .bridge(BridgeOptions(stp: bridge.stp, forwardDelay: delay)), mtu: definition.mtu)
                undo.append { try? netlink.deleteLink(name) }
            }
            for port in bridge.ports {
                guard let link = try netlink.link(named: port.name) else {
                    throw PatchbayError(.noInterface, "bridge port '\(port.name)' of '\(name)' does not exist on this host", domain: .interface)
                }
                let previous = link.masterIndex ?? 0
                try netlink.attach(port.name, to: name)
                undo.append { try? netlink.setLink(port.name, masterIndex: previous) }
                if !link.isUp {
                    try netlink.setLink(port.name, up: true)
                    undo.append { try? netlink.setLink(port.name, up: false) }
                }
            }
        }
        let before = try netlink.link(named: name)
        if let mtu = definition.mtu, before?.mtu != mtu {
            try netlink.setLink(name, mtu: mtu)
            if let old = before?.mtu { undo.append { try? netlink.setLink(name, mtu: old) } }
        }
        if let mac = definition.mac, before?.mac != mac {
            try netlink.setLink(name, mac: mac)
            if let old = before?.mac { undo.append { try? netlink.setLink(name, mac: old) } }
        }
        if before?.isUp != true {
            try netlink.setLink(name, up: true)
            undo.append { try? netlink.setLink(name, up: false) }
        }
        let present = Set(try netlink.addresses(of: name).map { "\($0.address)/\($0.prefixLength)" })
        for addressing in [definition.ipv4, definition.ipv6].compactMap({ $0 }) {
            for entry in addressing.addresses {
                let prefix = try PrefixLength(entry.prefix ?? addressing.family.bitWidth, family: addressing.family)
                guard !present.contains("\(entry.address)/\(prefix.value)") else { continue }
                try netlink.addAddress(entry.address, prefix: prefix, to: name)
                undo.append { try? netlink.deleteAddress(entry.address, prefix: prefix, from: name) }
            }
            if let gateway = addressing.gateway {
                let any = try IPAddress(addressing.family == .ipv4 ? "0.0.0.0" : "::")
                let zero = try PrefixLength(0, family: addressing.family)
                let exists = try netlink.routes().contains { $0.header.destinationLength == 0 && $0.gateway == gateway }
                guard !exists else { continue }
                try netlink.addRoute(to: any, prefix: zero, via: gateway, device: name)
                undo.append { try? netlink.deleteRoute(to: any, prefix: zero, via: gateway, device: name) }
            }
        }
    }

    public func stop(_ definition: HostInterfaceDefinition) throws(PatchbayError) {
        let netlink = try Rtnetlink(in: namespace)
        let name = definition.name
        guard try netlink.link(named: name) != nil else {
            throw PatchbayError(.operationInvalid, "interface '\(name)' is not running", domain: .interface)
        }
        for address in try netlink.addresses(of: name) where HostInterfaceSnapshot.isInScope(address: address.address) {
            let prefix = try PrefixLength(address.prefixLength, family: address.address.family)
            try netlink.deleteAddress(address.address, prefix: prefix, from: name)
        }
        try netlink.setLink(name, up: false)
        if case .bridge(let bridge) = definition.kind {
            for port in bridge.ports where try netlink.link(named: port.name) != nil { try netlink.detach(port.name) }
            try netlink.deleteLink(name)
        }
    }
}
