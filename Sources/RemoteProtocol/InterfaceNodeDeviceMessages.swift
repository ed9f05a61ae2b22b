/// `{T items<16384>; unsigned int ret}`: the `CONNECT_LIST_ALL_INTERFACES` and
/// `CONNECT_LIST_ALL_NODE_DEVICES` results (both lists are capped at 16384 by libvirt).
public struct ObjectListRet<Item: XDRCodable & Hashable>: XDRCodable, Hashable {
    /// The matching objects (empty when the client did not need results).
    public var items: [Item]
    /// The number of matches.
    public var count: UInt32

    /// Creates the result.
    public init(items: [Item], count: UInt32) {
        self.items = items
        self.count = count
    }

    /// Writes `{items<16384>; unsigned int ret}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeArray(items, maxCount: RemoteLimits.interfaceList)
        encoder.encode(count)
    }

    /// Reads `{items<16384>; unsigned int ret}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        items = try decoder.decodeArray(Item.self, maxCount: RemoteLimits.interfaceList)
        count = try decoder.decode(UInt32.self)
    }
}

/// `remote_connect_list_all_interfaces_ret`.
public typealias ConnectListAllInterfacesRet = ObjectListRet<InterfaceReference>
/// `remote_connect_list_all_node_devices_ret`.
public typealias ConnectListAllNodeDevicesRet = ObjectListRet<NodeDeviceReference>

/// `{remote_nonnull_interface iface; unsigned int flags}` (GET_XML_DESC, CREATE, DESTROY).
public struct InterfaceFlagsArgs: XDRCodable, Hashable {
    /// The interface.
    public var interface: InterfaceReference
    /// Procedure-specific flags.
    public var flags: UInt32

    /// Creates the arguments.
    public init(interface: InterfaceReference, flags: UInt32 = 0) {
        self.interface = interface
        self.flags = flags
    }

    /// Writes `{iface; flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encode(interface)
        encoder.encode(flags)
    }

    /// Reads `{iface; flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        interface = try decoder.decode(InterfaceReference.self)
        flags = try decoder.decode(UInt32.self)
    }
}

/// `{remote_nonnull_string name; unsigned int flags}` (NODE_DEVICE_GET_XML_DESC).
public struct NameFlagsArgs: XDRCodable, Hashable {
    /// The object's name.
    public var name: String
    /// Procedure-specific flags.
    public var flags: UInt32

    /// Creates the arguments.
    public init(name: String, flags: UInt32 = 0) {
        self.name = name
        self.flags = flags
    }

    /// Writes `{name; flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeString(name, maxLength: RemoteLimits.string)
        encoder.encode(flags)
    }

    /// Reads `{name; flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        name = try decoder.decodeString(maxLength: RemoteLimits.string)
        flags = try decoder.decode(UInt32.self)
    }
}

/// `remote_node_num_of_devices_args`: devices with an optional capability filter.
public struct NodeNumOfDevicesArgs: XDRCodable, Hashable {
    /// Only devices with this capability (e.g. `net`), or all when absent.
    public var capability: String?
    /// Reserved flags.
    public var flags: UInt32

    /// Creates the arguments.
    public init(capability: String?, flags: UInt32 = 0) {
        self.capability = capability
        self.flags = flags
    }

    /// Writes `{remote_string cap; unsigned int flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeOptionalString(capability, maxLength: RemoteLimits.string)
        encoder.encode(flags)
    }

    /// Reads `{remote_string cap; unsigned int flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        capability = try decoder.decodeOptionalString(maxLength: RemoteLimits.string)
        flags = try decoder.decode(UInt32.self)
    }
}

/// `remote_node_list_devices_args`.
public struct NodeListDevicesArgs: XDRCodable, Hashable {
    /// Only devices with this capability, or all when absent.
    public var capability: String?
    /// How many names the client has room for.
    public var maxNames: Int32
    /// Reserved flags.
    public var flags: UInt32

    /// Creates the arguments.
    public init(capability: String?, maxNames: Int32, flags: UInt32 = 0) {
        self.capability = capability
        self.maxNames = maxNames
        self.flags = flags
    }

    /// Writes `{remote_string cap; int maxnames; unsigned int flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeOptionalString(capability, maxLength: RemoteLimits.string)
        encoder.encode(maxNames)
        encoder.encode(flags)
    }

    /// Reads `{remote_string cap; int maxnames; unsigned int flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        capability = try decoder.decodeOptionalString(maxLength: RemoteLimits.string)
        maxNames = try decoder.decode(Int32.self)
        flags = try decoder.decode(UInt32.self)
    }
}

/// `{remote_nonnull_string name; int value}` (NODE_DEVICE_SET_AUTOSTART).
public struct NameIntArgs: XDRCodable, Hashable {
    /// The object's name.
    public var name: String
    /// The value, e.g. 1 for autostart.
    public var value: Int32

    /// Creates the arguments.
    public init(name: String, value: Int32) {
        self.name = name
        self.value = value
    }

    /// Writes `{name; int value}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeString(name, maxLength: RemoteLimits.string)
        encoder.encode(value)
    }

    /// Reads `{name; int value}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        name = try decoder.decodeString(maxLength: RemoteLimits.string)
        value = try decoder.decode(Int32.self)
    }
}
