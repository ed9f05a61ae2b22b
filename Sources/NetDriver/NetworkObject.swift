import HostNet
import NetConf
import NetCore

/// One network as the driver tracks it: its persistent definition, its live state when active,
/// and its ports.
///
/// A class, so the driver's table holds references: looking networks up or scanning them never
/// copies definitions or port tables. It is only touched under the driver's lock.
final class NetworkObject {
    /// The persistent definition (nil for a transient network).
    var config: NetworkDefinition?
    /// The running definition (nil when inactive), with live connection counts.
    var live: NetworkDefinition?
    /// What starting it created on the host.
    var runtime: NetworkRuntime?
    /// Start with the daemon.
    var autostart = false
    /// Ports by UUID (active networks only).
    var ports: [LibvirtUUID: NetworkPortDefinition] = [:]

    /// The definition in effect: live when active, else persistent.
    var current: NetworkDefinition? { live ?? config }
    /// Name (the same in both definitions); read field by field so no definition is copied.
    var name: String { live?.name ?? config?.name ?? "" }
    /// UUID.
    var uuid: LibvirtUUID? { live?.uuid ?? config?.uuid }
    /// The bridge ports attach to, as far as known.
    var bridgeName: String? { runtime?.bridge?.value ?? live?.bridge.name ?? config?.bridge.name }
    /// Every bridge name the network mentions: its runtime's, its live and its persistent
    /// definition's (libvirt's in-use check looks at both definitions).
    var bridgeNames: [String] { [runtime?.bridge?.value, live?.bridge.name, config?.bridge.name].compactMap { $0 } }
    /// Running.
    var isActive: Bool { live != nil }
    /// Has a persistent definition.
    var isPersistent: Bool { config != nil }

    /// Floors of the current ports, for the bridge.
    var floors: [PortFloor] {
        ports.values.compactMap { port in
            guard let floor = port.bandwidth?.inbound?.floor, floor.value > 0, let classID = port.classID else { return nil }
            return PortFloor(classID: classID, floor: floor, mac: port.mac)
        }.sorted { $0.classID < $1.classID }
    }

    /// Sum of the floors granted (typed, so no caller can take it for bytes/s).
    var flooredTotal: KibibytesPerSecond { KibibytesPerSecond.total(floors.map(\.floor)) }

    /// Counts a port in (`delta` 1) or out (`delta` -1) of the live connection counts.
    func account(_ port: NetworkPortDefinition, delta: Int) {
        guard var network = live else { return }
        network.connections += delta
        if var forward = network.forward, let index = forward.pool.firstIndex(where: { Self.uses(port, $0) }) {
            forward.pool[index].connections += delta
            network.forward = forward
        }
        live = network
    }

    /// Recounts the live connection counts (network and pool devices) from the ports.
    func recount() {
        guard var network = live else { return }
        network.connections = ports.count
        if var forward = network.forward {
            for index in forward.pool.indices {
                forward.pool[index].connections = ports.values.filter { Self.uses($0, forward.pool[index]) }.count
            }
            network.forward = forward
        }
        live = network
    }

    /// True when the port's plug takes the pool entry.
    static func uses(_ port: NetworkPortDefinition, _ entry: ForwardPoolEntry) -> Bool {
        switch (port.plug, entry.device) {
        case (.direct(let direct), .interface(let name)): direct.device == name
        case (.hostdevPCI(let hostdev), .pci(let address)): hostdev.address.description == address.description
        default: false
        }
    }
}

/// What the driver reports about a network (virsh net-info / net-list).
public struct NetworkSummary: Sendable, Equatable {
    /// Name.
    public var name: String
    /// UUID.
    public var uuid: LibvirtUUID
    /// Running.
    public var isActive: Bool
    /// Has a persistent definition.
    public var isPersistent: Bool
    /// Starts with the daemon.
    public var autostart: Bool
    /// Bridge name, if the network has one.
    public var bridge: String?
}

/// libvirt's `virConnectListAllNetworksFlags` (same bits).
public struct NetworkListFilter: OptionSet, Sendable {
    /// Raw flag bits.
    public let rawValue: UInt32
    /// Creates a filter from libvirt's bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// VIR_CONNECT_LIST_NETWORKS_INACTIVE
    public static let inactive = NetworkListFilter(rawValue: 1 << 0)
    /// VIR_CONNECT_LIST_NETWORKS_ACTIVE
    public static let active = NetworkListFilter(rawValue: 1 << 1)
    /// VIR_CONNECT_LIST_NETWORKS_PERSISTENT
    public static let persistent = NetworkListFilter(rawValue: 1 << 2)
    /// VIR_CONNECT_LIST_NETWORKS_TRANSIENT
    public static let transient = NetworkListFilter(rawValue: 1 << 3)
    /// VIR_CONNECT_LIST_NETWORKS_AUTOSTART
    public static let autostart = NetworkListFilter(rawValue: 1 << 4)
    /// VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART
    public static let noAutostart = NetworkListFilter(rawValue: 1 << 5)

    /// True when `summary` passes every group of flags that is set (within a group, either flag).
    public func admits(_ summary: NetworkSummary) -> Bool {
        func group(_ yes: NetworkListFilter, _ no: NetworkListFilter, _ value: Bool) -> Bool {
            let wantsYes = contains(yes), wantsNo = contains(no)
            return (!wantsYes && !wantsNo) || (wantsYes && value) || (wantsNo && !value)
        }
        return group(.active, .inactive, summary.isActive) && group(.persistent, .transient, summary.isPersistent)
            && group(.autostart, .noAutostart, summary.autostart)
    }
}
