import Glibc
import HostNet
import HostOS
import NetConf
import NetCore
import Netlink

/// The real `NetworkHost`: bridges, addresses, routes, nftables tables, dnsmasq processes and
/// qdiscs in one network namespace (the caller's, or a namespace file for tests and the demo).
///
/// What start does per forward mode:
/// - isolated (no `<forward>`), nat, route, open: its own bridge with the network's addresses,
///   routes, firewall table (none for open), IP forwarding (not for isolated), dnsmasq (libvirt's
///   rule: any address, unless there is no DHCP/TFTP and `<dns enable='no'>`) and `<bandwidth>`.
///   The bridge and the shaping IFB join a device group of their own, so stop is one request.
/// - bridge with `<bridge name>`: the existing host bridge is checked, nothing is created.
/// - bridge with a device pool, private, vepa, passthrough: the pool devices are checked; ports
///   attach to them later (DirectAttachment on the guest side).
/// - hostdev: refused, this host has no SR-IOV/VFIO.
public final class LinuxNetworkHost: NetworkHost {
    /// The namespace file worked in; nil for the caller's namespace.
    public let namespace: String?
    /// What the kernel supports (probed at creation unless given).
    public let features: KernelFeatures
    let links: Rtnetlink
    let firewall: Firewall
    let shaping: BandwidthShaper
    private let dnsmasqCapabilities: Result<DnsmasqCapabilities, PatchbayError>

    /// A host working in `namespace` (a file such as `/run/netns/NAME`; nil = the caller's own).
    /// The dnsmasq binary is probed now, but a failure is only reported when a network needs it.
    public init(namespace: String? = nil, dnsmasqBinary: String = "/usr/sbin/dnsmasq",
                features: KernelFeatures = .probe()) throws(PatchbayError) {
        self.namespace = namespace
        self.features = features
        links = try Rtnetlink(in: namespace)
        firewall = Firewall(namespace: namespace)
        shaping = try BandwidthShaper(namespace: namespace)
        do {
            dnsmasqCapabilities = .success(try DnsmasqCapabilities.probe(binaryPath: dnsmasqBinary))
        } catch {
            dnsmasqCapabilities = .failure(error)
        }
    }

    // MARK: NetworkHost

    /// Brings `network` up as its forward mode asks; undoes its own steps when one fails.
    public func start(_ network: NetworkDefinition, floors: [PortFloor], stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        try NetworkStartChecks.checkKernelSupport(network, features: features)
        switch network.forwardMode {
        case nil, .nat, .route, .open:
            return try startWithOwnBridge(network, floors: floors, stateDirectory: stateDirectory)
        case .bridge:
            if let name = network.bridge.name {
                let bridge = try NetworkStartChecks.hostBridge(name, of: network, links: links)
                return NetworkRuntime(bridge: bridge.value)
            }
            // Without a bridge name, libvirt's bridge mode is macvtap bridge mode over the pool.
            try NetworkStartChecks.checkPool(of: network, links: links)
            return NetworkRuntime()
        case .private, .vepa, .passthrough:
            try NetworkStartChecks.checkPool(of: network, links: links)
            return NetworkRuntime()
        case .hostdev:
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
                try dnsmasq.stop()
                // The pid file may be gone while the recorded process still runs (crash between writes).
                if let pid = runtime.dnsmasqPID, dnsmasq.isOurs(pid) { kill(pid, SIGKILL) }
                try dnsmasq.removeFiles()
            }
        }
        if let table = runtime.firewallTable {
            attempt { () throws(PatchbayError) in try firewall.remove(tableName: table) }
        }
        // Only what carries the network's device group is ours: after a start that failed because
        // the bridge name belongs to some other device, that device is left alone. A runtime
        // without a group was not made by this host, so there is nothing of ours to delete.
        if runtime.ownsBridge, let name = runtime.bridge, let group = runtime.deviceGroup {
            attempt { () throws(PatchbayError) in
                let bridge = try InterfaceName(name)
                if let link = try links.link(named: bridge) {
                    if link.group == group { try shaping.removeFromNetwork(bridge: bridge) }
                } else {
                    // The bridge vanished: its outbound redirect table (named after it) is still ours.
                    try shaping.removeNetworkLeftovers(bridge: bridge)
                }
            }
            attempt { () throws(PatchbayError) in try links.deleteGroup(group) }
        }
        if let failure { throw failure }
    }

    /// Applies a live change: dnsmasq gets its new host lists (SIGHUP) or, when its configuration
    /// changed, a restart (and starts or stops when the change made it needed or not); the
    /// firewall table is reloaded atomically so ip/forward changes take effect.
    public func update(_ network: NetworkDefinition, runtime: NetworkRuntime, stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        var runtime = runtime
        guard runtime.ownsBridge, let name = runtime.bridge else { return runtime }
        let bridge = try InterfaceName(name)
        if let policy = try firewallPolicy(for: network, bridge: bridge) {
            try firewall.apply(policy)
            runtime.firewallTable = policy.tableName
        } else if let table = runtime.firewallTable {
            try firewall.remove(tableName: table)
            runtime.firewallTable = nil
        }
        guard let dnsmasq = dnsmasq(for: network, stateDirectory: stateDirectory) else { return runtime }
        if DnsmasqConfiguration.isNeeded(for: network) {
            let wanted = try dnsmasq.configuration(for: network)
            let current = AtomicFile.readText(dnsmasq.paths.configFile)
            if case .running(let pid) = dnsmasq.state, current == wanted.text {
                try dnsmasq.reload(network)
                runtime.dnsmasqPID = pid
            } else {
                runtime.dnsmasqPID = try dnsmasq.restart(network)
            }
        } else {
            try dnsmasq.stop()
            try dnsmasq.removeFiles()
            runtime.dnsmasqPID = nil
        }
        return runtime
    }

    /// Gives a port its floor on the network's bridge (only networks with an inbound average have floors).
    public func plugFloor(_ floor: PortFloor, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: UInt64) throws(PatchbayError) {
        guard let inbound = network.bandwidth?.inbound, inbound.average != nil, let name = runtime.bridge else { return }
        try shaping.plugFloor(floor, bridge: try InterfaceName(name), network: inbound, flooredTotal: flooredTotal)
    }

    /// Takes a port's floor away again.
    public func unplugFloor(classID: UInt32, network: NetworkDefinition, runtime: NetworkRuntime, flooredTotal: UInt64) throws(PatchbayError) {
        guard let inbound = network.bandwidth?.inbound, inbound.average != nil, let name = runtime.bridge else { return }
        try shaping.unplugFloor(classID: classID, bridge: try InterfaceName(name), network: inbound, flooredTotal: flooredTotal)
    }

    /// What `start` will record, computed before anything exists (the driver saves it first, so a
    /// crash mid-start is cleaned up by `stop`): bridge, device group and firewall table.
    public func plan(_ network: NetworkDefinition) -> NetworkRuntime {
        switch network.forwardMode {
        case nil, .nat, .route, .open:
            guard let name = network.bridge.name, let bridge = try? InterfaceName(name) else { return NetworkRuntime() }
            let group = (try? freeDeviceGroup(for: network.uuid)) ?? Self.deviceGroup(for: network.uuid)
            let policy = (try? firewallPolicy(for: network, bridge: bridge)) ?? nil
            return NetworkRuntime(bridge: name, ownsBridge: true, firewallTable: policy?.tableName, deviceGroup: group)
        case .bridge:
            return NetworkRuntime(bridge: network.bridge.name)
        case .private, .vepa, .passthrough, .hostdev:
            return NetworkRuntime()
        }
    }

    /// Names of the bridges in the namespace now (so automatic names avoid them).
    public func existingBridgeNames() -> Set<String> {
        guard let all = try? links.linkSummaries() else { return [] }
        return Set(all.filter { $0.kind == "bridge" }.map(\.name))
    }

    // MARK: shared helpers

    /// The dnsmasq of `network`; nil when the binary could not be probed (then nothing of it can run).
    func dnsmasq(for network: NetworkDefinition, stateDirectory: String) -> Dnsmasq? {
        guard case .success(let capabilities) = dnsmasqCapabilities else { return nil }
        return Dnsmasq(networkName: network.name, stateDirectory: stateDirectory, capabilities: capabilities, namespace: namespace)
    }

    /// The dnsmasq of `network`, or the probe's error when a network needs it and it is unusable.
    func requiredDnsmasq(for network: NetworkDefinition, stateDirectory: String) throws(PatchbayError) -> Dnsmasq {
        switch dnsmasqCapabilities {
        case .success(let capabilities):
            return Dnsmasq(networkName: network.name, stateDirectory: stateDirectory, capabilities: capabilities, namespace: namespace)
        case .failure(let error):
            throw PatchbayError(error.code, "network '\(network.name)' needs dnsmasq: \(error.detail)")
        }
    }
}
