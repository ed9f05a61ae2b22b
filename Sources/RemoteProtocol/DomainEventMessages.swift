import NetCore

/// The domain event ids a client can register for (`virDomainEventID`); Patchbay sends lifecycle.
public enum DomainEventID: Int32, Sendable, CaseIterable {
    /// VIR_DOMAIN_EVENT_ID_LIFECYCLE.
    case lifecycle = 0
}

/// `remote_connect_domain_event_callback_register_any_args`.
public struct ConnectDomainEventCallbackRegisterAnyArgs: XDRStruct, Hashable {
    /// The event id (`DomainEventID`), raw so an unknown id can be refused politely.
    public var eventID: Int32
    /// Only this domain's events, or every domain's when absent.
    public var domain: DomainReference?

    public init(eventID: Int32, domain: DomainReference? = nil) {
        self.eventID = eventID
        self.domain = domain
    }

    /// `{int eventID; remote_domain dom}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.eventID), .optional(\.domain))
}

/// `remote_domain_event_lifecycle_msg`: the payload of the old-style DOMAIN_EVENT_LIFECYCLE.
public struct DomainEventLifecycleMessage: XDRStruct, Hashable {
    public var domain: DomainReference
    /// `virDomainEventType` (DEFINED 0, UNDEFINED 1, STARTED 2, SUSPENDED 3, RESUMED 4, STOPPED 5, SHUTDOWN 6, ...).
    public var event: Int32
    /// The event's detail (e.g. STOPPED_DESTROYED 1).
    public var detail: Int32

    public init(domain: DomainReference, event: Int32, detail: Int32) {
        self.domain = domain
        self.event = event
        self.detail = detail
    }

    /// `{remote_nonnull_domain dom; int event; int detail}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.domain), .field(\.event), .field(\.detail))
}

/// `remote_domain_event_callback_lifecycle_msg`: the callback id, then the old message.
public struct DomainEventCallbackLifecycleMessage: XDRStruct, Hashable {
    /// The receiving connection's registration id.
    public var callbackID: Int32
    public var message: DomainEventLifecycleMessage

    public init(callbackID: Int32, message: DomainEventLifecycleMessage) {
        self.callbackID = callbackID
        self.message = message
    }

    /// `{int callbackID; remote_domain_event_lifecycle_msg msg}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.callbackID), .field(\.message))
}
