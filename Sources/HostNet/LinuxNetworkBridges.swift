import HostOS
import NetConf
import NetCore
import Netlink

/// The real `NetworkBridges`: rtnetlink for links, addresses and routes, sysctl files for the IPv6
/// switches and forwarding, in one network namespace (the caller's, or a namespace file).
public struct LinuxNetworkBridges: NetworkBridges {
    /// The namespace file worked in; nil for the caller's namespace.
    public let namespace: String?
    private let links: Rtnetlink

    /// Bridges in `namespace` (a file such as `/run/netns/NAME`; nil = the caller's own).
    public init(namespace: String? = nil) throws(PatchbayError) {
        self.namespace = namespace
        links = try Rtnetlink(in: namespace)
    }

    public func createBridge(_ bridge: InterfaceName, of network: NetworkDefinition, group: UInt32) throws(PatchbayError) {
        let delay = UInt32(clamping: network.bridge.delay)
        try links.createLink(bridge, kind: .bridge(BridgeOptions(stp: network.bridge.stp, forwardDelay: delay)),
                             mtu: network.mtu, mac: network.mac, group: group)
        do throws(PatchbayError) {
            try setIPv6Switches(of: network, bridge: bridge)
            for ip in network.ips {
                guard let bits = ip.effectivePrefix else {
                    throw PatchbayError.internalError("network '\(network.name)': address \(ip.address) has no usable prefix")
                }
                try links.addAddress(ip.address, prefix: try PrefixLength(bits, family: ip.address.family), to: bridge)
            }
        } catch {
            try? links.deleteGroup(group)
            throw error
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

    /// Up, then the network's static routes, through gateways on its own subnets (removed with the
    /// bridge), each with its `metric` as the route's priority.
    public func activateBridge(_ bridge: InterfaceName, of network: NetworkDefinition) throws(PatchbayError) {
        try links.setLink(bridge, up: true)
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

    public func enableForwarding(ipv6: Bool) throws(PatchbayError) {
        try Sysctl.enableForwarding(ipv6: ipv6, namespace: namespace)
    }

    public func deleteGroup(_ group: UInt32) throws(PatchbayError) {
        try links.deleteGroup(group)
    }

    public func group(of name: InterfaceName) throws(PatchbayError) -> UInt32? {
        try links.link(named: name)?.group
    }

    public func usedGroups() throws(PatchbayError) -> Set<UInt32> {
        Set(try links.linkSummaries().map(\.group))
    }

    public func deviceNames() throws(PatchbayError) -> Set<String> {
        try links.linkNames()
    }

    public func bridgeNames() throws(PatchbayError) -> Set<String> {
        Set(try links.linkSummaries().filter { $0.kind == "bridge" }.map(\.name))
    }

    public func checkHostBridge(_ name: String, of network: NetworkDefinition) throws(PatchbayError) -> InterfaceName {
        let bridge = try InterfaceName(name)
        guard let link = try links.link(named: bridge) else {
            throw PatchbayError(.operationFailed,
                                "network '\(network.name)' uses host bridge '\(name)', which does not exist (create it first; Patchbay does not create bridges of forward mode 'bridge')")
        }
        guard link.kind == "bridge" else {
            throw PatchbayError(.operationFailed,
                                "network '\(network.name)' uses host bridge '\(name)', but '\(name)' is a \(link.kind ?? "physical") device, not a bridge")
        }
        return bridge
    }

    public func checkPool(of network: NetworkDefinition) throws(PatchbayError) {
        let mode = network.forwardMode?.rawValue ?? "none"
        let names = network.forward?.pool.compactMap(\.interfaceName) ?? []
        guard !names.isEmpty else {
            throw PatchbayError(.operationFailed,
                                "network '\(network.name)' with forward mode '\(mode)' has no forward devices (give <forward dev=...> or <interface dev=...>)")
        }
        for name in names {
            let device = try InterfaceName(name)
            guard try links.link(named: device) != nil else {
                throw PatchbayError(.operationFailed,
                                    "network '\(network.name)' with forward mode '\(mode)' uses forward device '\(name)', which does not exist on this host")
            }
        }
    }
}
