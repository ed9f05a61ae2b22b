import NetCore

/// `remote_network_list_all_ports_args`.
public struct NetworkListAllPortsArgs: XDRCodable, Hashable {
    /// The network whose ports are listed.
    public var network: NetworkReference
    /// 0 when the client only wants the count.
    public var needResults: Int32
    /// Reserved flags.
    public var flags: UInt32

    /// Creates the arguments.
    public init(network: NetworkReference, needResults: Int32, flags: UInt32 = 0) {
        self.network = network
        self.needResults = needResults
        self.flags = flags
    }

    /// Writes `{net; int need_results; unsigned int flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encode(network)
        encoder.encode(needResults)
        encoder.encode(flags)
    }

    /// Reads `{net; int need_results; unsigned int flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        network = try decoder.decode(NetworkReference.self)
        needResults = try decoder.decode(Int32.self)
        flags = try decoder.decode(UInt32.self)
    }
}

/// `remote_network_list_all_ports_ret`.
public struct NetworkListAllPortsRet: XDRCodable, Hashable {
    /// The ports (empty when the client did not need results).
    public var ports: [NetworkPortReference]
    /// The number of ports.
    public var count: UInt32

    /// Creates the result.
    public init(ports: [NetworkPortReference], count: UInt32) {
        self.ports = ports
        self.count = count
    }

    /// Writes `{remote_nonnull_network_port ports<REMOTE_NETWORK_PORT_LIST_MAX>; unsigned int ret}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeArray(ports, maxCount: RemoteLimits.networkPortList)
        encoder.encode(count)
    }

    /// Reads `{remote_nonnull_network_port ports<REMOTE_NETWORK_PORT_LIST_MAX>; unsigned int ret}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        ports = try decoder.decodeArray(NetworkPortReference.self, maxCount: RemoteLimits.networkPortList)
        count = try decoder.decode(UInt32.self)
    }
}

/// `remote_network_port_lookup_by_uuid_args`: `{net; remote_uuid uuid}`, the same wire layout
/// (and fields) as a port reference.
public typealias NetworkPortLookupByUUIDArgs = NetworkPortReference

/// `remote_network_port_create_xml_args`.
public struct NetworkPortCreateXMLArgs: XDRCodable, Hashable {
    /// The network that gets the port.
    public var network: NetworkReference
    /// The `<networkport>` document.
    public var xml: String
    /// VIR_NETWORK_PORT_CREATE_RECLAIM / _VALIDATE.
    public var flags: UInt32

    /// Creates the arguments.
    public init(network: NetworkReference, xml: String, flags: UInt32 = 0) {
        self.network = network
        self.xml = xml
        self.flags = flags
    }

    /// Writes `{net; xml; flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encode(network)
        try encoder.encodeString(xml, maxLength: RemoteLimits.string)
        encoder.encode(flags)
    }

    /// Reads `{net; xml; flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        network = try decoder.decode(NetworkReference.self)
        xml = try decoder.decodeString(maxLength: RemoteLimits.string)
        flags = try decoder.decode(UInt32.self)
    }
}

/// A result or argument holding only a `remote_nonnull_network_port`.
public struct NetworkPortMessage: XDRCodable, Hashable {
    /// The port.
    public var port: NetworkPortReference

    /// Creates the message.
    public init(_ port: NetworkPortReference) { self.port = port }

    /// Writes `{remote_nonnull_network_port port}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { try encoder.encode(port) }

    /// Reads `{remote_nonnull_network_port port}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        port = try decoder.decode(NetworkPortReference.self)
    }
}

/// `remote_network_port_lookup_by_uuid_ret`.
public typealias NetworkPortLookupByUUIDRet = NetworkPortMessage
/// `remote_network_port_create_xml_ret`.
public typealias NetworkPortCreateXMLRet = NetworkPortMessage

/// `{remote_nonnull_network_port port; unsigned int flags}`.
public struct NetworkPortFlagsArgs: XDRCodable, Hashable {
    /// The port.
    public var port: NetworkPortReference
    /// Procedure-specific flags.
    public var flags: UInt32

    /// Creates the arguments.
    public init(port: NetworkPortReference, flags: UInt32 = 0) {
        self.port = port
        self.flags = flags
    }

    /// Writes `{port; flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encode(port)
        encoder.encode(flags)
    }

    /// Reads `{port; flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        port = try decoder.decode(NetworkPortReference.self)
        flags = try decoder.decode(UInt32.self)
    }
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
public struct NetworkPortGetParametersArgs: XDRCodable, Hashable {
    /// The port.
    public var port: NetworkPortReference
    /// How many parameters the client has room for (0: just report the count).
    public var parameterCount: Int32
    /// VIR_TYPED_PARAM_STRING_OKAY and friends.
    public var flags: UInt32

    /// Creates the arguments.
    public init(port: NetworkPortReference, parameterCount: Int32, flags: UInt32 = 0) {
        self.port = port
        self.parameterCount = parameterCount
        self.flags = flags
    }

    /// Writes `{port; int nparams; unsigned int flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encode(port)
        encoder.encode(parameterCount)
        encoder.encode(flags)
    }

    /// Reads `{port; int nparams; unsigned int flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        port = try decoder.decode(NetworkPortReference.self)
        parameterCount = try decoder.decode(Int32.self)
        flags = try decoder.decode(UInt32.self)
    }
}

/// `remote_network_port_get_parameters_ret`.
public struct NetworkPortGetParametersRet: XDRCodable, Hashable {
    /// The parameters (empty when the client asked for the count only).
    public var params: [TypedParameter]
    /// How many parameters the port has.
    public var parameterCount: Int32

    /// Creates the result.
    public init(params: [TypedParameter], parameterCount: Int32) {
        self.params = params
        self.parameterCount = parameterCount
    }

    /// Writes `{remote_typed_param params<16>; int nparams}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeArray(params, maxCount: RemoteLimits.networkPortParameters)
        encoder.encode(parameterCount)
    }

    /// Reads `{remote_typed_param params<16>; int nparams}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        params = try decoder.decodeArray(TypedParameter.self, maxCount: RemoteLimits.networkPortParameters)
        parameterCount = try decoder.decode(Int32.self)
    }
}

/// `remote_network_port_set_parameters_args`.
public struct NetworkPortSetParametersArgs: XDRCodable, Hashable {
    /// The port.
    public var port: NetworkPortReference
    /// The new values; names from `NetworkPortParameterName`.
    public var params: [TypedParameter]
    /// Reserved flags.
    public var flags: UInt32

    /// Creates the arguments.
    public init(port: NetworkPortReference, params: [TypedParameter], flags: UInt32 = 0) {
        self.port = port
        self.params = params
        self.flags = flags
    }

    /// Writes `{port; remote_typed_param params<16>; unsigned int flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encode(port)
        try encoder.encodeArray(params, maxCount: RemoteLimits.networkPortParameters)
        encoder.encode(flags)
    }

    /// Reads `{port; remote_typed_param params<16>; unsigned int flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        port = try decoder.decode(NetworkPortReference.self)
        params = try decoder.decodeArray(TypedParameter.self, maxCount: RemoteLimits.networkPortParameters)
        flags = try decoder.decode(UInt32.self)
    }
}
