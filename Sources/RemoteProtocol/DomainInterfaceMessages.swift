import NetCore

/// `remote_domain_get_interface_parameters_args` (`domiftune` without values).
///
/// A client first sends `parameterCount` 0 to learn how many there are, then asks for them.
public struct DomainGetInterfaceParametersArgs: XDRStruct, Hashable {
    public var domain: DomainReference
    /// The NIC: its target dev or MAC.
    public var device: String
    /// How many parameters the client has room for; 0 asks for the count only.
    public var parameterCount: Int32
    /// `virDomainModificationImpact` plus VIR_TYPED_PARAM_STRING_OKAY (4).
    public var flags: UInt32

    public init(domain: DomainReference, device: String, parameterCount: Int32, flags: UInt32 = 0) {
        self.domain = domain
        self.device = device
        self.parameterCount = parameterCount
        self.flags = flags
    }

    /// `{dom; remote_nonnull_string device; int nparams; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .field(\.domain), .string(\.device, max: RemoteLimits.string), .field(\.parameterCount), .field(\.flags)
    )
}

/// `remote_domain_get_interface_parameters_ret`.
public struct DomainGetInterfaceParametersRet: XDRStruct, Hashable {
    /// The parameters (empty when the client asked for the count).
    public var parameters: [TypedParameter]
    /// How many there are.
    public var parameterCount: Int32

    public init(parameters: [TypedParameter], parameterCount: Int32) {
        self.parameters = parameters
        self.parameterCount = parameterCount
    }

    /// `{remote_typed_param params<REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX>; int nparams}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .array(\.parameters, max: RemoteLimits.domainInterfaceParameters), .field(\.parameterCount)
    )
}

/// `remote_domain_set_interface_parameters_args` (`domiftune` with values).
public struct DomainSetInterfaceParametersArgs: XDRStruct, Hashable {
    public var domain: DomainReference
    /// The NIC: its target dev or MAC.
    public var device: String
    /// The values to change; the others stay.
    public var parameters: [TypedParameter]
    /// `virDomainModificationImpact`.
    public var flags: UInt32

    public init(domain: DomainReference, device: String, parameters: [TypedParameter], flags: UInt32 = 0) {
        self.domain = domain
        self.device = device
        self.parameters = parameters
        self.flags = flags
    }

    /// `{dom; remote_nonnull_string device; remote_typed_param params<REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX>; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .field(\.domain), .string(\.device, max: RemoteLimits.string),
        .array(\.parameters, max: RemoteLimits.domainInterfaceParameters), .field(\.flags)
    )
}

/// `remote_domain_interface_stats_args` (`domifstat`).
public struct DomainInterfaceStatsArgs: XDRStruct, Hashable {
    public var domain: DomainReference
    /// The NIC: its target dev or MAC.
    public var path: String

    public init(domain: DomainReference, path: String) {
        self.domain = domain
        self.path = path
    }

    /// `{dom; remote_nonnull_string path}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.domain), .string(\.path, max: RemoteLimits.string))
}

/// `remote_domain_interface_stats_ret`: eight `hyper` counters, -1 when unknown.
public struct DomainInterfaceStatsRet: XDRStruct, Hashable {
    public var rxBytes: Int64
    public var rxPackets: Int64
    public var rxErrors: Int64
    public var rxDrops: Int64
    public var txBytes: Int64
    public var txPackets: Int64
    public var txErrors: Int64
    public var txDrops: Int64

    public init(rxBytes: Int64, rxPackets: Int64, rxErrors: Int64, rxDrops: Int64,
                txBytes: Int64, txPackets: Int64, txErrors: Int64, txDrops: Int64) {
        self.rxBytes = rxBytes
        self.rxPackets = rxPackets
        self.rxErrors = rxErrors
        self.rxDrops = rxDrops
        self.txBytes = txBytes
        self.txPackets = txPackets
        self.txErrors = txErrors
        self.txDrops = txDrops
    }

    /// `{hyper rx_bytes; rx_packets; rx_errs; rx_drop; tx_bytes; tx_packets; tx_errs; tx_drop}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .field(\.rxBytes), .field(\.rxPackets), .field(\.rxErrors), .field(\.rxDrops),
        .field(\.txBytes), .field(\.txPackets), .field(\.txErrors), .field(\.txDrops)
    )
}

/// `remote_domain_interface_addresses_args` (`domifaddr`).
public struct DomainInterfaceAddressesArgs: XDRStruct, Hashable {
    public var domain: DomainReference
    /// `virDomainInterfaceAddressesSource`: lease 0, agent 1, arp 2.
    public var source: UInt32
    /// Reserved.
    public var flags: UInt32

    public init(domain: DomainReference, source: UInt32, flags: UInt32 = 0) {
        self.domain = domain
        self.source = source
        self.flags = flags
    }

    /// `{dom; unsigned int source; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.domain), .field(\.source), .field(\.flags))
}

/// `remote_domain_ip_addr`.
public struct DomainIPAddress: XDRStruct, Hashable {
    /// VIR_IP_ADDR_TYPE_IPV4 (0) or _IPV6 (1).
    public var type: Int32
    /// The address as text.
    public var address: String
    /// Prefix length.
    public var prefix: UInt32

    public init(type: Int32, address: String, prefix: UInt32) {
        self.type = type
        self.address = address
        self.prefix = prefix
    }

    /// `{int type; remote_nonnull_string addr; unsigned int prefix}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.type), .string(\.address, max: RemoteLimits.string), .field(\.prefix))
}

/// `remote_domain_interface`: one NIC and its addresses.
public struct DomainInterfaceMessage: XDRStruct, Hashable {
    /// The NIC's target dev.
    public var name: String
    /// Its MAC, when known.
    public var hardwareAddress: String?
    /// Its addresses.
    public var addresses: [DomainIPAddress]

    public init(name: String, hardwareAddress: String?, addresses: [DomainIPAddress]) {
        self.name = name
        self.hardwareAddress = hardwareAddress
        self.addresses = addresses
    }

    /// `{remote_nonnull_string name; remote_string hwaddr; remote_domain_ip_addr addrs<REMOTE_DOMAIN_IP_ADDR_MAX>}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .string(\.name, max: RemoteLimits.string), .string(\.hardwareAddress, max: RemoteLimits.string),
        .array(\.addresses, max: RemoteLimits.domainIPAddresses)
    )
}

/// `remote_domain_interface_addresses_ret`.
public struct DomainInterfaceAddressesRet: XDRStruct, Hashable {
    /// One entry per NIC.
    public var interfaces: [DomainInterfaceMessage]

    public init(interfaces: [DomainInterfaceMessage]) { self.interfaces = interfaces }

    /// `{remote_domain_interface ifaces<REMOTE_DOMAIN_INTERFACE_MAX>}`.
    public static let xdrLayout = XDRLayout(Self.init, .array(\.interfaces, max: RemoteLimits.domainInterfaces))
}
