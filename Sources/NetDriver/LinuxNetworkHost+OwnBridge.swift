import HostNet
import HostOS
import NetConf
import NetCore
import Netlink

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
        var runtime = NetworkRuntime(bridge: bridge.value, ownsBridge: true, deviceGroup: group)
        var undo = UndoStack()
        do {
            try createBridge(bridge, of: network, group: group, undo: &undo)
            if let policy = try firewallPolicy(for: network, bridge: bridge) {
                try firewall.apply(policy)
                let firewall = self.firewall
                undo.push { try? firewall.remove(tableName: policy.tableName) }
                runtime.firewallTable = policy.tableName
            }
            try links.setLink(bridge, up: true)
            try addRoutes(of: network, bridge: bridge)
            if let mode = network.forwardMode, mode == .nat || mode == .route || mode == .open {
                // Like libvirt, forwarding stays on after the network stops: other networks may need it.
                try Sysctl.enableForwarding(ipv6: network.ips.contains { $0.address.family == .ipv6 }, namespace: namespace)
            }
            if let dnsmasq {
                // Registered first: a dnsmasq that refuses to start has already got its files.
                undo.push {
                    try? dnsmasq.stop()
                    try? dnsmasq.removeFiles()
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
        let delay = UInt32(clamping: network.bridge.delay)
        try links.createLink(bridge, kind: .bridge(BridgeOptions(stp: network.bridge.stp, forwardDelay: delay)),
                             mtu: network.mtu, mac: network.mac, group: group)
        let links = self.links
        undo.push { try? links.deleteGroup(group) }
        try setIPv6Switches(of: network, bridge: bridge)
        for ip in network.ips {
            guard let bits = ip.effectivePrefix else {
                throw .internalError("network '\(network.name)': address \(ip.address) has no usable prefix")
            }
            try links.addAddress(ip.address, prefix: try PrefixLength(bits, family: ip.address.family), to: bridge)
        }
    }

    /// libvirt's IPv6 switches: a bridge without IPv6 addresses (and without `ipv6='yes'`) gets no
    /// IPv6 at all; one with them takes no router advertisements or autoconfiguration from guests.
    private func setIPv6Switches(of network: NetworkDefinition, bridge: InterfaceName) throws(PatchbayError) {
        let directory = "/proc/sys/net/ipv6/conf/\(bridge.value)"
        let hasIPv6 = network.ips.contains { $0.address.family == .ipv6 }
        if !hasIPv6 && !network.ipv6WithoutGateway {
            try Sysctl.write("1", to: ["\(directory)/disable_ipv6"], namespace: namespace)
        } else {
            try Sysctl.write("0", to: ["\(directory)/accept_ra", "\(directory)/autoconf"], namespace: namespace)
        }
    }

    /// The network's static routes, through gateways on its own subnets (removed with the bridge),
    /// each with its `metric` as the route's priority.
    func addRoutes(of network: NetworkDefinition, bridge: InterfaceName) throws(PatchbayError) {
        for route in network.routes {
            let bits: Int
            if let netmask = route.netmask {
                bits = try PrefixLength(netmask: netmask).value
            } else {
                bits = Int(route.prefix ?? 0)
            }
            try links.addRoute(to: route.address, prefix: try PrefixLength(bits, family: route.address.family),
                               via: route.gateway, device: bridge, metric: route.metric)
        }
    }

    /// The network's own `<bandwidth>` at its bridge, with its ports' floors.
    func applyShaping(of network: NetworkDefinition, bridge: InterfaceName, floors: [PortFloor], group: UInt32?) throws(PatchbayError) {
        guard let bandwidth = network.bandwidth, bandwidth.inbound?.average != nil || bandwidth.outbound?.average != nil else { return }
        try shaping.applyToNetwork(bandwidth, bridge: bridge, floors: floors, group: group)
    }

    /// The firewall a network with its own bridge needs; nil for open networks (no rules at all).
    func firewallPolicy(for network: NetworkDefinition, bridge: InterfaceName) throws(PatchbayError) -> FirewallPolicy? {
        let mode: FirewallPolicy.Mode
        switch network.forwardMode {
        case nil: mode = .isolated
        case .nat: mode = .nat
        case .route: mode = .route
        case .open, .bridge, .private, .vepa, .passthrough, .hostdev: return nil
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
        let used = Set(try links.linkSummaries().map(\.group))
        var candidate = Self.deviceGroup(for: uuid)
        while used.contains(candidate) {
            candidate = candidate == UInt32.max - 1 ? 1 : candidate + 1
        }
        return candidate
    }

    /// The preferred device group of the network with `uuid`: 1 ... 2³²−2.
    public static func deviceGroup(for uuid: LibvirtUUID) -> UInt32 {
        let value = uuid.bytes.prefix(4).reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
        return 1 + value % (UInt32.max - 1)
    }
}
