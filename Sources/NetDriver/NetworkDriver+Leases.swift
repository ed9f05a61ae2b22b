import HostNet
import NetConf
import NetCore

/// One DHCP lease of an active network, as virNetworkGetDHCPLeases reports it.
public struct DHCPLease: Sendable, Equatable {
    /// The bridge the lease was given on (libvirt's lease `iface`).
    public var interface: String
    /// Seconds since the epoch when the lease expires.
    public var expiryTime: Int64
    /// The leased address's family.
    public var family: IPFamily
    /// The client's MAC, lowercased (IPv6 leases name an IAID instead).
    public var mac: String?
    /// The IPv6 IAID.
    public var iaid: String?
    /// The leased address.
    public var address: String
    /// The prefix of the network's addresses of that family (leases carry none themselves).
    public var prefix: UInt32
    /// The client's hostname, if it sent one.
    public var hostname: String?
    /// The DHCP client id.
    public var clientID: String?

    /// A lease.
    public init(interface: String, expiryTime: Int64, family: IPFamily, mac: String?, iaid: String?, address: String,
                prefix: UInt32, hostname: String?, clientID: String?) {
        self.interface = interface
        self.expiryTime = expiryTime
        self.family = family
        self.mac = mac
        self.iaid = iaid
        self.address = address
        self.prefix = prefix
        self.hostname = hostname
        self.clientID = clientID
    }
}

/// Where a network's DHCP leases can be read: dnsmasq's lease database, the bridge the leases
/// were given on, and the prefix of each address family.
struct DHCPLeaseSource: Sendable, Equatable {
    /// dnsmasq's `--dhcp-leasefile`.
    var leaseFile: String
    /// The bridge (libvirt's lease `iface`).
    var bridge: String
    /// Prefix of the network's IPv4 addresses (24 when none is given).
    var ipv4Prefix: UInt32
    /// Prefix of the network's IPv6 addresses (64 when none is given).
    var ipv6Prefix: UInt32
}

extension NetworkDriver {
    /// The DHCP leases of the active network `name`, only those of `mac` when given
    /// (virNetworkGetDHCPLeases); none before dnsmasq has handed out its first.
    public func dhcpLeases(name: String, mac: String? = nil) throws(PatchbayError) -> [DHCPLease] {
        let source = try dhcpLeaseSource(name: name)
        // Read outside the driver's lock: dnsmasq rewrites the file whenever it likes anyway.
        return DnsmasqLeases.read(source.leaseFile, mac: mac).map { lease in
            DHCPLease(interface: source.bridge, expiryTime: lease.expiryTime, family: lease.family, mac: lease.mac,
                      iaid: lease.iaid, address: lease.address,
                      prefix: lease.family == .ipv6 ? source.ipv6Prefix : source.ipv4Prefix,
                      hostname: lease.hostname, clientID: lease.clientID)
        }
    }

    /// The lease source of an active network.
    func dhcpLeaseSource(name: String) throws(PatchbayError) -> DHCPLeaseSource {
        try lock.withLock { () throws(PatchbayError) in
            let object = try object(named: name)
            guard let live = object.live else { throw PatchbayError(.operationInvalid, "network '\(name)' is not active") }
            let paths = DnsmasqPaths(stateDirectory: hostStateDirectory(name), networkName: name)
            func prefix(_ family: IPFamily, _ fallback: UInt32) -> UInt32 {
                live.ips.first { $0.address.family == family }?.effectivePrefix.map { UInt32($0) } ?? fallback
            }
            return DHCPLeaseSource(leaseFile: paths.leaseFile, bridge: object.runtime?.bridge?.value ?? live.bridge.name ?? "",
                                   ipv4Prefix: prefix(.ipv4, 24), ipv6Prefix: prefix(.ipv6, 64))
        }
    }
}
