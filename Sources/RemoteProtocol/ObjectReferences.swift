import NetCore

/// `remote_nonnull_network`: how every call and reply names a network.
public struct NetworkReference: XDRCodable, Hashable {
    /// The network's name.
    public var name: String
    /// The network's UUID.
    public var uuid: LibvirtUUID

    /// Creates a reference.
    public init(name: String, uuid: LibvirtUUID) {
        self.name = name
        self.uuid = uuid
    }

    /// Writes `{string name; opaque uuid[16]}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeString(name, maxLength: RemoteLimits.string)
        try encoder.encode(uuid)
    }

    /// Reads `{string name; opaque uuid[16]}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        name = try decoder.decodeString(maxLength: RemoteLimits.string)
        uuid = try decoder.decode(LibvirtUUID.self)
    }
}

/// `remote_nonnull_network_port`: a port is named by its network plus its own UUID.
public struct NetworkPortReference: XDRCodable, Hashable {
    /// The network the port belongs to.
    public var network: NetworkReference
    /// The port's UUID.
    public var uuid: LibvirtUUID

    /// Creates a reference.
    public init(network: NetworkReference, uuid: LibvirtUUID) {
        self.network = network
        self.uuid = uuid
    }

    /// Writes `{remote_nonnull_network net; opaque uuid[16]}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encode(network)
        try encoder.encode(uuid)
    }

    /// Reads `{remote_nonnull_network net; opaque uuid[16]}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        network = try decoder.decode(NetworkReference.self)
        uuid = try decoder.decode(LibvirtUUID.self)
    }
}

/// `remote_nonnull_interface`: a host interface, named with its MAC as text.
public struct InterfaceReference: XDRCodable, Hashable {
    /// The interface name, e.g. `eth0`.
    public var name: String
    /// The MAC address as libvirt prints it (`00:00:00:00:00:00` for `lo`).
    public var mac: String

    /// Creates a reference.
    public init(name: String, mac: String) {
        self.name = name
        self.mac = mac
    }

    /// Writes `{string name; string mac}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeString(name, maxLength: RemoteLimits.string)
        try encoder.encodeString(mac, maxLength: RemoteLimits.string)
    }

    /// Reads `{string name; string mac}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        name = try decoder.decodeString(maxLength: RemoteLimits.string)
        mac = try decoder.decodeString(maxLength: RemoteLimits.string)
    }
}

/// `remote_nonnull_node_device`: a node device is named only by its name.
public struct NodeDeviceReference: XDRCodable, Hashable {
    /// The device name, e.g. `net_eth0_02_fc_00_00_00_01`.
    public var name: String

    /// Creates a reference.
    public init(name: String) { self.name = name }

    /// Writes `{string name}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeString(name, maxLength: RemoteLimits.string)
    }

    /// Reads `{string name}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        name = try decoder.decodeString(maxLength: RemoteLimits.string)
    }
}

/// `remote_nonnull_domain`: only needed because `remote_error` may carry one (Patchbay never does).
public struct DomainReference: XDRCodable, Hashable {
    /// The guest's name.
    public var name: String
    /// The guest's UUID.
    public var uuid: LibvirtUUID
    /// The running guest's id, -1 when inactive.
    public var id: Int32

    /// Creates a reference.
    public init(name: String, uuid: LibvirtUUID, id: Int32) {
        self.name = name
        self.uuid = uuid
        self.id = id
    }

    /// Writes `{string name; opaque uuid[16]; int id}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeString(name, maxLength: RemoteLimits.string)
        try encoder.encode(uuid)
        encoder.encode(id)
    }

    /// Reads `{string name; opaque uuid[16]; int id}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        name = try decoder.decodeString(maxLength: RemoteLimits.string)
        uuid = try decoder.decode(LibvirtUUID.self)
        id = try decoder.decode(Int32.self)
    }
}

/// `remote_string` as a standalone value: an optional bounded string (e.g. a nodedev's parent).
public struct RemoteString: XDRCodable, Hashable {
    /// The string, or nil for libvirt's NULL.
    public var value: String?

    /// Wraps a possibly-absent string.
    public init(_ value: String?) { self.value = value }

    /// Writes the presence word, then the string when present.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeOptionalString(value, maxLength: RemoteLimits.string)
    }

    /// Reads the presence word, then the string when present.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        value = try decoder.decodeOptionalString(maxLength: RemoteLimits.string)
    }
}
