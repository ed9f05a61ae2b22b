import HostNet
import NetConf
import NetCore

/// Starting the networks that have a bridge of their own (isolated, nat, route, open), in libvirt's
/// order: bridge, IPv6 switches, addresses, firewall, link up, routes, forwarding, dnsmasq, shaping.
extension LinuxNetworkHost {
    func startWithOwnBridge(_ network: NetworkDefinition, floors: [PortFloor], stateDirectory: String) throws(PatchbayError) -> NetworkRuntime {
        guard let name = network.bridge.name else {
            throw .internalError("network '\(network.name)' has no bridge name (the driver assigns one before start)")
        }
        let bridge = try InterfaceName(name)
        let dnsmasq = DnsmasqConfiguration.isNeeded(for: network)
            ? try requiredDnsmasq(for: network, stateDirectory: stateDirectory) : nil
        // The same group `plan` announced, unless a device took it in between.
        let group = try freeDeviceGroup(for: network.uuid)
        var runtime = NetworkRuntime(bridge: bridge, ownsBridge: true, deviceGroup: group)
        var undo = UndoStack()
        do {
            try createBridge(bridge, of: network, group: group, undo: &undo)
            if let policy = try firewallPolicy(for: network, bridge: bridge) {
                try firewall.apply(policy)
                let firewall = self.firewall
                undo.push { try? firewall.remove(tableName: policy.tableName) }
                runtime.firewallTable = policy.tableName
            }
            try bridges.activateBridge(bridge, of: network)
            if network.kind.forwardsTraffic {
                // Like libvirt, forwarding stays on after the network stops: other networks may need it.
                try bridges.enableForwarding(ipv6: network.ips.contains { $0.address.family == .ipv6 })
            }
            if let dnsmasq {
                // Registered first: a dnsmasq that refuses to start has already got its files.
                undo.push {
                    try? dnsmasq.stop(timeoutMilliseconds: 5000)
                    try? dnsmasq.removeFiles(includingLeases: false)
                }
                runtime.dnsmasqPID = try dnsmasq.start(network)
            }
            try applyShaping(of: network, bridge: bridge, floors: floors, group: group)
        } catch {
            undo.unwind()
            throw error
        }
        return runtime
    }

    /// Creates the bridge with its settings and addresses, up to (not including) bringing it up.
    /// Registers its removal (the whole device group) first thing after it exists.
    func createBridge(_ bridge: InterfaceName, of network: NetworkDefinition, group: UInt32, undo: inout UndoStack) throws(PatchbayError) {
        try bridges.createBridge(bridge, of: network, group: group)
        let bridges = self.bridges
        undo.push { try? bridges.deleteGroup(group) }
    }

    /// The network's own `<bandwidth>` at its bridge, with its ports' floors.
    func applyShaping(of network: NetworkDefinition, bridge: InterfaceName, floors: [PortFloor], group: UInt32?) throws(PatchbayError) {
        guard let bandwidth = network.bandwidth, bandwidth.inbound?.average != nil || bandwidth.outbound?.average != nil else { return }
        try shaping.applyToNetwork(bandwidth, bridge: bridge, floors: floors, group: group)
    }

    /// The firewall a network with its own bridge needs; nil for open networks (no rules at all).
    func firewallPolicy(for network: NetworkDefinition, bridge: InterfaceName) throws(PatchbayError) -> FirewallPolicy? {
        let mode: FirewallPolicy.Mode
        switch network.kind {
        case .ownBridge(.isolated): mode = .isolated
        case .ownBridge(.nat): mode = .nat
        case .ownBridge(.route): mode = .route
        case .ownBridge(.open), .hostBridge, .directPool, .hostdevPool: return nil
        }
        var subnets: [FirewallPolicy.Subnet] = []
        for ip in network.ips {
            guard let bits = ip.effectivePrefix else { continue }
            subnets.append(FirewallPolicy.Subnet(address: ip.address, prefix: try PrefixLength(bits, family: ip.address.family)))
        }
        let nat = network.forward?.nat
        var addresses: ClosedRange<IPAddress>?
        if let start = nat?.addressStart {
            let end = nat?.addressEnd ?? start
            guard start <= end else { throw .xml("network '\(network.name)': NAT address range \(start)-\(end) is reversed") }
            addresses = start...end
        }
        var ports: ClosedRange<UInt16>?
        if let nat, nat.portStart != 0 {
            let end = nat.portEnd == 0 ? nat.portStart : nat.portEnd
            ports = UInt16(clamping: nat.portStart)...UInt16(clamping: max(end, nat.portStart))
        }
        return FirewallPolicy(networkName: network.name, bridge: bridge, mode: mode, subnets: subnets,
                              forwardDevice: try network.forward?.device.map { name throws(PatchbayError) in try InterfaceName(name) },
                              natAddresses: addresses, natPorts: ports, natIPv6: nat?.ipv6 == true)
    }

    /// A device group for the network: derived from its uuid (stable across restarts), never 0
    /// (every device's default) and not used by any device yet, so deleting it takes only ours.
    func freeDeviceGroup(for uuid: LibvirtUUID) throws(PatchbayError) -> UInt32 {
        try bridges.freeGroup(preferred: Self.deviceGroup(for: uuid))
    }

    /// The preferred device group of the network with `uuid`: 1 ... 2³²−2.
    public static func deviceGroup(for uuid: LibvirtUUID) -> UInt32 {
        let value = uuid.bytes.prefix(4).reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
        return 1 + value % (UInt32.max - 1)
    }
}
