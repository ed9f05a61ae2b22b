/// `{T items<16384>; unsigned int ret}`: the `CONNECT_LIST_ALL_INTERFACES` and
/// `CONNECT_LIST_ALL_NODE_DEVICES` results (both lists are capped at 16384 by libvirt).
public struct ObjectListRet<Item: XDRStruct & Hashable>: XDRStruct, Hashable {
    /// The matching objects (empty when the client did not need results).
    public var items: [Item]
    /// The number of matches.
    public var count: UInt32

    public init(items: [Item], count: UInt32) {
        self.items = items
        self.count = count
    }

    /// `{T items<REMOTE_INTERFACE_LIST_MAX>; unsigned int ret}` (REMOTE_NODE_DEVICE_LIST_MAX is the same 16384).
    public static var xdrLayout: XDRLayout<Self> {
        XDRLayout(Self.init, .array(\.items, max: RemoteLimits.interfaceList), .field(\.count))
    }
}

/// `remote_connect_list_all_interfaces_ret`.
public typealias ConnectListAllInterfacesRet = ObjectListRet<InterfaceReference>
/// `remote_connect_list_all_node_devices_ret`.
public typealias ConnectListAllNodeDevicesRet = ObjectListRet<NodeDeviceReference>

/// `{remote_nonnull_interface iface; unsigned int flags}` (GET_XML_DESC, CREATE, DESTROY).
public struct InterfaceFlagsArgs: XDRStruct, Hashable {
    public var interface: InterfaceReference
    /// Procedure-specific flags.
    public var flags: UInt32

    public init(interface: InterfaceReference, flags: UInt32 = 0) {
        self.interface = interface
        self.flags = flags
    }

    /// `{remote_nonnull_interface iface; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.interface), .field(\.flags))
}

/// `{remote_nonnull_string name; unsigned int flags}` (NODE_DEVICE_GET_XML_DESC).
public struct NameFlagsArgs: XDRStruct, Hashable {
    /// The object's name.
    public var name: String
    /// Procedure-specific flags.
    public var flags: UInt32

    public init(name: String, flags: UInt32 = 0) {
        self.name = name
        self.flags = flags
    }

    /// `{remote_nonnull_string name; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .string(\.name, max: RemoteLimits.string), .field(\.flags))
}

/// `remote_node_num_of_devices_args`: devices with an optional capability filter.
public struct NodeNumOfDevicesArgs: XDRStruct, Hashable {
    /// Only devices with this capability (e.g. `net`), or all when absent.
    public var capability: String?
    /// Reserved flags.
    public var flags: UInt32

    public init(capability: String?, flags: UInt32 = 0) {
        self.capability = capability
        self.flags = flags
    }

    /// `{remote_string cap; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .string(\.capability, max: RemoteLimits.string), .field(\.flags))
}

/// `remote_node_list_devices_args`.
public struct NodeListDevicesArgs: XDRStruct, Hashable {
    /// Only devices with this capability, or all when absent.
    public var capability: String?
    /// How many names the client has room for.
    public var maxNames: Int32
    /// Reserved flags.
    public var flags: UInt32

    public init(capability: String?, maxNames: Int32, flags: UInt32 = 0) {
        self.capability = capability
        self.maxNames = maxNames
        self.flags = flags
    }

    /// `{remote_string cap; int maxnames; unsigned int flags}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .string(\.capability, max: RemoteLimits.string), .field(\.maxNames), .field(\.flags)
    )
}

/// `{remote_nonnull_string name; int value}` (NODE_DEVICE_SET_AUTOSTART).
public struct NameIntArgs: XDRStruct, Hashable {
    /// The object's name.
    public var name: String
    /// The value, e.g. 1 for autostart.
    public var value: Int32

    public init(name: String, value: Int32) {
        self.name = name
        self.value = value
    }

    /// `{remote_nonnull_string name; int value}`.
    public static let xdrLayout = XDRLayout(Self.init, .string(\.name, max: RemoteLimits.string), .field(\.value))
}
