/// Network lifecycle event codes (`virNetworkEventLifecycleType`).
public enum NetworkLifecycleEvent: Int32, Sendable, CaseIterable {
    /// The network was defined (made persistent).
    case defined = 0
    /// The network was undefined.
    case undefined = 1
    /// The network was started.
    case started = 2
    /// The network was stopped.
    case stopped = 3
}

/// The event ids a client can register for on networks (`virNetworkEventID`).
public enum NetworkEventID: Int32, Sendable, CaseIterable {
    /// VIR_NETWORK_EVENT_ID_LIFECYCLE: the only network event in libvirt 9.0.
    case lifecycle = 0
}

/// `remote_connect_network_event_register_any_args`.
public struct ConnectNetworkEventRegisterAnyArgs: XDRStruct, Hashable {
    /// The event id (`NetworkEventID`); kept raw so an unknown id can be refused politely.
    public var eventID: Int32
    /// Only this network's events, or every network's when absent.
    public var network: NetworkReference?

    public init(eventID: Int32, network: NetworkReference? = nil) {
        self.eventID = eventID
        self.network = network
    }

    /// `{int eventID; remote_network net}` (a null network: every network).
    public static let xdrLayout = XDRLayout(Self.init, .field(\.eventID), .optional(\.network))
}

/// `{int callbackID}`: the result of every `*_EVENT_REGISTER_ANY` and the argument of every
/// `*_EVENT_DEREGISTER_ANY`. The daemon chooses the ids, per connection.
public struct EventCallbackMessage: XDRStruct, Hashable {
    /// The registration's id.
    public var callbackID: Int32

    public init(callbackID: Int32) { self.callbackID = callbackID }

    /// `{int callbackID}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.callbackID))
}

/// `remote_connect_network_event_register_any_ret`.
public typealias ConnectNetworkEventRegisterAnyRet = EventCallbackMessage
/// `remote_connect_network_event_deregister_any_args`.
public typealias ConnectNetworkEventDeregisterAnyArgs = EventCallbackMessage
/// `remote_connect_node_device_event_register_any_ret`.
public typealias ConnectNodeDeviceEventRegisterAnyRet = EventCallbackMessage
/// `remote_connect_node_device_event_deregister_any_args`.
public typealias ConnectNodeDeviceEventDeregisterAnyArgs = EventCallbackMessage

/// `remote_network_event_lifecycle_msg`: the payload of a NETWORK_EVENT_LIFECYCLE MESSAGE.
public struct NetworkEventLifecycleMessage: XDRStruct, Hashable {
    /// The receiving connection's registration id.
    public var callbackID: Int32
    /// The network that changed.
    public var network: NetworkReference
    /// A `NetworkLifecycleEvent` code, raw so future codes still decode.
    public var event: Int32
    /// Event detail; always 0 in libvirt 9.0.
    public var detail: Int32

    public init(callbackID: Int32, network: NetworkReference, event: NetworkLifecycleEvent, detail: Int32 = 0) {
        self.init(callbackID: callbackID, network: network, rawEvent: event.rawValue, detail: detail)
    }

    /// Creates the message with an event code this table may not know (as received).
    init(callbackID: Int32, network: NetworkReference, rawEvent: Int32, detail: Int32) {
        self.callbackID = callbackID
        self.network = network
        event = rawEvent
        self.detail = detail
    }

    /// The event as a known code, nil for a code newer than this table.
    public var lifecycleEvent: NetworkLifecycleEvent? { NetworkLifecycleEvent(rawValue: event) }

    /// `{int callbackID; remote_nonnull_network net; int event; int detail}`.
    public static let xdrLayout = XDRLayout(
        { Self(callbackID: $0, network: $1, rawEvent: $2, detail: $3) },
        .field(\.callbackID), .field(\.network), .field(\.event), .field(\.detail)
    )
}

/// `remote_connect_node_device_event_register_any_args`.
public struct ConnectNodeDeviceEventRegisterAnyArgs: XDRStruct, Hashable {
    /// VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE (0) or _UPDATE (1).
    public var eventID: Int32
    /// Only this device's events, or every device's when absent.
    public var device: NodeDeviceReference?

    public init(eventID: Int32, device: NodeDeviceReference? = nil) {
        self.eventID = eventID
        self.device = device
    }

    /// `{int eventID; remote_node_device dev}` (a null device: every device).
    public static let xdrLayout = XDRLayout(Self.init, .field(\.eventID), .optional(\.device))
}

/// `remote_node_device_event_lifecycle_msg`.
public struct NodeDeviceEventLifecycleMessage: XDRStruct, Hashable {
    /// The receiving connection's registration id.
    public var callbackID: Int32
    /// The device that appeared, vanished or changed.
    public var device: NodeDeviceReference
    /// VIR_NODE_DEVICE_EVENT_CREATED (0), _DELETED (1), _DEFINED (2), _UNDEFINED (3).
    public var event: Int32
    /// Event detail.
    public var detail: Int32

    public init(callbackID: Int32, device: NodeDeviceReference, event: Int32, detail: Int32 = 0) {
        self.callbackID = callbackID
        self.device = device
        self.event = event
        self.detail = detail
    }

    /// `{int callbackID; remote_nonnull_node_device dev; int event; int detail}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .field(\.callbackID), .field(\.device), .field(\.event), .field(\.detail)
    )
}

/// `remote_node_device_event_update_msg`.
public struct NodeDeviceEventUpdateMessage: XDRStruct, Hashable {
    /// The receiving connection's registration id.
    public var callbackID: Int32
    /// The device whose details changed.
    public var device: NodeDeviceReference

    public init(callbackID: Int32, device: NodeDeviceReference) {
        self.callbackID = callbackID
        self.device = device
    }

    /// `{int callbackID; remote_nonnull_node_device dev}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.callbackID), .field(\.device))
}
