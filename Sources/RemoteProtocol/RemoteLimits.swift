/// The maxima libvirt declares for variable-length data (`remote_protocol.x` constants).
///
/// Both directions enforce them: a decoder refuses longer input before allocating, and an
/// encoder refuses to send what a libvirt peer would refuse.
public enum RemoteLimits {
    /// REMOTE_STRING_MAX: every `remote_nonnull_string`.
    public static let string: UInt32 = 4_194_304
    /// REMOTE_NETWORK_LIST_MAX: names or networks in one list reply.
    public static let networkList: UInt32 = 16_384
    /// REMOTE_NETWORK_PORT_LIST_MAX: ports in one list reply.
    public static let networkPortList: UInt32 = 16_384
    /// REMOTE_INTERFACE_LIST_MAX.
    public static let interfaceList: UInt32 = 16_384
    /// REMOTE_NODE_DEVICE_LIST_MAX.
    public static let nodeDeviceList: UInt32 = 16_384
    /// REMOTE_AUTH_TYPE_LIST_MAX: entries in the AUTH_LIST reply.
    public static let authTypeList: UInt32 = 20
    /// REMOTE_NETWORK_DHCP_LEASES_MAX.
    public static let dhcpLeases: UInt32 = 65_536
    /// REMOTE_NETWORK_PORT_PARAMETERS_MAX: typed parameters of a port.
    public static let networkPortParameters: UInt32 = 16
    /// REMOTE_CONNECT_IDENTITY_PARAMS_MAX: typed parameters of CONNECT_SET_IDENTITY.
    public static let identityParameters: UInt32 = 20
    /// REMOTE_DOMAIN_LIST_MAX: domains, names or ids in one list reply.
    public static let domainList: UInt32 = 16_384
    /// REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX: typed parameters of `domiftune`.
    public static let domainInterfaceParameters: UInt32 = 16
    /// REMOTE_DOMAIN_INTERFACE_MAX: NICs in one `domifaddr` reply.
    public static let domainInterfaces: UInt32 = 2_048
    /// REMOTE_DOMAIN_IP_ADDR_MAX: addresses of one NIC.
    public static let domainIPAddresses: UInt32 = 2_048
    /// REMOTE_SECURITY_MODEL_MAX and REMOTE_SECURITY_DOI_MAX (VIR_SECURITY_*_BUFLEN).
    public static let securityModel: UInt32 = 257
}
