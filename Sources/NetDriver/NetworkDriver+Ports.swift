import HostNet
import NetConf
import NetCore

/// libvirt's `virNetworkPortCreateFlags` (same bits).
public struct NetworkPortCreateFlags: OptionSet, Sendable {
    /// Raw bits.
    public let rawValue: UInt32
    /// Creates flags from libvirt's bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// VIR_NETWORK_PORT_CREATE_RECLAIM: the port already has a plug (a running guest's NIC).
    public static let reclaim = NetworkPortCreateFlags(rawValue: NetworkPortReclaim.flag)
    /// VIR_NETWORK_PORT_CREATE_VALIDATE
    public static let validate = NetworkPortCreateFlags(rawValue: NetworkPortReclaim.validateFlag)
}

extension NetworkDriver {
    /// Creates a port on a running network: resolves its portgroup, merges its settings, allocates
    /// a pool device, admits its floor, records it (the file is written before any kernel object
    /// for it exists) and gives it its floor on the bridge.
    @discardableResult
    public func createPort(network name: String, xml: String, flags: NetworkPortCreateFlags = []) throws(PatchbayError) -> NetworkPortDefinition {
        var port = try NetworkPortDefinition.parse(xml: xml)
        try NetworkPortReclaim.check(port, flags: flags.rawValue)
        return try lock.withLock { () throws(PatchbayError) in
            if portOwners[port.uuid] != nil {
                throw PatchbayError(.networkPortExist, "Network port with UUID \(port.uuid) already exists")
            }
            try createPortLocked(&port, in: try object(named: name), flags: flags)
            return port
        }
    }

    func createPortLocked(_ port: inout NetworkPortDefinition, in object: NetworkObject, flags: NetworkPortCreateFlags) throws(PatchbayError) {
        guard let network = object.live, let runtime = object.runtime else {
            throw PatchbayError(.operationInvalid, "network '\(object.name)' is not active")
        }
        let resolution = try PortResolution(port: port, network: network)
        port.bandwidth = resolution.bandwidth
        port.vlan = resolution.vlan
        port.trustGuestRxFilters = resolution.trustGuestRxFilters
        port.virtualPort = resolution.virtualPort
        if resolution.portgroup != nil, port.group == nil { port.group = resolution.portgroup?.name }
        if !flags.contains(.reclaim) {
            port.plug = try plug(for: network, runtime: runtime, virtualPort: resolution.virtualPort)
        }
        var floor: PortFloor?
        if let rate = port.bandwidth?.inbound?.floor, rate.value > 0 {
            let granted = object.flooredTotal
            try FloorAdmission.check(floor: rate, mac: port.mac, network: network, grantedTotal: granted)
            let used = Set(object.ports.values.compactMap(\.classID))
            let keep = port.classID.flatMap { used.contains($0) ? nil : $0 }
            let classID = keep ?? PortFloor.freeClassID(among: used)
            port.classID = classID
            floor = PortFloor(classID: classID, floor: rate, mac: port.mac)
        } else {
            port.classID = nil
        }
        // The file first: a crash from here on leaves a port that recovery knows about.
        try store.savePort(port, network: network.uuid)
        if let floor {
            do throws(PatchbayError) {
                try host.plugFloor(floor, network: network, runtime: runtime, flooredTotal: object.flooredTotal)
            } catch {
                try? store.deletePort(port.uuid, network: network.uuid)
                throw error
            }
        }
        object.ports[port.uuid] = port
        portOwners[port.uuid] = network.name
        object.account(port, delta: 1)
        hub.publish(.port(network: network.name, networkUUID: network.uuid, port: port.uuid, change: .created))
    }

    /// Deletes a port: its floor leaves the bridge first, then its file goes.
    public func deletePort(network name: String, port uuid: LibvirtUUID) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            let object = try object(named: name)
            do {
                guard let network = object.live, let runtime = object.runtime, let port = object.ports[uuid] else {
                    throw PatchbayError(.noNetworkPort, "no network port with matching uuid '\(uuid)'")
                }
                if let classID = port.classID, port.bandwidth?.inbound?.floor != nil {
                    let remaining = object.flooredTotal.subtracting(port.bandwidth?.inbound?.floor ?? .zero)
                    try host.unplugFloor(classID: classID, network: network, runtime: runtime, flooredTotal: remaining)
                }
                try store.deletePort(uuid, network: network.uuid)
                object.ports[uuid] = nil
                portOwners[uuid] = nil
                object.account(port, delta: -1)
                hub.publish(.port(network: name, networkUUID: network.uuid, port: uuid, change: .deleted))
            }
        }
    }

    /// The ports of a running network, by UUID order.
    public func ports(network name: String) throws(PatchbayError) -> [NetworkPortDefinition] {
        try lock.withLock { () throws(PatchbayError) in
            let object = try object(named: name)
            guard object.isActive else { throw PatchbayError(.operationInvalid, "network '\(name)' is not active") }
            return object.ports.values.sorted { $0.uuid.precedes($1.uuid) }
        }
    }

    /// The port with `uuid` on network `name`.
    public func port(network name: String, uuid: LibvirtUUID) throws(PatchbayError) -> NetworkPortDefinition {
        try lock.withLock { () throws(PatchbayError) in
            guard let port = try object(named: name).ports[uuid] else {
                throw PatchbayError(.noNetworkPort, "no network port with matching uuid '\(uuid)'")
            }
            return port
        }
    }

    /// The plug a new port gets from the network's forward mode.
    func plug(for network: NetworkDefinition, runtime: NetworkRuntime, virtualPort: VirtualPort?) throws(PatchbayError) -> NetworkPortPlug {
        let macTable = network.bridge.macTableManager.flatMap { NetworkPortPlug.MACTableManager(rawValue: $0.rawValue) }
        switch network.kind {
        case .ownBridge:
            guard let bridge = runtime.bridge?.value ?? network.bridge.name else {
                throw PatchbayError.internalError("network '\(network.name)' has no bridge")
            }
            return .network(.init(name: bridge, macTableManager: macTable))
        case .hostBridge(let bridge):
            return .bridge(.init(name: bridge, macTableManager: macTable))
        case .directPool(let mode):
            let index = try PortAllocation.choose(for: network)
            guard let device = network.forward?.pool[index].interfaceName else {
                throw PatchbayError.internalError("network '\(network.name)' has a pool entry without a device name")
            }
            return .direct(.init(device: device, mode: mode))
        case .hostdevPool:
            let index = try PortAllocation.choose(for: network)
            guard case .pci(let address)? = network.forward?.pool[index].device else {
                throw PatchbayError.internalError("network '\(network.name)' has a hostdev pool entry without a PCI address")
            }
            return .hostdevPCI(.init(address: address, managed: network.forward?.managed))
        }
    }
}
