import NetCore

/// Arguments or result holding only a `remote_nonnull_network`.
///
/// libvirt gives each procedure its own struct name, but most network calls share this shape;
/// the typealiases below keep libvirt's names for readers of the dispatch table.
public struct NetworkMessage: XDRStruct, Hashable {
    public var network: NetworkReference

    public init(_ network: NetworkReference) { self.network = network }

    /// `{remote_nonnull_network net}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.network))
}

/// `remote_network_create_args` (NETWORK_CREATE, i.e. start).
public typealias NetworkCreateArgs = NetworkMessage
/// `remote_network_destroy_args`.
public typealias NetworkDestroyArgs = NetworkMessage
/// `remote_network_undefine_args`.
public typealias NetworkUndefineArgs = NetworkMessage
/// `remote_network_is_active_args`; the result is `IntRet`.
public typealias NetworkIsActiveArgs = NetworkMessage
/// `remote_network_is_persistent_args`; the result is `IntRet`.
public typealias NetworkIsPersistentArgs = NetworkMessage
/// `remote_network_get_autostart_args`; the result is `IntRet`.
public typealias NetworkGetAutostartArgs = NetworkMessage
/// `remote_network_get_bridge_name_args`.
public typealias NetworkGetBridgeNameArgs = NetworkMessage
/// `remote_network_lookup_by_name_ret`.
public typealias NetworkLookupByNameRet = NetworkMessage
/// `remote_network_lookup_by_uuid_ret`.
public typealias NetworkLookupByUUIDRet = NetworkMessage
/// `remote_network_create_xml_ret`.
public typealias NetworkCreateXMLRet = NetworkMessage
/// `remote_network_create_xml_flags_ret`.
public typealias NetworkCreateXMLFlagsRet = NetworkMessage
/// `remote_network_define_xml_ret`.
public typealias NetworkDefineXMLRet = NetworkMessage
/// `remote_network_define_xml_flags_ret`.
public typealias NetworkDefineXMLFlagsRet = NetworkMessage

/// `remote_network_is_active_ret`: `{int active}`.
public typealias NetworkIsActiveRet = IntRet
/// `remote_network_is_persistent_ret`: `{int persistent}`.
public typealias NetworkIsPersistentRet = IntRet
/// `remote_network_get_autostart_ret`: `{int autostart}`.
public typealias NetworkGetAutostartRet = IntRet
/// `remote_network_lookup_by_name_args`: `{name}`.
public typealias NetworkLookupByNameArgs = StringMessage
/// `remote_network_create_xml_args`: `{xml}`.
public typealias NetworkCreateXMLArgs = StringMessage
/// `remote_network_define_xml_args`: `{xml}`.
public typealias NetworkDefineXMLArgs = StringMessage
/// `remote_network_get_bridge_name_ret`: `{name}`.
public typealias NetworkGetBridgeNameRet = StringMessage
/// `remote_network_get_xml_desc_ret`: `{xml}`.
public typealias NetworkGetXMLDescRet = StringMessage

/// `{remote_nonnull_string xml; unsigned int flags}`: the `*_XML_FLAGS` variants.
public struct XMLFlagsArgs: XDRStruct, Hashable {
    /// The XML document.
    public var xml: String
    /// VIR_NETWORK_CREATE_VALIDATE / VIR_NETWORK_DEFINE_VALIDATE and friends.
    public var flags: UInt32

    public init(xml: String, flags: UInt32 = 0) {
        self.xml = xml
        self.flags = flags
    }

    /// `{remote_nonnull_string xml; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .string(\.xml, max: RemoteLimits.string), .field(\.flags))
}

/// `remote_network_create_xml_flags_args`.
public typealias NetworkCreateXMLFlagsArgs = XMLFlagsArgs
/// `remote_network_define_xml_flags_args`.
public typealias NetworkDefineXMLFlagsArgs = XMLFlagsArgs

/// `{remote_nonnull_network net; unsigned int flags}`.
public struct NetworkFlagsArgs: XDRStruct, Hashable {
    public var network: NetworkReference
    /// Procedure-specific flags (VIR_NETWORK_XML_INACTIVE for GET_XML_DESC).
    public var flags: UInt32

    public init(network: NetworkReference, flags: UInt32 = 0) {
        self.network = network
        self.flags = flags
    }

    /// `{remote_nonnull_network net; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.network), .field(\.flags))
}

/// `remote_network_get_xml_desc_args`.
public typealias NetworkGetXMLDescArgs = NetworkFlagsArgs

/// `remote_network_lookup_by_uuid_args`.
public struct NetworkLookupByUUIDArgs: XDRStruct, Hashable {
    /// The UUID searched for.
    public var uuid: LibvirtUUID

    public init(uuid: LibvirtUUID) { self.uuid = uuid }

    /// `{remote_uuid uuid}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.uuid))
}

/// `remote_network_set_autostart_args`.
public struct NetworkSetAutostartArgs: XDRStruct, Hashable {
    public var network: NetworkReference
    /// 1 to start at boot, 0 not to.
    public var autostart: Int32

    public init(network: NetworkReference, autostart: Int32) {
        self.network = network
        self.autostart = autostart
    }

    /// `{remote_nonnull_network net; int autostart}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.network), .field(\.autostart))
}

/// `remote_network_update_args` (net-update).
///
/// Clients send (command, section) in this order only if the daemon answered 1 to
/// `ConnectFeature.networkUpdateHasCorrectOrder`; otherwise they swap the two.
public struct NetworkUpdateArgs: XDRStruct, Hashable {
    public var network: NetworkReference
    /// VIR_NETWORK_UPDATE_COMMAND_* (modify 1, delete 2, add-last 3, add-first 4).
    public var command: UInt32
    /// VIR_NETWORK_SECTION_* (e.g. 9 portgroup).
    public var section: UInt32
    /// Index of the parent element, -1 for "any".
    public var parentIndex: Int32
    /// The XML fragment.
    public var xml: String
    /// VIR_NETWORK_UPDATE_AFFECT_* flags.
    public var flags: UInt32

    public init(
        network: NetworkReference, command: UInt32, section: UInt32, parentIndex: Int32,
        xml: String, flags: UInt32
    ) {
        self.network = network
        self.command = command
        self.section = section
        self.parentIndex = parentIndex
        self.xml = xml
        self.flags = flags
    }

    /// `{net; unsigned int command; unsigned int section; int parentIndex; remote_nonnull_string xml; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .field(\.network), .field(\.command), .field(\.section), .field(\.parentIndex),
        .string(\.xml, max: RemoteLimits.string), .field(\.flags)
    )
}
