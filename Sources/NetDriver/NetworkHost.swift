import HostNet
import NetConf
import NetCore

/// One difference between what the state files say and what the kernel has.
public struct Drift: Sendable, Equatable, CustomStringConvertible {
    /// What kind of object is affected.
    public enum Kind: String, Sendable {
        /// The network's bridge is missing.
        case missingBridge = "missing bridge"
        /// The network's nftables table is missing.
        case missingFirewall = "missing firewall table"
        /// The network's dnsmasq is not running.
        case deadDnsmasq = "dead dnsmasq"
        /// The network's bandwidth qdisc is missing from its bridge.
        case missingQdisc = "missing qdisc"
        /// A device in a network's device group that no port or network owns.
        case strayDevice = "stray device"
        /// A Patchbay nftables table that no active network owns.
        case strayFirewall = "stray firewall table"
        /// A pool device named by the network is absent from the host.
        case missingPoolDevice = "missing pool device"
        /// A start or destroy was interrupted by a crash and has been completed as a stop.
        case interruptedChange = "interrupted change"
    }

    public var kind: Kind
    /// The network concerned.
    public var network: String
    /// The object (device name, table name, pid).
    public var object: String
    /// True when Patchbay put it right.
    public var repaired: Bool

    public init(kind: Kind, network: String, object: String, repaired: Bool = false) {
        self.kind = kind
        self.network = network
        self.object = object
        self.repaired = repaired
    }

    /// `network 'N': missing bridge virbr3 (repaired)`.
    public var description: String {
        "network '\(network)': \(kind.rawValue) \(object)\(repaired ? " (repaired)" : "")"
    }
}

/// What the network driver needs from the host, one call per driver step. The real one
/// (`LinuxNetworkHost`) orders HostNet's parts (bridges, firewall, DHCP/DNS, bandwidth), which make
/// every kernel object; `InertNetworkHost` makes none (benchmarks, the crash torture); tests of the
/// driver's logic use fakes of either this protocol or of the parts.
///
/// Every operation either completes or undoes its own partial work before throwing.
public protocol NetworkHost: AnyObject, Sendable {
    /// Brings a network up on the host: for its forward mode, its bridge, addresses, routes,
    /// firewall, dnsmasq and bandwidth (with the given port floors). `stateDirectory` is where
    /// per-network files (dnsmasq configuration, leases) go.
    func start(_ network: NetworkDefinition, floors: [PortFloor], stateDirectory: String) throws(PatchbayError) -> NetworkRuntime

    /// Removes everything `start` created (and nothing else).
    func stop(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError)

    /// Applies a live change of the definition (dnsmasq hosts reload, firewall, portgroups need nothing).
    func update(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) -> NetworkRuntime

    /// Gives a port its floor on the network's bridge; `flooredTotal` is the sum of the other floors.
    func plugFloor(_ floor: PortFloor, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: KibibytesPerSecond) throws(PatchbayError)

    /// Takes a port's floor away again; `flooredTotal` is the sum of the floors that remain.
    func unplugFloor(classID: UInt32, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: KibibytesPerSecond) throws(PatchbayError)

    /// Compares an active network's runtime with the kernel, repairing what is safe to repair.
    func reconcile(_ network: NetworkDefinition, runtime: inout NetworkRuntime, floors: [PortFloor],
                   stateDirectory: String) -> [Drift]

    /// `reconcile` for several networks at once (a restart), so a host can look at the kernel
    /// once for all of them; results in the order of `networks`.
    func reconcile(all networks: [ReconcileItem]) -> [(runtime: NetworkRuntime, drifts: [Drift])]

    /// Bridge names that exist on the host now (so automatic names avoid them).
    func existingBridgeNames() -> Set<String>

    /// The runtime `start` will produce, known before anything is created, so the driver can
    /// record it first and a crash mid-start can be cleaned up by `stop`.
    func plan(_ network: NetworkDefinition) -> NetworkRuntime
}

/// One active network to compare with the kernel.
public struct ReconcileItem: Sendable {
    /// Its live definition.
    public var network: NetworkDefinition
    /// What its start recorded.
    public var runtime: NetworkRuntime
    /// Its ports' floors.
    public var floors: [PortFloor]
    /// Its host files' directory.
    public var stateDirectory: String

    /// An item.
    public init(network: NetworkDefinition, runtime: NetworkRuntime, floors: [PortFloor], stateDirectory: String) {
        self.network = network
        self.runtime = runtime
        self.floors = floors
        self.stateDirectory = stateDirectory
    }
}

extension NetworkHost {
    /// By default each network is compared on its own.
    public func reconcile(all networks: [ReconcileItem]) -> [(runtime: NetworkRuntime, drifts: [Drift])] {
        networks.map { item in
            var runtime = item.runtime
            let drifts = reconcile(item.network, runtime: &runtime, floors: item.floors, stateDirectory: item.stateDirectory)
            return (runtime, drifts)
        }
    }

    /// By default only the bridge is known in advance.
    public func plan(_ network: NetworkDefinition) -> NetworkRuntime {
        NetworkRuntime(bridge: network.bridge.name.flatMap { try? InterfaceName($0) }, ownsBridge: network.kind.ownsBridge)
    }
}
