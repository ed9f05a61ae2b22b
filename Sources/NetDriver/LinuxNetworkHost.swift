import HostNet
import NetConf
import NetCore

/// The real `NetworkHost`: what a network's forward mode asks of the host, put together from
/// HostNet's parts, one per concern: bridges (`NetworkBridges`), firewall (`NetworkFirewalls`),
/// DHCP/DNS (`NetworkDNSServices`) and bandwidth (`BandwidthShaping`). This type holds only the
/// order of the steps and their undo; every kernel object is made and removed by those parts, so
/// its logic runs as well over fakes as over the kernel.
///
/// What start does per kind of network (`NetworkKind`):
/// - own bridge (isolated, nat, route, open): its bridge with the network's addresses, routes,
///   firewall table (none for open), IP forwarding (not for isolated), dnsmasq (libvirt's rule:
///   any address, unless there is no DHCP/TFTP and `<dns enable='no'>`) and `<bandwidth>`.
///   The bridge and the shaping IFB join a device group of their own, so stop is one request.
/// - host bridge (bridge with `<bridge name>`): the existing host bridge is checked, nothing is created.
/// - direct pool (bridge with a device pool, private, vepa, passthrough): the pool devices are
///   checked; ports attach to them later (DirectAttachment on the guest side).
/// - hostdev: refused, this host has no SR-IOV/VFIO.
public final class LinuxNetworkHost: NetworkHost {
    /// What the kernel supports (probed at creation unless given).
    public let features: KernelFeatures
    let bridges: any NetworkBridges
    let firewall: any NetworkFirewalls
    let dnsServices: any NetworkDNSServices
    let shaping: any BandwidthShaping

    /// A host over the given parts (fakes in the driver's unit tests).
    public init(bridges: any NetworkBridges, firewall: any NetworkFirewalls, dnsServices: any NetworkDNSServices,
                shaping: any BandwidthShaping, features: KernelFeatures) {
        self.bridges = bridges
        self.firewall = firewall
        self.dnsServices = dnsServices
        self.shaping = shaping
        self.features = features
    }

    /// The real parts working in `namespace` (a file such as `/run/netns/NAME`; nil = the caller's
    /// own). The dnsmasq binary is probed now, but a failure is only reported when a network needs it.
    public convenience init(namespace: String? = nil, dnsmasqBinary: String = "/usr/sbin/dnsmasq",
                            features: KernelFeatures = .probe()) throws(PatchbayError) {
        self.init(bridges: try LinuxNetworkBridges(namespace: namespace), firewall: Firewall(namespace: namespace),
                  dnsServices: DnsmasqServices(binary: dnsmasqBinary, namespace: namespace),
                  shaping: try BandwidthShaper(namespace: namespace), features: features)
    }

    // MARK: NetworkHost

    /// Brings `network` up as its forward mode asks; undoes its own steps when one fails.
    public func start(_ network: NetworkDefinition, floors: [PortFloor], stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        try NetworkStartChecks.checkKernelSupport(network, features: features)
        switch network.kind {
        case .ownBridge:
            return try startWithOwnBridge(network, floors: floors, stateDirectory: stateDirectory)
        case .hostBridge(let name):
            return NetworkRuntime(bridge: try bridges.checkHostBridge(name, of: network))
        case .directPool:
            // Without a bridge name, libvirt's bridge mode is macvtap bridge mode over the pool.
            try bridges.checkPool(of: network)
            return NetworkRuntime()
        case .hostdevPool:
            // checkKernelSupport refuses hostdev on this host; a host with VFIO still has no driver here.
            throw PatchbayError(.operationUnsupported, "network '\(network.name)' uses forward mode 'hostdev', which Patchbay does not implement")
        }
    }

    /// Removes what `start` created, in the reverse order of dependence: dnsmasq, firewall table,
    /// shaping, then bridge (with its addresses and routes) and IFB in one device-group request.
    /// Every step is tried even if an earlier one failed; the first failure is reported.
    public func stop(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) {
        var failure: PatchbayError?
        func attempt(_ step: () throws(PatchbayError) -> Void) {
            do { try step() } catch { if failure == nil { failure = error } }
        }
        if let dnsmasq = dnsmasq(for: network, stateDirectory: stateDirectory) {
            attempt { () throws(PatchbayError) in
                try dnsmasq.stop(timeoutMilliseconds: 5000)
                try dnsmasq.removeFiles(includingLeases: false)
            }
        }
        if let table = runtime.firewallTable {
            attempt { () throws(PatchbayError) in try firewall.remove(tableName: table) }
        }
        // Only what carries the network's device group is ours: after a start that failed because
        // the bridge name belongs to some other device, that device is left alone. A runtime
        // without a group was not made by this host, so there is nothing of ours to delete.
        if runtime.ownsBridge, let bridge = runtime.bridge, let group = runtime.deviceGroup {
            attempt { () throws(PatchbayError) in
                if let present = try bridges.group(of: bridge) {
                    if present == group { try shaping.removeFromNetwork(bridge: bridge) }
                } else {
                    // The bridge vanished: its outbound redirect table (named after it) is still ours.
                    try shaping.removeNetworkLeftovers(bridge: bridge)
                }
            }
            attempt { () throws(PatchbayError) in try bridges.deleteGroup(group) }
        }
        if let failure { throw failure }
    }

    /// Applies a live change: dnsmasq gets its new host lists (SIGHUP) or, when its configuration
    /// changed, a restart (and starts or stops when the change made it needed or not); the
    /// firewall table is reloaded atomically so ip/forward changes take effect.
    public func update(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        var runtime = runtime
        guard runtime.ownsBridge, let bridge = runtime.bridge else { return runtime }
        if let policy = try firewallPolicy(for: network, bridge: bridge) {
            try firewall.apply(policy)
            runtime.firewallTable = policy.tableName
        } else if let table = runtime.firewallTable {
            try firewall.remove(tableName: table)
            runtime.firewallTable = nil
        }
        guard let dnsmasq = dnsmasq(for: network, stateDirectory: stateDirectory) else { return runtime }
        if DnsmasqConfiguration.isNeeded(for: network) {
            if let pid = dnsmasq.runningPID, try dnsmasq.isConfigured(for: network) {
                try dnsmasq.reload(network)
                runtime.dnsmasqPID = pid
            } else {
                runtime.dnsmasqPID = try dnsmasq.restart(network)
            }
        } else {
            try dnsmasq.stop(timeoutMilliseconds: 5000)
            try dnsmasq.removeFiles(includingLeases: false)
            runtime.dnsmasqPID = nil
        }
        return runtime
    }

    /// Gives a port its floor on the network's bridge (only networks with an inbound average have floors).
    public func plugFloor(_ floor: PortFloor, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: KibibytesPerSecond) throws(PatchbayError) {
        guard let inbound = network.bandwidth?.inbound, inbound.average != nil, let bridge = runtime.bridge else { return }
        try shaping.plugFloor(floor, bridge: bridge, network: inbound, flooredTotal: flooredTotal)
    }

    /// Takes a port's floor away again.
    public func unplugFloor(classID: UInt32, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: KibibytesPerSecond) throws(PatchbayError) {
        guard let inbound = network.bandwidth?.inbound, inbound.average != nil, let bridge = runtime.bridge else { return }
        try shaping.unplugFloor(classID: classID, bridge: bridge, network: inbound, flooredTotal: flooredTotal)
    }

    /// What `start` will record, computed before anything exists (the driver saves it first, so a
    /// crash mid-start is cleaned up by `stop`): bridge, device group and firewall table.
    public func plan(_ network: NetworkDefinition) -> NetworkRuntime {
        switch network.kind {
        case .ownBridge:
            guard let bridge = network.bridge.name.flatMap({ try? InterfaceName($0) }) else { return NetworkRuntime() }
            let group = (try? freeDeviceGroup(for: network.uuid)) ?? Self.deviceGroup(for: network.uuid)
            let policy = (try? firewallPolicy(for: network, bridge: bridge)) ?? nil
            return NetworkRuntime(bridge: bridge, ownsBridge: true, firewallTable: policy?.tableName, deviceGroup: group)
        case .hostBridge(let name):
            return NetworkRuntime(bridge: try? InterfaceName(name))
        case .directPool, .hostdevPool:
            return NetworkRuntime()
        }
    }

    /// Names of the bridges in the namespace now (so automatic names avoid them).
    public func existingBridgeNames() -> Set<String> {
        (try? bridges.bridgeNames()) ?? []
    }

    // MARK: shared helpers

    /// The dnsmasq of `network`; nil when the binary could not be probed (then nothing of it can run).
    func dnsmasq(for network: NetworkDefinition, stateDirectory: String) -> (any NetworkDNSService)? {
        try? dnsServices.service(for: network, stateDirectory: stateDirectory)
    }

    /// The dnsmasq of `network`, or the probe's error when a network needs it and it is unusable.
    func requiredDnsmasq(for network: NetworkDefinition, stateDirectory: String) throws(PatchbayError) -> any NetworkDNSService {
        try dnsServices.service(for: network, stateDirectory: stateDirectory)
    }
}
