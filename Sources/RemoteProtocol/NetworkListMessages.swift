/// `remote_connect_num_of_networks_ret` / `..._defined_networks_ret`: `{int num}`.
public typealias ConnectNumOfNetworksRet = IntRet

/// `remote_connect_list_networks_args` / `..._defined_networks_args`: the old name-list calls.
public struct ConnectListNetworksArgs: XDRStruct, Hashable {
    /// How many names the client has room for.
    public var maxNames: Int32

    public init(maxNames: Int32) { self.maxNames = maxNames }

    /// `{int maxnames}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.maxNames))
}

/// `remote_connect_list_networks_ret` / `..._defined_networks_ret`.
public struct ConnectListNetworksRet: XDRStruct, Hashable {
    /// Network names.
    public var names: [String]

    public init(names: [String]) { self.names = names }

    /// `{remote_nonnull_string names<REMOTE_NETWORK_LIST_MAX>}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .strings(\.names, max: RemoteLimits.networkList, elementMax: RemoteLimits.string)
    )
}

/// `{int need_results; unsigned int flags}`: the `CONNECT_LIST_ALL_*` arguments.
public struct ListAllArgs: XDRStruct, Hashable {
    /// 0 when the client only wants the count.
    public var needResults: Int32
    /// Filter flags (e.g. VIR_CONNECT_LIST_NETWORKS_ACTIVE | _INACTIVE = 3); the server filters.
    public var flags: UInt32

    public init(needResults: Int32, flags: UInt32) {
        self.needResults = needResults
        self.flags = flags
    }

    /// `{int need_results; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.needResults), .field(\.flags))
}

/// `remote_connect_list_all_networks_args`.
public typealias ConnectListAllNetworksArgs = ListAllArgs

/// `remote_connect_list_all_networks_ret`.
public struct ConnectListAllNetworksRet: XDRStruct, Hashable {
    /// The matching networks (empty when the client did not need results).
    public var networks: [NetworkReference]
    /// The number of matches.
    public var count: UInt32

    public init(networks: [NetworkReference], count: UInt32) {
        self.networks = networks
        self.count = count
    }

    /// `{remote_nonnull_network nets<REMOTE_NETWORK_LIST_MAX>; unsigned int ret}`.
    public static let xdrLayout = XDRLayout(Self.init, .array(\.networks, max: RemoteLimits.networkList), .field(\.count))
}

/// `remote_network_dhcp_lease`: one lease from the network's dnsmasq.
public struct NetworkDHCPLease: XDRStruct, Hashable {
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

    /// `remote_network_dhcp_lease`, every string bounded by REMOTE_STRING_MAX.
    public static let xdrLayout = XDRLayout(
        Self.init, .string(\.interface, max: RemoteLimits.string), .field(\.expiryTime), .field(\.type),
        .string(\.mac, max: RemoteLimits.string), .string(\.iaid, max: RemoteLimits.string),
        .string(\.ipAddress, max: RemoteLimits.string), .field(\.prefix), .string(\.hostname, max: RemoteLimits.string),
        .string(\.clientID, max: RemoteLimits.string)
    )
}

/// `remote_network_get_dhcp_leases_args`.
public struct NetworkGetDHCPLeasesArgs: XDRStruct, Hashable {
    public var network: NetworkReference
    /// Only leases for this MAC, or all when absent.
    public var mac: String?
    /// 0 when the client only wants the count.
    public var needResults: Int32
    /// Reserved flags.
    public var flags: UInt32

    public init(network: NetworkReference, mac: String?, needResults: Int32, flags: UInt32 = 0) {
        self.network = network
        self.mac = mac
        self.needResults = needResults
        self.flags = flags
    }

    /// `{remote_nonnull_network net; remote_string mac; int need_results; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .field(\.network), .string(\.mac, max: RemoteLimits.string), .field(\.needResults), .field(\.flags)
    )
}

/// `remote_network_get_dhcp_leases_ret`.
public struct NetworkGetDHCPLeasesRet: XDRStruct, Hashable {
    /// The leases (empty when the client did not need results).
    public var leases: [NetworkDHCPLease]
    /// The number of leases.
    public var count: UInt32

    public init(leases: [NetworkDHCPLease], count: UInt32) {
        self.leases = leases
        self.count = count
    }

    /// `{remote_network_dhcp_lease leases<REMOTE_NETWORK_DHCP_LEASES_MAX>; unsigned int ret}`.
    public static let xdrLayout = XDRLayout(Self.init, .array(\.leases, max: RemoteLimits.dhcpLeases), .field(\.count))
}
