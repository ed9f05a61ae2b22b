/// Authentication schemes a daemon offers in its AUTH_LIST reply (`remote_auth_type`).
public enum AuthType: Int32, Sendable, CaseIterable {
    /// No authentication needed (root on the local socket).
    case none = 0
    /// SASL negotiation (AUTH_SASL_INIT/START/STEP).
    case sasl = 1
    /// polkit check through AUTH_POLKIT.
    case polkit = 2
}

/// The driver features a client asks about with CONNECT_SUPPORTS_FEATURE (libvirt's
/// `VIR_DRV_FEATURE_*` numbers). Unknown numbers are answered 0, so this is not exhaustive.
public enum ConnectFeature: Int32, Sendable, CaseIterable {
    /// The keepalive program is available; answer 0 to disable keepalive entirely.
    case programKeepalive = 10
    /// Callback-style events (the only style network and nodedev events exist in).
    case remoteEventCallback = 14
    /// CONNECT_REGISTER_CLOSE_CALLBACK is available.
    case remoteCloseCallback = 15
    /// NETWORK_UPDATE takes (command, section) in the documented order; 0 makes clients swap them.
    case networkUpdateHasCorrectOrder = 16
}

/// `remote_connect_open_args`.
public struct ConnectOpenArgs: XDRCodable, Hashable {
    /// VIR_CONNECT_RO: the client opened read-only (`virsh -r`).
    public static let readOnlyFlag: UInt32 = 1

    /// The URI after client-side parameters were stripped, e.g. `network:///system`.
    public var name: String?
    /// VIR_CONNECT_* flags.
    public var flags: UInt32

    /// Creates the arguments.
    public init(name: String?, flags: UInt32 = 0) {
        self.name = name
        self.flags = flags
    }

    /// Writes `{remote_string name; unsigned int flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeOptionalString(name, maxLength: RemoteLimits.string)
        encoder.encode(flags)
    }

    /// Reads `{remote_string name; unsigned int flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        name = try decoder.decodeOptionalString(maxLength: RemoteLimits.string)
        flags = try decoder.decode(UInt32.self)
    }
}

/// `remote_auth_list_ret`.
public struct AuthListRet: XDRCodable, Hashable {
    /// The schemes on offer, in order of preference.
    public var types: [AuthType]

    /// Creates the result.
    public init(types: [AuthType]) { self.types = types }

    /// Writes `{remote_auth_type types<REMOTE_AUTH_TYPE_LIST_MAX>}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeArray(types, maxCount: RemoteLimits.authTypeList) {
            (encoder: inout XDREncoder, type: AuthType) throws(XDRError) in encoder.encode(enum: type)
        }
    }

    /// Reads `{remote_auth_type types<REMOTE_AUTH_TYPE_LIST_MAX>}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        types = try decoder.decodeArray(maxCount: RemoteLimits.authTypeList) {
            (decoder: inout XDRDecoder) throws(XDRError) in try decoder.decode(enum: AuthType.self)
        }
    }
}

/// `remote_connect_supports_feature_args`.
public struct ConnectSupportsFeatureArgs: XDRCodable, Hashable {
    /// The `VIR_DRV_FEATURE_*` number; see `ConnectFeature` for the ones clients ask.
    public var feature: Int32

    /// Creates the arguments.
    public init(feature: Int32) { self.feature = feature }

    /// Creates the arguments for a known feature.
    public init(_ feature: ConnectFeature) { self.feature = feature.rawValue }

    /// Writes `{int feature}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { encoder.encode(feature) }

    /// Reads `{int feature}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) { feature = try decoder.decode(Int32.self) }
}

/// A reply holding one `int`, which libvirt uses for every yes/no or count answer
/// (`supports_feature_ret.supported`, `is_active_ret.active`, `num_of_*_ret.num`, ...).
public struct IntRet: XDRCodable, Hashable {
    /// The answer; 0/1 for yes/no questions.
    public var value: Int32

    /// Creates the result.
    public init(_ value: Int32) { self.value = value }

    /// Creates a yes/no result.
    public init(_ flag: Bool) { value = flag ? 1 : 0 }

    /// Writes `{int value}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { encoder.encode(value) }

    /// Reads `{int value}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) { value = try decoder.decode(Int32.self) }
}

/// `remote_connect_supports_feature_ret`: `{int supported}`.
public typealias ConnectSupportsFeatureRet = IntRet
/// `remote_auth_polkit_ret`: `{int complete}`.
public typealias AuthPolkitRet = IntRet
/// `remote_connect_is_secure_ret`: `{int secure}`.
public typealias ConnectIsSecureRet = IntRet

/// A reply or argument holding one `remote_nonnull_string`.
public struct StringMessage: XDRCodable, Hashable {
    /// The text.
    public var value: String

    /// Creates the message.
    public init(_ value: String) { self.value = value }

    /// Writes `{remote_nonnull_string value}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeString(value, maxLength: RemoteLimits.string)
    }

    /// Reads `{remote_nonnull_string value}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        value = try decoder.decodeString(maxLength: RemoteLimits.string)
    }
}

/// `remote_connect_get_type_ret`: `{type}`, "network" from the network daemon.
public typealias ConnectGetTypeRet = StringMessage
/// `remote_connect_get_hostname_ret`: `{hostname}`.
public typealias ConnectGetHostnameRet = StringMessage
/// `remote_connect_get_uri_ret`: `{uri}`.
public typealias ConnectGetURIRet = StringMessage
/// `remote_connect_get_capabilities_ret`: `{capabilities}`.
public typealias ConnectGetCapabilitiesRet = StringMessage
/// `remote_connect_get_sysinfo_ret`: `{sysinfo}`.
public typealias ConnectGetSysinfoRet = StringMessage

/// A reply holding one `unsigned hyper` (`get_version_ret.hv_ver`, `get_lib_version_ret.lib_ver`).
public struct UnsignedHyperRet: XDRCodable, Hashable {
    /// The value, e.g. 9000000 for libvirt 9.0.0.
    public var value: UInt64

    /// Creates the result.
    public init(_ value: UInt64) { self.value = value }

    /// Writes `{unsigned hyper value}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { encoder.encode(value) }

    /// Reads `{unsigned hyper value}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) { value = try decoder.decode(UInt64.self) }
}

/// `remote_connect_get_version_ret`.
public typealias ConnectGetVersionRet = UnsignedHyperRet
/// `remote_connect_get_lib_version_ret`.
public typealias ConnectGetLibVersionRet = UnsignedHyperRet

/// Arguments holding only `unsigned int flags` (`get_sysinfo_args`, `interface_change_*_args`).
public struct FlagsArgs: XDRCodable, Hashable {
    /// Procedure-specific flags; Patchbay refuses unknown bits the way libvirt does.
    public var flags: UInt32

    /// Creates the arguments.
    public init(flags: UInt32 = 0) { self.flags = flags }

    /// Writes `{unsigned int flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { encoder.encode(flags) }

    /// Reads `{unsigned int flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) { flags = try decoder.decode(UInt32.self) }
}

/// `remote_connect_get_sysinfo_args`.
public typealias ConnectGetSysinfoArgs = FlagsArgs

/// `remote_connect_set_identity_args`: the identity virtqemud forwards for its own client.
public struct ConnectSetIdentityArgs: XDRCodable, Hashable {
    /// Typed parameters such as `user-id`, `group-id`, `process-id`, `selinux-context`.
    public var params: [TypedParameter]
    /// Reserved flags.
    public var flags: UInt32

    /// Creates the arguments.
    public init(params: [TypedParameter], flags: UInt32 = 0) {
        self.params = params
        self.flags = flags
    }

    /// Writes `{remote_typed_param params<20>; unsigned int flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeArray(params, maxCount: RemoteLimits.identityParameters)
        encoder.encode(flags)
    }

    /// Reads `{remote_typed_param params<20>; unsigned int flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        params = try decoder.decodeArray(TypedParameter.self, maxCount: RemoteLimits.identityParameters)
        flags = try decoder.decode(UInt32.self)
    }
}
