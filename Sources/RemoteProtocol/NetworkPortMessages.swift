import NetCore

/// `remote_network_list_all_ports_args`.
public struct NetworkListAllPortsArgs: XDRStruct, Hashable {
    /// The network whose ports are listed.
    public var network: NetworkReference
    /// 0 when the client only wants the count.
    public var needResults: Int32
    /// Reserved flags.
    public var flags: UInt32

    public init(network: NetworkReference, needResults: Int32, flags: UInt32 = 0) {
        self.network = network
        self.needResults = needResults
        self.flags = flags
    }

    /// `{remote_nonnull_network net; int need_results; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.network), .field(\.needResults), .field(\.flags))
}

/// `remote_network_list_all_ports_ret`.
public struct NetworkListAllPortsRet: XDRStruct, Hashable {
    /// The ports (empty when the client did not need results).
    public var ports: [NetworkPortReference]
    /// The number of ports.
    public var count: UInt32

    public init(ports: [NetworkPortReference], count: UInt32) {
        self.ports = ports
        self.count = count
    }

    /// `{remote_nonnull_network_port ports<REMOTE_NETWORK_PORT_LIST_MAX>; unsigned int ret}`.
    public static let xdrLayout = XDRLayout(Self.init, .array(\.ports, max: RemoteLimits.networkPortList), .field(\.count))
}

/// `remote_network_port_lookup_by_uuid_args`: `{net; remote_uuid uuid}`, the same wire layout
/// (and fields) as a port reference.
public typealias NetworkPortLookupByUUIDArgs = NetworkPortReference

/// `remote_network_port_create_xml_args`.
public struct NetworkPortCreateXMLArgs: XDRStruct, Hashable {
    /// The network that gets the port.
    public var network: NetworkReference
    /// The `<networkport>` document.
    public var xml: String
    /// VIR_NETWORK_PORT_CREATE_RECLAIM / _VALIDATE.
    public var flags: UInt32

    public init(network: NetworkReference, xml: String, flags: UInt32 = 0) {
        self.network = network
        self.xml = xml
        self.flags = flags
    }

    /// `{remote_nonnull_network net; remote_nonnull_string xml; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.network), .string(\.xml, max: RemoteLimits.string), .field(\.flags))
}

/// A result or argument holding only a `remote_nonnull_network_port`.
public struct NetworkPortMessage: XDRStruct, Hashable {
    public var port: NetworkPortReference

    public init(_ port: NetworkPortReference) { self.port = port }

    /// `{remote_nonnull_network_port port}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.port))
}

/// `remote_network_port_lookup_by_uuid_ret`.
public typealias NetworkPortLookupByUUIDRet = NetworkPortMessage
/// `remote_network_port_create_xml_ret`.
public typealias NetworkPortCreateXMLRet = NetworkPortMessage

/// `{remote_nonnull_network_port port; unsigned int flags}`.
public struct NetworkPortFlagsArgs: XDRStruct, Hashable {
    public var port: NetworkPortReference
    /// Procedure-specific flags.
    public var flags: UInt32

    public init(port: NetworkPortReference, flags: UInt32 = 0) {
        self.port = port
        self.flags = flags
    }

    /// `{remote_nonnull_network_port port; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.port), .field(\.flags))
}

/// `remote_network_port_get_xml_desc_args`.
public typealias NetworkPortGetXMLDescArgs = NetworkPortFlagsArgs
/// `remote_network_port_get_xml_desc_ret`: `{xml}`.
public typealias NetworkPortGetXMLDescRet = StringMessage
/// `remote_network_port_delete_args`.
public typealias NetworkPortDeleteArgs = NetworkPortFlagsArgs

/// `remote_network_port_get_parameters_args`.
///
/// Clients call twice: first with `nparams` 0 to learn the count, then with that count.
public struct NetworkPortGetParametersArgs: XDRStruct, Hashable {
    public var port: NetworkPortReference
    /// How many parameters the client has room for (0: just report the count).
    public var parameterCount: Int32
    /// VIR_TYPED_PARAM_STRING_OKAY and friends.
    public var flags: UInt32

    public init(port: NetworkPortReference, parameterCount: Int32, flags: UInt32 = 0) {
        self.port = port
        self.parameterCount = parameterCount
        self.flags = flags
    }

    /// `{remote_nonnull_network_port port; int nparams; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.port), .field(\.parameterCount), .field(\.flags))
}

/// `remote_network_port_get_parameters_ret`.
public struct NetworkPortGetParametersRet: XDRStruct, Hashable {
    /// The parameters (empty when the client asked for the count only).
    public var params: [TypedParameter]
    /// How many parameters the port has.
    public var parameterCount: Int32

    public init(params: [TypedParameter], parameterCount: Int32) {
        self.params = params
        self.parameterCount = parameterCount
    }

    /// `{remote_typed_param params<REMOTE_NETWORK_PORT_PARAMETERS_MAX>; int nparams}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .array(\.params, max: RemoteLimits.networkPortParameters), .field(\.parameterCount)
    )
}

/// `remote_network_port_set_parameters_args`.
public struct NetworkPortSetParametersArgs: XDRStruct, Hashable {
    public var port: NetworkPortReference
    /// The new values; names from `NetworkPortParameterName`.
    public var params: [TypedParameter]
    /// Reserved flags.
    public var flags: UInt32

    public init(port: NetworkPortReference, params: [TypedParameter], flags: UInt32 = 0) {
        self.port = port
        self.params = params
        self.flags = flags
    }

    /// `{remote_nonnull_network_port port; remote_typed_param params<REMOTE_NETWORK_PORT_PARAMETERS_MAX>; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .field(\.port), .array(\.params, max: RemoteLimits.networkPortParameters), .field(\.flags)
    )
}
