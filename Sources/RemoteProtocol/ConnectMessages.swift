/// Authentication schemes a daemon offers in its AUTH_LIST reply (`remote_auth_type`).
public enum AuthType: Int32, XDREnum, CaseIterable {
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
public struct ConnectOpenArgs: XDRStruct, Hashable {
    /// VIR_CONNECT_RO: the client opened read-only (`virsh -r`).
    public static let readOnlyFlag: UInt32 = 1

    /// The URI after client-side parameters were stripped, e.g. `network:///system`.
    public var name: String?
    /// VIR_CONNECT_* flags.
    public var flags: UInt32

    public init(name: String?, flags: UInt32 = 0) {
        self.name = name
        self.flags = flags
    }

    /// `{remote_string name; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .string(\.name, max: RemoteLimits.string), .field(\.flags))
}

/// `remote_auth_list_ret`.
public struct AuthListRet: XDRStruct, Hashable {
    /// The schemes on offer, in order of preference.
    public var types: [AuthType]

    public init(types: [AuthType]) { self.types = types }

    /// `{remote_auth_type types<REMOTE_AUTH_TYPE_LIST_MAX>}`.
    public static let xdrLayout = XDRLayout(Self.init, .array(\.types, max: RemoteLimits.authTypeList))
}

/// `remote_connect_supports_feature_args`.
public struct ConnectSupportsFeatureArgs: XDRStruct, Hashable {
    /// The `VIR_DRV_FEATURE_*` number; see `ConnectFeature` for the ones clients ask.
    public var feature: Int32

    public init(feature: Int32) { self.feature = feature }

    public init(_ feature: ConnectFeature) { self.feature = feature.rawValue }

    /// `{int feature}`.
    public static let xdrLayout = XDRLayout({ Self(feature: $0) }, .field(\.feature))
}

/// A reply holding one `int`, which libvirt uses for every yes/no or count answer
/// (`supports_feature_ret.supported`, `is_active_ret.active`, `num_of_*_ret.num`, ...).
public struct IntRet: XDRStruct, Hashable {
    /// The answer; 0/1 for yes/no questions.
    public var value: Int32

    public init(_ value: Int32) { self.value = value }

    /// Creates a yes/no result.
    public init(_ flag: Bool) { value = flag ? 1 : 0 }

    /// `{int value}`.
    public static let xdrLayout = XDRLayout({ (value: Int32) in Self(value) }, .field(\.value))
}

/// `remote_connect_supports_feature_ret`: `{int supported}`.
public typealias ConnectSupportsFeatureRet = IntRet
/// `remote_auth_polkit_ret`: `{int complete}`.
public typealias AuthPolkitRet = IntRet
/// `remote_connect_is_secure_ret`: `{int secure}`.
public typealias ConnectIsSecureRet = IntRet

/// A reply or argument holding one `remote_nonnull_string`.
public struct StringMessage: XDRStruct, Hashable {
    public var value: String

    public init(_ value: String) { self.value = value }

    /// `{remote_nonnull_string value}`.
    public static let xdrLayout = XDRLayout(Self.init, .string(\.value, max: RemoteLimits.string))
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
public struct UnsignedHyperRet: XDRStruct, Hashable {
    /// The value, e.g. 9000000 for libvirt 9.0.0.
    public var value: UInt64

    public init(_ value: UInt64) { self.value = value }

    /// `{unsigned hyper value}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.value))
}

/// `remote_connect_get_version_ret`.
public typealias ConnectGetVersionRet = UnsignedHyperRet
/// `remote_connect_get_lib_version_ret`.
public typealias ConnectGetLibVersionRet = UnsignedHyperRet

/// Arguments holding only `unsigned int flags` (`get_sysinfo_args`, `interface_change_*_args`).
public struct FlagsArgs: XDRStruct, Hashable {
    /// Procedure-specific flags; Patchbay refuses unknown bits the way libvirt does.
    public var flags: UInt32

    public init(flags: UInt32 = 0) { self.flags = flags }

    /// `{unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.flags))
}

/// `remote_connect_get_sysinfo_args`.
public typealias ConnectGetSysinfoArgs = FlagsArgs

/// `remote_connect_set_identity_args`: the identity virtqemud forwards for its own client.
public struct ConnectSetIdentityArgs: XDRStruct, Hashable {
    /// Typed parameters such as `user-id`, `group-id`, `process-id`, `selinux-context`.
    public var params: [TypedParameter]
    /// Reserved flags.
    public var flags: UInt32

    public init(params: [TypedParameter], flags: UInt32 = 0) {
        self.params = params
        self.flags = flags
    }

    /// `{remote_typed_param params<REMOTE_CONNECT_IDENTITY_PARAMS_MAX>; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .array(\.params, max: RemoteLimits.identityParameters), .field(\.flags))
}
