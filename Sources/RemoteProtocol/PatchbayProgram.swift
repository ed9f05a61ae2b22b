import NetCore

/// Procedures of Patchbay's own program (`ProgramNumber.patchbay`), for what libvirt lacks.
///
/// They travel on the same sockets with the same framing, header and `remote_error` replies as
/// libvirt's program, so one connection serves both; stock libvirt clients never call them.
public enum PatchbayProcedure: Int32, Sendable, CaseIterable {
    /// Register for port events: args `PortEventRegisterArgs`, ret `EventCallbackMessage`.
    case portEventRegister = 1
    /// Drop a port event registration: args `EventCallbackMessage`, ret void.
    case portEventDeregister = 2
    /// A server MESSAGE: `PortEventMessage`.
    case portEvent = 3
    /// The drift report: args `DriftReportArgs`, ret `DriftReportRet`.
    case driftReport = 4
    /// Begin a host interface transaction with a deadline and/or confirmation rule (interface
    /// sockets): args `InterfaceBeginArgs`, ret void.
    case interfaceBegin = 40
    /// The pending interface transaction's report (interface sockets): args `DriftReportArgs`
    /// (flags, none defined), ret `InterfaceTransactionStatusRet`.
    case interfaceTransactionStatus = 41

    /// Procedures served on the interface sockets rather than the network ones.
    public var isInterfaceProcedure: Bool { self == .interfaceBegin || self == .interfaceTransactionStatus }

    /// Refusal on a read-only connection: only a drift check (which repairs) changes anything.
    public func refusal(readOnly: Bool, arguments: [UInt8]) -> PatchbayError? {
        if readOnly, self == .interfaceBegin {
            return PatchbayError(.operationDenied, "read only access prevents virInterfaceChangeBegin", domain: .interface)
        }
        guard readOnly, self == .driftReport else { return nil }
        guard let args = try? XDRDecoder.decode(DriftReportArgs.self, from: arguments),
              args.flags & DriftReportArgs.checkNowFlag != 0 else { return nil }
        return PatchbayError(.operationDenied, "read only access prevents patchbayDriftCheck", domain: .network)
    }
}

/// What happened to a port (same numbers as the driver's port events).
public enum PortEventKind: Int32, Sendable, CaseIterable {
    /// The port was created.
    case created = 0
    /// The port was deleted.
    case deleted = 1
    /// The port's bandwidth changed.
    case bandwidthChanged = 2
}

/// `{remote_network net}`: register for port events of one network, or of every network.
public struct PortEventRegisterArgs: XDRStruct, Hashable {
    /// Only this network's ports, or all when absent.
    public var network: NetworkReference?

    public init(network: NetworkReference? = nil) { self.network = network }

    /// `{remote_network net}`.
    public static let xdrLayout = XDRLayout(Self.init, .optional(\.network))
}

/// `{int callbackID; remote_nonnull_network net; opaque port[16]; int event}`: one port event.
public struct PortEventMessage: XDRStruct, Hashable {
    /// The receiving connection's registration id.
    public var callbackID: Int32
    /// The port's network.
    public var network: NetworkReference
    /// The port's UUID.
    public var port: LibvirtUUID
    /// A `PortEventKind` code, raw so newer codes still decode.
    public var event: Int32

    public init(callbackID: Int32, network: NetworkReference, port: LibvirtUUID, event: PortEventKind) {
        self.init(callbackID: callbackID, network: network, port: port, rawEvent: event.rawValue)
    }

    /// Creates the message with an event code this table may not know (as received).
    init(callbackID: Int32, network: NetworkReference, port: LibvirtUUID, rawEvent: Int32) {
        self.callbackID = callbackID
        self.network = network
        self.port = port
        event = rawEvent
    }

    /// The event as a known code.
    public var kind: PortEventKind? { PortEventKind(rawValue: event) }

    /// `{int callbackID; remote_nonnull_network net; remote_uuid port; int event}`.
    public static let xdrLayout = XDRLayout(
        { Self(callbackID: $0, network: $1, port: $2, rawEvent: $3) },
        .field(\.callbackID), .field(\.network), .field(\.port), .field(\.event)
    )
}

/// `{unsigned int flags}` of the drift report.
public struct DriftReportArgs: XDRStruct, Hashable {
    /// Compare with the kernel now (and repair what is safe) instead of returning the last report.
    public static let checkNowFlag: UInt32 = 1

    /// Flags.
    public var flags: UInt32

    public init(flags: UInt32 = 0) { self.flags = flags }

    /// `{unsigned int flags}`.
    public static let xdrLayout = XDRLayout(Self.init, .field(\.flags))
}

/// One drift item: `{string kind; string network; string object; int repaired}`.
public struct DriftItem: XDRStruct, Hashable {
    /// What kind of difference (e.g. "missing bridge").
    public var kind: String
    /// The network concerned.
    public var network: String
    /// The kernel object (device, table, pid).
    public var object: String
    /// Whether the daemon put it right.
    public var repaired: Bool

    public init(kind: String, network: String, object: String, repaired: Bool) {
        self.kind = kind
        self.network = network
        self.object = object
        self.repaired = repaired
    }

    /// `{remote_nonnull_string kind; remote_nonnull_string network; remote_nonnull_string object; int repaired}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .string(\.kind, max: RemoteLimits.string), .string(\.network, max: RemoteLimits.string),
        .string(\.object, max: RemoteLimits.string), .intFlag(\.repaired)
    )
}

/// `{DriftItem items<>; string problems<>}`: the drift report and the files that failed to load.
public struct DriftReportRet: XDRStruct, Hashable {
    /// Differences between state files and kernel.
    public var items: [DriftItem]
    /// Unreadable state or config files, and failed autostarts.
    public var problems: [String]

    public init(items: [DriftItem], problems: [String]) {
        self.items = items
        self.problems = problems
    }

    /// `{DriftItem items<REMOTE_NETWORK_PORT_LIST_MAX>; remote_nonnull_string problems<REMOTE_NETWORK_PORT_LIST_MAX>}`.
    public static let xdrLayout = XDRLayout(
        Self.init, .array(\.items, max: RemoteLimits.networkPortList),
        .strings(\.problems, max: RemoteLimits.networkPortList, elementMax: RemoteLimits.string)
    )
}
