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

    /// Refusal on a read-only connection: only a drift check (which repairs) changes anything.
    public func refusal(readOnly: Bool, arguments: [UInt8]) -> PatchbayError? {
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
public struct PortEventRegisterArgs: XDRCodable, Hashable {
    /// Only this network's ports, or all when absent.
    public var network: NetworkReference?

    /// Creates the arguments.
    public init(network: NetworkReference? = nil) { self.network = network }

    /// Writes `{remote_network net}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { try encoder.encodeOptional(network) }

    /// Reads `{remote_network net}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        network = try decoder.decodeOptional(NetworkReference.self)
    }
}

/// `{int callbackID; remote_nonnull_network net; opaque port[16]; int event}`: one port event.
public struct PortEventMessage: XDRCodable, Hashable {
    /// The receiving connection's registration id.
    public var callbackID: Int32
    /// The port's network.
    public var network: NetworkReference
    /// The port's UUID.
    public var port: LibvirtUUID
    /// A `PortEventKind` code, raw so newer codes still decode.
    public var event: Int32

    /// Creates the message.
    public init(callbackID: Int32, network: NetworkReference, port: LibvirtUUID, event: PortEventKind) {
        self.callbackID = callbackID
        self.network = network
        self.port = port
        self.event = event.rawValue
    }

    /// The event as a known code.
    public var kind: PortEventKind? { PortEventKind(rawValue: event) }

    /// Writes the fields in order.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        encoder.encode(callbackID)
        try encoder.encode(network)
        try encoder.encode(port)
        encoder.encode(event)
    }

    /// Reads the fields in order.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        callbackID = try decoder.decode(Int32.self)
        network = try decoder.decode(NetworkReference.self)
        port = try decoder.decode(LibvirtUUID.self)
        event = try decoder.decode(Int32.self)
    }
}

/// `{unsigned int flags}` of the drift report.
public struct DriftReportArgs: XDRCodable, Hashable {
    /// Compare with the kernel now (and repair what is safe) instead of returning the last report.
    public static let checkNowFlag: UInt32 = 1

    /// Flags.
    public var flags: UInt32

    /// Creates the arguments.
    public init(flags: UInt32 = 0) { self.flags = flags }

    /// Writes `{unsigned int flags}`.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { encoder.encode(flags) }

    /// Reads `{unsigned int flags}`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) { flags = try decoder.decode(UInt32.self) }
}

/// One drift item: `{string kind; string network; string object; int repaired}`.
public struct DriftItem: XDRCodable, Hashable {
    /// What kind of difference (e.g. "missing bridge").
    public var kind: String
    /// The network concerned.
    public var network: String
    /// The kernel object (device, table, pid).
    public var object: String
    /// Whether the daemon put it right.
    public var repaired: Bool

    /// Creates an item.
    public init(kind: String, network: String, object: String, repaired: Bool) {
        self.kind = kind
        self.network = network
        self.object = object
        self.repaired = repaired
    }

    /// Writes the fields in order.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeString(kind, maxLength: RemoteLimits.string)
        try encoder.encodeString(network, maxLength: RemoteLimits.string)
        try encoder.encodeString(object, maxLength: RemoteLimits.string)
        encoder.encode(repaired ? Int32(1) : Int32(0))
    }

    /// Reads the fields in order.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        kind = try decoder.decodeString(maxLength: RemoteLimits.string)
        network = try decoder.decodeString(maxLength: RemoteLimits.string)
        object = try decoder.decodeString(maxLength: RemoteLimits.string)
        repaired = try decoder.decode(Int32.self) != 0
    }
}

/// `{DriftItem items<>; string problems<>}`: the drift report and the files that failed to load.
public struct DriftReportRet: XDRCodable, Hashable {
    /// Differences between state files and kernel.
    public var items: [DriftItem]
    /// Unreadable state or config files, and failed autostarts.
    public var problems: [String]

    /// Creates the report.
    public init(items: [DriftItem], problems: [String]) {
        self.items = items
        self.problems = problems
    }

    /// Writes both lists.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try encoder.encodeArray(items, maxCount: RemoteLimits.networkPortList)
        try encoder.encodeArray(problems, maxCount: RemoteLimits.networkPortList) {
            (encoder: inout XDREncoder, text: String) throws(XDRError) in
            try encoder.encodeString(text, maxLength: RemoteLimits.string)
        }
    }

    /// Reads both lists.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        items = try decoder.decodeArray(DriftItem.self, maxCount: RemoteLimits.networkPortList)
        problems = try decoder.decodeArray(maxCount: RemoteLimits.networkPortList) {
            (decoder: inout XDRDecoder) throws(XDRError) in try decoder.decodeString(maxLength: RemoteLimits.string)
        }
    }
}
