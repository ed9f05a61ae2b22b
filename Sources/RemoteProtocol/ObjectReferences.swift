import NetCore

/// `remote_nonnull_network`: how every call and reply names a network.
public struct NetworkReference: XDRStruct, Hashable {
    /// The network's name.
    public var name: String
    /// The network's UUID.
    public var uuid: LibvirtUUID

    public init(name: String, uuid: LibvirtUUID) {
        self.name = name
        self.uuid = uuid
    }

    /// `{remote_nonnull_string name; remote_uuid uuid}`.
    public static let xdrLayout = XDRLayout(Self.init, .string(\.name, max: RemoteLimits.string), .field(\.uuid))
}

/// `remote_nonnull_network_port`: a port is named by its network plus its own UUID.
public struct NetworkPortReference: XDRStruct, Hashable {
    /// The network the port belongs to.
    public var network: NetworkReference
    /// The port's UUID.
    public var uuid: LibvirtUUID

    public init(network: NetworkReference, uuid: LibvirtUUID) {
        self.network = network
        self.uuid = uuid
    }

    /// `{remote_nonnull_network net; remote_uuid uuid}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.network), .field(\.uuid))
}

/// `remote_nonnull_interface`: a host interface, named with its MAC as text.
public struct InterfaceReference: XDRStruct, Hashable {
    /// The interface name, e.g. `eth0`.
    public var name: String
    /// The MAC address as libvirt prints it (`00:00:00:00:00:00` for `lo`).
    public var mac: String

    public init(name: String, mac: String) {
        self.name = name
        self.mac = mac
    }

    /// `{remote_nonnull_string name; remote_nonnull_string mac}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .string(\.name, max: RemoteLimits.string), .string(\.mac, max: RemoteLimits.string)
    )
}

/// `remote_nonnull_node_device`: a node device is named only by its name.
public struct NodeDeviceReference: XDRStruct, Hashable {
    /// The device name, e.g. `net_eth0_02_fc_00_00_00_01`.
    public var name: String

    public init(name: String) { self.name = name }

    /// `{remote_nonnull_string name}`.
    public static let xdrLayout = XDRLayout(Self.init, .string(\.name, max: RemoteLimits.string))
}

/// `remote_nonnull_domain`: only needed because `remote_error` may carry one (Patchbay never does).
public struct DomainReference: XDRStruct, Hashable {
    /// The guest's name.
    public var name: String
    /// The guest's UUID.
    public var uuid: LibvirtUUID
    /// The running guest's id, -1 when inactive.
    public var id: Int32

    public init(name: String, uuid: LibvirtUUID, id: Int32) {
        self.name = name
        self.uuid = uuid
        self.id = id
    }

    /// `{remote_nonnull_string name; remote_uuid uuid; int id}`.
    public static let xdrLayout = XDRLayout(Self.init, .string(\.name, max: RemoteLimits.string), .field(\.uuid), .field(\.id))
}

/// `remote_string` as a standalone value: an optional bounded string (e.g. a nodedev's parent).
public struct RemoteString: XDRStruct, Hashable {
    /// The string, or nil for libvirt's NULL.
    public var value: String?

    /// Wraps a possibly-absent string.
    public init(_ value: String?) { self.value = value }

    /// `remote_string`: `string *`, bounded by REMOTE_STRING_MAX.
    public static let xdrLayout = XDRLayout(Self.init, .string(\.value, max: RemoteLimits.string))
}
