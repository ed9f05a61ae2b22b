/// `remote_connect_num_of_networks_ret` / `..._defined_networks_ret`: `{int num}`.
public typealias ConnectNumOfNetworksRet = IntRet

/// `remote_connect_list_networks_args` / `..._defined_networks_args`: the old name-list calls.
public struct ConnectListNetworksArgs: XDRCodable, Hashable {
    /// How many names the client has room for.
    public var maxNames: Int32

    /// Creates the arguments.
    public init(maxNames: Int32) { self.maxNames = maxNames }

    /// Writes `{int maxnames}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { encoder.encode(maxNames) }

    /// Reads `{int maxnames}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) { maxNames = try decoder.decode(Int32.self) }
}

/// `remote_connect_list_networks_ret` / `..._defined_networks_ret`.
public struct ConnectListNetworksRet: XDRCodable, Hashable {
    /// Network names.
    public var names: [String]

    /// Creates the result.
    public init(names: [String]) { self.names = names }

    /// Writes `{remote_nonnull_string names<REMOTE_NETWORK_LIST_MAX>}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeArray(names, maxCount: RemoteLimits.networkList) {
            (encoder: inout XDREncoder, name: String) throws(XDRError) in
            try encoder.encodeString(name, maxLength: RemoteLimits.string)
        }
    }

    /// Reads `{remote_nonnull_string names<REMOTE_NETWORK_LIST_MAX>}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        names = try decoder.decodeArray(maxCount: RemoteLimits.networkList) {
            (decoder: inout XDRDecoder) throws(XDRError) in try decoder.decodeString(maxLength: RemoteLimits.string)
        }
    }
}

/// `{int need_results; unsigned int flags}`: the `CONNECT_LIST_ALL_*` arguments.
public struct ListAllArgs: XDRCodable, Hashable {
    /// 0 when the client only wants the count.
    public var needResults: Int32
    /// Filter flags (e.g. VIR_CONNECT_LIST_NETWORKS_ACTIVE | _INACTIVE = 3); the server filters.
    public var flags: UInt32

    /// Creates the arguments.
    public init(needResults: Int32, flags: UInt32) {
        self.needResults = needResults
        self.flags = flags
    }

    /// Writes `{need_results; flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        encoder.encode(needResults)
        encoder.encode(flags)
    }

    /// Reads `{need_results; flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        needResults = try decoder.decode(Int32.self)
        flags = try decoder.decode(UInt32.self)
    }
}

/// `remote_connect_list_all_networks_args`.
public typealias ConnectListAllNetworksArgs = ListAllArgs

/// `remote_connect_list_all_networks_ret`.
public struct ConnectListAllNetworksRet: XDRCodable, Hashable {
    /// The matching networks (empty when the client did not need results).
    public var networks: [NetworkReference]
    /// The number of matches.
    public var count: UInt32

    /// Creates the result.
    public init(networks: [NetworkReference], count: UInt32) {
        self.networks = networks
        self.count = count
    }

    /// Writes `{remote_nonnull_network nets<REMOTE_NETWORK_LIST_MAX>; unsigned int ret}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeArray(networks, maxCount: RemoteLimits.networkList)
        encoder.encode(count)
    }

    /// Reads `{remote_nonnull_network nets<REMOTE_NETWORK_LIST_MAX>; unsigned int ret}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        networks = try decoder.decodeArray(NetworkReference.self, maxCount: RemoteLimits.networkList)
        count = try decoder.decode(UInt32.self)
    }
}

/// `remote_network_dhcp_lease`: one lease from the network's dnsmasq.
public struct NetworkDHCPLease: XDRCodable, Hashable {
    /// The network's bridge interface.
    public var interface: String
    /// Seconds since the epoch when the lease expires.
    public var expiryTime: Int64
    /// VIR_IP_ADDR_TYPE_IPV4 (0) or _IPV6 (1).
    public var type: Int32
    /// The client MAC (absent for some IPv6 leases).
    public var mac: String?
    /// The IPv6 IAID.
    public var iaid: String?
    /// The leased address.
    public var ipAddress: String
    /// The address prefix length.
    public var prefix: UInt32
    /// The client's hostname, if it sent one.
    public var hostname: String?
    /// The DHCP client id.
    public var clientID: String?

    /// Creates a lease.
    public init(
        interface: String, expiryTime: Int64, type: Int32, mac: String?, iaid: String?,
        ipAddress: String, prefix: UInt32, hostname: String?, clientID: String?
    ) {
        self.interface = interface
        self.expiryTime = expiryTime
        self.type = type
        self.mac = mac
        self.iaid = iaid
        self.ipAddress = ipAddress
        self.prefix = prefix
        self.hostname = hostname
        self.clientID = clientID
    }

    /// Writes the nine fields in libvirt's order.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeString(interface, maxLength: RemoteLimits.string)
        encoder.encode(expiryTime)
        encoder.encode(type)
        try encoder.encodeOptionalString(mac, maxLength: RemoteLimits.string)
        try encoder.encodeOptionalString(iaid, maxLength: RemoteLimits.string)
        try encoder.encodeString(ipAddress, maxLength: RemoteLimits.string)
        encoder.encode(prefix)
        try encoder.encodeOptionalString(hostname, maxLength: RemoteLimits.string)
        try encoder.encodeOptionalString(clientID, maxLength: RemoteLimits.string)
    }

    /// Reads the nine fields in libvirt's order.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        interface = try decoder.decodeString(maxLength: RemoteLimits.string)
        expiryTime = try decoder.decode(Int64.self)
        type = try decoder.decode(Int32.self)
        mac = try decoder.decodeOptionalString(maxLength: RemoteLimits.string)
        iaid = try decoder.decodeOptionalString(maxLength: RemoteLimits.string)
        ipAddress = try decoder.decodeString(maxLength: RemoteLimits.string)
        prefix = try decoder.decode(UInt32.self)
        hostname = try decoder.decodeOptionalString(maxLength: RemoteLimits.string)
        clientID = try decoder.decodeOptionalString(maxLength: RemoteLimits.string)
    }
}

/// `remote_network_get_dhcp_leases_args`.
public struct NetworkGetDHCPLeasesArgs: XDRCodable, Hashable {
    /// The network.
    public var network: NetworkReference
    /// Only leases for this MAC, or all when absent.
    public var mac: String?
    /// 0 when the client only wants the count.
    public var needResults: Int32
    /// Reserved flags.
    public var flags: UInt32

    /// Creates the arguments.
    public init(network: NetworkReference, mac: String?, needResults: Int32, flags: UInt32 = 0) {
        self.network = network
        self.mac = mac
        self.needResults = needResults
        self.flags = flags
    }

    /// Writes `{net; remote_string mac; int need_results; unsigned int flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encode(network)
        try encoder.encodeOptionalString(mac, maxLength: RemoteLimits.string)
        encoder.encode(needResults)
        encoder.encode(flags)
    }

    /// Reads `{net; remote_string mac; int need_results; unsigned int flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        network = try decoder.decode(NetworkReference.self)
        mac = try decoder.decodeOptionalString(maxLength: RemoteLimits.string)
        needResults = try decoder.decode(Int32.self)
        flags = try decoder.decode(UInt32.self)
    }
}

/// `remote_network_get_dhcp_leases_ret`.
public struct NetworkGetDHCPLeasesRet: XDRCodable, Hashable {
    /// The leases (empty when the client did not need results).
    public var leases: [NetworkDHCPLease]
    /// The number of leases.
    public var count: UInt32

    /// Creates the result.
    public init(leases: [NetworkDHCPLease], count: UInt32) {
        self.leases = leases
        self.count = count
    }

    /// Writes `{leases<REMOTE_NETWORK_DHCP_LEASES_MAX>; unsigned int ret}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeArray(leases, maxCount: RemoteLimits.dhcpLeases)
        encoder.encode(count)
    }

    /// Reads `{leases<REMOTE_NETWORK_DHCP_LEASES_MAX>; unsigned int ret}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        leases = try decoder.decodeArray(NetworkDHCPLease.self, maxCount: RemoteLimits.dhcpLeases)
        count = try decoder.decode(UInt32.self)
    }
}
