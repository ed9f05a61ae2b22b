import HostNet
import NetConf
import NetCore

/// A port's bandwidth as libvirt's typed parameters name it (`virNetworkPortGetParameters`):
/// every value is an unsigned int in KiB/s (burst in KiB), 0 meaning "not set".
public struct PortBandwidthParameters: Sendable, Equatable {
    /// libvirt's parameter names, in the order libvirt returns them.
    public static let names = [
        "inbound.average", "inbound.peak", "inbound.floor", "inbound.burst",
        "outbound.average", "outbound.peak", "outbound.burst",
    ]

    /// Values by name; a name missing here is unset (libvirt reports 0).
    public var values: [String: UInt64]

    /// Creates parameters from raw values.
    public init(values: [String: UInt64] = [:]) { self.values = values }

    /// The parameters describing `bandwidth` (every name present, 0 when unset, as libvirt does).
    public init(_ bandwidth: Bandwidth?) {
        values = [
            "inbound.average": bandwidth?.inbound?.average?.value ?? 0,
            "inbound.peak": bandwidth?.inbound?.peak?.value ?? 0,
            "inbound.floor": bandwidth?.inbound?.floor?.value ?? 0,
            "inbound.burst": bandwidth?.inbound?.burst?.value ?? 0,
            "outbound.average": bandwidth?.outbound?.average?.value ?? 0,
            "outbound.peak": bandwidth?.outbound?.peak?.value ?? 0,
            "outbound.burst": bandwidth?.outbound?.burst?.value ?? 0,
        ]
    }

    /// The values in libvirt's order.
    public var ordered: [(name: String, value: UInt64)] { Self.names.map { ($0, values[$0] ?? 0) } }

    /// `base` with these values applied on top; a direction left with neither average nor floor
    /// disappears, as libvirt drops a `<inbound>`/`<outbound>` it would have to write empty.
    func applied(to base: Bandwidth?) throws(PatchbayError) -> Bandwidth? {
        for name in values.keys where !Self.names.contains(name) {
            throw PatchbayError(.invalidArg, "parameter '\(name)' not supported")
        }
        var merged = PortBandwidthParameters(base).values
        for (name, value) in values { merged[name] = value }
        func rate(_ value: UInt64?) throws(PatchbayError) -> KibibytesPerSecond? {
            guard let value, value > 0 else { return nil }
            return try KibibytesPerSecond(value)
        }
        func size(_ value: UInt64?) throws(PatchbayError) -> Kibibytes? {
            guard let value, value > 0 else { return nil }
            return try Kibibytes(value)
        }
        var inbound: BandwidthRate?
        if (merged["inbound.average"] ?? 0) > 0 || (merged["inbound.floor"] ?? 0) > 0 {
            inbound = try BandwidthRate(average: try rate(merged["inbound.average"]), peak: try rate(merged["inbound.peak"]),
                                        floor: try rate(merged["inbound.floor"]), burst: try size(merged["inbound.burst"]))
        }
        var outbound: BandwidthRate?
        if (merged["outbound.average"] ?? 0) > 0 {
            outbound = try BandwidthRate(average: try rate(merged["outbound.average"]), peak: try rate(merged["outbound.peak"]),
                                         burst: try size(merged["outbound.burst"]), element: "outbound")
        }
        if inbound == nil && outbound == nil { return nil }
        return try Bandwidth(inbound: inbound, outbound: outbound)
    }
}

extension NetworkDriver {
    /// The port's bandwidth parameters (virNetworkPortGetParameters).
    public func portParameters(network name: String, port uuid: LibvirtUUID) throws(PatchbayError) -> PortBandwidthParameters {
        PortBandwidthParameters(try port(network: name, uuid: uuid).bandwidth)
    }

    /// Changes a port's bandwidth (virNetworkPortSetParameters). A floor change is admitted
    /// against the network's inbound average like a new port's, the bridge's class for the port
    /// is replaced, and the port's file is rewritten; on failure the old floor is put back.
    public func setPortParameters(network name: String, port uuid: LibvirtUUID,
                                  _ parameters: PortBandwidthParameters) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            let object = try object(named: name)
            guard let network = object.live, let runtime = object.runtime, var port = object.ports[uuid] else {
                throw PatchbayError(.noNetworkPort, "no network port with matching uuid '\(uuid)'")
            }
            let old = port
            port.bandwidth = try parameters.applied(to: port.bandwidth)
            let oldFloor = old.bandwidth?.inbound?.floor.flatMap { $0.value > 0 ? $0 : nil }
            let newFloor = port.bandwidth?.inbound?.floor.flatMap { $0.value > 0 ? $0 : nil }
            // The floors of every other port: what the bridge holds besides this one.
            let others = object.flooredTotal.subtracting(old.classID == nil ? .zero : (oldFloor ?? .zero))
            try FloorAdmission.check(floor: newFloor, mac: port.mac, network: network, grantedTotal: others)
            if newFloor != nil, port.classID == nil {
                let used = Set(object.ports.values.compactMap(\.classID))
                port.classID = PortFloor.freeClassID(among: used)
            }
            if newFloor == nil { port.classID = nil }
            guard oldFloor != newFloor else {
                try store.savePort(port, network: network.uuid)
                return commit(port, in: object, network: network)
            }
            // The file first when a class is to exist (a crash then leaves a file that names it);
            // a floor that goes away leaves the bridge first and the file after, like a port.
            if newFloor != nil { try store.savePort(port, network: network.uuid) }
            var unplugged = false
            do throws(PatchbayError) {
                if let classID = old.classID, oldFloor != nil {
                    try host.unplugFloor(classID: classID, network: network, runtime: runtime, flooredTotal: others)
                    unplugged = true
                }
                if let floor = newFloor, let classID = port.classID {
                    do throws(PatchbayError) {
                        try host.plugFloor(PortFloor(classID: classID, floor: floor, mac: port.mac), network: network,
                                           runtime: runtime, flooredTotal: others)
                    } catch {
                        restoreFloor(old, network: network, runtime: runtime, others: others)
                        throw error
                    }
                }
                if newFloor == nil { try store.savePort(port, network: network.uuid) }
            } catch {
                // The bridge gets the old floor back (or never lost it), and so does the file.
                if unplugged && newFloor == nil { restoreFloor(old, network: network, runtime: runtime, others: others) }
                try? store.savePort(old, network: network.uuid)
                throw error
            }
            commit(port, in: object, network: network)
        }
    }

    /// Records a port's new parameters in memory and tells the subscribers.
    private func commit(_ port: NetworkPortDefinition, in object: NetworkObject, network: NetworkDefinition) {
        object.ports[port.uuid] = port
        object.recount()
        networks[network.name] = object
        hub.publish(.port(network: network.name, networkUUID: network.uuid, port: port.uuid, change: .bandwidthChanged))
    }

    /// Puts a port's previous floor back on the bridge after a failed change (best effort: the
    /// drift check repairs what this cannot).
    private func restoreFloor(_ old: NetworkPortDefinition, network: NetworkDefinition, runtime: NetworkRuntime, others: KibibytesPerSecond) {
        guard let floor = old.bandwidth?.inbound?.floor, floor.value > 0, let classID = old.classID else { return }
        try? host.plugFloor(PortFloor(classID: classID, floor: floor, mac: old.mac), network: network, runtime: runtime,
                            flooredTotal: others)
    }
}
