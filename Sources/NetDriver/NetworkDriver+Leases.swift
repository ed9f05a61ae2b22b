import HostNet
import NetConf
import NetCore

/// Where a network's DHCP leases can be read: dnsmasq's lease database, the bridge the leases
/// were given on, and the prefix of each address family (leases carry none themselves).
public struct DHCPLeaseSource: Sendable, Equatable {
    /// dnsmasq's `--dhcp-leasefile`.
    public var leaseFile: String
    /// The bridge (libvirt's lease `iface`).
    public var bridge: String
    /// Prefix of the network's IPv4 addresses (24 when none is given).
    public var ipv4Prefix: UInt32
    /// Prefix of the network's IPv6 addresses (64 when none is given).
    public var ipv6Prefix: UInt32
}

extension NetworkDriver {
    /// The lease source of an active network (virNetworkGetDHCPLeases).
    public func dhcpLeaseSource(name: String) throws(PatchbayError) -> DHCPLeaseSource {
        try lock.withLock { () throws(PatchbayError) in
            let object = try object(named: name)
            guard let live = object.live else { throw PatchbayError(.operationInvalid, "network '\(name)' is not active") }
            let paths = DnsmasqPaths(stateDirectory: hostStateDirectory(name), networkName: name)
            func prefix(_ family: IPFamily, _ fallback: UInt32) -> UInt32 {
                live.ips.first { $0.address.family == family }?.effectivePrefix.map { UInt32($0) } ?? fallback
            }
            return DHCPLeaseSource(leaseFile: paths.leaseFile, bridge: object.runtime?.bridge ?? live.bridge.name ?? "",
                                   ipv4Prefix: prefix(.ipv4, 24), ipv6Prefix: prefix(.ipv6, 64))
        }
    }
}
